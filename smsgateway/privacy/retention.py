"""Retention: the programme's `[retention]` periods applied (docs/privacy.md).

Run once a day by the scheduler leader (and by `smsgateway retention apply`). Each rule
removes what reached its age at `now` (created, or closed, at least that many days before) and
touches nothing twice, so a second run at the same `now` removes nothing:

- `message_body_days`: the text of every message (the message, its status and date stay);
- `stranger_message_days`: texts from and to numbers that are nobody's (no contact point, no
  partner's point person): text and number go;
- `closed_referral_days`: a returnee whose referrals are all closed, the last of them at least
  this long ago, is erased as by `smsgateway returnees erase` (`smsgateway.privacy.erasure`);
- `staff_note_days`: the staff's free-text notes (follow-ups, review items, managers' notes on
  complaints, notes of referral events), counted from when they were written (a review item's
  note when it was resolved); the rows, kinds and outcomes stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from smsgateway.models import (
    ContactPoint,
    FeedbackNote,
    Followup,
    Message,
    Notice,
    PointPerson,
    Referral,
    ReferralEvent,
    Returnee,
    ReviewItem,
)
from smsgateway.privacy.access_log import Face
from smsgateway.privacy.erasure import ERASED_PHONE, erase_returnee
from smsgateway.programme import Retention
from smsgateway.referrals import CLOSED

#: The acting name of erasures made by the retention rule.
RETENTION_ACTOR = "retention"


@dataclass
class RetentionReport:
    """What one run removed."""

    message_bodies: int = 0
    stranger_messages: int = 0
    returnees_erased: int = 0
    staff_notes: int = 0

    @property
    def removed_anything(self) -> bool:
        return bool(
            self.message_bodies
            or self.stranger_messages
            or self.returnees_erased
            or self.staff_notes
        )


def apply_retention(session: Session, retention: Retention, *, now: datetime) -> RetentionReport:
    """Remove what the retention periods say is due at `now`; what was removed, counted."""
    report = RetentionReport()
    report.returnees_erased = _erase_closed(session, now - retention.closed_referral, now=now)
    report.stranger_messages = _remove_stranger_messages(session, now - retention.stranger_message)
    report.message_bodies = _remove_bodies(session, now - retention.message_body)
    report.staff_notes = _remove_staff_notes(session, now - retention.staff_note)
    return report


def _remove_staff_notes(session: Session, cutoff: datetime) -> int:
    """Empty the staff's notes written at or before `cutoff`; how many were emptied."""
    reviewed_at = func.coalesce(ReviewItem.resolved_at, ReviewItem.created_at)
    targets: list[tuple[Any, ColumnElement[bool], dict[str, str]]] = [
        (Followup, and_(Followup.note != "", Followup.created_at <= cutoff), {"note": ""}),
        (ReviewItem, and_(ReviewItem.note != "", reviewed_at <= cutoff), {"note": ""}),
        (
            FeedbackNote,
            and_(FeedbackNote.text != "", FeedbackNote.created_at <= cutoff),
            {"text": ""},
        ),
        (
            ReferralEvent,
            and_(ReferralEvent.note != "", ReferralEvent.created_at <= cutoff),
            {"note": ""},
        ),
    ]
    removed = 0
    for model, due, values in targets:
        result = session.execute(
            update(model).where(due).values(**values),
            execution_options={"synchronize_session": False},
        )
        removed += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return removed


def _remove_bodies(session: Session, cutoff: datetime) -> int:
    result = session.execute(
        update(Message)
        .where(
            Message.created_at <= cutoff, or_(Message.body != "", Message.processing_error != "")
        )
        .values(body="", processing_error=""),
        execution_options={"synchronize_session": False},
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]  # CursorResult has rowcount


def _remove_stranger_messages(session: Session, cutoff: datetime) -> int:
    known = select(ContactPoint.phone_e164).union(select(PointPerson.phone_e164))
    stranger = and_(
        Message.returnee_id.is_(None),
        Message.phone_e164 != ERASED_PHONE,
        Message.phone_e164.not_in(known),
        Message.created_at <= cutoff,
    )
    result = session.execute(
        update(Message)
        .where(stranger)
        .values(body="", processing_error="", phone_e164=ERASED_PHONE),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        update(Notice)
        .where(
            Notice.returnee_id.is_(None),
            Notice.recipient_phone.is_not(None),
            Notice.recipient_phone != ERASED_PHONE,
            Notice.recipient_phone.not_in(known),
            Notice.created_at <= cutoff,
        )
        .values(recipient_phone=ERASED_PHONE, last_error=""),
        execution_options={"synchronize_session": False},
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]  # CursorResult has rowcount


def _erase_closed(session: Session, cutoff: datetime, *, now: datetime) -> int:
    """Erase returnees whose referrals are all closed, the last closing at or before `cutoff`."""
    closed = [str(status) for status in CLOSED]
    has_open = select(Referral.returnee_id).where(Referral.status.not_in(closed))
    last_event = (
        select(Referral.returnee_id, func.max(ReferralEvent.created_at).label("last_at"))
        .join(ReferralEvent, ReferralEvent.referral_id == Referral.id)
        .group_by(Referral.returnee_id)
        .subquery()
    )
    due = session.scalars(
        select(Returnee)
        .join(last_event, last_event.c.returnee_id == Returnee.id)
        .where(
            Returnee.erased_at.is_(None),
            Returnee.id.not_in(has_open),
            last_event.c.last_at <= cutoff,
        )
        .order_by(Returnee.id)
    ).all()
    for returnee in due:
        erase_returnee(
            session,
            returnee,
            now=now,
            actor=RETENTION_ACTOR,
            reason="retention: all referrals closed for closed_referral_days",
            face=Face.SYSTEM,
        )
    return len(due)
