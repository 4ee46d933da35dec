"""A reply costs a bounded number of SQL statements and loads nothing lazily (issue 19).

The bound is behaviour, not timing: a reply that reads its sender piecemeal again (a lazy load
of the question's referral, a second query for the open questions, a flush per step) shows
here as more statements, on any machine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from smsgateway.loop.tasks import TaskState
from smsgateway.models import ContactPoint, Notice, Referral, ReferralEvent, Task
from smsgateway.notices import NoticeKind, NoticeState
from smsgateway.reachability import REACHABLE
from smsgateway.referrals import Status
from smsgateway.replies.inbound import InboundMessage, accept_message
from smsgateway.replies.sender import load_sender
from smsgateway.runtime import Runtime

#: A "1" to a reminder from a number that works, in one transaction: read the sender (1), the
#: message (1: an inbound message has no status event), the question answered, the referral
#: and its event (3) and the acknowledgement (1), each one Core statement: nothing is left for
#: a flush. The message is written with its referral: no UPDATE after.
STATEMENTS_PER_REPLY = 6
#: The first reply from a number never reported delivered also records it reachable (2 more).
STATEMENTS_FIRST_REPLY = 8


@dataclass
class Counted:
    statements: list[str] = field(default_factory=list)
    lazy_loads: list[str] = field(default_factory=list)
    commits: int = 0
    #: Flushes with something to write (the ORM's unit of work ran).
    flushes: int = 0


@pytest.fixture
def counted(runtime: Runtime) -> Iterator[Counted]:
    """Every statement the engine runs, and every relationship loaded lazily, while active."""
    counted = Counted()

    def on_statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        counted.statements.append(" ".join(statement.split())[:120])

    def on_orm_execute(state: ORMExecuteState) -> None:
        if state.is_relationship_load:
            counted.lazy_loads.append(str(state.statement)[:120])

    def on_commit(_conn: Any) -> None:
        counted.commits += 1

    def on_flush(*_args: Any) -> None:
        counted.flushes += 1

    event.listen(runtime.db.engine, "before_cursor_execute", on_statement)
    event.listen(runtime.db.engine, "commit", on_commit)
    event.listen(Session, "do_orm_execute", on_orm_execute)
    event.listen(Session, "before_flush", on_flush)
    try:
        yield counted
    finally:
        event.remove(runtime.db.engine, "before_cursor_execute", on_statement)
        event.remove(runtime.db.engine, "commit", on_commit)
        event.remove(Session, "do_orm_execute", on_orm_execute)
        event.remove(Session, "before_flush", on_flush)


def _reminded(session: Session, referral: Referral, now: datetime, *, delivered: bool) -> str:
    """The referral's reminder sent ten minutes ago (and reported delivered); its number."""
    session.execute(
        update(Notice)
        .where(Notice.referral_id == referral.id, Notice.kind == NoticeKind.APPOINTMENT_REMINDER)
        .values(state=NoticeState.SENT, sent_at=now - timedelta(minutes=10), attempts=1)
    )
    point = referral.returnee.contact_points[0]
    if delivered:
        point.reachability = REACHABLE
    session.commit()
    return point.phone_e164


def _reply(runtime: Runtime, phone: str, body: str, sid: str, now: datetime) -> Any:
    inbound = InboundMessage(phone, body, provider="twilio", provider_id=sid)
    return accept_message(runtime.db, inbound, now=now, settings=runtime.settings)


def test_a_confirmation_costs_at_most_six_statements_one_commit_and_no_lazy_load(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Callable[..., Referral],
    counted: Counted,
) -> None:
    referral = make_referral()
    phone = _reminded(session, referral, now, delivered=True)
    counted.statements.clear()
    counted.commits = counted.flushes = 0

    result = _reply(runtime, phone, "1", "SM" + "1" * 32, now)

    assert result.outcome == "applied"
    assert counted.lazy_loads == []
    assert len(counted.statements) <= STATEMENTS_PER_REPLY, counted.statements
    assert counted.commits == 1  # stored and applied in one transaction
    assert counted.flushes == 0  # every write a Core statement: no unit of work
    session.expire_all()
    assert session.get_one(Referral, referral.id).status == Status.CONFIRMED
    events = session.scalars(
        select(ReferralEvent).where(ReferralEvent.new_status == Status.CONFIRMED)
    ).all()
    assert [event.message_id for event in events] == [result.message_id]
    (ack,) = [session.get_one(Notice, notice_id) for notice_id in result.notice_ids]
    assert (ack.kind, ack.referral_id, ack.state) == (
        NoticeKind.ACK_CONFIRMED,
        referral.id,
        NoticeState.PLANNED,
    )
    question = session.scalars(
        select(Notice).where(
            Notice.referral_id == referral.id, Notice.kind == NoticeKind.APPOINTMENT_REMINDER
        )
    ).one()
    assert question.answered_at == now


