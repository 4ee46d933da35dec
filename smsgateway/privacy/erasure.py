"""Erasing a returnee: their personal data removed or pseudonymised, the programme's figures kept.

What goes (docs/privacy.md): names, case reference (replaced by `erased-<id>`), every number
of theirs (contact points become `erased-<point id>`; messages and notices to or from those
numbers say `erased`), proxies' names and relations, message bodies and processing errors,
free-text notes of their referrals' events, appointment places, notices' error texts, the
staff's notes about them (follow-ups, review items, notes on their complaints), and the
suppression of their numbers. What stays: ids, statuses, dates, channels, languages, counts,
consents, reachability and flags, so every figure of the dashboard is the same afterwards.
Pending notices are cancelled, open tasks and escalations end, and nothing is sent to an
erased returnee again (`dispatch.prepare` cancels what would be). A number of theirs that
texts in later matches no contact point: it is a stranger's.

A number also registered for another returnee (a shared family phone) stays on that
returnee's record and messages; only this returnee's messages lose it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from smsgateway.errors import InvalidInput
from smsgateway.models import (
    ContactPoint,
    Erasure,
    Escalation,
    FeedbackItem,
    FeedbackNote,
    Followup,
    Message,
    Notice,
    Referral,
    ReferralEvent,
    Returnee,
    ReviewItem,
    Suppression,
    Task,
    User,
)
from smsgateway.notices import cancel_pending
from smsgateway.privacy.access_log import AccessEvent, Face, record_access
from smsgateway.users import Actor, actor_identity

#: What a number becomes in messages and notices once its returnee is erased.
ERASED_PHONE = "erased"
REASON_LENGTH = 500


def erased_case_reference(returnee_id: int) -> str:
    return f"erased-{returnee_id}"


def find_returnee(session: Session, case_reference: str) -> Returnee:
    """The returnee with this case reference, or `InvalidInput`."""
    found = session.scalar(select(Returnee).filter_by(case_reference=case_reference.strip()))
    if found is None:
        raise InvalidInput("case_reference", "no returnee with this case reference")
    return found


def erase_returnee(
    session: Session,
    returnee: Returnee,
    *,
    now: datetime,
    actor: Actor,
    reason: str,
    face: Face,
) -> Erasure:
    """Remove `returnee`'s personal data (module docstring), record who, when and why."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason", "give the reason for the erasure")
    if len(reason) > REASON_LENGTH:
        raise InvalidInput("reason", "at most %(count)s characters", count=REASON_LENGTH)
    if returnee.erased_at is not None:
        raise InvalidInput("case_reference", "this returnee was erased already")
    counts = _erase(session, returnee, now=now)
    actor_name, actor_user_id = actor_identity(actor)
    erasure = Erasure(
        returnee_id=returnee.id,
        actor=actor_name,
        actor_user_id=actor_user_id,
        reason=reason,
        counts=counts,
        created_at=now,
    )
    session.add(erasure)
    record_access(
        session,
        now=now,
        event=AccessEvent.ERASE,
        face=face,
        user=actor if isinstance(actor, User) else None,
        username=actor_name,
        subject_kind="returnee",
        subject_ids=[returnee.id],
        returnee_id=returnee.id,
    )
    session.flush()
    return erasure


def _erase(session: Session, returnee: Returnee, *, now: datetime) -> dict[str, int]:
    numbers = [point.phone_e164 for point in returnee.contact_points]
    referrals = list(session.scalars(select(Referral).filter_by(returnee_id=returnee.id)))
    referral_ids = [referral.id for referral in referrals]
    _erase_staff_notes(session, returnee.id, referral_ids, numbers)
    counts = {
        "notices_cancelled": cancel_pending(session, returnee_id=returnee.id, reason="erased")
        + cancel_pending(session, referral_ids=referral_ids, reason="erased"),
        "messages": _erase_messages(session, returnee.id, referral_ids, numbers),
        "contact_points": len(numbers),
        "referrals": len(referral_ids),
    }
    _erase_notices(session, returnee.id, numbers)
    session.execute(
        update(ReferralEvent).where(ReferralEvent.referral_id.in_(referral_ids)).values(note=""),
        execution_options={"synchronize_session": False},
    )
    for referral in referrals:
        referral.appointment_place, referral.updated_at = "", now
    _end_work(session, returnee.id, referral_ids, now=now)
    counts["suppressions"] = _drop_suppressions(session, returnee.id, numbers)
    for point in returnee.contact_points:
        point.phone_e164 = f"{ERASED_PHONE}-{point.id}"
        point.proxy_name = point.proxy_relation = ""
    returnee.first_name = returnee.last_name = ""
    returnee.case_reference = erased_case_reference(returnee.id)
    returnee.erased_at = returnee.updated_at = now
    return counts


