"""The demo shows the loop whatever the hour it is started at."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.demo import seed_demo
from smsgateway.dispatch import dispatch_due_notices
from smsgateway.models import Message
from smsgateway.runtime import Runtime


def test_demo_started_at_night_still_sends_every_first_notice_and_reminder(
    runtime: Runtime, session: Session
) -> None:
    night = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)  # 23:30 in Dakar: quiet hours
    with runtime.db.transaction() as tx:
        assert seed_demo(tx, night, programme=runtime.programme) == 5
    report = dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=night)
    assert report.deferred == 0
    kinds = session.scalars(select(Message.kind).filter_by(direction="out")).all()
    assert kinds.count("referral_created") == 5
    assert kinds.count("appointment_reminder") == 5
