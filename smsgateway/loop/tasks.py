"""The loop's tasks: programme rules that act on silence until a referral has a known outcome.

Modelled on the Community Health Toolkit's tasks: each `[tasks.<rule>]` of the programme file
gives a referral a task when the rule's anchor happens (the appointment, the referral, the
referral entering a status, or a question to the returnee going unanswered). The task's steps
fall due one after the other; the matching event resolves it at once, whatever step it is at;
when the last step's wait passes unresolved, the task is flagged and the referral carries the
rule's flag until the event comes. The rules are data; this module is the one place that reads
them.

    open ──step due──▶ run its action; the next step is due after the step's wait
      │                      └──last wait passed──▶ flagged (the referral carries the flag)
      │                                                  │
      └──── referral leaves `while_status`, or the returnee answers (`resolved_by_answer`)
                                       ──▶ resolved ◀────┘
    open / flagged ──its anchor moved (a new appointment) or its rule was removed──▶ cancelled

`sync_tasks` runs in the transaction of every status change, appointment move and answer, so a
task never outlives its event; `advance_tasks` is the periodic sweep that starts tasks anchored
on unanswered questions, runs due steps and sets flags.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsgateway.models import Message, Notice, Referral, Task
from smsgateway.notices import NoticeState
from smsgateway.programme import Programme, TaskRule, current_programme

log = logging.getLogger(__name__)


class TaskState(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    FLAGGED = "flagged"
    CANCELLED = "cancelled"


LIVE = (TaskState.OPEN, TaskState.FLAGGED)

#: The notice kinds that put a question to the returnee (what `question` anchors count).
RETURNEE_QUESTION_KINDS = ("appointment_reminder", "attendance_check", "referral_followup")

#: A flag held while another task asks is set by this age of the referral at the latest, so that
#: every referral has its outcome or its flag by the end of its first 30 days (`standing`).
LATEST_HELD_FLAG_AGE = timedelta(days=29)

#: The age by which every referral should have a known outcome or a flag (`standing.REACH_AGE`).
REACH_AGE = timedelta(days=30)

#: How many due tasks one sweep takes, so a sweep stays a short transaction.
SWEEP_BATCH = 500


@dataclass
class TaskReport:
    """What one sweep did: tasks started, steps run, flags set, tasks ended."""

    started: int = 0
    steps: int = 0
    flagged: int = 0
    resolved: int = 0
    cancelled: int = 0


def sync_tasks(
    session: Session,
    referral: Referral,
    *,
    now: datetime,
    programme: Programme | None = None,
    message: Message | None = None,
    live: dict[str, Task] | None = None,
) -> None:
    """Bring one referral's tasks up to date after a change, in the caller's transaction.

    `live`: the referral's open and flagged tasks by rule, when the caller already read them
    (an inbound reply reads them with its sender, `smsgateway.replies.sender`).
    """
    programme = programme or current_programme()
    if live is None:
        session.flush()
        live = _live_tasks(session, referral.id)
    for rule in programme.tasks:
        task = live.get(rule.name)
        if task is not None and _settle(session, task, rule, referral, now) is None:
            continue
        if rule.anchor != "question":
            _start(session, rule, referral, now, message=message)


def start_tasks_of_new_referrals(
    session: Session,
    referrals: list[Referral],
    *,
    now: datetime,
    programme: Programme | None = None,
) -> None:
    """What `sync_tasks` does for referrals just created, for many at once (an import).

    A new referral has no task yet and has been in its status since it was created, so no
    query is needed: each rule not anchored on a question starts its task when it applies.
    """
    programme = programme or current_programme()
    for referral in referrals:
        for rule in programme.tasks:
            if rule.anchor == "question" or referral.status not in rule.while_status:
                continue
            if rule.anchor == "status":
                anchor: tuple[datetime, timedelta] | None = (referral.created_at, rule.start)
            else:
                anchor = anchor_of(rule, referral)
            if anchor is not None:
                _new_task(session, rule, referral.id, anchor[0], anchor[0] + anchor[1], now)


def advance_tasks(
    session: Session, *, now: datetime, programme: Programme | None = None
) -> TaskReport:
    """The sweep: start tasks on unanswered questions, run due steps, set and clear flags."""
    programme = programme or current_programme()
    report = TaskReport()
    for rule in programme.tasks:
        if rule.anchor == "question":
            report.started += _start_question_tasks(session, rule, now)
    _recheck_flagged(session, programme, now, report)
    due = session.scalars(
        select(Task)
        .where(Task.state == TaskState.OPEN, Task.due_at <= now)
        .order_by(Task.due_at, Task.id)
        .limit(SWEEP_BATCH)
    ).all()
    for task in due:
        _advance(session, task, programme, now, report)
    session.flush()
    return report


def _advance(
    session: Session, task: Task, programme: Programme, now: datetime, report: TaskReport
) -> None:
    rule = programme.rule(task.rule)
    if rule is None:
        _end(task, TaskState.CANCELLED, "rule removed from the programme", now)
        report.cancelled += 1
        return
    ended = _settle(session, task, rule, task.referral, now)
    if ended is not None:
        report.resolved += ended is TaskState.RESOLVED
        report.cancelled += ended is TaskState.CANCELLED
        return
    if _take_next_step(session, task, rule, programme, now):
        report.steps += 1
    elif task.state == TaskState.FLAGGED:
        report.flagged += 1
    elif task.state == TaskState.RESOLVED:
        report.resolved += 1


def _take_next_step(
    session: Session, task: Task, rule: TaskRule, programme: Programme, now: datetime
) -> bool:
    """Run the next step that can run; flag the task when none is left. True if a step ran."""
    # Imported here: actions plan notices through modules that themselves import `referrals`,
    # which imports this module.
    from smsgateway.loop.actions import ACTIONS, StepContext

    context = StepContext(session, task, task.referral, now, programme)
    created = task.referral.created_at
    latest = created + LATEST_HELD_FLAG_AGE
    # The first 30 days' promise: a rule with a flag settles its referral by the 29th day.
    promised = bool(rule.flag) and now < created + REACH_AGE
    while task.step < len(rule.steps):
        step = rule.steps[task.step]
        task.step += 1
        if ACTIONS[step.action](context):
            task.due_at = now + step.wait
            log.info("task %d (%s): step %s", task.id, rule.name, step.action)
            if promised and now >= latest:
                # Asked on the referral's last days: the flag is set with the question, so a
                # caseworker sees the referral by day 30; the answer still clears it.
                _flag(task, rule, now)
                return True
            if promised:
                task.due_at = min(task.due_at, latest)
            return True
    if not rule.flag:  # a rule without a flag only asks: it lapses, nobody is alerted
        task.state = TaskState.RESOLVED
        task.resolved_at = now
        task.resolution = "lapsed"
        log.info("task %d (%s): lapsed without a flag", task.id, rule.name)
        return False
    asking = _still_asking(session, task, programme, now)
    latest = task.referral.created_at + LATEST_HELD_FLAG_AGE
    if asking is not None and now < latest:
        # Another task is still asking about this referral (the returnee again, their proxy):
        # the flag waits for it, so a caseworker sees the referral once, when every way to an
        # answer was tried, and not at all when that way brings the answer.
        task.flag = rule.flag
        task.due_at = min(asking, latest)
        log.info("task %d (%s): flag held while another task asks", task.id, rule.name)
        return False
    _flag(task, rule, now)
    return False


def _flag(task: Task, rule: TaskRule, now: datetime) -> None:
    task.state = TaskState.FLAGGED
    task.flag = rule.flag
    task.flagged_at = now
    log.info("task %d (%s): flagged %s", task.id, rule.name, rule.flag)


def _still_asking(
    session: Session, task: Task, programme: Programme, now: datetime
) -> datetime | None:
    """When the next of the referral's other open tasks that are still asking (a step to run
    or a wait not over, not themselves holding a flag) is due; None when none is."""
    others = session.scalars(
        select(Task).where(
            Task.referral_id == task.referral_id,
            Task.state == TaskState.OPEN,
            Task.id != task.id,
        )
    )
    due = []
    for other in others:
        rule = programme.rule(other.rule)
        if (
            rule is not None
            and not other.flag
            and (other.due_at > now or other.step < len(rule.steps))
        ):
            due.append(other.due_at)
    return max(min(due), now) if due else None


def _settle(
    session: Session, task: Task, rule: TaskRule, referral: Referral, now: datetime
) -> TaskState | None:
    """End a task whose event came or whose anchor moved; None while it still applies."""
    if referral.status not in rule.while_status:
        _end(task, TaskState.RESOLVED, f"status {referral.status}", now)
        return TaskState.RESOLVED
    if rule.resolved_by_answer and _answered_since(session, referral.id, task.anchor_at):
        _end(task, TaskState.RESOLVED, "answered", now)
        return TaskState.RESOLVED
    if rule.anchor != "question":
        anchor = anchor_of(rule, referral)
        if anchor is None or anchor[0] != task.anchor_at:
            _end(task, TaskState.CANCELLED, "anchor moved", now)
            return TaskState.CANCELLED
    return None


def _end(task: Task, state: TaskState, why: str, now: datetime) -> None:
    task.state = state
    task.resolved_at = now
    task.resolution = why[:64]


def _start(
    session: Session,
    rule: TaskRule,
    referral: Referral,
    now: datetime,
    *,
    message: Message | None = None,
) -> Task | None:
    """A new task for `rule` if it applies and none was made for this anchor before."""
    if referral.status not in rule.while_status:
        return None
    anchor = anchor_of(rule, referral)
    if anchor is None:
        return None
    anchor_at, start = anchor
    done = session.scalar(
        select(Task.id).where(
            Task.referral_id == referral.id, Task.rule == rule.name, Task.anchor_at == anchor_at
        )
    )
    if done is not None:
        return None
    return _new_task(session, rule, referral.id, anchor_at, anchor_at + start, now, message)


def _new_task(
    session: Session,
    rule: TaskRule,
    referral_id: int,
    anchor_at: datetime,
    due_at: datetime,
    now: datetime,
    message: Message | None = None,
) -> Task:
    task = Task(
        referral_id=referral_id,
        rule=rule.name,
        anchor_at=anchor_at,
        state=TaskState.OPEN,
        step=0,
        due_at=due_at,
        message_id=message.id if message is not None else None,
        created_at=now,
    )
    session.add(task)
    return task


def anchor_of(rule: TaskRule, referral: Referral) -> tuple[datetime, timedelta] | None:
    """When a rule's task counts from for this referral, and how long after it the first step
    is due; None when the rule has nothing to count from (no appointment, question anchors)."""
    if rule.anchor == "appointment":
        if referral.appointment_at is not None:
            return referral.appointment_at, rule.start
        if rule.no_appointment_start is not None:
            return referral.created_at, rule.no_appointment_start
        return None
    if rule.anchor == "referral":
        return referral.created_at, rule.start
    if rule.anchor == "status":
        entered = [e.created_at for e in referral.events if e.new_status == referral.status]
        return (max(entered), rule.start) if entered else None
    return None


def _live_tasks(session: Session, referral_id: int) -> dict[str, Task]:
    tasks = session.scalars(
        select(Task).where(Task.referral_id == referral_id, Task.state.in_(LIVE)).order_by(Task.id)
    )
    return {task.rule: task for task in tasks}


def _answered_since(session: Session, referral_id: int, since: datetime) -> bool:
    """Whether the returnee answered a question about this referral after `since`."""
    return (
        session.scalar(
            select(Notice.id)
            .where(
                Notice.referral_id == referral_id,
                Notice.kind.in_(RETURNEE_QUESTION_KINDS),
                Notice.answered_at >= since,
            )
            .limit(1)
        )
        is not None
    )


def _start_question_tasks(session: Session, rule: TaskRule, now: datetime) -> int:
    """Tasks for referrals with a question to the returnee left unanswered since their last
    answer: anchored on the first such question, so later reminders do not restart the clock."""
    answered = (
        select(Notice.referral_id, func.max(Notice.answered_at).label("last"))
        .where(Notice.kind.in_(RETURNEE_QUESTION_KINDS), Notice.answered_at.is_not(None))
        .group_by(Notice.referral_id)
        .subquery()
    )
    live = select(Task.referral_id).where(Task.rule == rule.name, Task.state.in_(LIVE))
    rows = session.execute(
        select(Notice.referral_id, func.min(Notice.sent_at))
        .join(Referral, Referral.id == Notice.referral_id)
        .outerjoin(answered, answered.c.referral_id == Notice.referral_id)
        .where(
            Notice.kind.in_(RETURNEE_QUESTION_KINDS),
            Notice.state == NoticeState.SENT,
            Notice.answered_at.is_(None),
            Notice.sent_at <= now,
            Referral.status.in_(sorted(rule.while_status)),
            Notice.referral_id.not_in(live),
            (answered.c.last.is_(None)) | (Notice.sent_at > answered.c.last),
        )
        .group_by(Notice.referral_id)
    ).all()
    started = 0
    for referral_id, first_sent in rows:
        done = session.scalar(
            select(Task.id).where(
                Task.referral_id == referral_id,
                Task.rule == rule.name,
                Task.anchor_at == first_sent,
            )
        )
        if referral_id is None or first_sent is None or done is not None:
            continue
        _new_task(session, rule, referral_id, first_sent, first_sent + rule.start, now)
        started += 1
    return started


def _recheck_flagged(
    session: Session, programme: Programme, now: datetime, report: TaskReport
) -> None:
    """Clear flags whose event came by a path that did not sync the referral's tasks, and those
    of rules no longer in the programme; only referrals changed since the flag are read."""
    names = [rule.name for rule in programme.tasks]
    changed = (
        select(Task)
        .join(Referral, Referral.id == Task.referral_id)
        .where(
            Task.state == TaskState.FLAGGED,
            (Referral.updated_at > Task.flagged_at) | Task.rule.not_in(names),
        )
    )
    for task in session.scalars(changed):
        rule = programme.rule(task.rule)
        if rule is None:
            _end(task, TaskState.CANCELLED, "rule removed from the programme", now)
            report.cancelled += 1
            continue
        ended = _settle(session, task, rule, task.referral, now)
        report.resolved += ended is TaskState.RESOLVED
        report.cancelled += ended is TaskState.CANCELLED


def caseworker_task_covers(programme: Programme, status: str) -> bool:
    """Whether a rule puts referrals in `status` on a caseworker's list (a `caseworker` step)."""
    return any(
        status in rule.while_status and any(step.action == "caseworker" for step in rule.steps)
        for rule in programme.tasks
    )


def live_tasks_of(session: Session, referral_ids: list[int]) -> dict[int, list[Task]]:
    """Open and flagged tasks per referral, for pages and reports."""
    found: dict[int, list[Task]] = {referral_id: [] for referral_id in referral_ids}
    if not referral_ids:
        return found
    for task in session.scalars(
        select(Task)
        .where(Task.referral_id.in_(referral_ids), Task.state.in_(LIVE))
        .order_by(Task.id)
    ):
        found[task.referral_id].append(task)
    return found
