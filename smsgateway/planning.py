"""Turning referral dates into notices, and replanning them when the dates change.

Called in the same transaction as the change that causes it, so no reminder can go out for an
appointment time that no longer holds.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from smsgateway.models import Notice, Referral
from smsgateway.notices import NoticeKind, cancel_pending, plan_notice

APPOINTMENT_KINDS = (NoticeKind.APPOINTMENT_REMINDER,)


def plan_referral(
    session: Session, referral: Referral, *, now: datetime, reminder_lead: timedelta
) -> list[Notice]:
    """Plan the appointment reminder `reminder_lead` before the appointment (never in the past)."""
    if referral.appointment_at is None or referral.appointment_at <= now:
        return []
    due_at = max(now, referral.appointment_at - reminder_lead)
    reminder = plan_notice(
        session,
        kind=NoticeKind.APPOINTMENT_REMINDER,
        returnee=referral.returnee,
        referral=referral,
        due_at=due_at,
        expires_at=referral.appointment_at,
        now=now,
    )
    return [reminder]


def replan_appointment(
    session: Session, referral: Referral, *, now: datetime, reminder_lead: timedelta
) -> list[Notice]:
    """Cancel reminders for the old time and plan those for the new one."""
    cancel_pending(
        session, referral_ids=[referral.id], kinds=APPOINTMENT_KINDS, reason="appointment moved"
    )
    return plan_referral(session, referral, now=now, reminder_lead=reminder_lead)
