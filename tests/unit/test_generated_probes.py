"""Generated probes for the two dangerous errors and for false attendance, made of every
language's own keyword words.

False confirmations: the words for yes, ok, no, a negation, a confirmation, a refusal and the
option 1, put together in the shapes that have fooled the rules before ("ok thanks, not cant
come", "no I will come", "yes, I can't come", "not 1").

Missed opt-outs: each listed opt-out that is an opt-out alone, beside a no, a refusal, a "didn't
go", a yes, an ok, politeness or the option 2 ("no, stop sending", "ba zan zo ba, zan toshe ku":
I won't come, I will block you). An opt-out beats every other reading.

A corpus only holds the shapes someone wrote; a rule that goes wrong on a shape nobody wrote moves
no corpus line (a rule "a negation before a word for cancelling takes the refusal back" once
confirmed "ok thanks, not cant come" and left every corpus score as it was). Here the shapes are
made from the keyword files themselves, so a new word or a new rule meets them at once.

False attendance: a "went" or "started" beside a refusal, a "didn't go", a negation or a "?"
("yes, didn't go", "not I went", "went?") is no yes to "did you go / did you start?".

None of the first messages may be read as a confirmation of an appointment: they hold a refusal, a
negated confirmation or a contradiction, and a wrong `confirm` loses a returnee. A phrase of the
language that spans two of the pieces ("didnt" + "cancel it" is the neutral "didnt cancel it";
Kriol "n" + "ta bai" is "N ta bai", I will go) is that phrase, not the shape, and is left out.
"""

from __future__ import annotations

import itertools
import random
from functools import cache

import pytest

from smsgateway.content.languages import supported_codes
from smsgateway.inputs import reading_text
from smsgateway.replies.classify import understand_reply
from smsgateway.replies.intents import Intent, Question
from smsgateway.replies.keywords import Lexicon, Signal, load_keyword_file, reply_lexicon

#: Messages drawn for each shape in each language (a fixed seed: the same messages every run).
PER_SHAPE = 100

#: The pieces, each a section of the language's own keyword file.
PIECES = {
    "yes": Signal.YES,
    "ok": Signal.ACK,
    "no": Signal.NO,
    "not": Signal.NEGATION,
    "come": Signal.CONFIRM,
    "cannot": Signal.DECLINE,
    "didnt": Signal.ATTENDED_NO,
    "stop": Signal.OPT_OUT,
    "please": Signal.POLITENESS,
    "day": Signal.TIME,
    "aside": Signal.NEUTRAL,
    "went": Signal.ATTENDED_YES,
}

#: The shapes: pieces joined by the separator before each (" " or ", ").
SHAPES = {
    "yes not cannot": (("yes", ""), ("not", " "), ("cannot", " ")),
    "ok, not cannot": (("ok", ""), ("not", ", "), ("cannot", " ")),
    "yes, cannot": (("yes", ""), ("cannot", ", ")),
    "cannot yes": (("cannot", ""), ("yes", " ")),
    "not come": (("not", ""), ("come", " ")),
    "no come": (("no", ""), ("come", " ")),
    "come, cannot": (("come", ""), ("cannot", ", ")),
    "not yes": (("not", ""), ("yes", " ")),
    "not 1": (("not", ""), ("1", " ")),
    "ok, not 1": (("ok", ""), ("not", ", "), ("1", " ")),
    # A sign-off or who writes, thanks and a thumbs up answer nothing ("saludos cordiales,
    # gracias, Dios le bendiga 👍").
    "aside, please 👍": (("aside", ""), ("please", ", "), ("please", ", "), ("👍", " ")),
}

#: The shapes of the opt-out probe, and the question open when each is sent. Every listed opt-out
#: meets the answers (a no, a refusal, a "didn't go") and a negation closing the clause before
#: (Hausa "ba", French "pas", Bengali "na"), where negations and answers reach; the
#: other shapes are drawn like the confirmation probe's.
EVERY_STOP_SHAPES = {
    "no, stop": ((("no", ""), ("stop", ", ")), Question.APPOINTMENT_REMINDER),
    "cannot, stop": ((("cannot", ""), ("stop", ", ")), Question.APPOINTMENT_REMINDER),
    "didnt, stop": ((("didnt", ""), ("stop", ", ")), Question.ATTENDANCE_CHECK),
    "not, stop": ((("not", ""), ("stop", ", ")), Question.APPOINTMENT_REMINDER),
}
STOP_SHAPES = {
    "stop, cannot": ((("stop", ""), ("cannot", ", ")), Question.APPOINTMENT_REMINDER),
    "ok stop": ((("ok", ""), ("stop", " ")), Question.APPOINTMENT_REMINDER),
    "yes, stop": ((("yes", ""), ("stop", ", ")), Question.APPOINTMENT_REMINDER),
    "stop please": ((("stop", ""), ("please", " ")), Question.FOLLOWUP),
    "stop, 2": ((("stop", ""), ("2", ", ")), Question.APPOINTMENT_REMINDER),
    # Days after an opt-out, with no word for a list, move no one (rule 3e).
    "stop day, day": ((("stop", ""), ("day", " "), ("day", ", ")), Question.APPOINTMENT_REMINDER),
}


