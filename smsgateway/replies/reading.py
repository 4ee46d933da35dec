"""A reply read into keyword matches: what the classifier's rules look at.

Reading is the same for every question: normalise, cut into keyword matches (longest first), numbers
and unknown words, then turn negated positive words negative. The rules that decide what the
reading means live in `classify`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from smsgateway.replies.keywords import Match, Signal, find_everywhere, reply_lexicon, scan
from smsgateway.replies.normalize import matching_tokens, remove_reference_codes

#: How far (in matches) a negation reaches a positive word: "not ok", "je (ne) viens pas".
NEGATION_REACH = 2

#: Words that carry no answer and never count against a message's shape.
FILLER = frozenset({Signal.POLITENESS, Signal.NEUTRAL})

POSITIVE_FLIP = {
    Signal.YES: Signal.NO,
    Signal.ACK: Signal.NO,
    Signal.CONFIRM: Signal.DECLINE,
    Signal.ATTENDED_YES: Signal.ATTENDED_NO,
}
STATEMENTS = frozenset(
    {
        Signal.CONFIRM,
        Signal.DECLINE,
        Signal.RESCHEDULE,
        Signal.ATTENDED_YES,
        Signal.ATTENDED_NO,
    }
)
_REFUSALS = frozenset({Signal.DECLINE, Signal.ATTENDED_NO})


@dataclass(frozen=True)
class Reading:
    """The matches of one reply, in order: keywords, numbers, unknown words and "?"."""

    matches: tuple[Match, ...]
    #: Opt-out keywords starting at any word, whatever the cut of the reply into matches.
    opt_outs: tuple[Match, ...] = ()

    @property
    def words(self) -> int:
        """How many words (tokens) the reply has."""
        return sum(match.end - match.start for match in self.matches)

    @property
    def unknown(self) -> list[Match]:
        """Words no keyword knows (numbers and "?" are not among them)."""
        return [match for match in self.matches if match.is_unknown]

    @property
    def numbers(self) -> list[Match]:
        return [match for match in self.matches if match.number is not None]

    def has(self, *signals: Signal) -> bool:
        return any(match.signal in signals for match in self.matches)

    def first(self, *signals: Signal) -> Match | None:
        return next((match for match in self.matches if match.signal in signals), None)

    def only(self, signal: Signal, *, numbers_allowed: bool = False) -> bool:
        """Whether `signal` is present and everything else is politeness, "?" (or numbers)."""
        if not self.has(signal):
            return False
        for match in self.matches:
            if match.signal in FILLER or match.signal is signal or match.text == "?":
                continue
            if numbers_allowed and match.number is not None:
                continue
            return False
        return True

    @property
    def only_question_marks(self) -> bool:
        return bool(self.matches) and all(match.text == "?" for match in self.matches)


def read_reply(text: str, language: str | None) -> Reading:
    """Read `text`, written in `language`, into matches.

    Number words ("one", "deux", "ɗiɗi") count as numbers only when the reply holds no unknown
    word: "two" answers, "the two of us" and "un rendez-vous" do not.
    """
    tokens = matching_tokens(remove_reference_codes(text))
    lexicon = reply_lexicon(language)
    matches = scan(tokens, lexicon)
    if any(match.is_unknown for match in matches):
        matches = [
            replace(match, number=None, is_number_word=False) if match.is_number_word else match
            for match in matches
        ]
    opt_outs = find_everywhere(tokens, lexicon, Signal.OPT_OUT)
    return Reading(tuple(matches), tuple(opt_outs))


@dataclass(frozen=True)
class Negated:
    """Signals after negation (one per match, None for numbers and unknown words)."""

    signals: tuple[Signal | None, ...]
    #: Indexes of matches whose positive meaning a negation turned negative.
    flipped: frozenset[int]


def apply_negation(matches: tuple[Match, ...]) -> Negated | None:
    """Turn negated positive words negative; None when a negation's scope is unclear."""
    signals = [match.signal for match in matches]
    negations = [i for i, s in enumerate(signals) if s is Signal.NEGATION]
    noes = [i for i, s in enumerate(signals) if s is Signal.NO]
    refusals = [i for i, s in enumerate(signals) if s in _REFUSALS]
    used: set[int] = set()
    flipped: set[int] = set()
    for index, signal in enumerate(signals):
        if signal not in POSITIVE_FLIP:
            continue
        # A yes or an "ok" is negated from before ("not ok", "pas d'accord"); a statement from
        # either side ("je (ne) viens pas").
        before_only = signal not in STATEMENTS
        near = [
            n
            for n in negations
            if abs(n - index) <= NEGATION_REACH and (n < index or not before_only)
        ]
        # A "no" right after a statement negates it ("আসব না": "will come not"); a "no" before
        # one does not ("no, I will come" is a contradiction). A refusal governs the verb after
        # it ("won't be able to come", "not yet started").
        negated_by_no = signal in STATEMENTS and (index + 1) in noes
        governed = signal in STATEMENTS and any(0 < index - r <= NEGATION_REACH for r in refusals)
        if near or negated_by_no or governed:
            signals[index] = POSITIVE_FLIP[signal]
            flipped.add(index)
            used.update(near)
    has_positive = any(s in POSITIVE_FLIP for s in signals)
    if has_positive and set(negations) - used:
        return None
    return Negated(tuple(signals), frozenset(flipped))
