"""Delivery outcomes, contact point reachability, the suppression list and the escalation policy.

A failed delivery moves a notice along its programme's escalation policy (by default: retry the
same channel later → voice call → discreet proxy contact → contact point marked unreachable and
listed for managers). A reply or a delivery on any channel makes the contact point reachable.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from smsgateway.models import ContactPoint, Message, Notice, Referral, Returnee
from smsgateway.models.reachability import ReachabilityEvent, Suppression
from smsgateway.notices import NoticeKind, NoticeState, plan_notice
from smsgateway.returnees import set_opt_out

log = logging.getLogger(__name__)

REACHABLE = "reachable"
FAILING = "failing"
UNREACHABLE = "unreachable"
INVALID = "invalid"
OPTED_OUT = "opted_out"

WHATSAPP_SESSION = timedelta(hours=24)


@dataclass(frozen=True)
class DeliveryOutcome:
    """What a provider error means for the contact point and for the next attempt."""

    name: str
    state: str  # the contact point's reachability after it
    action: str  # "escalate" | "voice" | "proxy" | "sms" | "suppress"


#: Twilio error codes (messages and calls) and what they mean for us.
ERROR_OUTCOMES: dict[str, DeliveryOutcome] = {
    "30003": DeliveryOutcome("unreachable_handset", FAILING, "escalate"),
    "30005": DeliveryOutcome("unknown_number", INVALID, "proxy"),
    "30006": DeliveryOutcome("landline", FAILING, "voice"),
    "30007": DeliveryOutcome("carrier_filtered", FAILING, "voice"),
    "30008": DeliveryOutcome("unknown_error", FAILING, "escalate"),
    "30004": DeliveryOutcome("blocked", FAILING, "voice"),
    "21211": DeliveryOutcome("invalid_number", INVALID, "proxy"),
    "21614": DeliveryOutcome("not_mobile", FAILING, "voice"),
    "21610": DeliveryOutcome("unsubscribed", OPTED_OUT, "suppress"),
    "63016": DeliveryOutcome("outside_whatsapp_session", FAILING, "sms"),
    "63003": DeliveryOutcome("not_on_whatsapp", FAILING, "sms"),
}
NO_ANSWER = DeliveryOutcome("no_answer", FAILING, "escalate")
UNEXPLAINED = DeliveryOutcome("undelivered", FAILING, "escalate")


def outcome_of(error_code: str | int | None) -> DeliveryOutcome:
    """The outcome an error code stands for (unknown codes: undelivered, escalate)."""
    return ERROR_OUTCOMES.get(str(error_code or ""), UNEXPLAINED)


def call_outcome(status: str, answered_by: str = "") -> DeliveryOutcome | None:
    """The outcome of a finished call: None when a person answered, else why it failed."""
    if answered_by.startswith("machine") or answered_by == "fax":
        return DeliveryOutcome("answering_machine", FAILING, "voice_retry")
    if status == "completed":
        return None
    return NO_ANSWER


@dataclass(frozen=True)
class EscalationPolicy:
    """The steps tried, in order, after a failed delivery; a programme may define its own."""

    steps: tuple[str, ...] = ("retry", "voice", "proxy")
    retry_after: timedelta = timedelta(hours=4)
    voice_retries: int = 1  # calls again after an answering machine, before moving on


DEFAULT_POLICY = EscalationPolicy()


# -- reachability ------------------------------------------------------------------------------


def set_reachability(
    session: Session,
    point: ContactPoint,
    state: str,
    reason: str,
    *,
    now: datetime,
    message_id: int | None = None,
) -> bool:
    """Record a new reachability state with its reason; False when it was already that state."""
    if point.reachability == state:
        return False
    point.reachability = state
    point.reachability_changed_at = now
    session.add(
        ReachabilityEvent(
            contact_point_id=point.id,
            state=state,
            reason=reason[:64],
            message_id=message_id,
            created_at=now,
        )
    )
    return True


def mark_reachable_by_phone(session: Session, phone: str, reason: str, *, now: datetime) -> None:
    """A reply from a number makes every contact point with it reachable again."""
    for point in session.scalars(select(ContactPoint).filter_by(phone_e164=phone)):
        if point.reachability != OPTED_OUT:
            set_reachability(session, point, REACHABLE, reason, now=now)


def unreachable_contact_points(session: Session) -> list[ContactPoint]:
    """Contact points marked unreachable or invalid, for managers to follow up."""
    return list(
        session.scalars(
            select(ContactPoint)
            .where(ContactPoint.reachability.in_((UNREACHABLE, INVALID)))
            .order_by(ContactPoint.reachability_changed_at)
        )
    )


def unreachable_returnee_ids(session: Session, returnee_ids: Iterable[int]) -> set[int]:
    """Those returnees whom no contact point reaches: every number unreachable or invalid.

    The person-level `unreachable` flag that the loop's standing reports (`smsgateway.loop`);
    one function so that a person-level escalation can replace the rule in one place.
    """
    wanted = sorted(set(returnee_ids))
    if not wanted:
        return set()
    states: dict[int, set[str]] = {}
    for returnee_id, state in session.execute(
        select(ContactPoint.returnee_id, ContactPoint.reachability).where(
            ContactPoint.returnee_id.in_(wanted)
        )
    ):
        states.setdefault(returnee_id, set()).add(state)
    return {rid for rid, seen in states.items() if seen <= {UNREACHABLE, INVALID}}


#: A proxy asked this recently is not asked again by the loop's `ask_proxy` step.
PROXY_REQUEST_SPACING = timedelta(days=2)


def request_proxy_contact(
    session: Session, returnee: Returnee, *, now: datetime, referral: Referral | None = None
) -> Notice | None:
    """A discreet request to one proxy of the returnee to have them contact the office.

    The hook the loop's `ask_proxy` step calls. A request already planned, or sent in the last
    `PROXY_REQUEST_SPACING`, counts as this one (one proxy request per step); None when the
    returnee has no proxy that is not known to fail.
    """
    recent = session.scalar(
        select(Notice)
        .where(
            Notice.returnee_id == returnee.id,
            Notice.kind == NoticeKind.PROXY_CONTACT_REQUEST,
            (Notice.state == NoticeState.PLANNED)
            | ((Notice.state == NoticeState.SENT) & (Notice.sent_at > now - PROXY_REQUEST_SPACING)),
        )
        .limit(1)
    )
    if recent is not None:
        return recent
    proxy = next(
        (
            point
            for point in returnee.contact_points
            if point.is_proxy and point.reachability not in (UNREACHABLE, INVALID, OPTED_OUT)
        ),
        None,
    )
    if proxy is None:
        return None
    return plan_notice(
        session,
        kind=NoticeKind.PROXY_CONTACT_REQUEST,
        returnee=returnee,
        referral=referral,
        contact_point=proxy,
        channel="sms",
        due_at=now,
        now=now,
    )


# -- suppression -------------------------------------------------------------------------------


def suppress(session: Session, phone: str, reason: str, *, now: datetime) -> None:
    """Add a number to the suppression list (idempotent)."""
    if session.scalar(select(Suppression).filter_by(phone_e164=phone)) is None:
        session.add(Suppression(phone_e164=phone, reason=reason[:64], created_at=now))
        session.flush()


def lift_suppression(session: Session, phone: str) -> None:
    """Take a number off the suppression list (the person sent START)."""
    session.execute(delete(Suppression).where(Suppression.phone_e164 == phone))


def suppressed_numbers(session: Session, phones: Iterable[str]) -> set[str]:
    """Those of `phones` on the suppression list."""
    wanted = [phone for phone in set(phones) if phone]
    if not wanted:
        return set()
    return set(
        session.scalars(select(Suppression.phone_e164).where(Suppression.phone_e164.in_(wanted)))
    )


def open_whatsapp_sessions(session: Session, phones: Iterable[str], *, now: datetime) -> set[str]:
    """Those of `phones` that wrote on WhatsApp in the last 24 hours (free text allowed)."""
    wanted = [phone for phone in set(phones) if phone]
    if not wanted:
        return set()
    return set(
        session.scalars(
            select(Message.phone_e164).where(
                Message.direction == "in",
                Message.channel == "whatsapp",
                Message.phone_e164.in_(wanted),
                Message.created_at > now - WHATSAPP_SESSION,
            )
        )
    )


# -- delivery results --------------------------------------------------------------------------


def record_delivered(session: Session, message: Message, *, now: datetime) -> None:
    """A delivery (or an answered call) makes the contact point reachable."""
    point = _point_of(session, message)
    if point is not None and point.reachability != OPTED_OUT:
        set_reachability(session, point, REACHABLE, "delivered", now=now, message_id=message.id)


def record_failure(
    session: Session,
    message: Message,
    outcome: DeliveryOutcome,
    *,
    now: datetime,
    policy: EscalationPolicy = DEFAULT_POLICY,
) -> Notice | None:
    """Apply a failed delivery: reachability, suppression, and the next escalation step."""
    point = _point_of(session, message)
    if outcome.action == "suppress":
        _opt_out(session, message, point, now=now)
        return None
    if point is not None:
        set_reachability(
            session, point, outcome.state, outcome.name, now=now, message_id=message.id
        )
    notice = session.get(Notice, message.notice_id) if message.notice_id else None
    if notice is None or notice.kind.startswith("ack_"):
        return None
    return escalate(session, notice, outcome, now=now, policy=policy)


def _opt_out(
    session: Session, message: Message, point: ContactPoint | None, *, now: datetime
) -> None:
    suppress(session, message.phone_e164, "error_21610", now=now)
    if point is not None:
        set_reachability(session, point, OPTED_OUT, "unsubscribed", now=now, message_id=message.id)
        set_opt_out(session, point.returnee, is_opted_out=True, source="error_21610", now=now)


def escalate(
    session: Session,
    notice: Notice,
    outcome: DeliveryOutcome,
    *,
    now: datetime,
    policy: EscalationPolicy = DEFAULT_POLICY,
) -> Notice | None:
    """Plan the next attempt for a notice that did not arrive, or mark its contact unreachable."""
    if outcome.action == "sms":
        return _follow_up(
            session, notice, channel="sms", step=notice.escalation_step, due=now, now=now
        )
    if outcome.action == "voice_retry":
        retries = int((notice.payload or {}).get("voice_retry", 0))
        if retries < policy.voice_retries:
            later = now + policy.retry_after
            return _follow_up(
                session,
                notice,
                channel="voice",
                step=notice.escalation_step,
                due=later,
                now=now,
                payload={"voice_retry": retries + 1},
            )
    step = notice.escalation_step
    if outcome.action in policy.steps:
        step = max(step, policy.steps.index(outcome.action))
    while step < len(policy.steps):
        planned = _take_step(session, notice, policy, policy.steps[step], step + 1, now=now)
        if planned is not None:
            return planned
        step += 1
    for point in _exhausted_points(notice):
        set_reachability(session, point, UNREACHABLE, "escalation_exhausted", now=now)
    log.info("notice %d: escalation exhausted", notice.id)
    return None


def _take_step(
    session: Session,
    notice: Notice,
    policy: EscalationPolicy,
    action: str,
    next_step: int,
    *,
    now: datetime,
) -> Notice | None:
    if action == "retry":
        due = now + policy.retry_after
        return _follow_up(session, notice, channel=notice.channel, step=next_step, due=due, now=now)
    if action == "voice" and notice.channel != "voice":
        return _follow_up(session, notice, channel="voice", step=next_step, due=now, now=now)
    if action == "proxy":
        proxy = _proxy_of(notice)
        if proxy is not None:
            follow = _follow_up(session, notice, channel="sms", step=next_step, due=now, now=now)
            follow.kind = NoticeKind.PROXY_CONTACT_REQUEST
            follow.question = None
            follow.contact_point = proxy
            return follow
    return None


def _exhausted_points(notice: Notice) -> list[ContactPoint]:
    """The notice's contact point and, past a proxy, the returnee's failing numbers."""
    points = [notice.contact_point] if notice.contact_point is not None else []
    if notice.returnee is not None:
        points += [
            point
            for point in notice.returnee.contact_points
            if point.reachability == FAILING and point not in points
        ]
    return points


def _proxy_of(notice: Notice) -> ContactPoint | None:
    """A proxy contact point of the returnee that is not known to fail."""
    if notice.returnee is None:
        return None
    for point in notice.returnee.contact_points:
        usable = point.reachability not in (UNREACHABLE, INVALID, OPTED_OUT)
        if point.is_proxy and point.id != notice.contact_point_id and usable:
            return point
    return None


def _follow_up(
    session: Session,
    notice: Notice,
    *,
    channel: str,
    step: int,
    due: datetime,
    now: datetime,
    payload: dict[str, object] | None = None,
) -> Notice:
    """A copy of the notice on another channel or later, one escalation step further."""
    follow = Notice(
        kind=notice.kind,
        referral_id=notice.referral_id,
        returnee_id=notice.returnee_id,
        contact_point_id=notice.contact_point_id,
        recipient_phone=notice.recipient_phone,
        channel=channel,
        language=notice.language,
        question=notice.question,
        payload={**(notice.payload or {}), **(payload or {})},
        due_at=due,
        expires_at=notice.expires_at,
        state=NoticeState.PLANNED,
        attempts=0,
        escalation_step=step,
        created_at=now,
    )
    session.add(follow)
    session.flush()
    session.refresh(follow)
    return follow


def _point_of(session: Session, message: Message) -> ContactPoint | None:
    if message.contact_point_id is None:
        return None
    return session.get(ContactPoint, message.contact_point_id)