def _erase_staff_notes(
    session: Session, returnee_id: int, referral_ids: list[int], numbers: list[str]
) -> None:
    """The staff's free text about the returnee goes: follow-up notes, review notes, and the
    managers' notes on their complaints (the rows, kinds and outcomes stay for the figures)."""
    message_ids = list(
        session.scalars(
            select(Message.id).where(
                or_(
                    Message.returnee_id == returnee_id,
                    Message.referral_id.in_(referral_ids),
                    Message.phone_e164.in_(numbers) & Message.returnee_id.is_(None),
                )
            )
        )
    )
    options = {"synchronize_session": False}
    session.execute(
        update(Followup).where(Followup.returnee_id == returnee_id).values(note=""),
        execution_options=options,
    )
    session.execute(
        update(ReviewItem)
        .where(or_(ReviewItem.returnee_id == returnee_id, ReviewItem.message_id.in_(message_ids)))
        .values(note=""),
        execution_options=options,
    )
    items = select(FeedbackItem.id).where(
        or_(FeedbackItem.returnee_id == returnee_id, FeedbackItem.message_id.in_(message_ids))
    )
    session.execute(
        update(FeedbackNote).where(FeedbackNote.item_id.in_(items)).values(text=""),
        execution_options=options,
    )


def _erase_messages(
    session: Session, returnee_id: int, referral_ids: list[int], numbers: list[str]
) -> int:
    """Bodies and errors of the returnee's messages go; their numbers become `erased`."""
    mine = or_(Message.returnee_id == returnee_id, Message.referral_id.in_(referral_ids))
    from_numbers = Message.phone_e164.in_(numbers) & or_(
        Message.returnee_id.is_(None), Message.returnee_id == returnee_id
    )
    result = session.execute(
        update(Message).where(mine | from_numbers).values(body="", processing_error=""),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        update(Message).where(from_numbers).values(phone_e164=ERASED_PHONE),
        execution_options={"synchronize_session": False},
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]  # CursorResult has rowcount


def _erase_notices(session: Session, returnee_id: int, numbers: list[str]) -> None:
    session.execute(
        update(Notice).where(Notice.returnee_id == returnee_id).values(last_error=""),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        update(Notice)
        .where(
            Notice.recipient_phone.in_(numbers),
            or_(Notice.returnee_id.is_(None), Notice.returnee_id == returnee_id),
        )
        .values(recipient_phone=ERASED_PHONE, last_error=""),
        execution_options={"synchronize_session": False},
    )


def _end_work(
    session: Session, returnee_id: int, referral_ids: list[int], *, now: datetime
) -> None:
    """Open tasks and escalations end: nobody is to be asked about this person any more.

    Flagged tasks keep their flag, as the dashboard counts them.
    """
    from smsgateway.escalation import EscalationState
    from smsgateway.loop.tasks import TaskState

    session.execute(
        update(Task)
        .where(Task.referral_id.in_(referral_ids), Task.state == TaskState.OPEN)
        .values(state=TaskState.CANCELLED, resolved_at=now, resolution="erased"),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        update(Escalation)
        .where(Escalation.returnee_id == returnee_id, Escalation.state == EscalationState.OPEN)
        .values(state=EscalationState.CLEARED, reason="erased", updated_at=now, ended_at=now),
        execution_options={"synchronize_session": False},
    )


def _drop_suppressions(session: Session, returnee_id: int, numbers: list[str]) -> int:
    """The suppression of a number goes with it, unless another returnee still uses it."""
    shared = set(
        session.scalars(
            select(ContactPoint.phone_e164).where(
                ContactPoint.phone_e164.in_(numbers), ContactPoint.returnee_id != returnee_id
            )
        )
    )
    gone = [number for number in numbers if number not in shared]
    result = session.execute(delete(Suppression).where(Suppression.phone_e164.in_(gone)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]  # CursorResult has rowcount


def is_erased_notice(notice: Notice) -> bool:
    """Whether a notice is for a returnee who was erased (it must not go out)."""
    return notice.returnee is not None and notice.returnee.erased_at is not None
