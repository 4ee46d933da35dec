"""The notice programme: offsets, local times, validity and prices, read from a TOML file.

The package ships `programme.toml` with the documented defaults; `SMSGATEWAY_PROGRAMME_FILE`
(the `programme_file` setting) points at a replacement. Parsed once per path.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from datetime import time, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from smsgateway.errors import InvalidInput
from smsgateway.quiet_hours import AllowedHours


@dataclass(frozen=True)
class Programme:
    """When notices are planned, how long they stay useful, and what a message costs."""

    kinds: frozenset[str]  # the notice kinds planned from referral dates
    reminder_days_before: tuple[int, ...]
    reminder_time: time
    short_notice: timedelta
    short_notice_before: timedelta
    attendance_days_after: int
    attendance_time: time
    followup_months: tuple[int, ...]
    followup_time: time
    allowed_hours: AllowedHours
    validity: dict[str, timedelta]
    currency: str
    prices: dict[str, float]

    def validity_of(self, kind: str) -> timedelta | None:
        """How long a notice of `kind` stays worth sending after its due time, if limited."""
        return self.validity.get(kind)

    def price_of(self, channel: str) -> float:
        """The estimated price of one SMS segment (or one call, for voice) on `channel`."""
        return self.prices.get(channel, 0.0)


def load_programme(path: str = "") -> Programme:
    """The programme in `path`, or the package's default file when `path` is empty."""
    return _load(path)


def programme_of(settings: Any) -> Programme:
    """The programme named by a settings object (its `programme_file`)."""
    return load_programme(getattr(settings, "programme_file", "") or "")


def current_programme() -> Programme:
    """The running app's programme inside an app context, else the package default."""
    from flask import has_app_context

    if has_app_context():
        from smsgateway.runtime import get_runtime

        return programme_of(get_runtime().settings)
    return load_programme()


@lru_cache(maxsize=8)
def _load(path: str) -> Programme:
    if path:
        raw = Path(path).read_text(encoding="utf-8")
    else:
        raw = resources.files("smsgateway").joinpath("programme.toml").read_text(encoding="utf-8")
    try:
        return parse_programme(tomllib.loads(raw))
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidInput("programme_file", f"the programme file is not valid: {error}") from None


def parse_programme(data: dict[str, Any]) -> Programme:
    """A programme from parsed TOML; a missing or malformed value raises KeyError/ValueError."""
    reminders = data["reminders"]
    attendance = data["attendance_check"]
    followups = data["followups"]
    quiet = data["quiet_hours"]
    prices = data["prices"]
    return Programme(
        kinds=frozenset(str(kind) for kind in data["plan"]["kinds"]),
        reminder_days_before=tuple(int(d) for d in reminders["days_before"]),
        reminder_time=_clock(reminders["local_time"]),
        short_notice=timedelta(hours=float(reminders["short_notice_hours"])),
        short_notice_before=timedelta(hours=float(reminders["short_notice_hours_before"])),
        attendance_days_after=int(attendance["days_after"]),
        attendance_time=_clock(attendance["local_time"]),
        followup_months=tuple(int(m) for m in followups["months_after_referral"]),
        followup_time=_clock(followups["local_time"]),
        allowed_hours=AllowedHours(
            start=_clock(quiet["allowed_start"]), end=_clock(quiet["allowed_end"])
        ),
        validity={
            kind: timedelta(days=float(days)) for kind, days in data["validity_days"].items()
        },
        currency=str(prices.get("currency", "")),
        prices={k: float(v) for k, v in prices.items() if k != "currency"},
    )


def single_reminder(lead: timedelta) -> Programme:
    """The default programme with one reminder `lead` before each appointment and no creation
    notice: nothing is due at the moment a referral is recorded."""
    default = load_programme()
    return replace(
        default,
        kinds=default.kinds - {"referral_created"},
        reminder_days_before=(),
        short_notice=timedelta.max,
        short_notice_before=lead,
    )


def _clock(value: str) -> time:
    return time.fromisoformat(value)
