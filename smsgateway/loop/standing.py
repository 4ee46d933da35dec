"""Where each referral stands: a known outcome, an explicit flag, or still silent.

The query functions the console's lists, the managers' dashboard and the caseload simulation
use. A referral has a **known outcome** once its status says what became of it (anything but
`referred`, `confirmed`, `reschedule_requested`); otherwise it should carry an explicit
**flag** by the end of its first 30 days:

- `no_response`, `awaiting_partner`, `awaiting_rebooking`: a task of the loop whose last step's
  wait passed without the matching event (`smsgateway.loop.tasks`, rules in the programme);
- `unreachable`: the returnee carries the escalation's explicit unreachable flag (every step
  tried, nobody answered; `reachability.unreachable_returnee_ids`, `smsgateway.escalation`).

A referral with a task under way (asking again, asking the proxy, asking the partner) is
**stalled** (the `stalled` rule) or waiting, not yet flagged.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsgateway.loop.partner_questions import point_person_for
from smsgateway.loop.tasks import REACH_AGE, TaskState, live_tasks_of
from smsgateway.models import Partner, PointPerson, Referral, Task
from smsgateway.programme import Programme, TaskStep
from smsgateway.reachability import unreachable_returnee_ids
from smsgateway.referrals import SILENT


class Flag(StrEnum):
    """Explicit flags a referral can carry (rules may name others in the programme file)."""

    NO_RESPONSE = "no_response"
    AWAITING_PARTNER = "awaiting_partner"
    AWAITING_REBOOKING = "awaiting_rebooking"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class Standing:
    """One referral's standing: its status, whether that is a known outcome, its flags, and the
    tasks under way (rule names)."""

    referral_id: int
    reference: str
    status: str
    is_known_outcome: bool
    flags: tuple[str, ...]
    tasks: tuple[str, ...]
    #: The open tasks whose first step has run (someone was asked): what the referral page
    #: calls "under way"; the others are only due later (asking the partner after the appointment).
    started: tuple[str, ...] = ()

    @property
    def is_settled(self) -> bool:
        """A known outcome or an explicit flag: nobody has lost track of it."""
        return self.is_known_outcome or bool(self.flags)

    @property
    def is_stalled(self) -> bool:
        return "stalled" in self.tasks


def standings(session: Session, referrals: list[Referral]) -> list[Standing]:
    """The standing of each referral, in order, with one query per kind of fact."""
    tasks = live_tasks_of(session, [referral.id for referral in referrals])
    unreachable = unreachable_returnee_ids(session, {r.returnee_id for r in referrals})
    found = []
    for referral in referrals:
        live = tasks.get(referral.id, [])
        flags = sorted({task.flag for task in live if task.state == TaskState.FLAGGED})
        if referral.returnee_id in unreachable:
            flags.append(Flag.UNREACHABLE.value)
        found.append(
            Standing(
                referral_id=referral.id,
                reference=referral.reference or "",
                status=referral.status,
                is_known_outcome=referral.status not in SILENT,
                flags=tuple(flags),
                tasks=tuple(task.rule for task in live if task.state == TaskState.OPEN),
                started=tuple(
                    task.rule for task in live if task.state == TaskState.OPEN and task.step > 0
                ),
            )
        )
    return found


def referral_standing(session: Session, referral: Referral) -> Standing:
    """The standing of one referral (the referral page)."""
    return standings(session, [referral])[0]


def flagged_referrals(
    session: Session, flag: str | None = None, *, besides: str | None = None
) -> list[Referral]:
    """Referrals carrying a task flag (`flag`, or any but `besides`), oldest flag first: a
    caseworker's and a manager's list. The `unreachable` flag:
    `reachability.flagged_unreachable_returnees`; `awaiting_partner` grouped by partner:
    `partners_awaited`.
    """
    query = select(Referral).join(Task, Task.referral_id == Referral.id)
    query = query.where(Task.state == TaskState.FLAGGED)
    if flag is not None:
        query = query.where(Task.flag == flag)
    if besides is not None:
        query = query.where(Task.flag != besides)
    rows = session.scalars(query.order_by(Task.flagged_at, Referral.id)).all()
    return list(dict.fromkeys(rows))


@dataclass(frozen=True)
class PartnerWait:
    """A partner that has not answered about some of its referrals: one call to its point person
    covers them all (the caseworker's "Waiting for partners" list)."""

    partner: Partner
    point_person: PointPerson | None
    referrals: tuple[Referral, ...]
    #: When the oldest of them was flagged.
    since: datetime


def partners_awaited(session: Session) -> list[PartnerWait]:
    """Referrals flagged `awaiting_partner`, grouped by partner, the longest wait first."""
    rows = session.execute(
        select(Referral, Task.flagged_at)
        .join(Task, Task.referral_id == Referral.id)
        .where(Task.state == TaskState.FLAGGED, Task.flag == Flag.AWAITING_PARTNER.value)
        .order_by(Task.flagged_at, Referral.id)
    ).all()
    # Per partner, each referral with its first flag's moment, in the order of the query.
    groups: dict[int, dict[Referral, datetime]] = {}
    for referral, flagged_at in rows:
        groups.setdefault(referral.partner_id, {}).setdefault(
            referral, flagged_at or referral.created_at
        )
    waits = []
    for flagged in groups.values():
        first = next(iter(flagged))
        waits.append(
            PartnerWait(
                partner=first.partner,
                point_person=point_person_for(first.partner),
                referrals=tuple(flagged),
                since=flagged[first],
            )
        )
    return waits


def flag_counts(session: Session) -> dict[str, int]:
    """How many referrals carry each task flag now (the dashboard); `unreachable` people are
    counted on their own list."""
    rows = session.execute(
        select(Task.flag, func.count(func.distinct(Task.referral_id)))
        .where(Task.state == TaskState.FLAGGED)
        .group_by(Task.flag)
    ).all()
    return {flag: count for flag, count in rows}


def caseworker_tasks(
    session: Session, *, programme: Programme, rule: str = "rebooking"
) -> list[Task]:
    """Tasks that wait for a caseworker (rebooking after a request for another date), the most
    urgent first; moving the appointment closes them. A task whose current step asks someone
    else (the partner, for a new date) is not on the list until that step's wait has passed."""
    steps = rule_of.steps if (rule_of := programme.rule(rule)) is not None else ()
    tasks = session.scalars(
        select(Task)
        .where(Task.rule == rule, Task.state.in_((TaskState.OPEN, TaskState.FLAGGED)))
        .order_by(Task.due_at, Task.id)
    )
    return [
        task for task in tasks if task.state == TaskState.FLAGGED or _at_caseworker(task, steps)
    ]


def _at_caseworker(task: Task, steps: tuple[TaskStep, ...]) -> bool:
    """Whether the task's current step (or, before its first, the first) is the caseworker's."""
    if not steps:
        return True
    current = steps[max(task.step - 1, 0)] if task.step <= len(steps) else steps[-1]
    return current.action == "caseworker"


@dataclass
class ReachReport:
    """Referrals at least `age` old: how many have a known outcome, a flag, or neither."""

    age: timedelta
    referrals: int = 0
    known_outcome: int = 0
    flagged_only: int = 0
    silent: int = 0
    by_flag: Counter[str] = field(default_factory=Counter)
    by_status: Counter[str] = field(default_factory=Counter)
    silent_references: list[str] = field(default_factory=list)

    @property
    def reach(self) -> float:
        """The share with a known outcome or an explicit flag (1.0 when there are none)."""
        if not self.referrals:
            return 1.0
        return (self.known_outcome + self.flagged_only) / self.referrals


def reach_report(session: Session, *, now: datetime, age: timedelta = REACH_AGE) -> ReachReport:
    """Reach for the managers' dashboard: referrals recorded at least `age` before `now`."""
    report = ReachReport(age=age)
    referrals = session.scalars(
        select(Referral).where(Referral.created_at <= now - age).order_by(Referral.id)
    ).all()
    for standing in standings(session, list(referrals)):
        report.referrals += 1
        report.by_status[standing.status] += 1
        report.by_flag.update(standing.flags)
        if standing.is_known_outcome:
            report.known_outcome += 1
        elif standing.flags:
            report.flagged_only += 1
        else:
            report.silent += 1
            report.silent_references.append(standing.reference)
    return report
