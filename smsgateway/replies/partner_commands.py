"""Parsing partner SMS commands (`ENROLLED R1234`, `INELIGIBLE R1235 too far`) into items.

Pure: nothing here looks at the database. A command is a command word (any supported language,
see the `[partner]` sections of `locales/<code>/keywords.toml`) followed by one or more referral
references; words after the references, up to the end of the line or the next command, are the
reason. Anything else is returned as unparsed fragments, so the reply to the partner can say
what was not understood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from smsgateway.replies.keywords import partner_lexicon
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


@dataclass(frozen=True)
class PartnerCommand:
    """One reported outcome for one referral."""

    action: PartnerAction
    reference: str
    reason: str = ""


@dataclass(frozen=True)
class PartnerMessage:
    """Every command found in a message, and the fragments that were not understood."""

    commands: list[PartnerCommand] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)


_LINE_BREAK = re.compile(r"[\n\r;]+")
_EDGE_PUNCTUATION = " ,.:;-\u2013\u2014()[]\"'"


@dataclass
class _Group:
    action: PartnerAction
    references: list[str] = field(default_factory=list)
    reason: list[str] = field(default_factory=list)


def parse_partner_message(text: str) -> PartnerMessage:
    """Read every command of a partner's SMS; refuse (as unparsed) what is not a command."""
    commands: list[PartnerCommand] = []
    unparsed: list[str] = []
    for line in _LINE_BREAK.split(canonicalize_reference_codes(text)):
        # A lone comma between references separates them; it is not the start of a reason.
        words = [word for word in line.split() if any(char.isalnum() for char in word)]
        line_commands, line_unparsed = _parse_line(words)
        commands.extend(line_commands)
        unparsed.extend(line_unparsed)
    return PartnerMessage(commands=commands, unparsed=unparsed)


def _reference(word: str) -> str | None:
    """The reference `word` consists of (`R1234,` → `R1234`), or None."""
    codes = find_reference_codes(word)
    if len(codes) == 1 and word.strip(_EDGE_PUNCTUATION + "#").upper() == codes[0]:
        return codes[0]
    return None


def _command_at(words: list[str], start: int) -> tuple[PartnerAction, int] | None:
    """The command word(s) at `words[start]` followed by a reference: (action, words used)."""
    lexicon = partner_lexicon()
    for length in range(min(4, len(words) - start), 0, -1):
        if start + length >= len(words) or _reference(words[start + length]) is None:
            continue
        tokens = matching_tokens(" ".join(words[start : start + length]))
        if tokens and len(tokens) <= lexicon.longest:
            found = lexicon.lookup(tokens, 0)
            if found is not None and found[0] == len(tokens):
                return PartnerAction(found[1]), length
    return None


def _parse_line(words: list[str]) -> tuple[list[PartnerCommand], list[str]]:
    groups: list[_Group] = []
    unparsed: list[list[str]] = [[]]
    position = 0
    while position < len(words):
        command = _command_at(words, position)
        reference = _reference(words[position])
        if command is not None:
            groups.append(_Group(command[0]))
            position += command[1]
            unparsed.append([])
            continue
        current = groups[-1] if groups else None
        if reference is not None and current is not None and not current.reason:
            current.references.append(reference)
        elif current is not None and current.references:
            current.reason.append(words[position])
        else:
            unparsed[-1].append(words[position])
        position += 1
    fragments = [" ".join(run).strip(_EDGE_PUNCTUATION) for run in unparsed]
    return _commands(groups), [fragment for fragment in fragments if fragment]


def _commands(groups: list[_Group]) -> list[PartnerCommand]:
    commands: list[PartnerCommand] = []
    for group in groups:
        reason = " ".join(group.reason).strip(_EDGE_PUNCTUATION)
        for reference in group.references:
            commands.append(PartnerCommand(group.action, reference, reason))
    return commands
