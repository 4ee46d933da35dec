"""The one outcome path: a failure, a delivery or a reply, and what it does to the person.

A failure comes either from the API call (Twilio refused the message; the dispatcher records it
as a failed message) or from a status callback (the message was not delivered). Both arrive
here with the entry of their error code (smsgateway.delivery.errors), and the entry alone
decides: the contact point's reachability, the suppression list, the escalation step.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsgateway.delivery.errors import Action, ProviderError
from smsgateway.escalation import (
    DEFAULT_POLICY,
    EscalationPolicy,
    escalate_failure,
    follow_up_by_sms,
    record_answer,
    record_step_delivered,
    record_step_opted_out,
)
from smsgateway.models import ContactPoint, Message, Notice
from smsgateway.notices import IMMEDIATE_KINDS, NoticeState
from smsgateway.programme import current_programme
from smsgateway.reachability import (
    INVALID,
    REACHABLE,
    WRONG_NUMBER,
    has_own_number_that_works,
    mark_reachable_by_phone,
    record_opt_out,
    set_reachability,
    stop_number,
)
from smsgateway.replies.intents import Intent

log = logging.getLogger(__name__)

DELIVERED_STATUSES = ("delivered", "read")


def programme_policy() -> EscalationPolicy:
    """The escalation policy with the programme's timing (`[escalation]`)."""
    timing = current_programme().escalation
    return replace(
        DEFAULT_POLICY,
        retry_after=timing.retry_after,
        proxy_answer_window=timing.proxy_answer_window,
        steps=timing.steps,
        retry_later=timing.retry_later,
    )


def apply_failure(
    session: Session,
    message: Message,
    error: ProviderError,
    *,
    now: datetime,
    policy: EscalationPolicy | None = None,
) -> Notice | None:
    """Apply a failed outbound message; returns the follow-up notice planned, if any."""
    error = _as_repeated(session, message, error)
    notice = session.get(Notice, message.notice_id) if message.notice_id else None
    if error.action is Action.SUPPRESS:
        record_opt_out(
            session,
            message.phone_e164,
            source=f"error_{error.code}",
            now=now,
            notice_id=notice.id if notice else None,
        )
        if notice is not None:
            record_step_opted_out(session, notice, now=now)
        return None
    point = _point_of(session, message)
    if point is not None and error.state is not None:
        set_reachability(session, point, error.state, error.name, now=now, message_id=message.id)
    if notice is None:
        return None
    if error.action is Action.EXPIRE:
        if notice.state == NoticeState.SENT:
            notice.state, notice.last_error = NoticeState.EXPIRED, error.meaning[:200]
        return None
    if error.action is Action.NONE:
        log.error("provider refused notice %d: %s %s", notice.id, error.code, error.meaning)
        return None
    if error.action is Action.RETRY or notice.kind in IMMEDIATE_KINDS:
        return None
    if error.action is Action.SMS:
        return follow_up_by_sms(session, notice, now=now)
    policy = policy or programme_policy()
    return escalate_failure(session, notice, error.action, error.name, now=now, policy=policy)


def apply_wrong_number(
    session: Session,
    phone: str,
    *,
    now: datetime,
    message_id: int | None = None,
    policy: EscalationPolicy | None = None,
) -> None:
    """Whoever has this number answered that it is not the returnee's ("wrong number").

    What a provider's "invalid number" does, told by a person: nothing more is sent to the
    number (it goes on the suppression list, what is planned for it is cancelled; a START from
    it, or a caseworker, brings it back), its contact points are `invalid`, and for a returnee
    left without another own number that works, the escalation goes straight to the proxy step
    and, without an answer, the unreachable flag. Nobody reads the message in the review
    queue: the flag puts the person in front of a caseworker once, when every way was tried.
    A number already stopped (STOP, an earlier "wrong number") stays as it is.
    """
    points = stop_number(
        session, phone, reason=WRONG_NUMBER, state=INVALID, now=now, message_id=message_id
    )
    if points is None:
        return  # stopped already (a STOP, or an earlier "wrong number"): nothing more to do
    for point in points:
        if point.is_proxy or has_own_number_that_works(point.returnee):
            continue
        last = session.scalars(
            select(Notice)
            .where(
                Notice.contact_point_id == point.id,
                Notice.state == NoticeState.SENT,
                Notice.kind.not_in(IMMEDIATE_KINDS),
            )
            .order_by(Notice.sent_at.desc(), Notice.id.desc())
            .limit(1)
        ).first()
        if last is not None:
            escalate_failure(
                session, last, "proxy", WRONG_NUMBER, now=now, policy=policy or programme_policy()
            )
    log.info("wrong number: %d contact point(s) marked invalid", len(points))


def apply_delivered(
    session: Session,
    message: Message,
    *,
    now: datetime,
    policy: EscalationPolicy | None = None,
) -> None:
    """A delivery (or a call a person answered): the number works; a step may be reached.

    It never clears a returnee's unreachable flag: a phone that is on is not a person who
    answered.
    """
    point = _point_of(session, message)
    if point is not None:
        set_reachability(session, point, REACHABLE, "delivered", now=now, message_id=message.id)
    notice = session.get(Notice, message.notice_id) if message.notice_id else None
    if notice is not None:
        record_step_delivered(session, notice, now=now, policy=policy or programme_policy())


def apply_reply(
    session: Session,
    message: Message,
    *,
    now: datetime,
    points: list[ContactPoint] | None = None,
    escalated: set[int] | None = None,
) -> None:
    """An inbound message: its number works; from a returnee's own number, the person answered.

    Not a message saying the number is not the returnee's (`apply_wrong_number` has marked it
    invalid): it tells nothing of the person. `points` (the number's contact points) and
    `escalated` (returnees with an open escalation sequence), when the caller read them with the
    sender, spare reading them again.
    """
    if message.intent == Intent.WRONG_NUMBER:
        return
    reason = f"reply:{message.channel}"
    mark_reachable_by_phone(session, message.phone_e164, reason, now=now, points=points)
    point = _point_of(session, message)
    if point is None or point.is_proxy or message.returnee_id != point.returnee_id:
        return  # a proxy, or a number several returnees share: not known to be the person
    is_escalated = None if escalated is None else point.returnee_id in escalated
    record_answer(session, point.returnee, now=now, is_escalated=is_escalated)


def _as_repeated(session: Session, message: Message, error: ProviderError) -> ProviderError:
    """30005 and its kind: a wrong number only after `invalid_after` reports in a row."""
    if error.invalid_after <= 0 or message.contact_point_id is None:
        return error
    last_delivered = session.scalar(
        select(func.max(Message.id)).where(
            Message.contact_point_id == message.contact_point_id,
            Message.direction == "out",
            Message.delivery_status.in_(DELIVERED_STATUSES),
        )
    )
    in_a_row = session.scalar(
        select(func.count()).where(
            Message.contact_point_id == message.contact_point_id,
            Message.direction == "out",
            Message.error_code == error.code,
            Message.id > (last_delivered or 0),
        )
    )
    return error.repeated() if (in_a_row or 0) >= error.invalid_after else error


def _point_of(session: Session, message: Message) -> ContactPoint | None:
    if message.contact_point_id is None:
        return None
    return session.get(ContactPoint, message.contact_point_id)