#: The shapes of the attendance probe: to "did you go?" and "did you start?" none may be a yes.
#: A "went" beside a refusal, a "didn't go" or a negation contradicts itself or is a no; a "went"
#: asked back ("went?") asks. (A "went" beside an event or a laughing word is left out: "ja fui
#: show", "he enrolled ❤️" are a yes said warmly, the pool cannot tell them from a wedding.)
WENT_SHAPES = {
    "yes, didnt": (("yes", ""), ("didnt", ", ")),
    "didnt, went": (("didnt", ""), ("went", ", ")),
    "not went": (("not", ""), ("went", " ")),
    "went ?": (("went", ""), ("?", " ")),
    "went, cannot": (("went", ""), ("cannot", ", ")),
}


def _plain(entries: tuple[str, ...]) -> list[str]:
    """Entries that are words or phrases, not patterns ("*n't") or gapped phrases."""
    return [entry for entry in entries if "*" not in entry and "..." not in entry]


def _pools(code: str) -> dict[str, list[str]]:
    keywords = load_keyword_file(code)
    pools = {name: _plain(keywords.reply.get(signal, ())) for name, signal in PIECES.items()}
    pools["1"] = ["1", *_plain(keywords.numbers.get(1, ()))]
    pools["2"] = ["2"]
    pools["👍"] = ["👍"]
    pools["?"] = ["?"]
    return pools


def _spans_a_joint(lexicon: Lexicon, pieces: list[str]) -> bool:
    """Whether a keyword of the language runs across the joint between two pieces."""
    tokens: list[str] = []
    for piece, after in itertools.pairwise(pieces):
        tokens += lexicon.words(piece)
        joint = len(tokens)
        following = tokens + lexicon.words(after)
        for start in range(joint):
            if any(start + length > joint for length, _ in lexicon.lookup_all(following, start)):
                return True
    return False


Shape = tuple[tuple[str, str], ...]


def _draw(code: str, shape: Shape, seed: str, every: str | None = None) -> dict[str, list[str]]:
    """Up to `PER_SHAPE` messages of `shape` in language `code`, each with its pieces; with
    `every`, one message for each word of that piece, the others drawn."""
    pools = _pools(code)
    if not all(pools[name] for name, _ in shape):
        return {}
    lexicon = reply_lexicon(code)
    rng = random.Random(f"{seed}:{code}")
    drawn: dict[str, list[str]] = {}
    for word in pools[every] if every else [None] * PER_SHAPE:
        pieces = [
            word if word is not None and name == every else rng.choice(pools[name])
            for name, _ in shape
        ]
        text = "".join(sep + piece for (_, sep), piece in zip(shape, pieces, strict=True))
        if text not in drawn and not _spans_a_joint(lexicon, pieces):
            drawn[text] = pieces
    return drawn


def _messages(code: str) -> list[str]:
    return [text for shape in SHAPES.values() for text in sorted(_draw(code, shape, "refusal"))]


def test_every_shape_is_drawn_in_english() -> None:
    """The probe is not empty: every shape yields messages from the English keyword file."""
    messages = _messages("en")
    assert len(messages) > len(SHAPES) * PER_SHAPE // 2
    assert "no i will come" in messages or any(m.startswith("no ") for m in messages)


@pytest.mark.parametrize("code", supported_codes())
def test_every_language_is_probed(code: str) -> None:
    """Languages without a negation word (Pidgin, Amharic, Tigrinya negate inside the verb or
    with their "no") still get the shapes their keyword file allows."""
    assert len(_messages(code)) >= 4 * PER_SHAPE // 2


def test_a_phrase_across_the_joint_is_not_a_shape() -> None:
    assert _spans_a_joint(reply_lexicon("en"), ["ok", "didnt", "cancel it"])
    assert _spans_a_joint(reply_lexicon("pt"), ["n", "ta bai"])
    assert not _spans_a_joint(reply_lexicon("en"), ["ok", "not", "cant come"])


@pytest.mark.slow
@pytest.mark.parametrize("code", supported_codes())
def test_no_refusal_negation_or_contradiction_confirms(code: str) -> None:
    confirmed = [
        text
        for text in _messages(code)
        if understand_reply(reading_text(text), code).intent(Question.APPOINTMENT_REMINDER)
        is Intent.CONFIRM
    ]
    assert confirmed == []


@cache
def _stops_alone(phrase: str, code: str, question: Question) -> bool:
    return understand_reply(reading_text(phrase), code).intent(question) is Intent.OPT_OUT


@pytest.mark.slow
@pytest.mark.parametrize("code", supported_codes())
def test_an_opt_out_beside_an_answer_is_still_an_opt_out(code: str) -> None:
    missed = []
    shapes = [(name, shape, None) for name, shape in STOP_SHAPES.items()]
    shapes += [(name, shape, "stop") for name, shape in EVERY_STOP_SHAPES.items()]
    for name, (shape, question), every in shapes:
        at = [piece for piece, _ in shape].index("stop")
        for text, pieces in sorted(_draw(code, shape, "stop", every).items()):
            if not _stops_alone(pieces[at], code, question):
                continue  # a listed phrase that stops only beside other words
            got = understand_reply(reading_text(text), code).intent(question)
            if got is not Intent.OPT_OUT:
                missed.append(f"{name}: {text!r} read {got}")
    assert missed == []


@pytest.mark.slow
@pytest.mark.parametrize("code", supported_codes())
def test_no_contradiction_or_question_says_the_person_went(code: str) -> None:
    said_yes = [
        f"{name} ({question}): {text!r}"
        for name, shape in WENT_SHAPES.items()
        for text in sorted(_draw(code, shape, "went"))
        for question in (Question.ATTENDANCE_CHECK, Question.FOLLOWUP)
        if understand_reply(reading_text(text), code).intent(question) is Intent.ATTENDED_YES
    ]
    assert said_yes == []
