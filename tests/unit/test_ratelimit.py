"""The shared send window's view of the database clock: the fastest answer sets the offset."""

from __future__ import annotations

import pytest

from smsgateway.ratelimit.shared import DatabaseClock


def test_the_fastest_answer_sets_the_offset() -> None:
    clock = DatabaseClock()
    assert clock.offset(database_now=100.0, local_now=100.030) == pytest.approx(0.030)
    assert clock.offset(database_now=101.0, local_now=101.002) == pytest.approx(0.002)
    assert clock.offset(database_now=102.0, local_now=102.050) == pytest.approx(0.002)


def test_a_stepped_clock_is_followed_once_the_older_answers_are_forgotten() -> None:
    clock = DatabaseClock(samples=3)
    clock.offset(database_now=100.0, local_now=100.001)
    for second in range(3):
        offset = clock.offset(database_now=200.0 + second, local_now=205.0 + second)
    assert offset == pytest.approx(5.0)
