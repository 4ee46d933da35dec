"""Notice vocabulary (kinds, states, the question each kind asks) and pending-notice helpers.

planned ──claim──▶ claimed ──send──▶ sent
   │                  │  └──temporary failure──▶ planned (later, attempts + 1)
   │                  └──permanent failure / too many attempts──▶ failed
   ├──▶ cancelled (referral closed, appointment moved, opt-out, bulk cancelled)
   └──▶ expired (pointless now: appointment passed, older than its kind's validity)
claimed with an expired lease ──lease sweep asks the provider──▶ sent | planned | review
   (smsgateway.dispatch.settle; review: a review item with "resend" and "mark sent")
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from smsgateway.models import ContactPoint, Notice, Referral, Returnee
from smsgateway.replies.intents import Question


class NoticeKind(StrEnum):
    REFERRAL_CREATED = "referral_created"
    APPOINTMENT_REMINDER = "appointment_reminder"
    ATTENDANCE_CHECK = "attendance_check"
    REFERRAL_FOLLOWUP = "referral_followup"
    CALL_ANNOUNCEMENT = "call_announcement"
    PROXY_CONTACT_REQUEST = "proxy_contact_request"
    PARTNER_QUESTION = "partner_question"
    PARTNER_DATE_REQUEST = "partner_date_request"  # a new appointment date, after "3"
    BULK_INFORMATION = "bulk_information"
    SATISFACTION_QUESTION = "satisfaction_question"
    SATISFACTION_REASON = "satisfaction_reason"  # "why?", right after a 2 or a 3
    FEEDBACK_REQUEST = "feedback_request"  # "write your message", after a bare FEEDBACK
    FEEDBACK_CLOSED = "feedback_closed"  # a manager closed the sender's feedback item
    ACK_CONFIRMED = "ack_confirmed"
    ACK_DECLINED = "ack_declined"
    ACK_RESCHEDULE = "ack_reschedule"
    ACK_ATTENDED_YES = "ack_attended_yes"
    ACK_ATTENDED_NO = "ack_attended_no"
    ACK_OPTED_OUT = "ack_opted_out"
    ACK_OPTED_IN = "ack_opted_in"
    ACK_HELP = "ack_help"
    ACK_UNCLEAR = "ack_unclear"
    #: `ack_unclear` to a reply that speaks of the messages: also tells how to stop them
    ACK_UNCLEAR_STOP = "ack_unclear_stop"
    ACK_NEEDS_CONFIRMATION = "ack_needs_confirmation"
    ACK_UNKNOWN_SENDER = "ack_unknown_sender"
    ACK_RECEIVED = "ack_received"
    ACK_WHICH_REFERRAL = "ack_which_referral"
    ACK_PARTNER_RESULTS = "ack_partner_results"
    ACK_SATISFACTION = "ack_satisfaction"
    ACK_FEEDBACK = "ack_feedback"


class NoticeState(StrEnum):
    PLANNED = "planned"
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    REVIEW = "review"


_PLANNED = str(NoticeState.PLANNED)

#: The question a notice kind asks; kinds not listed ask nothing.
QUESTION_OF: dict[str, Question] = {
    NoticeKind.APPOINTMENT_REMINDER: Question.APPOINTMENT_REMINDER,
    NoticeKind.ATTENDANCE_CHECK: Question.ATTENDANCE_CHECK,
    NoticeKind.REFERRAL_FOLLOWUP: Question.FOLLOWUP,
    NoticeKind.SATISFACTION_QUESTION: Question.SATISFACTION,
    NoticeKind.SATISFACTION_REASON: Question.SATISFACTION_REASON,
    NoticeKind.FEEDBACK_REQUEST: Question.SATISFACTION_REASON,
}

#: Answers to a person who just wrote go out whatever the hour and whatever their consent.
IMMEDIATE_KINDS = frozenset(kind for kind in NoticeKind if kind.startswith("ack_")) | {
    NoticeKind.SATISFACTION_REASON,  # asked the moment the person answered "2" or "3"
    NoticeKind.FEEDBACK_REQUEST,  # asked the moment the person wrote FEEDBACK
}


def plan_notice(
    session: Session,
    *,
    kind: NoticeKind,
    returnee: Returnee,
    due_at: datetime,
    now: datetime,
    referral: Referral | None = None,
    expires_at: datetime | None = None,
    payload: dict[str, Any] | None = None,
    contact_point: ContactPoint | None = None,
    channel: str | None = None,
) -> Notice:
    """A notice to the returnee's own number (or first proxy) on their preferred channel,
    unless a contact point and channel are given (an answer goes back where the reply came from).
    """
    notice = Notice(
        kind=kind,
        referral=referral,
        returnee=returnee,
        contact_point=contact_point or returnee.own_contact_point(),
        channel=channel or returnee.preferred_channel,
        language=returnee.preferred_language,
        question=QUESTION_OF.get(kind),
        payload=payload or {},
        due_at=due_at,
        expires_at=expires_at,
        state=NoticeState.PLANNED,
        attempts=0,
        created_at=now,
    )
    session.add(notice)
    return notice


def notice_row(
    *,
    kind: NoticeKind,
    returnee: Returnee,
    due_at: datetime,
    now: datetime,
    referral_id: int | None = None,
    expires_at: datetime | None = None,
    payload: dict[str, Any] | None = None,
    contact_point: ContactPoint | None = None,
    channel: str | None = None,
    bulk_send_id: int | None = None,
) -> dict[str, Any]:
    """The row `plan_notice` would write, for `insert_notices` (the returnee must have an id).

    Columns a planned notice leaves empty (its claim, sending and answer) are left out: the
    table's defaults fill them, and each value left out is one conversion fewer per row.
    """
    point = contact_point or returnee.own_contact_point()
    return {
        # str() of a StrEnum member is its value, without the enum's slower `.value` lookup
        # (one per row of a bulk plan of 100,000).
        "kind": str(kind),
        "referral_id": referral_id,
        "returnee_id": returnee.id,
        "contact_point_id": point.id if point is not None else None,
        "channel": channel or returnee.preferred_channel,
        "language": returnee.preferred_language,
        "question": QUESTION_OF.get(kind),
        "payload": payload or {},
        "due_at": due_at,
        "expires_at": expires_at,
        "state": _PLANNED,
        "attempts": 0,
        "last_error": "",
        "bulk_send_id": bulk_send_id,
        "escalation_step": 0,
        "created_at": now,
    }


def insert_notices(session: Session, rows: list[dict[str, Any]]) -> int:
    """Write planned notices (`notice_row`) in one INSERT over all rows; how many.

    For many notices at once (a bulk notice, the plans of an import): one statement executed
    over every row (the driver's executemany), no ORM object per notice. The rows are not in
    the session; read them back if needed.
    """
    if rows:
        session.execute(insert(Notice.metadata.tables[Notice.__tablename__]), rows)
    return len(rows)


def insert_notice(session: Session, row: dict[str, Any]) -> int:
    """Write one planned notice (`notice_row`) in one INSERT, without an ORM object; its id.

    For a notice planned on a hot path (the acknowledgement of a reply): the statement is
    executed at once on the session's connection (no autoflush: what the session holds is
    written at its next flush), and the row is not in the session.
    """
    table = Notice.metadata.tables[Notice.__tablename__]
    result = session.connection().execute(insert(table), row)
    key = result.inserted_primary_key
    assert key is not None  # noqa: S101  (an INSERT of one row)
    return int(key[0])


def plan_notice_to_number(
    session: Session,
    *,
    kind: NoticeKind,
    phone_e164: str,
    channel: str,
    language: str,
    now: datetime,
) -> Notice:
    """A notice to a number that is no contact point (an unknown sender, a point person)."""
    notice = Notice(
        kind=kind,
        recipient_phone=phone_e164,
        channel=channel,
        language=language,
        due_at=now,
        state=NoticeState.PLANNED,
        attempts=0,
        created_at=now,
    )
    session.add(notice)
    return notice


def cancel_pending(
    session: Session,
    *,
    referral_ids: Iterable[int] = (),
    returnee_id: int | None = None,
    bulk_send_id: int | None = None,
    kinds: Iterable[str] | None = None,
    reason: str,
) -> int:
    """Cancel planned notices of these referrals (or of a returnee, or a bulk send); how many."""
    query = update(Notice).where(Notice.state == NoticeState.PLANNED)
    ids = list(referral_ids)
    if ids:
        query = query.where(Notice.referral_id.in_(ids))
    elif returnee_id is not None:
        query = query.where(Notice.returnee_id == returnee_id)
    elif bulk_send_id is not None:
        query = query.where(Notice.bulk_send_id == bulk_send_id)
    else:
        return 0
    if kinds is not None:
        query = query.where(Notice.kind.in_(list(kinds)))
    result = session.execute(
        query.values(state=NoticeState.CANCELLED, last_error=reason[:200]),
        execution_options={"synchronize_session": False},
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]  # CursorResult has rowcount


def move_planned_to_channel(session: Session, returnee: Returnee, channel: str) -> int:
    """The returnee's planned notices to their own numbers go on `channel` (answers to a message
    just received, `IMMEDIATE_KINDS`, and notices to a proxy's number stay as they are); how
    many moved. A notice in a language no call can carry still goes as an SMS
    (`smsgateway.dispatch.prepare`)."""
    own = select(ContactPoint.id).where(
        ContactPoint.returnee_id == returnee.id, ContactPoint.is_proxy.is_(False)
    )
    result = session.execute(
        update(Notice)
        .where(
            Notice.returnee_id == returnee.id,
            Notice.state == NoticeState.PLANNED,
            Notice.channel != channel,
            Notice.contact_point_id.in_(own),
            Notice.kind.not_in([str(kind) for kind in IMMEDIATE_KINDS]),
        )
        .values(channel=channel),
        execution_options={"synchronize_session": False},
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]  # CursorResult has rowcount


def open_questions(session: Session, phone_e164: str, *, since: datetime) -> list[Notice]:
    """Unanswered questions sent to this number since `since`, newest first, one per referral."""
    query = (
        select(Notice)
        .join(ContactPoint, Notice.contact_point_id == ContactPoint.id)
        .where(
            ContactPoint.phone_e164 == phone_e164,
            Notice.question.is_not(None),
            Notice.state == NoticeState.SENT,
            Notice.answered_at.is_(None),
            Notice.sent_at >= since,
        )
        .order_by(Notice.sent_at.desc(), Notice.id.desc())
    )
    latest: dict[int | None, Notice] = {}
    for notice in session.scalars(query):
        latest.setdefault(notice.referral_id, notice)
    return list(latest.values())


def last_question_received(session: Session, phone_e164: str) -> Notice | None:
    """The last question sent to this number, answered or not (what a bare "1" refers to)."""
    return session.scalars(
        select(Notice)
        .join(ContactPoint, Notice.contact_point_id == ContactPoint.id)
        .where(
            ContactPoint.phone_e164 == phone_e164,
            Notice.question.is_not(None),
            Notice.state == NoticeState.SENT,
        )
        .order_by(Notice.sent_at.desc(), Notice.id.desc())
        .limit(1)
    ).first()
