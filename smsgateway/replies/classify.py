"""What a reply means for the question it answers: conservative, never a guessed `confirm`.

The rules of meaning are documented for translators and product people in `locales/KEYWORDS.md`;
in short, in this order:

1. an opt-out keyword (or "stop sending me messages") is an opt-out whatever else is said;
2. with no open question only opt-out, opt-in and help can come out, the rest is unclear;
3. a hedge ("maybe") anywhere makes the answer unclear;
4. a negation next to a positive word turns it negative ("not ok"); any other negation beside a
   positive word is unclear;
5. an explicit statement beats a bare yes/no/digit when it is negative ("yes but I can't come");
   a request for another date beats every other statement of the reminder;
6. positives need agreement: no contradiction, no number that is not an option, no "but",
   question word or "?";
7. politeness, blessings and unknown words change nothing, but alone they are unclear.
"""

from __future__ import annotations

from dataclasses import dataclass

from smsgateway.replies.intents import OPTIONS, Intent, Question
from smsgateway.replies.keywords import Match, Signal, reply_lexicon, scan
from smsgateway.replies.normalize import matching_tokens, remove_reference_codes

#: How far (in matches) a negation reaches a positive word: "not ok", "je (ne) viens pas".
NEGATION_REACH = 2

_POSITIVE_FLIP = {
    Signal.YES: Signal.NO,
    Signal.ACK: Signal.NO,
    Signal.CONFIRM: Signal.DECLINE,
    Signal.ATTENDED_YES: Signal.ATTENDED_NO,
}
_STATEMENTS = frozenset(
    {
        Signal.CONFIRM,
        Signal.DECLINE,
        Signal.RESCHEDULE,
        Signal.ATTENDED_YES,
        Signal.ATTENDED_NO,
    }
)
_BARE = frozenset({Signal.YES, Signal.ACK, Signal.NO})
_NEGATIVE_INTENTS = frozenset({Intent.DECLINE, Intent.RESCHEDULE, Intent.ATTENDED_NO})
_FILLER = frozenset({Signal.POLITENESS, Signal.NEUTRAL})

_REMINDER_MEANING = {
    Signal.YES: Intent.CONFIRM,
    Signal.ACK: Intent.CONFIRM,
    Signal.CONFIRM: Intent.CONFIRM,
    Signal.NO: Intent.DECLINE,
    Signal.DECLINE: Intent.DECLINE,
    Signal.RESCHEDULE: Intent.RESCHEDULE,
}
_YES_NO_MEANING = {
    Signal.YES: Intent.ATTENDED_YES,
    Signal.ATTENDED_YES: Intent.ATTENDED_YES,
    Signal.NO: Intent.ATTENDED_NO,
    Signal.DECLINE: Intent.ATTENDED_NO,
    Signal.ATTENDED_NO: Intent.ATTENDED_NO,
}


@dataclass(frozen=True)
class _Reading:
    """The matches of one reply with numbers split out."""

    matches: list[Match]
    numbers: list[int]

    def has(self, signal: Signal) -> bool:
        return any(match.signal is signal for match in self.matches)

    def only(self, signal: Signal, *, numbers_allowed: bool = False) -> bool:
        """Whether `signal` is present and everything else is politeness (or numbers)."""
        if not self.has(signal) or (self.numbers and not numbers_allowed):
            return False
        allowed = _FILLER | {signal}
        return all(m.signal in allowed or m.text == "?" for m in self.matches)


def classify_reply(text: str, language: str | None, question: Question | None) -> Intent:
    """Classify `text`, written in `language`, as an answer to `question` (None: nothing open)."""
    reading = _read(text, language)
    if not reading.matches and not reading.numbers:
        return Intent.UNCLEAR
    global_intent = _global_intent(reading)
    if global_intent is not None:
        return global_intent
    if question is None or reading.has(Signal.HELP) or reading.has(Signal.OPT_IN):
        # "1 help", "yes start": an answer mixed with a request is not guessed.
        return Intent.UNCLEAR
    return _answer(reading, question)


