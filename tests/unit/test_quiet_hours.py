"""Quiet hours, local wall-clock times across DST changes, and the programme file."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from smsgateway.config import load_settings
from smsgateway.errors import InvalidInput
from smsgateway.models import Returnee
from smsgateway.planning import add_months, allowed_hours_for, at_local_time
from smsgateway.programme import load_programme, programme_of
from smsgateway.quiet_hours import AllowedHours, next_allowed_time

PARIS, DAKAR, NEW_YORK = "Europe/Paris", "Africa/Dakar", "America/New_York"


def local(zone: str, year: int, month: int, day: int, hour: int) -> datetime:
    """A local wall-clock hour as UTC."""
    return datetime(year, month, day, hour, tzinfo=ZoneInfo(zone)).astimezone(UTC)


@pytest.mark.parametrize(
    ("zone", "when", "expected"),
    [
        # Dakar keeps UTC all year: 21:00 waits for 08:00 the next morning.
        (DAKAR, local(DAKAR, 2026, 12, 1, 21), local(DAKAR, 2026, 12, 2, 8)),
        # Paris, the evening before the spring change: the next 08:00 is already summer time.
        (PARIS, local(PARIS, 2026, 3, 28, 21), local(PARIS, 2026, 3, 29, 8)),
        (PARIS, local(PARIS, 2026, 3, 29, 5), local(PARIS, 2026, 3, 29, 8)),
        # New York changes on 8 March 2026.
        (NEW_YORK, local(NEW_YORK, 2026, 3, 7, 23), local(NEW_YORK, 2026, 3, 8, 8)),
        (NEW_YORK, local(NEW_YORK, 2026, 3, 8, 12), local(NEW_YORK, 2026, 3, 8, 12)),
    ],
)
def test_notice_in_quiet_hours_moves_to_the_next_local_eight_oclock_and_others_stay(
    zone: str, when: datetime, expected: datetime
) -> None:
    assert next_allowed_time(when, zone, AllowedHours()) == expected


def test_the_utc_hour_of_local_eight_oclock_shifts_with_the_paris_dst_change() -> None:
    before = next_allowed_time(local(PARIS, 2026, 3, 28, 6), PARIS, AllowedHours())
    after = next_allowed_time(local(PARIS, 2026, 3, 29, 6), PARIS, AllowedHours())
    assert (before.hour, after.hour) == (7, 6)


def test_allowed_hours_spanning_midnight_let_the_night_through() -> None:
    night = AllowedHours(start=time(22), end=time(6))
    late = local(NEW_YORK, 2026, 3, 7, 23)
    assert next_allowed_time(late, NEW_YORK, night) == late
    assert next_allowed_time(local(NEW_YORK, 2026, 3, 8, 12), NEW_YORK, night) == local(
        NEW_YORK, 2026, 3, 8, 22
    )


@pytest.mark.parametrize(
    ("day", "zone", "expected_utc_hour"),
    [
        (date(2026, 3, 28), PARIS, 8),  # winter time, UTC+1
        (date(2026, 3, 29), PARIS, 7),  # summer time from 02:00 that morning, UTC+2
        (date(2026, 3, 7), NEW_YORK, 14),
        (date(2026, 3, 8), NEW_YORK, 13),
        (date(2026, 3, 29), DAKAR, 9),
    ],
)
def test_a_local_clock_time_is_the_same_wall_time_on_both_sides_of_a_dst_change(
    day: date, zone: str, expected_utc_hour: int
) -> None:
    moment = at_local_time(day, time(9), zone)
    assert moment.hour == expected_utc_hour
    assert moment.astimezone(ZoneInfo(zone)).time() == time(9)


def test_a_wall_time_skipped_by_the_spring_change_moves_forward() -> None:
    moment = at_local_time(date(2026, 3, 29), time(2, 30), PARIS)
    assert moment.astimezone(ZoneInfo(PARIS)).time() == time(3, 30)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 12, 1), 1, date(2027, 1, 1)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 3, 15), 4, date(2026, 7, 15)),
    ],
)
def test_months_are_added_on_the_calendar_and_clamped_to_short_months(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


def test_returnee_quiet_hours_are_the_quiet_period_and_override_the_programme() -> None:
    programme = load_programme()
    plain = Returnee(time_zone=DAKAR)
    night_owl = Returnee(time_zone=DAKAR, quiet_hours_start=time(23), quiet_hours_end=time(10))
    assert allowed_hours_for(plain, programme) == programme.allowed_hours
    assert allowed_hours_for(night_owl, programme) == AllowedHours(start=time(10), end=time(23))


def test_default_programme_holds_the_documented_offsets() -> None:
    programme = load_programme()
    assert programme.reminder_days_before == (3, 1)
    assert programme.reminder_time == time(9)
    assert programme.followup_months == (1, 4, 6)
    assert programme.allowed_hours == AllowedHours(start=time(8), end=time(20))
    assert programme.validity_of("referral_created") == timedelta(days=2)


def test_programme_file_setting_replaces_the_default(tmp_path: Path) -> None:
    default = Path(__file__).parents[2] / "smsgateway" / "programme.toml"
    custom = tmp_path / "programme.toml"
    custom.write_text(
        default.read_text(encoding="utf-8").replace("days_before = [3, 1]", "days_before = [2]"),
        encoding="utf-8",
    )
    settings = load_settings(
        environ={"SMSGATEWAY_PROGRAMME_FILE": str(custom)},
        overrides={"instance_path": tmp_path},
    )
    assert programme_of(settings).reminder_days_before == (2,)


def test_a_programme_file_with_a_missing_section_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "programme.toml"
    broken.write_text('[reminders]\ndays_before = [1]\nlocal_time = "09:00"\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match="programme file"):
        load_programme(str(broken))
