"""Parsing partner SMS commands (`ENROLLED R1234`, `R1234 absent`, `1 INSCRIT`) into items.

Pure: nothing here looks at the database. A command is a status word (any supported language,
see the `[partner]` sections of `locales/<code>/keywords.toml`) and what it is about, written
before or after it:

- one or more referral references (`ENROLLED R1234 R1235`, `R1234 R1235 absent`);
- line numbers of the last digest the partner received (`1 ENROLLED, 2 ABSENT`);
- nothing, when the word is all the line says (`INSCRIT`): the answer to a question about one
  referral.

A line without a status word may answer with the question's option digits: `1`, `R1234 2`, or
`<line> <option>` for a digest (`2 3`). Words after the references of a command, up to the end
of the line or the next command, are its reason. A command whose word directly follows a
negation ("not enrolled", "pas inscrit"), or whose reason is nothing but status words
("ENROLLED R1234 absent"), is not guessed: it is returned as unparsed, like anything else that
is not understood, so the reply to the partner says what was not understood and a caseworker
sees it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache

from smsgateway.content.languages import load_languages
from smsgateway.replies.keywords import Lexicon, Signal, load_keyword_file, partner_lexicon
from smsgateway.replies.normalize import (
    canonicalize_reference_codes,
    find_reference_codes,
    matching_tokens,
)


class PartnerAction(StrEnum):
    """What a partner reports; the values are the referral status names."""

    ENROLLED = "enrolled"
    INELIGIBLE = "ineligible"
    NO_SHOW = "no_show"
    DROPPED_OUT = "dropped_out"
    ATTENDED = "attended"


#: The option digits of a partner question, in the order the question lists them.
OPTION_ACTIONS: dict[int, PartnerAction] = {
    1: PartnerAction.ENROLLED,
    2: PartnerAction.NO_SHOW,
    3: PartnerAction.INELIGIBLE,
    4: PartnerAction.ATTENDED,
}


@dataclass(frozen=True)
class PartnerCommand:
    """One reported outcome for one referral: by reference, by digest line, or (neither) for the
    referral of the last question about one referral."""

    action: PartnerAction
    reference: str = ""
    reason: str = ""
    line: int | None = None


@dataclass(frozen=True)
class PartnerMessage:
    """Every command found in a message, and the fragments that were not understood."""

    commands: list[PartnerCommand] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)


_LINE_BREAK = re.compile(r"[\n\r;]+")
_EDGE_PUNCTUATION = " ,.:;-\u2013\u2014()[]\"'=)"
#: "R1234 est inscrit", "R1234 has been enrolled": words allowed between a reference and its word.
_MAX_FILLERS = 2
#: Line numbers and option digits are short; longer numbers are words (ages, dates).
_MAX_SMALL_NUMBER = 99


@dataclass(frozen=True)
class _Item:
    """One piece of a line: a reference, a small number, a status word, or another word."""

    start: int  # word index
    end: int
    kind: str  # "reference" | "number" | "action" | "word"
    value: str = ""
    text: str = ""  # as written


@dataclass
class _Group:
    start: int
    end: int
    action: PartnerAction | None = None
    targets: list[_Item] = field(default_factory=list)
    reason: list[_Item] = field(default_factory=list)
    is_reference_first: bool = False
    is_doubtful: bool = False
    fillers: int = 0  # words between references and their status word ("R1234 est inscrit")


def parse_partner_message(text: str) -> PartnerMessage:
    """Read every command of a partner's SMS; return what is not a command as unparsed."""
    commands: list[PartnerCommand] = []
    unparsed: list[str] = []
    for line in _LINE_BREAK.split(canonicalize_reference_codes(text)):
        # A lone comma between references separates them; it is not the start of a reason.
        words = [word for word in line.split() if any(char.isalnum() for char in word)]
        line_commands, line_unparsed = _parse_line(words)
        commands.extend(line_commands)
        unparsed.extend(line_unparsed)
    if commands:  # greetings and thanks around commands are not "not understood"
        unparsed = [fragment for fragment in unparsed if not _is_politeness(fragment)]
    return PartnerMessage(commands=commands, unparsed=unparsed)


