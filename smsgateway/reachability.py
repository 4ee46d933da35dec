"""Reachability of contact points, the suppression list, opt-out per number, the unreachable flag.

A contact point (one number of a returnee, own or a proxy's) has a reachability state with a
history: `reachable` (a delivery or a reply), `failing` (a delivery failed), `invalid` (a wrong
number), `unreachable` (an escalation ended on it), `opted_out` (STOP from that number, or
Twilio's 21610), `unknown` (nothing known yet). `opted_out` stays until START from that number.

STOP works per number: the number goes on the suppression list (checked before every send, on
every sender and channel), its contact points become `opted_out`, what is planned for it is
cancelled and the caseworker is told (a review item, or the unreachable flag with the reason
`opted_out` when no own number of the person works any more); the returnee's other numbers keep
receiving.

A returnee carries an explicit **unreachable flag** (`Returnee.unreachable_flagged_at`, with a
reason) set when an escalation sequence ends with nobody answering (smsgateway.escalation). A
delivery report does not clear it (a phone that is on is not a person who answered): only the
person answering from their own number, or a caseworker, does. Lists and counts:
`flagged_unreachable_returnees`, `count_flagged_unreachable`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.orm import Session

from smsgateway.channels import Channel
from smsgateway.errors import InvalidInput
from smsgateway.models import (
    ChannelConsent,
    ContactPoint,
    Message,
    Notice,
    Referral,
    Returnee,
    ReviewItem,
)
from smsgateway.models.reachability import Escalation, ReachabilityEvent, Suppression
from smsgateway.notices import NoticeKind, NoticeState, cancel_pending, plan_notice
from smsgateway.users import Actor, actor_identity

log = logging.getLogger(__name__)

UNKNOWN = "unknown"
REACHABLE = "reachable"
FAILING = "failing"
UNREACHABLE = "unreachable"
INVALID = "invalid"
OPTED_OUT = "opted_out"

WHATSAPP_SESSION = timedelta(hours=24)
#: Review item reason that tells a caseworker a number sent STOP (or Twilio reports it stopped).
OPTED_OUT_REVIEW = "opted_out"
#: The reason a number carries after someone answered that it is not the returnee's.
WRONG_NUMBER = "wrong_number"
#: Escalation state of a sequence that ended with the flag (smsgateway.escalation).
FLAGGED = "unreachable"


# -- reachability ------------------------------------------------------------------------------


def set_reachability(
    session: Session,
    point: ContactPoint,
    state: str,
    reason: str,
    *,
    now: datetime,
    message_id: int | None = None,
    lifts_opt_out: bool = False,
) -> bool:
    """Record a new reachability state with its reason; False when unchanged.

    `opted_out` is left only through `record_opt_in` (START): no delivery or failure moves it.
    """
    if point.reachability == state or (point.reachability == OPTED_OUT and not lifts_opt_out):
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


def mark_reachable_by_phone(
    session: Session,
    phone: str,
    reason: str,
    *,
    now: datetime,
    points: list[ContactPoint] | None = None,
) -> None:
    """A reply from a number makes every contact point with it reachable again.

    `points`: the number's contact points, when the caller already read them.
    """
    if points is None:
        points = list(session.scalars(select(ContactPoint).filter_by(phone_e164=phone)))
    for point in points:
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


#: A proxy asked this recently is not asked again by the loop's `ask_proxy` step.
PROXY_REQUEST_SPACING = timedelta(days=2)


def request_proxy_contact(
    session: Session, returnee: Returnee, *, now: datetime, referral: Referral | None = None
) -> Notice | None:
    """A discreet request to one proxy of the returnee to have them contact the office.

    The hook the loop's `ask_proxy` step calls. A request already planned, or sent in the last
    `PROXY_REQUEST_SPACING`, counts as this one (one proxy request per step); None when the
    returnee has no proxy that is not known to fail, or stopped every own number (a person who
    said STOP is not asked after through a relative; START lifts it).
    """
    if returnee.unreachable_reason == OPTED_OUT:
        return None
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


# -- suppression and opt-out per number --------------------------------------------------------


def suppress(session: Session, phone: str, reason: str, *, now: datetime) -> bool:
    """Add a number to the suppression list; False when it was already there."""
    if session.scalar(select(Suppression).filter_by(phone_e164=phone)) is not None:
        return False
    session.add(Suppression(phone_e164=phone, reason=reason[:64], created_at=now))
    session.flush()
    return True


def lift_suppression(session: Session, phone: str) -> None:
    """Take a number off the suppression list (the person sent START)."""
    session.execute(delete(Suppression).where(Suppression.phone_e164 == phone))


class StoppedNumber(InvalidInput):
    """A staff member gave as the person's number one that sent STOP: only START lifts it."""

    def __init__(self, field: str) -> None:
        super().__init__(
            field, "this number asked for no more messages; only START from it lifts that"
        )