def test_a_first_reply_also_records_the_number_reachable_in_two_more(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Callable[..., Referral],
    counted: Counted,
) -> None:
    referral = make_referral()
    phone = _reminded(session, referral, now, delivered=False)
    counted.statements.clear()

    result = _reply(runtime, phone, "1", "SM" + "2" * 32, now)

    assert result.outcome == "applied"
    assert counted.lazy_loads == []
    assert len(counted.statements) <= STATEMENTS_FIRST_REPLY, counted.statements
    session.expire_all()
    point = session.scalars(select(ContactPoint).filter_by(phone_e164=phone)).one()
    assert point.reachability == REACHABLE


def test_a_decline_ends_the_live_task_it_read_with_the_sender(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Callable[..., Referral],
    counted: Counted,
) -> None:
    referral = make_referral()
    phone = _reminded(session, referral, now, delivered=True)
    live = session.scalars(select(Task).where(Task.referral_id == referral.id)).all()
    assert [task.state for task in live] == [TaskState.OPEN]  # the partner's outcome, later
    counted.statements.clear()

    result = _reply(runtime, phone, "2", "SM" + "3" * 32, now)

    assert counted.lazy_loads == []
    # A decline also cancels the questions no longer worth asking, goes to the review queue and
    # ends the task: three statements more, and no read.
    assert len(counted.statements) <= STATEMENTS_PER_REPLY + 3, "\n".join(counted.statements)
    session.expire_all()
    assert session.get_one(Referral, referral.id).status == Status.DECLINED
    (task,) = session.scalars(select(Task).where(Task.referral_id == referral.id)).all()
    assert (task.state, task.resolved_at) == (TaskState.RESOLVED, now)
    assert result.outcome == "applied"


def test_a_duplicate_delivery_is_stored_once_without_reading_first(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Callable[..., Referral],
) -> None:
    referral = make_referral()
    phone = _reminded(session, referral, now, delivered=True)
    first = _reply(runtime, phone, "1", "SM" + "4" * 32, now)
    again = _reply(runtime, phone, "1", "SM" + "4" * 32, now + timedelta(seconds=5))
    assert (again.outcome, again.message_id) == ("duplicate", first.message_id)
    session.expire_all()
    events = session.scalars(
        select(ReferralEvent).where(ReferralEvent.referral_id == referral.id)
    ).all()
    assert [event.new_status for event in events] == [Status.REFERRED, Status.CONFIRMED]


def test_the_sender_is_read_through_indexes_not_by_scanning_every_notice(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Callable[..., Referral],
    counted: Counted,
) -> None:
    """The number's questions (and held notices) are found by contact point: a scan of every
    sent or planned notice made a reply's cost grow with the whole caseload (issue 19)."""
    referral = make_referral()
    phone = _reminded(session, referral, now, delivered=True)
    statements: list[tuple[str, Any]] = []

    def on_statement(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    event.listen(runtime.db.engine, "before_cursor_execute", on_statement)
    try:
        with runtime.db.sessions() as reading:
            load_sender(reading, phone, window_start=now - timedelta(hours=72))
    finally:
        event.remove(runtime.db.engine, "before_cursor_execute", on_statement)
    ((statement, parameters),) = statements
    with runtime.db.engine.connect() as connection:
        plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    on_notices = [row[3] for row in plan if " notices " in f" {row[3]} "]
    assert len(on_notices) == 2, plan  # the questions, and the held notices' EXISTS
    assert all("ix_notices_contact_point_id" in step for step in on_notices), on_notices
