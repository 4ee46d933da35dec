"""Following up returnees flagged unreachable: who is on it, what was tried, what came of it.

Who is unreachable is the one rule of `smsgateway.reachability` (the escalation's explicit
flag; its steps are the escalation policy, `unreachable_definition`). This module adds what
people do about it, as an append-only log (`Followup`):

- a manager **assigns** the returnee to a caseworker (the latest assignment holds);
- someone records the **outcome of a home visit or a call**; "reached" clears the flag, as the
  person answering would;
- someone records a **new number** the person gave: their own contact point takes it, it is
  reachable (a person confirmed it), and the flag is cleared, so the notices held for them go
  out to it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsgateway.errors import InvalidInput
from smsgateway.escalation import DEFAULT_POLICY, EscalationPolicy
from smsgateway.models import ContactPoint, Followup, Message, Referral, Returnee, User
from smsgateway.phones import parse_phone
from smsgateway.reachability import (
    REACHABLE,
    clear_unreachable,
    confirm_number,
    flagged_unreachable_returnees,
    set_reachability,
)
from smsgateway.referrals import OPEN, SILENT
from smsgateway.returnees import PhoneInput, add_contact_point, change_contact_number
from smsgateway.users import Actor, actor_identity


class FollowupKind(StrEnum):
    ASSIGNED = "assigned"
    VISIT = "visit"
    CALL = "call"
    NEW_NUMBER = "new_number"


class FollowupOutcome(StrEnum):
    """What a home visit or a call came to."""

    REACHED = "reached"
    NOT_FOUND = "not_found"
    MOVED = "moved"
    NO_ANSWER = "no_answer"
    REFUSED = "refused"


#: Roles a returnee may be assigned to for follow-up.
ASSIGNABLE_ROLES = ("caseworker", "manager", "admin")


@dataclass(frozen=True)
class UnreachableDefinition:
    """When a returnee counts as unreachable: every step of the escalation policy was tried."""

    steps: tuple[str, ...]
    retry_after_hours: float
    voice_retries: int
    proxy_answer_days: float


def unreachable_definition(policy: EscalationPolicy = DEFAULT_POLICY) -> UnreachableDefinition:
    """The definition in force, for the page that lists who is unreachable."""
    return UnreachableDefinition(
        steps=policy.steps,
        retry_after_hours=policy.retry_after.total_seconds() / 3600,
        voice_retries=policy.voice_retries,
        proxy_answer_days=policy.proxy_answer_window.total_seconds() / 86400,
    )


@dataclass(frozen=True)
class ChannelTried:
    channel: str
    attempts: int
    last_status: str
    last_at: datetime


@dataclass
class FollowupRow:
    """One flagged returnee: the attempts, the proxy, the open referrals, the follow-up."""

    returnee: Returnee
    last_attempt_at: datetime | None = None
    channels: list[ChannelTried] = field(default_factory=list)
    proxies: list[ContactPoint] = field(default_factory=list)
    open_references: list[str] = field(default_factory=list)
    #: Those of the open referrals whose outcome is not known yet (`referrals.SILENT`).
    unknown_references: list[str] = field(default_factory=list)
    assigned_to: str = ""
    last_followup: Followup | None = None

    @property
    def is_to_chase(self) -> bool:
        """Whether a referral of theirs still waits for an outcome: someone should go after them
        now. Otherwise they are unreachable for later notices, and nothing waits on them."""
        return bool(self.unknown_references)


def followup_rows(session: Session) -> list[FollowupRow]:
    """Every returnee carrying the unreachable flag, longest flagged first, with what was
    tried (outbound messages per channel, the last status of each) and done since; the
    page shows first those to chase (`FollowupRow.is_to_chase`)."""
    rows = [FollowupRow(returnee) for returnee in flagged_unreachable_returnees(session)]
    ids = [row.returnee.id for row in rows]
    if not ids:
        return rows
    channels = _channels_tried(session, ids)
    references: dict[int, list[str]] = defaultdict(list)
    unknown: dict[int, list[str]] = defaultdict(list)
    for returnee_id, reference, status in session.execute(
        select(Referral.returnee_id, Referral.reference, Referral.status)
        .where(Referral.returnee_id.in_(ids), Referral.status.in_([str(s) for s in OPEN]))
        .order_by(Referral.id)
    ):
        references[returnee_id].append(reference or "")
        if status in SILENT:
            unknown[returnee_id].append(reference or "")
    logs: dict[int, list[Followup]] = defaultdict(list)
    for entry in session.scalars(
        select(Followup).where(Followup.returnee_id.in_(ids)).order_by(Followup.id)
    ):
        logs[entry.returnee_id].append(entry)
    for row in rows:
        rid = row.returnee.id
        row.channels = channels.get(rid, [])
        row.last_attempt_at = max((tried.last_at for tried in row.channels), default=None)
        row.proxies = [point for point in row.returnee.contact_points if point.is_proxy]
        row.open_references = references.get(rid, [])
        row.unknown_references = unknown.get(rid, [])
        assignments = [e for e in logs[rid] if e.kind == FollowupKind.ASSIGNED]
        if assignments and assignments[-1].assigned_to is not None:
            row.assigned_to = assignments[-1].assigned_to.username
        row.last_followup = logs[rid][-1] if logs[rid] else None
    return rows


def _channels_tried(session: Session, ids: list[int]) -> dict[int, list[ChannelTried]]:
    last = (
        select(Message.returnee_id, Message.channel, func.max(Message.id).label("last_id"))
        .where(Message.direction == "out", Message.returnee_id.in_(ids))
        .group_by(Message.returnee_id, Message.channel)
        .subquery()
    )
    counts = (
        select(Message.returnee_id, Message.channel, func.count().label("attempts"))
        .where(Message.direction == "out", Message.returnee_id.in_(ids))
        .group_by(Message.returnee_id, Message.channel)
        .subquery()
    )
    query = (
        select(
            last.c.returnee_id,
            last.c.channel,
            counts.c.attempts,
            Message.delivery_status,
            Message.created_at,
        )
        .join(Message, Message.id == last.c.last_id)
        .join(
            counts,
            (counts.c.returnee_id == last.c.returnee_id) & (counts.c.channel == last.c.channel),
        )
        .order_by(last.c.returnee_id, last.c.channel)
    )
    found: dict[int, list[ChannelTried]] = defaultdict(list)
    for returnee_id, channel, attempts, status, at in session.execute(query):
        found[returnee_id].append(ChannelTried(channel, attempts, status, at))
    return found


def _log(
    session: Session,
    returnee: Returnee,
    kind: FollowupKind,
    *,
    now: datetime,
    actor: Actor,
    outcome: str = "",
    note: str = "",
    assigned_to: User | None = None,
) -> Followup:
    name, user_id = actor_identity(actor)
    entry = Followup(
        returnee_id=returnee.id,
        kind=kind,
        outcome=outcome,
        note=note.strip()[:1000],
        assigned_to_user_id=assigned_to.id if assigned_to is not None else None,
        actor=name[:100],
        actor_user_id=user_id,
        created_at=now,
    )
    session.add(entry)
    session.flush()
    return entry


def assign_followup(
    session: Session, returnee: Returnee, assignee: User, *, now: datetime, actor: Actor
) -> Followup:
    """Give the follow-up of an unreachable returnee to a staff account."""
    if not assignee.is_active or assignee.role not in ASSIGNABLE_ROLES:
        raise InvalidInput("assignee", "assign to an active caseworker, manager or admin")
    return _log(
        session, returnee, FollowupKind.ASSIGNED, now=now, actor=actor, assigned_to=assignee
    )


def record_followup_outcome(
    session: Session,
    returnee: Returnee,
    kind: str,
    outcome: str,
    *,
    now: datetime,
    actor: Actor,
    note: str = "",
) -> Followup:
    """What a home visit or a call came to; "reached" clears the unreachable flag."""
    if kind not in (FollowupKind.VISIT, FollowupKind.CALL):
        raise InvalidInput("kind", "a visit or a call")
    if outcome not in {value.value for value in FollowupOutcome}:
        raise InvalidInput("outcome", "one of: %(outcomes)s", outcomes=", ".join(FollowupOutcome))
    entry = _log(
        session, returnee, FollowupKind(kind), now=now, actor=actor, outcome=outcome, note=note
    )
    if outcome == FollowupOutcome.REACHED:
        clear_unreachable(session, returnee, now=now, actor=actor, reason=f"reached_by_{kind}")
    return entry


def record_new_number(
    session: Session,
    returnee: Returnee,
    number: str,
    *,
    region: str,
    now: datetime,
    actor: Actor,
    note: str = "",
) -> ContactPoint:
    """The person gave a new number of their own: it replaces their own number (or is added
    when they had only proxies), is reachable, and the unreachable flag is cleared.

    The same number again (a "wrong number" answer that was not true) comes off the suppression
    list; a number that sent STOP is refused (`reachability.StoppedNumber`): only START from it
    lets the service write to it again."""
    confirm_number(session, parse_phone(number, region, "number"))
    own = next((point for point in returnee.contact_points if not point.is_proxy), None)
    if own is None:
        own = add_contact_point(
            session, returnee, PhoneInput(number), region=region, now=now, actor=actor
        )
    else:
        change_contact_number(session, own, number, region, now=now)
    set_reachability(session, own, REACHABLE, "new_number", now=now)
    returnee.updated_at = now
    _log(session, returnee, FollowupKind.NEW_NUMBER, now=now, actor=actor, note=note)
    clear_unreachable(session, returnee, now=now, actor=actor, reason="new_number")
    return own


def assignable_users(session: Session) -> list[User]:
    """Active staff accounts a follow-up may be given to, by username."""
    query = select(User).where(User.is_active.is_(True), User.role.in_(ASSIGNABLE_ROLES))
    return list(session.scalars(query.order_by(User.username)))
