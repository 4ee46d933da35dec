"""What a reply needs to know about its sender, read in one statement.

A reply from a returnee's number needs the number's contact points with their returnees, the
questions sent to it that it may answer (with their referrals), those referrals' live loop
tasks, and three yes/no facts: whether the number is also a point person's, whether questions
are held for it, and whether its returnees have an open escalation sequence. Read one by one
(and through lazy loads) that was a dozen statements per reply; here it is one outer-joined
SELECT, and the rest of the reply works on what it returned (`smsgateway.replies.inbound`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import Row, Select, and_, bindparam, exists, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from smsgateway.escalation import EscalationState
from smsgateway.loop.tasks import LIVE
from smsgateway.models import (
    ContactPoint,
    Escalation,
    Notice,
    PointPerson,
    Referral,
    Returnee,
    Task,
)
from smsgateway.notices import NoticeState
from smsgateway.questions import HELD

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class Sender:
    """A number's contact points and the questions it may be answering, newest first."""

    points: list[ContactPoint] = field(default_factory=list)
    #: Questions sent to the number, unanswered or sent since the window's start, newest first.
    questions: list[Notice] = field(default_factory=list)
    #: Live loop tasks per referral of those questions, by rule name.
    live_tasks: dict[int, dict[str, Task]] = field(default_factory=dict)
    is_point_person: bool = False
    has_held_questions: bool = False
    #: Returnees of these contact points with an open escalation sequence.
    escalated: set[int] = field(default_factory=set)

    def open_questions(self) -> list[Notice]:
        """Unanswered questions, newest first, one per referral (`notices.open_questions`)."""
        latest: dict[int | None, Notice] = {}
        for question in self.questions:
            if question.answered_at is None:
                latest.setdefault(question.referral_id, question)
        return list(latest.values())

    def last_question(self) -> Notice | None:
        """The last question the number received, when it may still matter.

        Answered questions older than the window are not read; when one of them is the last,
        the question returned here is older still and just as far outside the window, which is
        all its callers ask of it (`notices.last_question_received`).
        """
        return self.questions[0] if self.questions else None


def load_sender(session: Session, phone: str, *, window_start: datetime) -> Sender:
    """The sender of a reply from `phone`, in one SELECT (none of it loaded lazily later)."""
    rows = session.execute(_sender_query(), {"phone": phone, "window_start": window_start})
    return _collect(rows.all())


@cache
def _sender_query() -> Select[ContactPoint, Returnee, Notice, Referral, Task, bool, bool, bool]:
    """The statement, built once: building it cost as much as running it. The returnee and the
    question's referral are columns of their own, joined explicitly, rather than eager loads of
    the relationships (cheaper to read); `_collect` links them to their objects."""
    phone = bindparam("phone", type_=ContactPoint.phone_e164.type)
    since = Notice.sent_at.type
    answerable = and_(
        Notice.contact_point_id == ContactPoint.id,
        Notice.question.is_not(None),
        Notice.state == NoticeState.SENT,
        or_(Notice.answered_at.is_(None), Notice.sent_at >= bindparam("window_start", type_=since)),
    )
    point_person = exists().where(PointPerson.phone_e164 == phone)
    held = exists().where(
        Notice.contact_point_id == ContactPoint.id,
        Notice.state == NoticeState.PLANNED,
        Notice.last_error == HELD,
    )
    escalation = exists().where(
        Escalation.returnee_id == ContactPoint.returnee_id,
        Escalation.state == EscalationState.OPEN,
    )
    return (
        select(
            ContactPoint,
            Returnee,
            Notice,
            Referral,
            Task,
            point_person.label("is_point_person"),
            held.correlate(ContactPoint).label("has_held"),
            escalation.correlate(ContactPoint).label("is_escalated"),
        )
        .join(Returnee, Returnee.id == ContactPoint.returnee_id)
        .outerjoin(Notice, answerable)
        .outerjoin(Referral, Referral.id == Notice.referral_id)
        .outerjoin(Task, and_(Task.referral_id == Notice.referral_id, Task.state.in_(LIVE)))
        .where(ContactPoint.phone_e164 == phone)
        .order_by(ContactPoint.id, Task.id)
    )


def _newest_first(question: Notice) -> tuple[datetime, int]:
    return (question.sent_at or _EPOCH, question.id)


def _collect(
    rows: Sequence[Row[ContactPoint, Returnee, Notice, Referral, Task, bool, bool, bool]],
) -> Sender:
    sender = Sender()
    points: dict[int, ContactPoint] = {}
    questions: dict[int, Notice] = {}
    for point, returnee, question, referral, task, is_point_person, has_held, is_escalated in rows:
        if point.id not in points:
            points[point.id] = point
            set_committed_value(point, "returnee", returnee)
        sender.is_point_person |= bool(is_point_person)
        sender.has_held_questions |= bool(has_held)
        if is_escalated:
            sender.escalated.add(point.returnee_id)
        if question is not None and question.id not in questions:
            questions[question.id] = question
            set_committed_value(question, "referral", referral)
        if task is not None:  # the newest live task of a rule, as `sync_tasks` reads them
            live = sender.live_tasks.setdefault(task.referral_id, {})
            if task.rule not in live or live[task.rule].id < task.id:
                live[task.rule] = task
    sender.points = list(points.values())
    sender.questions = sorted(questions.values(), key=_newest_first, reverse=True)
    for question in sender.questions:
        if question.referral_id is not None:
            sender.live_tasks.setdefault(question.referral_id, {})
    return sender
