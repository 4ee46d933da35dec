"""Reply and partner keywords, loaded from `locales/<code>/keywords.toml` (data, not code).

A language's keywords are combined with those of its fallback chain, which always ends in English;
the English file also holds what every language understands (carrier keywords, emoji). When two
languages of a chain give a phrase different meanings, the earlier language wins. The meaning of
each section is documented in `locales/KEYWORDS.md`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache

from smsgateway.content.languages import fallback_chain, load_languages
from smsgateway.paths import locales_dir
from smsgateway.replies.normalize import matching_tokens, normalize_text, squeeze

KEYWORDS_FILE = "keywords.toml"


class Signal(StrEnum):
    """What a keyword says about a reply; sections of `[reply]` in the keyword files."""

    YES = "yes"
    ACK = "ack"
    NO = "no"
    CONFIRM = "confirm"
    DECLINE = "decline"
    RESCHEDULE = "reschedule"
    ATTENDED_YES = "attended_yes"
    ATTENDED_NO = "attended_no"
    NEGATION = "negation"
    HEDGE = "hedge"
    RESERVATION = "reservation"
    POLITENESS = "politeness"
    NEUTRAL = "neutral"
    OPT_OUT = "opt_out"
    OPT_OUT_ALONE = "opt_out_alone"
    OPT_IN = "opt_in"
    HELP = "help"


#: Partner command sections of `[partner]`; values are referral status names.
PARTNER_ACTIONS = ("enrolled", "ineligible", "no_show", "dropped_out", "attended")


@dataclass(frozen=True)
class KeywordFile:
    """The raw keyword lists of one language file."""

    code: str
    reply: dict[Signal, tuple[str, ...]]
    partner: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Match:
    """One run of reply tokens: a keyword's signal, a number, or an unknown word (`signal=None`)."""

    start: int
    end: int
    signal: Signal | None
    text: str


@dataclass
class Lexicon:
    """Phrases (as token tuples) and single-token patterns with their meaning."""

    phrases: dict[tuple[str, ...], str] = field(default_factory=dict)
    patterns: list[tuple[re.Pattern[str], str]] = field(default_factory=list)
    longest: int = 1

    def add(self, entry: str, meaning: str) -> None:
        """Add `entry` unless an earlier (higher-priority) language already gave it a meaning."""
        if "*" in entry:
            self.patterns.append((_compile_pattern(entry), meaning))
            return
        key = tuple(matching_tokens(entry))
        if key and key not in self.phrases:
            self.phrases[key] = meaning
            self.longest = max(self.longest, len(key))

    def lookup(self, tokens: list[str], start: int) -> tuple[int, str] | None:
        """The longest keyword starting at `tokens[start]`: (length, meaning), or None."""
        for length in range(min(self.longest, len(tokens) - start), 0, -1):
            meaning = self.phrases.get(tuple(tokens[start : start + length]))
            if meaning is not None:
                return length, meaning
        for pattern, meaning in self.patterns:
            if pattern.fullmatch(tokens[start]):
                return 1, meaning
        return None


def _compile_pattern(entry: str) -> re.Pattern[str]:
    """`n'*` or `*n't`: a single-token pattern where `*` stands for any letters."""
    pieces = [squeeze(normalize_text(piece.strip())) for piece in entry.split("*")]
    return re.compile(".+".join(re.escape(piece) for piece in pieces))


def keyword_path(code: str) -> str:
    """Where the keyword file of language `code` lives, relative to the locales folder."""
    return f"{code}/{KEYWORDS_FILE}"


@cache
def load_keyword_file(code: str) -> KeywordFile:
    """Read `locales/<code>/keywords.toml`; a missing file is an empty one."""
    path = locales_dir() / keyword_path(code)
    data: dict[str, dict[str, list[str]]] = {}
    if path.is_file():
        with path.open("rb") as f:
            data = tomllib.load(f)
    reply = data.get("reply", {})
    unknown = set(reply) - {signal.value for signal in Signal}
    if unknown:
        raise ValueError(f"{path}: unknown [reply] sections {sorted(unknown)}")
    partner = data.get("partner", {})
    if set(partner) - set(PARTNER_ACTIONS):
        raise ValueError(f"{path}: unknown [partner] sections {sorted(partner)}")
    return KeywordFile(
        code=code,
        reply={Signal(name): tuple(words) for name, words in reply.items()},
        partner={name: tuple(words) for name, words in partner.items()},
    )


def reply_chain(language: str | None) -> tuple[str, ...]:
    """The languages whose keywords serve `language`, most specific first, English last."""
    return tuple(fallback_chain(language))


@cache
def _reply_lexicon(chain: tuple[str, ...]) -> Lexicon:
    lexicon = Lexicon()
    for code in chain:
        for signal, words in load_keyword_file(code).reply.items():
            for word in words:
                lexicon.add(word, signal.value)
    return lexicon


def reply_lexicon(language: str | None) -> Lexicon:
    """The combined reply keywords for `language` (unknown codes get English and universal ones)."""
    return _reply_lexicon(reply_chain(language))


@cache
def partner_lexicon() -> Lexicon:
    """Partner command words of every supported language: a partner may write in any of them."""
    lexicon = Lexicon()
    for code in ("en", *load_languages()):
        for action, words in load_keyword_file(code).partner.items():
            for word in words:
                lexicon.add(word, action)
    return lexicon


def scan(tokens: list[str], lexicon: Lexicon) -> list[Match]:
    """Cut `tokens` into keyword matches, longest first, and unknown single tokens."""
    matches: list[Match] = []
    position = 0
    while position < len(tokens):
        found = lexicon.lookup(tokens, position)
        length, signal = (found[0], Signal(found[1])) if found else (1, None)
        text = " ".join(tokens[position : position + length])
        matches.append(Match(position, position + length, signal, text))
        position += length
    return matches
