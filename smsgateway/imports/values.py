"""Values as people type them in spreadsheets: dates and times, languages, yes and no.

Dates are read day first, as in the programme's regions: `31/12/2026 14:00`, `31-12-2026`,
`31.12.2026 14h00`, and ISO `2026-12-31`, `2026-12-31 14:00`, `2026-12-31T14:00:00+00:00`.
A time without an offset is the returnee's local time.
"""

from __future__ import annotations

from datetime import datetime, time
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError

from smsgateway.content.languages import get_language, load_languages
from smsgateway.errors import Refused

_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d", "%d/%m/%y")
_TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%Hh%M", "%HH%M", "%Hh", "%I:%M %p", "%I:%M%p", "%I %p")
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100

YES = frozenset({"yes", "y", "true", "1", "x", "oui", "o", "vrai", "sim", "si", "sí"})
NO = frozenset({"no", "n", "false", "0", "", "non", "faux", "não", "nao"})


class ValueRefused(Refused):
    """The text is not a value of the expected kind; the message says what would be."""


def parse_date(text: str) -> datetime:
    """A calendar date (as a naive datetime at midnight)."""
    for pattern in _DATE_FORMATS:
        try:
            found = datetime.strptime(text.strip(), pattern)
        except ValueError:
            continue
        return _in_range(found)
    raise ValueRefused(
        "'%(text)s' is not a date: write 31/12/2026 or 2026-12-31 (day first)", text=text
    )


def parse_time(text: str) -> time:
    cleaned = " ".join(text.strip().upper().replace(".", ":").split())
    for pattern in _TIME_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern).time()
        except ValueError:
            continue
    raise ValueRefused("'%(text)s' is not a time: write 14:00", text=text)


def parse_moment(text: str, time_zone: str) -> tuple[datetime, bool]:
    """A date and time in the returnee's zone, as UTC-aware; and whether the time was given.

    A date alone is returned at midnight with False: the caller decides which time it means.
    """
    value = text.strip()
    try:
        iso = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        iso = None
    if iso is not None and ("T" in value or ":" in value):
        _in_range(iso)
        aware = iso if iso.tzinfo else iso.replace(tzinfo=ZoneInfo(time_zone))
        return aware, True
    parts = value.replace("T", " ").split(" ", 1)
    day = parse_date(parts[0])
    if len(parts) == 1 or not parts[1].strip():
        return day.replace(tzinfo=ZoneInfo(time_zone)), False
    moment = datetime.combine(day.date(), parse_time(parts[1]))
    return moment.replace(tzinfo=ZoneInfo(time_zone)), True


def _in_range(moment: datetime) -> datetime:
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise ValueRefused(
            "the year %(year)s is not between %(earliest)s and %(latest)s",
            year=moment.year,
            earliest=EARLIEST_YEAR,
            latest=LATEST_YEAR,
        )
    return moment


def parse_yes_no(text: str) -> bool:
    word = text.strip().lower()
    if word in YES:
        return True
    if word in NO:
        return False
    raise ValueRefused("'%(text)s' is not yes or no", text=text)


@cache
def _language_names() -> dict[str, str]:
    """Each supported language by its English and French names and its own name, lower case."""
    names: dict[str, str] = {}
    for language in load_languages().values():
        names[language.name.lower()] = language.code
        try:
            locale = Locale.parse(language.babel)
        except (UnknownLocaleError, ValueError):
            continue
        for display in ("en", "fr", language.babel):
            name = locale.get_display_name(display) or ""
            names.setdefault(name.lower(), language.code)
            short = locale.get_language_name(display) or ""
            names.setdefault(short.lower(), language.code)
    names.pop("", None)
    return names


def parse_language(text: str) -> str:
    """A supported language code from a code (`wo`, `fr-SN`) or a name (`Wolof`, `Français`)."""
    value = text.strip()
    if not value:
        raise ValueRefused("a language is required")
    by_name = _language_names().get(value.lower())
    if by_name:
        return by_name
    language = get_language(value) if len(value) <= 35 else None
    if language is not None:
        return language.code
    raise ValueRefused("'%(value)s' is not a supported language (code or name)", value=value)


def parse_languages(text: str) -> list[str]:
    """Several languages: `fr, en`, `fr en`, `French|English`, `Nigerian Pidgin, English`."""
    codes: list[str] = []
    for part in text.replace("|", ",").replace(";", ",").split(","):
        if not part.strip():
            continue
        try:
            codes.append(parse_language(part))
        except ValueRefused:
            if " " not in part.strip():
                raise
            codes.extend(parse_language(word) for word in part.split())
    return list(dict.fromkeys(codes))
