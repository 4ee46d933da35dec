"""Scores of the reply classifier on labelled corpora: accuracy and the two dangerous errors.

A corpus is JSON lines `{"lang", "question", "text", "intent"}` with an optional `"kind"` (what
sort of reply it is, e.g. `chatter` or `opt_out_sentence`). The dangerous errors are a reply of any
other intent read as `confirm` (a returnee lost) and an opt-out read as anything else (someone
texted after asking us to stop). Replies read as an opt-out that are none (a complaint that a
message never came, "please don't delete my number") are counted too: they stop a returnee's
messages. A missed opt-out read `unclear` that speaks of the messages is answered with how to
stop (`ack_unclear_stop`): those are counted as told how to stop.

A held-back corpus (a file whose name contains `heldback`) keeps its meaning only while nobody
tunes the rules on its replies, so its misses are counted, never shown.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from smsgateway.inputs import reading_text
from smsgateway.replies.classify import understand_reply
from smsgateway.replies.intents import Intent, Question

HELD_BACK_MARK = "heldback"


class CorpusError(ValueError):
    """A corpus line that cannot be scored; the message names the file and line."""


@dataclass(frozen=True)
class LabelledReply:
    """One corpus line: a reply, its language, the open question and the right intent."""

    language: str
    question: Question | None
    text: str
    intent: Intent
    kind: str = ""


@dataclass
class Tally:
    total: int = 0
    right: int = 0

    def add(self, *, is_right: bool) -> None:
        self.total += 1
        self.right += is_right

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0


@dataclass(frozen=True)
class Miss:
    reply: LabelledReply
    got: Intent


@dataclass
class Score:
    """Accuracy overall, per language, per kind and per right intent, and the dangerous errors."""

    name: str
    overall: Tally = field(default_factory=Tally)
    by_language: dict[str, Tally] = field(default_factory=dict)
    by_kind: dict[str, Tally] = field(default_factory=dict)
    by_intent: dict[str, Tally] = field(default_factory=dict)
    false_confirms: int = 0
    missed_opt_outs: int = 0
    #: Replies of any other intent read as an opt-out: the returnee's messages stop.
    false_opt_outs: int = 0
    #: Missed opt-outs read as unclear replies about the messages: answered with how to stop.
    told_how_to_stop: int = 0
    misses: list[Miss] = field(default_factory=list)

    def add(self, reply: LabelledReply, got: Intent, *, about_the_messages: bool = False) -> None:
        is_right = got is reply.intent
        self.overall.add(is_right=is_right)
        self.by_language.setdefault(reply.language, Tally()).add(is_right=is_right)
        self.by_kind.setdefault(reply.kind or "-", Tally()).add(is_right=is_right)
        self.by_intent.setdefault(reply.intent.value, Tally()).add(is_right=is_right)
        if is_right:
            return
        self.misses.append(Miss(reply, got))
        self.false_confirms += got is Intent.CONFIRM
        self.missed_opt_outs += reply.intent is Intent.OPT_OUT
        self.told_how_to_stop += (
            reply.intent is Intent.OPT_OUT and got is Intent.UNCLEAR and about_the_messages
        )
        self.false_opt_outs += got is Intent.OPT_OUT


def is_held_back(path: Path) -> bool:
    """Whether `path` is a held-back corpus, whose replies are never shown."""
    return HELD_BACK_MARK in path.name


def load_corpus(path: Path) -> list[LabelledReply]:
    """Read a corpus file; a malformed line raises `CorpusError` naming the line (not its text)."""
    replies = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                replies.append(_parse(line, f"{path.name}:{number}"))
    return replies


def _parse(line: str, where: str) -> LabelledReply:
    try:
        item = json.loads(line)
        question = item.get("question")
        return LabelledReply(
            language=str(item.get("lang") or ""),
            question=Question(question) if question else None,
            text=_string(item["text"]),
            intent=Intent(item["intent"]),
            kind=str(item.get("kind") or ""),
        )
    except (json.JSONDecodeError, KeyError, ValueError, TypeError, AttributeError) as error:
        raise CorpusError(f"{where}: {type(error).__name__} {error}") from None


def _string(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("text: expected a string")
    return value


def score_replies(name: str, replies: Iterable[LabelledReply]) -> Score:
    """Classify every reply and tally the results."""
    score = Score(name)
    for reply in replies:
        # Read as the service reads a reply (bounded): the score is the service's.
        understood = understand_reply(reading_text(reply.text), reply.language)
        score.add(
            reply,
            understood.intent(reply.question),
            about_the_messages=understood.speaks_of_the_messages,
        )
    return score


def score_file(path: Path) -> Score:
    return score_replies(path.name, load_corpus(path))


def format_language_table(scores: list[Score]) -> str:
    """A Markdown table: accuracy per language for each corpus, then the totals and errors."""
    languages = sorted({code for score in scores for code in score.by_language})
    header = "| language | " + " | ".join(score.name for score in scores) + " |"
    rule = "|---|" + "---|" * len(scores)
    rows = [header, rule]
    for code in languages:
        cells = [_cell(score.by_language.get(code)) for score in scores]
        rows.append(f"| {code} | " + " | ".join(cells) + " |")
    rows.append("| **overall** | " + " | ".join(_cell(s.overall) for s in scores) + " |")
    rows.append("| false confirms | " + " | ".join(str(s.false_confirms) for s in scores) + " |")
    rows.append("| missed opt-outs | " + " | ".join(str(s.missed_opt_outs) for s in scores) + " |")
    rows.append("| false opt-outs | " + " | ".join(str(s.false_opt_outs) for s in scores) + " |")
    return "\n".join(rows)


def format_kind_table(scores: list[Score]) -> str:
    """A Markdown table: accuracy per kind of reply (issue 16's list) for each corpus."""
    kinds = sorted({kind for score in scores for kind in score.by_kind})
    rows = ["| kind | " + " | ".join(score.name for score in scores) + " |"]
    rows.append("|---|" + "---|" * len(scores))
    for kind in kinds:
        cells = [_cell(score.by_kind.get(kind)) for score in scores]
        rows.append(f"| {kind} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _cell(tally: Tally | None) -> str:
    if tally is None or not tally.total:
        return "—"
    return f"{tally.accuracy:.1%} of {tally.total}"
