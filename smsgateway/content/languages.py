"""The supported languages (data in `locales/languages.toml`) and each returnee's fallback chain."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass

from smsgateway.content.cache import content_cache
from smsgateway.paths import locales_dir

DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    babel: str
    direction: str
    fallback: str
    sms: str
    voice: str
    tts_language: str
    tts_voice: str

    @property
    def is_rtl(self) -> bool:
        return self.direction == "rtl"

    @property
    def is_gsm7(self) -> bool:
        return self.sms == "gsm7"


@content_cache
def load_languages() -> dict[str, Language]:
    """Every supported language by code, in file order."""
    with (locales_dir() / "languages.toml").open("rb") as f:
        data = tomllib.load(f)
    return {row["code"]: Language(**row) for row in data["language"]}


def supported_codes() -> list[str]:
    return list(load_languages())


def normalize_code(code: str | None) -> str:
    """Map a BCP 47 tag to a supported code: `fr-SN` → `fr`, `fa-AF` → `prs`, unknown kept lower."""
    if not code:
        return ""
    tag = code.strip().replace("_", "-").lower()
    languages = load_languages()
    if tag in languages:
        return tag
    for language in languages.values():
        if tag == language.babel.replace("_", "-").lower():
            return language.code
    primary = tag.split("-", 1)[0]
    return primary


def get_language(code: str) -> Language | None:
    return load_languages().get(normalize_code(code))


def fallback_chain(
    preferred: str | None,
    extra: Iterable[str] = (),
    default: str = DEFAULT_LANGUAGE,
) -> list[str]:
    """Languages to try in order: preferred, the `extra` chain, file fallbacks, default, en.

    Unknown codes are skipped; the result is never empty and never repeats a code.
    """
    return list(_fallback_chain(preferred, tuple(extra), default))


@content_cache  # asked for every rendered message, with a handful of distinct chains
def _fallback_chain(preferred: str | None, extra: tuple[str, ...], default: str) -> tuple[str, ...]:
    languages = load_languages()
    chain: list[str] = []

    def add(code: str | None) -> None:
        seen: set[str] = set()
        current = normalize_code(code)
        while current and current in languages and current not in seen:
            seen.add(current)
            if current not in chain:
                chain.append(current)
            current = languages[current].fallback

    add(preferred)
    for code in extra:
        add(code)
    add(default)
    add(DEFAULT_LANGUAGE)
    return tuple(chain)