def confirm_number(session: Session, phone: str) -> None:
    """A staff member says this number is the returnee's: a "wrong number" answer that put it on
    the suppression list no longer holds. A STOP does: consent comes back only with START from
    the number itself (`StoppedNumber`, before anything changed)."""
    reason = session.scalar(select(Suppression.reason).filter_by(phone_e164=phone))
    if reason is None:
        return
    if reason != WRONG_NUMBER:
        raise StoppedNumber("number")
    lift_suppression(session, phone)


def suppressed_numbers(session: Session, phones: Iterable[str]) -> set[str]:
    """Those of `phones` on the suppression list."""
    wanted = [phone for phone in set(phones) if phone]
    if not wanted:
        return set()
    return set(
        session.scalars(select(Suppression.phone_e164).where(Suppression.phone_e164.in_(wanted)))
    )


def stop_number(
    session: Session,
    phone: str,
    *,
    reason: str,
    state: str,
    now: datetime,
    message_id: int | None = None,
) -> list[ContactPoint] | None:
    """The one way a number is stopped (STOP, Twilio's 21610, "wrong number"): it goes on the
    suppression list for `reason`, its contact points become `state`, and what is planned for
    it is cancelled. Its contact points; None when it was already on the list (a repeated STOP,
    a second "wrong number"): nothing changes, and nobody is told or asked twice."""
    if not suppress(session, phone, reason, now=now):
        return None
    points = list(session.scalars(select(ContactPoint).filter_by(phone_e164=phone)))
    for point in points:
        set_reachability(session, point, state, reason, now=now, message_id=message_id)
    why = "wrong number" if reason == WRONG_NUMBER else "number opted out"
    cancel_planned_for(session, phone, [point.id for point in points], why=why)
    return points


def record_opt_out(
    session: Session,
    phone: str,
    *,
    source: str,
    now: datetime,
    message_id: int | None = None,
    notice_id: int | None = None,
) -> None:
    """STOP (or Twilio's 21610) for one number: suppress it on every sender and channel, mark
    its contact points `opted_out`, cancel what is planned for it, tell the caseworker.

    The returnee's other numbers are untouched. A returnee left with no own number that
    works is flagged unreachable (reason `opted_out`, shown on the Unreachable list: the
    caseworker's one entry for the person, which a later flag of their referrals does not
    repeat); one who still has such a number gets a review item saying this one stopped.
    Repeated reports for a number already suppressed change nothing and tell nobody again.
    """
    points = stop_number(
        session, phone, reason=source, state=OPTED_OUT, now=now, message_id=message_id
    )
    if points is None:
        return
    for returnee in sorted({point.returnee for point in points}, key=lambda r: r.id):
        if not has_own_number_that_works(returnee):
            flag_unreachable(session, returnee, reason=OPTED_OUT, now=now)
            _cancel_proxy_requests(session, returnee)
            continue
        session.add(
            ReviewItem(
                message_id=message_id,
                notice_id=notice_id,
                returnee_id=returnee.id,
                reason=OPTED_OUT_REVIEW,
                created_at=now,
            )
        )
    session.flush()
    log.info("opt-out: a number of %d contact point(s) stopped (%s)", len(points), source)


def _cancel_proxy_requests(session: Session, returnee: Returnee) -> None:
    """A person who stopped every own number is not asked after through a relative."""
    session.execute(
        update(Notice)
        .where(
            Notice.returnee_id == returnee.id,
            Notice.kind == NoticeKind.PROXY_CONTACT_REQUEST,
            Notice.state == NoticeState.PLANNED,
        )
        .values(state=NoticeState.CANCELLED, last_error="the person opted out"),
        execution_options={"synchronize_session": False},
    )