def _parse_line(words: list[str]) -> tuple[list[PartnerCommand], list[str]]:
    items = _items(words)
    if not any(item.kind == "action" for item in items):
        commands, used = _options(items)
    else:
        groups = _groups(items)
        commands, used = [], set()
        for group in groups:
            found = _commands_of(group, alone=len(items) == 1)
            if found:
                commands.extend(found)
                used.update(range(group.start, group.end))
    return commands, _fragments(words, used)


def _items(words: list[str]) -> list[_Item]:
    items: list[_Item] = []
    position = 0
    while position < len(words):
        action = _action_at(words, position)
        if action is not None:
            text = " ".join(words[position : position + action[1]])
            items.append(_Item(position, position + action[1], "action", action[0], text))
            position += action[1]
            continue
        word = words[position]
        reference = _reference(word)
        bare = word.strip(_EDGE_PUNCTUATION)
        if reference is not None:
            items.append(_Item(position, position + 1, "reference", reference, word))
        elif bare.isascii() and bare.isdigit() and int(bare) <= _MAX_SMALL_NUMBER:
            items.append(_Item(position, position + 1, "number", str(int(bare)), word))
        else:
            items.append(_Item(position, position + 1, "word", word, word))
        position += 1
    return items


def _groups(items: list[_Item]) -> list[_Group]:
    """Group status words with the references or line numbers written before or after them."""
    groups: list[_Group] = []
    current: _Group | None = None
    for index, item in enumerate(items):
        following = items[index + 1] if index + 1 < len(items) else None
        if item.kind == "action":
            if _starts_command(current, following):
                current = _take_action(groups, current, item)
                current.is_doubtful |= index > 0 and _is_negation(items[index - 1])
            elif current is not None and current.action is not None and current.targets:
                current.reason.append(item)  # "INELIGIBLE R1234 absent documents"
            else:  # a status word alone, or before words that are no target
                current = _Group(item.start, item.end, action=PartnerAction(item.value))
                current.is_doubtful |= index > 0 and _is_negation(items[index - 1])
                groups.append(current)
        elif _is_target(current, item):
            if (
                current is None
                or current.reason
                or current.is_reference_first
                or (current.targets and current.targets[0].kind != item.kind)
            ):
                current = _Group(item.start, item.end)
                groups.append(current)
            elif current.action is not None and not current.targets and current.end < item.start:
                current.is_doubtful = True  # words between a status word and its reference
            current.targets.append(item)
        elif current is not None and current.action is not None and current.targets:
            current.reason.append(item)
        elif current is not None and current.action is None:
            current.fillers += 1
            current.is_doubtful |= _is_negation(item)
            if current.fillers > _MAX_FILLERS:
                current = None  # references followed by a sentence: no command
                continue
        else:
            continue
        current.end = item.end
    return groups


def _take_action(groups: list[_Group], current: _Group | None, item: _Item) -> _Group:
    """The status word ends a reference-first group, or starts a new one."""
    if current is not None and current.action is None and current.targets:
        current.action, current.is_reference_first = PartnerAction(item.value), True
        return current
    group = _Group(item.start, item.end, action=PartnerAction(item.value))
    groups.append(group)
    return group


def _is_target(current: _Group | None, item: _Item) -> bool:
    """References always; a small number unless a reason has begun or references came first
    ("INELIGIBLE R1234 18 ans": the number is part of the reason)."""
    if item.kind == "reference":
        return True
    if item.kind != "number":
        return False
    if current is None or current.is_reference_first:
        return True
    return not current.reason and not _has(current, "reference")


def _has(group: _Group, kind: str) -> bool:
    return any(target.kind == kind for target in group.targets)


def _starts_command(current: _Group | None, following: _Item | None) -> bool:
    """A status word starts a command when a target follows it or targets wait before it."""
    if following is not None and following.kind in ("reference", "number"):
        return True
    return current is not None and current.action is None and bool(current.targets)