def _read(text: str, language: str | None) -> _Reading:
    tokens = matching_tokens(remove_reference_codes(text))
    matches = scan(tokens, reply_lexicon(language))
    numbers = [int(m.text) for m in matches if _is_number(m)]
    kept = [m for m in matches if not _is_number(m)]
    return _Reading(kept, numbers)


def _is_number(match: Match) -> bool:
    return match.signal is None and match.text.isascii() and match.text.isdigit()


def _global_intent(reading: _Reading) -> Intent | None:
    """Opt-out, opt-in and help, which work whatever the question (or with none open)."""
    if reading.has(Signal.OPT_OUT):
        return Intent.OPT_OUT
    if reading.only(Signal.OPT_OUT_ALONE, numbers_allowed=True):
        return Intent.OPT_OUT
    if reading.only(Signal.OPT_IN):
        return Intent.OPT_IN
    if reading.only(Signal.HELP) or _only_question_marks(reading):
        return Intent.HELP
    return None


def _only_question_marks(reading: _Reading) -> bool:
    return not reading.numbers and all(m.text == "?" for m in reading.matches)


def _answer(reading: _Reading, question: Question) -> Intent:
    if reading.has(Signal.HEDGE):
        return Intent.UNCLEAR
    signals = _apply_negation(reading.matches)
    if signals is None:
        return Intent.UNCLEAR
    reminder = question is Question.APPOINTMENT_REMINDER
    meaning = _REMINDER_MEANING if reminder else _YES_NO_MEANING
    statements = {meaning.get(s, Intent.UNCLEAR) for s in signals if s in _STATEMENTS}
    if reminder and Intent.RESCHEDULE in statements:
        statements = {Intent.RESCHEDULE}
    if Intent.UNCLEAR in statements or len(statements) > 1:
        return Intent.UNCLEAR
    bare = {meaning[s] for s in signals if s in _BARE and s in meaning}
    options = OPTIONS[question]
    bare |= {options.get(n, Intent.UNCLEAR) for n in reading.numbers}
    if statements:
        (statement,) = statements
        if statement in _NEGATIVE_INTENTS:
            return statement
        bare.add(statement)
    if len(bare) != 1:
        return Intent.UNCLEAR
    (intent,) = bare
    if intent not in _NEGATIVE_INTENTS and _has_reservation(reading):
        return Intent.UNCLEAR
    return intent


def _has_reservation(reading: _Reading) -> bool:
    """A "but", question word or "?" leaves a positive answer in doubt."""
    return any(m.signal is Signal.RESERVATION or m.text == "?" for m in reading.matches)


def _apply_negation(matches: list[Match]) -> list[Signal] | None:
    """Signals with negated positives turned negative; None when a negation's scope is unclear."""
    signals = [m.signal for m in matches]
    negations = [i for i, s in enumerate(signals) if s is Signal.NEGATION]
    noes = [i for i, s in enumerate(signals) if s is Signal.NO]
    refusals = [i for i, s in enumerate(signals) if s in (Signal.DECLINE, Signal.ATTENDED_NO)]
    used: set[int] = set()
    for index, signal in enumerate(signals):
        if signal not in _POSITIVE_FLIP:
            continue
        near = [n for n in negations if abs(n - index) <= NEGATION_REACH]
        # A bare "no" negates a statement beside it ("আসব না", "não vou") but not a bare
        # "yes": "yes no" stays a contradiction. A refusal governs the verb after it
        # ("won't be able to come", "not yet started").
        if signal in _STATEMENTS and (
            any(abs(n - index) <= 1 for n in noes)
            or any(0 < index - r <= NEGATION_REACH for r in refusals)
        ):
            signals[index] = _POSITIVE_FLIP[signal]
        if near:
            signals[index] = _POSITIVE_FLIP[signal]
            used.update(near)
    has_positive = any(s in _POSITIVE_FLIP for s in signals)
    if has_positive and set(negations) - used:
        return None
    return [s for s in signals if s is not None]
