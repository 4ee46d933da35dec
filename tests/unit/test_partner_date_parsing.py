"""Reading a partner's new appointment date: a reference, a day-first date, maybe a time."""

from __future__ import annotations

from datetime import time

import pytest

from smsgateway.loop.partner_dates import NewDate, parse_new_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("R1234 19/12 10:00", NewDate("R1234", 19, 12, None, time(10, 0))),
        ("r1234 le 19.12 à 14h30", NewDate("R1234", 19, 12, None, time(14, 30))),
        ("19-12-2026 9h R1234", NewDate("R1234", 19, 12, 2026, time(9, 0))),
        ("RDV R1234 : 03/01/27 15 h 00", NewDate("R1234", 3, 1, 2027, time(15, 0))),
        ("R1234 new date 5/1", NewDate("R1234", 5, 1, None, None)),
        ("R1234 29/02", NewDate("R1234", 29, 2, None, None)),
        ("#R1234 19/12 10H", NewDate("R1234", 19, 12, None, time(10, 0))),
    ],
)
def test_a_reference_and_a_day_first_date_are_read(text: str, expected: NewDate) -> None:
    assert parse_new_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "19/12 10:00",  # which referral?
        "R1234 R1235 19/12 10:00",  # which one?
        "R1234 10:00",  # no date
        "R1234 31/02 10:00",  # no such day
        "R1234 19/13",  # no such month
        "R1234 19/12 25:00",  # no such hour
        "R1234 enrolled",
    ],
)
def test_anything_else_is_not_a_new_date(text: str) -> None:
    assert parse_new_date(text) is None
