"""Referral statuses, the one transition table, and the one function that changes a status.

    referred ──▶ confirmed ──────────────▶ attended ──▶ enrolled ──▶ completed
       │  ╲          │  ▲                      │  ╲          │
       │   ╲         ▼  │                      │   ╲         ▼
       │    ▶ declined / reschedule_requested  │    ▶ ineligible, dropped_out
       │                      │                ▼
       ├──────────────────────┴──▶ no_show / not_started ──▶ (rebooked) referred
       │
    cancelled: from every open state.   Closed: completed, ineligible, dropped_out, cancelled.

Partners may report `attended`, `enrolled`, `ineligible` or `no_show` without the returnee
having answered, and after a returnee's decline (people change their minds; the partner saw
them or did not), so those are reachable from every state before them. `not_started` is a
returnee's "no, I did not start" to a follow-up. Every change writes a `ReferralEvent`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Table, insert, inspect
from sqlalchemy.orm import Session

from smsgateway.errors import InvalidInput
from smsgateway.loop.tasks import start_tasks_of_new_referrals, sync_tasks
from smsgateway.models import Message, Notice, Partner, Referral, ReferralEvent, Returnee, Task
from smsgateway.models.versions import update_now
from smsgateway.notices import NoticeKind, cancel_pending
from smsgateway.outbound_webhooks import record_delivery, records_deliveries
from smsgateway.planning import (
    plan_call_announcement,
    plan_referrals,
    plan_satisfaction_after_enrolment,
    replan_appointment,
)
from smsgateway.programme import Programme
from smsgateway.users import Actor, actor_identity


class Status(StrEnum):
    REFERRED = "referred"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    RESCHEDULE_REQUESTED = "reschedule_requested"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    ENROLLED = "enrolled"
    INELIGIBLE = "ineligible"
    DROPPED_OUT = "dropped_out"
    COMPLETED = "completed"
    NOT_STARTED = "not_started"
    CANCELLED = "cancelled"


class Source(StrEnum):
    """Who or what caused a status change."""

    RETURNEE_REPLY = "returnee_reply"
    VOICE_KEYPRESS = "voice_keypress"
    PARTNER_SMS = "partner_sms"
    PARTNER_PAGE = "partner_page"  # a partner account on the console
    CASEWORKER = "caseworker"
    API = "api"  # a case-management system, with an account's API token
    SYSTEM = "system"


S = Status
_OUTCOMES = {S.ENROLLED, S.INELIGIBLE}
#: What a partner may report from any state before it (and after a returnee's decline).
_PARTNER_SEEN = {S.ATTENDED, S.NO_SHOW, *_OUTCOMES}
TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.REFERRED: frozenset(
        {S.CONFIRMED, S.DECLINED, S.RESCHEDULE_REQUESTED, S.NOT_STARTED, *_PARTNER_SEEN}
    ),
    S.CONFIRMED: frozenset({S.DECLINED, S.RESCHEDULE_REQUESTED, S.NOT_STARTED, *_PARTNER_SEEN}),
    S.DECLINED: frozenset(
        {S.CONFIRMED, S.RESCHEDULE_REQUESTED, S.REFERRED, S.NOT_STARTED, *_PARTNER_SEEN}
    ),
    S.RESCHEDULE_REQUESTED: frozenset(
        {S.REFERRED, S.CONFIRMED, S.DECLINED, S.NOT_STARTED, *_PARTNER_SEEN}
    ),
    # A partner's "dropped out" after attendance implies the enrolment nobody reported.
    S.ATTENDED: frozenset({S.NOT_STARTED, S.DROPPED_OUT, *_OUTCOMES}),
    S.NO_SHOW: frozenset({S.REFERRED, S.RESCHEDULE_REQUESTED, S.ATTENDED, *_OUTCOMES}),
    S.NOT_STARTED: frozenset({S.REFERRED, S.ATTENDED, S.NO_SHOW, *_OUTCOMES}),
    S.ENROLLED: frozenset({S.DROPPED_OUT, S.COMPLETED}),
    S.INELIGIBLE: frozenset(),
    S.DROPPED_OUT: frozenset(),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
}
CLOSED = frozenset(status for status, targets in TRANSITIONS.items() if not targets) | {S.CANCELLED}
OPEN = frozenset(Status) - CLOSED
for _status in OPEN:  # cancelled: from every open state
    TRANSITIONS[_status] = TRANSITIONS[_status] | {S.CANCELLED}

#: Statuses that say nothing of what became of the referral: every referral still in one of these
#: after its first 30 days must carry an explicit flag (`smsgateway.loop.standing`).
SILENT = frozenset({S.REFERRED, S.CONFIRMED, S.RESCHEDULE_REQUESTED})

#: The usual path; a status earlier on it than the current one adds nothing when reported late.
PROGRESSION = (S.REFERRED, S.CONFIRMED, S.ATTENDED, S.ENROLLED, S.COMPLETED)

#: The stages of the managers' funnel (`Referral.furthest_stage` is an index into it) and the
#: stage each status reaches: `completed` and `dropped_out` imply the enrolment.
FUNNEL_STAGES = (S.REFERRED, S.CONFIRMED, S.ATTENDED, S.ENROLLED)
FUNNEL_STAGE: dict[Status, int] = {
    S.CONFIRMED: 1,
    S.ATTENDED: 2,
    S.ENROLLED: 3,
    S.COMPLETED: 3,
    S.DROPPED_OUT: 3,
}
ENROLLED_STAGE = 3

#: Statuses that already say what another would: a no-show has not started either.
_IMPLIED_BY: dict[Status, frozenset[Status]] = {S.NO_SHOW: frozenset({S.NOT_STARTED})}

#: The statuses in which each question is still worth asking; in any other, a planned question
#: is cancelled when the status changes and never sent (no "did you go?" after a decline).
ASKED_WHILE: dict[str, frozenset[Status]] = {
    NoticeKind.APPOINTMENT_REMINDER: frozenset({S.REFERRED, S.CONFIRMED}),
    NoticeKind.ATTENDANCE_CHECK: frozenset({S.REFERRED, S.CONFIRMED}),
    NoticeKind.REFERRAL_FOLLOWUP: OPEN - {S.ENROLLED},
    # Whether the help matched: asked while the referral is open and once it is completed; a
    # referral that closes early (cancelled, ineligible, dropped out) is not asked.
    NoticeKind.SATISFACTION_QUESTION: OPEN | {S.COMPLETED},
    # A digest drops the referrals that got their answer meanwhile (`smsgateway.questions`).
    NoticeKind.PARTNER_QUESTION: frozenset({S.REFERRED, S.CONFIRMED, S.ATTENDED}),
}


#: Service categories whose referrals are sensitive whatever the caseworker ticks: messages never
#: name the service, its category or the partner's real name (DESIGN.md, discretion by default).
SENSITIVE_CATEGORIES = frozenset(
    {"medical", "mental_health", "psychosocial", "protection", "gbv", "trafficking"}
)


class TransitionRefused(ValueError):
    """The referral cannot move to the asked status; nothing was changed."""

    def __init__(self, reference: str, old: str, new: str) -> None:
        self.old, self.new = old, new
        super().__init__(f"referral {reference} cannot go from {old} to {new}")


def is_allowed(old: str, new: str) -> bool:
    return Status(new) in TRANSITIONS[Status(old)]


def is_superseded(current: str, new: str) -> bool:
    """Whether the referral already went past `new` on the usual path (a late "1" after the
    partner reported the enrolment): nothing to record, and nothing for a caseworker either."""
    if Status(new) in _IMPLIED_BY.get(Status(current), ()):
        return True
    if Status(new) not in PROGRESSION or Status(current) not in PROGRESSION:
        return False
    return PROGRESSION.index(Status(current)) > PROGRESSION.index(Status(new))


def is_worth_asking(kind: str, status: str) -> bool:
    """Whether a notice of `kind` still makes sense for a referral in `status`."""
    asked = ASKED_WHILE.get(kind)
    return asked is None or Status(status) in asked


def change_status(
    session: Session,
    referral: Referral,
    new: Status,
    *,
    source: Source,
    now: datetime,
    actor: Actor = "",
    message: Message | None = None,
    note: str = "",
    programme: Programme | None = None,
    live_tasks: dict[str, Task] | None = None,
) -> None:
    """Move `referral` to `new`, append the event and bring its tasks up to date (the loop);
    `TransitionRefused` changes nothing.

    `actor` is the logged-in user for changes made on the console, else a name (a point person).
    `live_tasks`: the referral's live tasks when the caller read them (`loop.tasks.sync_tasks`).
    The event is written at once, one Core INSERT whoever the caller (`_write_event`).
    """
    old = referral.status
    if not is_allowed(old, new):
        raise TransitionRefused(referral.reference or str(referral.id), old, new)
    # Written at once through Core (with the version a flush would count): a reply's one
    # transaction then has nothing left for the unit of work (`models.versions.update_now`).
    values = {"status": new, "updated_at": now, **_milestones(referral, Status(new), now)}
    update_now(session, referral, values)
    _cancel_pointless_notices(session, referral, Status(new))
    if new == Status.ENROLLED:
        plan_satisfaction_after_enrolment(session, referral, now=now, programme=programme)
    actor_name, actor_user_id = actor_identity(actor)
    row = {
        "old_status": old,
        "new_status": new,
        "source": source,
        "actor": actor_name,
        "actor_user_id": actor_user_id,
        "note": note,
        "created_at": now,
    }
    _write_event(session, referral, message, row)
    sync_tasks(session, referral, now=now, programme=programme, message=message, live=live_tasks)


_EVENTS: Table = ReferralEvent.__table__  # type: ignore[assignment]


def _write_event(
    session: Session, referral: Referral, message: Message | None, row: dict[str, Any]
) -> None:
    """The event of a status change: one Core INSERT (no ORM object, no unit of work), with its
    outbound-webhook delivery row when those are on.

    What the INSERT cannot see is flushed first: a referral not stored yet, a message in the
    session not stored yet (so the event links it), or an event object still pending (so event
    ids keep the order the events were made in); a referral outside the session joins it, as the
    event object's cascade used to bring it. A loaded `referral.events` is expired, so that it
    is read again, this event included, the next time it is used: never a stale list."""
    if referral not in session:
        session.add(referral)
    if _must_flush_first(session, referral, message):
        session.flush()
    row["referral_id"] = referral.id
    row["message_id"] = message.id if message is not None else None
    _insert_event(session, row)
    if "events" in inspect(referral).dict:
        session.expire(referral, ["events"])


def _must_flush_first(session: Session, referral: Referral, message: Message | None) -> bool:
    if inspect(referral).pending:
        return True
    if message is not None and message.id is None and message in session:
        return True
    return any(isinstance(obj, ReferralEvent) for obj in session.new)


def _insert_event(session: Session, row: dict[str, Any]) -> None:
    """One referral event through Core, and its webhook delivery row when deliveries are on."""
    result = session.connection().execute(insert(_EVENTS), row)
    if records_deliveries(session):
        key = result.inserted_primary_key
        assert key is not None  # noqa: S101  (an INSERT of one row)
        record_delivery(session, int(key[0]), row["referral_id"], row["created_at"])


def _milestones(referral: Referral, new: Status, now: datetime) -> dict[str, Any]:
    """The last change, the furthest funnel stage, the first enrolment (the dashboard's)."""
    values: dict[str, Any] = {"status_changed_at": now}
    stage = FUNNEL_STAGE.get(new, 0)
    if stage > (referral.furthest_stage or 0):
        values["furthest_stage"] = stage
    if stage == ENROLLED_STAGE and referral.enrolled_at is None:
        values["enrolled_at"] = now
    return values


def close_referral(
    session: Session,
    referral: Referral,
    status: Status = Status.CANCELLED,
    *,
    source: Source,
    now: datetime,
    actor: Actor,
    note: str = "",
) -> None:
    """End a referral in one of the closed statuses (by default `cancelled`), by the table."""
    if status not in CLOSED:
        closed = ", ".join(sorted(CLOSED))
        raise InvalidInput("status", "a referral closes as one of: %(closed)s", closed=closed)
    change_status(session, referral, status, source=source, now=now, actor=actor, note=note)


def record_creation(
    session: Session,
    referral: Referral,
    *,
    now: datetime,
    actor: Actor,
    source: Source = Source.CASEWORKER,
) -> None:
    """The first event of every referral: from nothing to `referred`."""
    actor_name, actor_user_id = actor_identity(actor)
    session.add(
        ReferralEvent(
            referral=referral,
            old_status=None,
            new_status=Status.REFERRED,
            source=source,
            actor=actor_name,
            actor_user_id=actor_user_id,
            created_at=now,
        )
    )


def _cancel_pointless_notices(session: Session, referral: Referral, new: Status) -> None:
    """A closed referral gets no more notices (but the satisfaction question of a completed
    one); a question no longer worth asking is dropped."""
    if new in CLOSED:
        kept = {kind for kind, statuses in ASKED_WHILE.items() if new in statuses}
        kinds = [kind for kind in NoticeKind if kind not in kept] if kept else None
        cancel_pending(session, referral_ids=[referral.id], kinds=kinds, reason=f"referral {new}")
        return
    pointless = [kind for kind, statuses in ASKED_WHILE.items() if new not in statuses]
    if pointless:
        cancel_pending(
            session, referral_ids=[referral.id], kinds=pointless, reason=f"referral {new}"
        )


@dataclass(frozen=True)
class NewReferral:
    """What one referral is made of (for `create_referrals`)."""

    returnee: Returnee
    partner: Partner
    service_category: str
    is_sensitive: bool = False
    appointment_at: datetime | None = None
    appointment_place: str = ""


def create_referral(
    session: Session,
    now: datetime,
    *,
    returnee: Returnee,
    partner: Partner,
    service_category: str,
    created_by: Actor,
    is_sensitive: bool = False,
    appointment_at: datetime | None = None,
    appointment_place: str = "",
    programme: Programme | None = None,
    source: Source = Source.CASEWORKER,
) -> Referral:
    """Record a referral, its first event and its notices, in the caller's transaction.

    `created_by` is the logged-in user on the console, else a name (an import, the demo).
    """
    new = NewReferral(
        returnee, partner, service_category, is_sensitive, appointment_at, appointment_place
    )
    return create_referrals(
        session, now, [new], created_by=created_by, programme=programme, source=source
    )[0]


def create_referrals(
    session: Session,
    now: datetime,
    new: Sequence[NewReferral],
    *,
    created_by: Actor,
    programme: Programme | None = None,
    source: Source = Source.CASEWORKER,
) -> list[Referral]:
    """Record referrals exactly as `create_referral` does, in two flushes for all of them and
    one INSERT over all their notices (`planning.plan_referrals`).

    Every one is checked before any is added: `InvalidInput` leaves nothing behind.
    """
    for item in new:
        check_new_referral(item)
    actor_name, actor_user_id = actor_identity(created_by)
    referrals = [
        Referral(
            returnee=item.returnee,
            partner=item.partner,
            service_category=item.service_category.strip(),
            is_sensitive=item.is_sensitive
            or item.returnee.is_sensitive
            or item.service_category.strip() in SENSITIVE_CATEGORIES,
            status=Status.REFERRED,
            appointment_at=item.appointment_at,
            appointment_place=item.appointment_place.strip(),
            created_by=actor_name,
            created_by_user_id=actor_user_id,
            created_at=now,
            updated_at=now,
            status_changed_at=now,
        )
        for item in new
    ]
    session.add_all(referrals)
    session.flush()
    for referral in referrals:
        referral.reference = f"R{1000 + referral.id}"
        record_creation(session, referral, now=now, actor=created_by, source=source)
    plan_referrals(session, referrals, now=now, programme=programme)
    start_tasks_of_new_referrals(session, referrals, now=now, programme=programme)
    session.flush()
    return referrals


def check_new_referral(item: NewReferral) -> None:
    service = item.service_category.strip()
    if not service:
        raise InvalidInput("service_category", "a service category is required")
    if len(service) > 64:
        raise InvalidInput("service_category", "use at most 64 characters")
    if len(item.appointment_place.strip()) > 200:
        raise InvalidInput("appointment_place", "use at most 200 characters")
    if item.appointment_at is not None and item.appointment_at.tzinfo is None:
        raise InvalidInput("appointment_at", "the appointment time needs a time zone")


def check_service_offered(partner: Partner, service: str, programme: Programme) -> str:
    """The service code if the programme knows it and `partner` offers it; `InvalidInput` with
    a clear reason otherwise."""
    code = service.strip()
    if not code:
        raise InvalidInput("service_category", "a service category is required")
    if programme.services and code not in programme.services:
        raise InvalidInput(
            "service_category", "'%(code)s' is not a service of the programme", code=code
        )
    if code not in partner.service_categories:
        offered = ", ".join(partner.service_categories) or "none"
        raise InvalidInput(
            "service_category",
            "%(partner)s does not offer '%(code)s' (it offers: %(offered)s)",
            partner=partner.name,
            code=code,
            offered=offered,
        )
    return code


#: States a moved appointment puts back to `referred`: the returnee has a new time to answer.
_REBOOKED_FROM = frozenset(
    {Status.DECLINED, Status.RESCHEDULE_REQUESTED, Status.NO_SHOW, Status.NOT_STARTED}
)


def move_appointment(
    session: Session,
    referral: Referral,
    new_time: datetime,
    *,
    now: datetime,
    actor: Actor,
    place: str | None = None,
    programme: Programme | None = None,
    source: Source = Source.CASEWORKER,
) -> Referral:
    """Give an open referral a new appointment time and replan its notices, same transaction."""
    if new_time.tzinfo is None:
        raise InvalidInput("appointment_at", "the appointment time needs a time zone")
    if referral.status in CLOSED:
        raise InvalidInput(
            "appointment_at", "referral %(reference)s is closed", reference=referral.reference
        )
    if new_time <= now:
        raise InvalidInput("appointment_at", "the new appointment time must be in the future")
    if place is not None and len(place.strip()) > 200:
        raise InvalidInput("appointment_place", "use at most 200 characters")
    referral.appointment_at = new_time
    if place is not None:
        referral.appointment_place = place.strip()
    referral.updated_at = now
    replan_appointment(session, referral, now=now, programme=programme)
    if referral.status in _REBOOKED_FROM:
        change_status(
            session,
            referral,
            Status.REFERRED,
            source=source,
            now=now,
            actor=actor,
            note="appointment moved",
            programme=programme,
        )
    sync_tasks(session, referral, now=now, programme=programme)  # tasks of the old time end
    session.flush()
    return referral


def schedule_call(
    session: Session,
    referral_or_returnee: Referral | Returnee,
    call_at: datetime,
    *,
    now: datetime,
    programme: Programme | None = None,
) -> Notice:
    """Announce a caseworker's call to the returnee; an earlier pending one is cancelled."""
    if call_at.tzinfo is None:
        raise InvalidInput("call_at", "the call time needs a time zone")
    if call_at <= now:
        raise InvalidInput("call_at", "the call time must be in the future")
    if isinstance(referral_or_returnee, Referral):
        referral: Referral | None = referral_or_returnee
        returnee = referral_or_returnee.returnee
    else:
        referral, returnee = None, referral_or_returnee
    notice = plan_call_announcement(
        session, returnee, call_at, now=now, referral=referral, programme=programme
    )
    session.flush()
    return notice
