"""What a reply means for the question it answers: conservative, never a guessed `confirm`.

The rules of meaning apply in the order of `RULES` (documented for translators and product people
in `locales/KEYWORDS.md`): first what works whatever the question (opt-out, opt-in, help), then
the answer to the open question (`answers`). Every decision names the rule that made it and the
words it rests on, so `smsgateway replies classify --explain` can show why a reply was read the
way it was.
"""

from __future__ import annotations

from smsgateway.replies.answers import read_answer
from smsgateway.replies.decision import RULES, Decision
from smsgateway.replies.intents import FREE_TEXT, Intent, Question
from smsgateway.replies.keywords import Match, Signal
from smsgateway.replies.reading import FILLER, Reading, read_reply

__all__ = ["RULES", "Decision", "classify_reply", "explain_reply"]

#: Longer replies are not read as answers (an opt-out still counts).
MAX_WORDS = 25
#: Unknown words a request phrase ("I need help", "send me the messages again") may carry.
REQUEST_UNKNOWN_WORDS = 2


def classify_reply(text: str, language: str | None, question: Question | None) -> Intent:
    """Classify `text`, written in `language`, as an answer to `question` (None: nothing open)."""
    return explain_reply(text, language, question).intent


def explain_reply(text: str, language: str | None, question: Question | None) -> Decision:
    """Like `classify_reply`, with the rule that decided and the words it rests on."""
    reading = read_reply(text, language)
    if not reading.matches:
        return Decision(Intent.UNCLEAR, "nothing_readable")
    decision = _global_decision(reading)
    free_text = FREE_TEXT.get(question) if question is not None else None
    if free_text is not None and (decision is None or decision.rule == "too_long"):
        # "Why?": a long answer is still a reason; what else it says is for the managers.
        return _free_text(reading, free_text)
    if decision is not None:
        return decision
    if question is None:
        return Decision(Intent.UNCLEAR, "no_open_question")
    request = reading.first(Signal.HELP, Signal.OPT_IN)
    if request is not None:
        # "1 help", "yes start": an answer mixed with a request is not guessed.
        return Decision(Intent.UNCLEAR, "request_beside_answer", (request.text,))
    return read_answer(reading, question)


def _global_decision(reading: Reading) -> Decision | None:
    """Opt-out, opt-in and help, which work whatever the question (or with none open)."""
    opt_out = reading.opt_outs[0] if reading.opt_outs else None
    if opt_out is not None:
        return Decision(Intent.OPT_OUT, "opt_out", (opt_out.text,))
    if reading.only(Signal.OPT_OUT_ALONE, numbers_allowed=True):
        return Decision(Intent.OPT_OUT, "opt_out_alone", reading.texts(Signal.OPT_OUT_ALONE))
    command = _leading(reading)
    if command is not None and command.signal is Signal.FEEDBACK:
        return Decision(Intent.FEEDBACK, "feedback", (command.text,))
    if reading.words > MAX_WORDS:
        return Decision(Intent.UNCLEAR, "too_long", (f"{reading.words} words",))
    if reading.mistaken_opt_outs:
        words = tuple(m.text for m in reading.mistaken_opt_outs)
        return Decision(Intent.OPT_IN, "stop_by_mistake", words)
    again = _asks_again(reading)
    if again is not None:
        return again
    for signal, intent, rule in (
        (Signal.OPT_IN, Intent.OPT_IN, "opt_in"),
        (Signal.HELP, Intent.HELP, "help"),
    ):
        if _is_request(reading, signal):
            return Decision(intent, rule, reading.texts(signal))
    if reading.only_question_marks:
        return Decision(Intent.HELP, "help", ("?",))
    return None


def _leading(reading: Reading) -> Match | None:
    """The first match that is not politeness: where a command word must stand."""
    return next((m for m in reading.matches if m.signal not in FILLER), None)


#: Words that answer a yes/no question but say nothing of why.
_NOT_A_REASON = frozenset({*FILLER, Signal.YES, Signal.NO, Signal.ACK, Signal.PRAISE})


def _free_text(reading: Reading, intent: Intent) -> Decision:
    """A few words of why: anything beyond yes, no, ok, numbers and politeness."""
    words = tuple(
        m.text
        for m in reading.matches
        if m.signal not in _NOT_A_REASON and m.number is None and m.text != "?"
    )
    if not words:
        return Decision(Intent.UNCLEAR, "no_reason", tuple(m.text for m in reading.matches))
    return Decision(intent, "reason", words[:5])


def _is_request(reading: Reading, signal: Signal) -> bool:
    """`signal` with nothing but politeness, "?" and, beside a phrase, a few unknown words.

    An opt-in phrase may also carry a yes or an "ok" ("yes, send me the reminders again"); a
    single word may not ("yes start": START may be a word of the answer), nor a request for help
    ("ok who is this" may answer the reminder and ask besides). A request for help may carry a
    hedge ("call me, I don't understand").
    """
    requests = [m for m in reading.matches if m.signal is signal]
    if not requests:
        return False
    is_phrase = any(m.is_phrase for m in requests)
    agreeing: tuple[Signal, ...] = ()
    if is_phrase and signal is Signal.OPT_IN:
        agreeing = (Signal.YES, Signal.ACK)
    elif signal is Signal.HELP:
        agreeing = (Signal.HEDGE,)  # "call me, I don't understand"; "call me" alone is a hedge
    others = [
        m
        for m in reading.matches
        if m.signal is not signal
        and m.signal not in FILLER
        and m.signal not in agreeing
        and m.text != "?"
    ]
    if any(not m.is_unknown for m in others):
        return False
    return len(others) <= (REQUEST_UNKNOWN_WORDS if is_phrase else 0)


_SENDING = frozenset({Signal.OPT_IN, Signal.SEND, Signal.MESSAGES})
_NOT_AGAIN = frozenset(
    {Signal.NEGATION, Signal.NO, Signal.DECLINE, Signal.HEDGE, Signal.RESERVATION, Signal.HELP}
)


def _asks_again(reading: Reading) -> Decision | None:
    """ "START again", "send me the messages again", "I want the reminders back": a word for
    "again" beside START, a word for sending or for the messages, and no refusal or question."""
    present = {m.signal for m in reading.matches}
    if Signal.AGAIN not in present or not present & _SENDING or present & _NOT_AGAIN:
        return None
    unknown = [m for m in reading.matches if m.is_plain_unknown]
    if len(unknown) > REQUEST_UNKNOWN_WORDS + 1 or reading.numbers:
        return None
    words = tuple(m.text for m in reading.matches if m.signal in _SENDING | {Signal.AGAIN})
    return Decision(Intent.OPT_IN, "opt_in", words)
