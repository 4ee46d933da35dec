"""Dates and times in the recipient's locale and time zone (Babel, CLDR patterns)."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest

from smsgateway.content.formatting import (
    format_clock,
    format_day,
    format_spoken_time,
    locale_data_hint,
)

TUESDAY_9_UTC = datetime(2024, 12, 3, 9, 0, tzinfo=UTC)
# Europe/Paris leaves summer time on Sunday 25 October 2026; Africa/Dakar stays on UTC.
SATURDAY_BEFORE_DST_END = datetime(2026, 10, 24, 8, 0, tzinfo=UTC)
MONDAY_AFTER_DST_END = datetime(2026, 10, 26, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("babel_locale", "expected"),
    [
        ("fr", "mardi 3 décembre"),
        ("pt", "terça-feira, 3 de dezembro"),
        ("wo", "Talaata, 3 Desàmbar"),
        ("ha", "Talata, Disamba 3"),
        ("en_GB", "Tuesday 3 December"),
    ],
)
def test_day_is_written_in_full_words_of_the_locale(babel_locale: str, expected: str) -> None:
    assert format_day(TUESDAY_9_UTC, babel_locale, "Africa/Dakar") == expected, locale_data_hint()


def test_arabic_day_is_in_arabic_script() -> None:
    day = format_day(TUESDAY_9_UTC, "ar", "Africa/Cairo")
    letters = [c for c in day if c.isalpha()]
    assert letters
    assert all(unicodedata.name(c).startswith("ARABIC") for c in letters)


def test_french_clock_uses_24_hours_in_the_recipient_zone() -> None:
    assert format_clock(TUESDAY_9_UTC, "fr", "Africa/Dakar") == "09:00"
    assert format_clock(TUESDAY_9_UTC, "fr", "Europe/Paris") == "10:00"


def test_clock_follows_the_daylight_saving_change_of_the_recipient_zone() -> None:
    before = format_clock(SATURDAY_BEFORE_DST_END, "fr", "Europe/Paris")
    after = format_clock(MONDAY_AFTER_DST_END, "fr", "Europe/Paris")
    assert (before, after) == ("10:00", "09:00")


def test_clock_in_a_zone_without_daylight_saving_does_not_move() -> None:
    before = format_clock(SATURDAY_BEFORE_DST_END, "fr", "Africa/Dakar")
    after = format_clock(MONDAY_AFTER_DST_END, "fr", "Africa/Dakar")
    assert before == after == "08:00"


def test_day_changes_with_the_zone_near_midnight() -> None:
    late = datetime(2024, 12, 3, 23, 30, tzinfo=UTC)
    assert format_day(late, "fr", "Africa/Dakar") == "mardi 3 décembre"
    assert format_day(late, "fr", "Europe/Paris") == "mercredi 4 décembre"


@pytest.mark.parametrize(
    ("babel_locale", "expected"),
    [("en_GB", "9 in the morning"), ("fr", "9 du matin"), ("pt", "9 da manhã")],
)
def test_spoken_time_says_the_part_of_the_day(babel_locale: str, expected: str) -> None:
    assert format_spoken_time(TUESDAY_9_UTC, babel_locale, "Africa/Dakar") == expected, (
        locale_data_hint()
    )


def test_spoken_time_keeps_minutes_when_there_are_some() -> None:
    half_past = datetime(2024, 12, 3, 14, 30, tzinfo=UTC)
    assert format_spoken_time(half_past, "en_GB", "Africa/Dakar") == "2:30 in the afternoon"


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        format_day(datetime(2024, 12, 3, 9, 0), "fr", "Africa/Dakar")