def acknowledge_opt_out(session: Session, item_id: int, *, now: datetime, actor: Actor) -> None:
    """A caseworker has seen that a number stopped: the review item is resolved."""
    item = session.get(ReviewItem, item_id)
    if item is None or item.reason != OPTED_OUT_REVIEW or item.resolved_at is not None:
        raise InvalidInput("item_id", "no open opt-out review item with this id")
    name, user_id = actor_identity(actor)
    item.resolved_at, item.resolved_by, item.resolved_by_user_id = now, name[:100], user_id


def record_opt_out_of_person(
    session: Session, returnee: Returnee, *, source: str, now: datetime
) -> None:
    """The person asked to receive nothing more, and a caseworker recorded it (a message applied
    from the review queue, the returnee page, the API: `returnees.set_consent`): it ends as a
    STOP does, for the person rather than the number.
    Every channel is opted out, everything planned for them is cancelled, and they are on the
    Unreachable list (reason `opted_out`). START from one of their own numbers lifts it all
    (`record_opt_in`). Others who share the phone are not touched."""
    set_opt_out(session, returnee, is_opted_out=True, source=source, now=now)
    cancel_pending(session, returnee_id=returnee.id, reason="opted out")
    flag_unreachable(session, returnee, reason=OPTED_OUT, now=now)
    log.info("opt-out: returnee %d opted out of every channel (%s)", returnee.id, source)


def record_opt_in(session: Session, phone: str, *, source: str, now: datetime) -> None:
    """START from a number: off the suppression list; its contact points reachable again, and
    the unreachable flag that the STOP set is cleared. When the number is one person's own
    (`person_of_number`), their opt-out is lifted too however it was recorded (a caseworker
    applied their request); on a shared phone nobody can tell who wrote, and a person's own
    opt-out stays for a caseworker to lift."""
    lift_suppression(session, phone)
    points = list(session.scalars(select(ContactPoint).filter_by(phone_e164=phone)))
    owner = person_of_number(points)
    for point in points:
        if point.reachability == OPTED_OUT:
            set_reachability(session, point, REACHABLE, "opt_in", now=now, lifts_opt_out=True)
    if owner is not None and any(consent.is_opted_out for consent in owner.consents):
        set_opt_out(session, owner, is_opted_out=False, source=source, now=now)
    for returnee in {point.returnee for point in points if not point.is_proxy}:
        # The flag of someone whose own opt-out stays (a shared phone) stays with it.
        still_out = any(consent.is_opted_out for consent in returnee.consents)
        if returnee.unreachable_reason == OPTED_OUT and not still_out:
            clear_unreachable(session, returnee, now=now, actor="system", reason="opt_in")
    log.info("opt-in: a number started again (%s)", source)


def person_of_number(points: list[ContactPoint]) -> Returnee | None:
    """The one person whose own number this is (the contact points of one number), or None
    when it is a relative's, shared (`is_shared`) or several people's own."""
    owners = {point.returnee_id for point in points if not point.is_proxy}
    if len(owners) != 1 or any(point.is_shared for point in points):
        return None
    return next(point.returnee for point in points if not point.is_proxy)


def set_opt_out(
    session: Session, returnee: Returnee, *, is_opted_out: bool, source: str, now: datetime
) -> None:
    """Opt out of (or back into) every channel at once: a STOP on one phone stops them all."""
    by_channel = {c.channel: c for c in returnee.consents}
    for channel in Channel:
        consent = by_channel.get(channel)
        if consent is None:
            consent = ChannelConsent(channel=channel, changed_at=now)
            returnee.consents.append(consent)
        consent.is_opted_out = is_opted_out
        consent.source = source[:32]
        consent.changed_at = now
    session.flush()


#: The states in which a number no longer reaches the person (`failing` may come back).
LOST = (INVALID, OPTED_OUT, UNREACHABLE)


def has_own_number_that_works(returnee: Returnee) -> bool:
    """Whether one of the returnee's own numbers (not a proxy's) may still reach them."""
    return any(
        not point.is_proxy and point.reachability not in LOST for point in returnee.contact_points
    )


