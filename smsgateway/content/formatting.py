"""Dates and times for notices, formatted by Babel in the recipient's locale and time zone.

Local time exists only here, at render time: every value arrives as an aware UTC datetime and
is converted with `zoneinfo`, so a notice written before a daylight-saving change still shows the
wall-clock time of the appointment. Patterns come from CLDR through Babel; the words that join a
day to a time ("on ... at ...") belong to the translated sentence, not to these functions.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, tzinfo
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

import babel
from babel import Locale
from babel.core import get_cldr_version
from babel.dates import format_date, format_time, match_skeleton

# CLDR skeletons: weekday + day + month (no year: notices are about the coming weeks) and
# hour + minute with a day period ("10 in the morning") for speech.
_DAY_SKELETON = "MMMMEEEEd"
_SPOKEN_HOUR_SKELETON = "Bh"
_SPOKEN_HOUR_MINUTE_SKELETON = "Bhm"

# Babel matches skeletons without stretching field widths, so "E d MMM" comes back for French;
# a person reads and hears the full weekday and month names.
_WIDEN = re.compile(r"(?<!')\b(E{1,3}|c{3}|M{3}|L{3})\b(?!')")


def locale_data_version() -> str:
    """Which locale data formats dates here: a Babel upgrade may bring new CLDR patterns."""
    return f"Babel {babel.__version__}, CLDR {get_cldr_version()}"


def locale_data_hint() -> str:
    """What a failing locale-data check prints, so that an upgrade is reviewed, not puzzled over."""
    return (
        f"if the locale data changed ({locale_data_version()}), regenerate with "
        "SMSGATEWAY_UPDATE_SNAPSHOTS=1 (snapshots) or `smsgateway i18n extract` / `update` "
        "(catalogs) and review the diff"
    )


def _widen(match: re.Match[str]) -> str:
    field = match.group(1)
    return field[0] * 4


@cache
def get_locale(babel_locale: str) -> Locale:
    """The Babel locale for a CLDR identifier such as `fr`, `en_GB` or `fa_AF`."""
    return Locale.parse(babel_locale)


@cache
def get_time_zone(name: str) -> tzinfo:
    """The IANA time zone for a name such as `Africa/Dakar`; raises on an unknown name."""
    return ZoneInfo(name)


@cache
def _skeleton_pattern(babel_locale: str, skeleton: str) -> str:
    locale = get_locale(babel_locale)
    matched = match_skeleton(skeleton, locale.datetime_skeletons)
    if matched is None:
        raise LookupError(f"no CLDR pattern for {skeleton} in {babel_locale}")
    return str(locale.datetime_skeletons[matched].pattern)


def _local(moment: datetime, time_zone: str) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("notice times must be timezone-aware (UTC)")
    return moment.astimezone(get_time_zone(time_zone))


def day_pattern(babel_locale: str) -> str:
    """The CLDR pattern for weekday, day and month in full words, e.g. `EEEE d MMMM` in French."""
    return _WIDEN.sub(_widen, _skeleton_pattern(babel_locale, _DAY_SKELETON))


def format_day(moment: datetime, babel_locale: str, time_zone: str) -> str:
    """The local day in words: French `mardi 3 décembre`, English (GB) `Tuesday 3 December`."""
    return _format_day(_local(moment, time_zone).date(), babel_locale)


def format_clock(moment: datetime, babel_locale: str, time_zone: str) -> str:
    """The local time as the locale writes it: `10:00` in French, `10:00 AM` in US English."""
    return _format_clock(_local_time(moment, time_zone), babel_locale)


def format_spoken_time(moment: datetime, babel_locale: str, time_zone: str) -> str:
    """The local time as a person says it: `10 in the morning`, `10 du matin`, `10:30 da manhã`."""
    return _format_spoken_time(_local_time(moment, time_zone), babel_locale)


# Formatted days and times are kept per (local day or time, locale): a batch of notices names
# the same few appointment days and hours again and again, and Babel formats each in ~25 µs.
_FORMATTED = 4096


def _local_time(moment: datetime, time_zone: str) -> time:
    return _local(moment, time_zone).time()


@lru_cache(maxsize=_FORMATTED)
def _format_day(day: date, babel_locale: str) -> str:
    return format_date(day, day_pattern(babel_locale), locale=get_locale(babel_locale))


@lru_cache(maxsize=_FORMATTED)
def _format_clock(clock: time, babel_locale: str) -> str:
    return format_time(clock, "short", locale=get_locale(babel_locale))


@lru_cache(maxsize=_FORMATTED)
def _format_spoken_time(clock: time, babel_locale: str) -> str:
    skeleton = _SPOKEN_HOUR_MINUTE_SKELETON if clock.minute else _SPOKEN_HOUR_SKELETON
    # BBBB asks for the wide day period ("du matin"), not the abbreviated one ("matin").
    pattern = _skeleton_pattern(babel_locale, skeleton).replace("B", "BBBB")
    return format_time(clock, pattern, locale=get_locale(babel_locale))