def _commands_of(group: _Group, *, alone: bool) -> list[PartnerCommand]:
    if group.action is None or group.is_doubtful:
        return []
    if not group.targets:
        return [PartnerCommand(group.action)] if alone else []
    if group.reason and all(item.kind == "action" for item in group.reason):
        return []  # "ENROLLED R1234 absent": which one is meant is not guessed
    reason = " ".join(item.text for item in group.reason).strip(_EDGE_PUNCTUATION)
    reason = "" if _is_politeness(reason) else reason
    return [
        PartnerCommand(group.action, target.value, reason)
        if target.kind == "reference"
        else PartnerCommand(group.action, reason=reason, line=int(target.value))
        for target in group.targets
    ]


def _options(items: list[_Item]) -> tuple[list[PartnerCommand], set[int]]:
    """A line without status words: option digits (`1`, `R1234 2`, digest `2 3`), else nothing."""
    kinds = [item.kind for item in items]
    if kinds == ["number"]:
        action = OPTION_ACTIONS.get(int(items[0].value))
        return ([PartnerCommand(action)], {0}) if action else ([], set())
    if len(items) % 2 or not items:
        return [], set()
    commands = []
    for target, option in zip(items[::2], items[1::2], strict=True):
        action = OPTION_ACTIONS.get(int(option.value)) if option.kind == "number" else None
        if action is None or target.kind not in ("reference", "number"):
            return [], set()
        if target.kind == "reference":
            commands.append(PartnerCommand(action, target.value))
        else:
            commands.append(PartnerCommand(action, line=int(target.value)))
    return commands, set(range(items[0].start, items[-1].end))


def _fragments(words: list[str], used: set[int]) -> list[str]:
    """The runs of words no command used, as written."""
    fragments: list[str] = []
    run: list[str] = []
    for index, word in enumerate(words):
        if index in used:
            if run:
                fragments.append(" ".join(run))
            run = []
        else:
            run.append(word)
    if run:
        fragments.append(" ".join(run))
    cleaned = [fragment.strip(_EDGE_PUNCTUATION) for fragment in fragments]
    return [fragment for fragment in cleaned if fragment]


def _reference(word: str) -> str | None:
    """The reference `word` consists of (`R1234,` → `R1234`), or None."""
    codes = find_reference_codes(word)
    if len(codes) == 1 and word.strip(_EDGE_PUNCTUATION + "#").upper() == codes[0]:
        return codes[0]
    return None


def _action_at(words: list[str], start: int) -> tuple[str, int] | None:
    """The status word(s) at `words[start]`: (action, words used), longest first."""
    lexicon = partner_lexicon()
    for length in range(min(4, len(words) - start), 0, -1):
        tokens = matching_tokens(" ".join(words[start : start + length]))
        if tokens and len(tokens) <= lexicon.longest:
            found = lexicon.lookup(tokens, 0)
            if found is not None and found[0] == len(tokens):
                return found[1], length
    return None


def _is_negation(item: _Item) -> bool:
    """Whether a word negates the status word after it ("not", "pas", "n'est")."""
    if item.kind != "word":
        return False
    tokens = matching_tokens(item.value)
    return bool(tokens) and _negations().lookup(tokens, len(tokens) - 1) is not None


def _is_politeness(fragment: str) -> bool:
    """Greetings and thanks around commands ("Bonjour,", "merci") are not left unparsed."""
    tokens = matching_tokens(fragment)
    position = 0
    while position < len(tokens):
        found = _politeness().lookup(tokens, position)
        if found is None:
            return False
        position += found[0]
    return bool(tokens)


@cache
def _negations() -> Lexicon:
    """Negation words of every language's reply keywords: a partner may write in any of them."""
    return _reply_words((Signal.NEGATION, Signal.NO), single_words=True)


@cache
def _politeness() -> Lexicon:
    return _reply_words((Signal.POLITENESS,), single_words=False)


def _reply_words(signals: tuple[Signal, ...], *, single_words: bool) -> Lexicon:
    lexicon = Lexicon()
    for code in ("en", *load_languages()):
        for signal in signals:
            for word in load_keyword_file(code).reply.get(signal, ()):
                if not single_words or len(matching_tokens(word)) <= 1:
                    lexicon.add(word, signal.value)
    return lexicon