def cancel_planned_for(
    session: Session, phone: str, point_ids: list[int], *, why: str = "number opted out"
) -> None:
    """Cancel planned notices to this number, except answers to STOP and START."""
    addressed = Notice.recipient_phone == phone
    if point_ids:
        addressed = or_(addressed, Notice.contact_point_id.in_(point_ids))
    session.execute(
        update(Notice)
        .where(
            Notice.state == NoticeState.PLANNED,
            addressed,
            Notice.kind.not_in((NoticeKind.ACK_OPTED_OUT, NoticeKind.ACK_OPTED_IN)),
        )
        .values(state=NoticeState.CANCELLED, last_error=why),
        execution_options={"synchronize_session": False},
    )


def provider_answers_keywords(settings: object, channel: str) -> bool:
    """Whether the provider itself answers STOP, HELP and START on this channel.

    With Twilio's Advanced Opt-Out (`SMSGATEWAY_TWILIO_ADVANCED_OPT_OUT`), Twilio replies to
    those keywords on SMS; the service then records the opt-out but sends no answer of its own,
    so the person does not get two.
    """
    return (
        getattr(settings, "transport", "") == "twilio"
        and bool(getattr(settings, "twilio_advanced_opt_out", False))
        and channel == "sms"
    )


# -- the unreachable flag of a returnee --------------------------------------------------------


def is_flagged_unreachable(returnee: Returnee) -> bool:
    """Whether the returnee carries the explicit unreachable flag."""
    return returnee.unreachable_flagged_at is not None


def flag_unreachable(session: Session, returnee: Returnee, *, reason: str, now: datetime) -> bool:
    """Set the unreachable flag (kept if already set); False when it was already set."""
    if returnee.unreachable_flagged_at is not None:
        return False
    returnee.unreachable_flagged_at = now
    returnee.unreachable_reason = reason[:64]
    session.flush()
    log.info("returnee %d flagged unreachable (%s)", returnee.id, reason)
    return True


def clear_unreachable(
    session: Session, returnee: Returnee, *, now: datetime, actor: Actor, reason: str = "cleared"
) -> bool:
    """Clear the flag: the person answered (`actor` "system") or a caseworker cleared it."""
    if returnee.unreachable_flagged_at is None:
        return False
    returnee.unreachable_flagged_at = None
    returnee.unreachable_reason = ""
    session.execute(
        update(Escalation)
        .where(Escalation.returnee_id == returnee.id, Escalation.state == FLAGGED)
        .values(
            state="cleared",
            reason=reason[:64],
            closed_by=actor_identity(actor)[0][:100],
            updated_at=now,
        ),
        execution_options={"synchronize_session": False},
    )
    session.flush()
    log.info("returnee %d: unreachable flag cleared (%s)", returnee.id, reason)
    return True


def flagged_unreachable_returnees(session: Session) -> list[Returnee]:
    """Returnees carrying the unreachable flag, longest flagged first."""
    return list(
        session.scalars(
            select(Returnee)
            .where(Returnee.unreachable_flagged_at.is_not(None))
            .order_by(Returnee.unreachable_flagged_at, Returnee.id)
        )
    )


def count_flagged_unreachable(session: Session) -> int:
    """How many returnees carry the unreachable flag (for dashboards)."""
    query = select(func.count()).where(Returnee.unreachable_flagged_at.is_not(None))
    return int(session.scalar(query) or 0)


def unreachable_condition() -> ColumnElement[bool]:
    """The one rule, as SQL on `Returnee`: the returnee carries the explicit unreachable flag.

    `unreachable_returnee_ids` and the dashboard's grouped counts both read it.
    """
    return Returnee.unreachable_flagged_at.is_not(None)


def unreachable_returnee_ids(session: Session, returnee_ids: Iterable[int]) -> set[int]:
    """Those returnees carrying the explicit unreachable flag (the escalation's, see above).

    The person-level `unreachable` flag that the loop's standing reports (`smsgateway.loop`).
    """
    wanted = sorted(set(returnee_ids))
    if not wanted:
        return set()
    return set(
        session.scalars(select(Returnee.id).where(Returnee.id.in_(wanted), unreachable_condition()))
    )
