"""Quiet hours: the local hours in which a recipient may receive messages.

Nothing is sent outside a recipient's allowed hours (default 08:00-20:00 in their time zone); a
notice due in quiet hours moves to the next allowed minute. Times are built in the recipient's
zone with `zoneinfo`, so the answer stays right across DST changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class AllowedHours:
    """Local wall-clock window [start, end); start > end means it spans midnight."""

    start: time = time(8, 0)
    end: time = time(20, 0)

    def contains(self, local: time) -> bool:
        if self.start == self.end:
            return True
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


def _local_start(day: datetime, start: time, zone: ZoneInfo) -> datetime:
    """`start` on that local day as an aware UTC time; a start inside a DST gap moves forward."""
    naive = datetime.combine(day.date(), start)
    candidate = naive.replace(tzinfo=zone)
    round_trip = candidate.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != naive:  # the wall time does not exist that day
        candidate = round_trip
    return candidate.astimezone(UTC)


def next_allowed_time(when: datetime, time_zone: str, hours: AllowedHours) -> datetime:
    """`when` if it falls inside the allowed hours, else the first allowed minute after it."""
    zone = ZoneInfo(time_zone)
    local = when.astimezone(zone)
    if hours.contains(local.time().replace(tzinfo=None)):
        return when
    for days_ahead in (0, 1, 2):
        day = local + timedelta(days=days_ahead)
        start = _local_start(day, hours.start, zone)
        if start > when:
            return start
    raise AssertionError("an allowed start always exists within two days")  # pragma: no cover
