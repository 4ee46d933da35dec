"""Helpers shared by the delivery tests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from smsgateway.dispatch import DispatchReport, dispatch_due_notices
from smsgateway.models import ContactPoint, Message, Notice, Referral
from smsgateway.notices import NoticeKind, NoticeState, plan_notice
from smsgateway.runtime import Runtime

PUBLIC = "https://sms.example.org"
SENDER = "+15005550006"
STATUS_URL = f"{PUBLIC}/webhooks/twilio/message-status"


def only_reminder(
    session: Session, referral: Referral, now: datetime, channel: str = "sms"
) -> Notice:
    """Only an appointment reminder is due: every other notice is set aside."""
    session.execute(update(Notice).values(state=NoticeState.CANCELLED))
    return reminder(session, referral, now, channel)


def reminder(session: Session, referral: Referral, now: datetime, channel: str = "sms") -> Notice:
    notice = plan_notice(
        session,
        kind=NoticeKind.APPOINTMENT_REMINDER,
        returnee=referral.returnee,
        referral=referral,
        due_at=now,
        now=now,
        channel=channel,
    )
    session.commit()
    return notice


def dispatch(runtime: Runtime, now: datetime) -> DispatchReport:
    return dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=now)


def message_of(session: Session, notice: Notice) -> Message:
    session.expire_all()
    message = session.scalar(select(Message).filter_by(notice_id=notice.id, direction="out"))
    assert message is not None
    return message


def planned_after(session: Session, notice: Notice) -> list[Notice]:
    """Notices planned after `notice` (its follow-ups), oldest first."""
    session.expire_all()
    return list(
        session.scalars(
            select(Notice)
            .where(Notice.id > notice.id, Notice.state == NoticeState.PLANNED)
            .order_by(Notice.id)
        )
    )


def own_point(session: Session, referral: Referral) -> ContactPoint:
    session.expire_all()
    point = referral.returnee.own_contact_point()
    assert point is not None
    return point
