"""Queued replies (`SMSGATEWAY_REPLIES=queued`): the webhook only stores, the clock's job applies.

Signed posts go through the real app; the queue is applied by the function the clock's job runs
(`apply_queued_until_idle`), on SQLite and, where the server is there, PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from webhook_scene import PUBLIC, SENDER, STRANGER, twilio_overrides

from smsgateway.db import Database
from smsgateway.dispatch import dispatch_due_notices
from smsgateway.fakes import FakeTwilio, via_test_client
from smsgateway.models import (
    ContactPoint,
    Message,
    MessageStatusEvent,
    Notice,
    Referral,
    ReferralEvent,
)
from smsgateway.models.reviews import ReviewItem
from smsgateway.notices import NoticeKind, NoticeState, plan_notice
from smsgateway.reachability import REACHABLE
from smsgateway.referrals import Status
from smsgateway.replies import inbound
from smsgateway.replies.queue import (
    apply_one,
    apply_queued_until_idle,
    count_queued,
    queue_message,
)
from smsgateway.runtime import Runtime

URL = f"{PUBLIC}/webhooks/twilio/messages"
SMSGATEWAY = str(Path(sys.executable).with_name("smsgateway"))


@pytest.fixture
def app_overrides(tmp_path: Path, fake: FakeTwilio, database_url: str) -> dict[str, Any]:
    return {**twilio_overrides(tmp_path, fake, database_url), "replies": "queued"}


@pytest.fixture
def wired(fake: FakeTwilio, client: FlaskClient, runtime: Runtime, now: datetime) -> FakeTwilio:
    """The fake's posts go into the app; the app's clock is the test's."""
    fake.callback_target = via_test_client(client)
    runtime.clock = lambda: now
    return fake


def ask(session: Session, runtime: Runtime, now: datetime, referrals: list[Referral]) -> None:
    """Only an appointment reminder per referral, sent by SMS through the fake."""
    session.execute(update(Notice).values(state=NoticeState.CANCELLED))
    for referral in referrals:
        plan_notice(
            session,
            kind=NoticeKind.APPOINTMENT_REMINDER,
            returnee=referral.returnee,
            referral=referral,
            due_at=now,
            now=now,
        )
    session.commit()
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=now)


def phone_of(referral: Referral) -> str:
    point = referral.returnee.own_contact_point()
    assert point is not None
    return point.phone_e164


def reply(fake: FakeTwilio, phone: str, body: str, sid: str | None = None) -> Any:
    extra = {"MessageSid": sid} if sid else {}
    return fake.fire_inbound_message(URL, phone, SENDER, body, **extra)


def apply_queue(runtime: Runtime, now: datetime) -> Any:
    return apply_queued_until_idle(runtime.db, runtime.settings, clock=lambda: now)


def inbound_messages(session: Session, phone: str | None = None) -> list[Message]:
    session.expire_all()
    query = select(Message).filter_by(direction="in").order_by(Message.id)
    if phone is not None:
        query = query.filter_by(phone_e164=phone)
    return list(session.scalars(query))


def status_of(session: Session, referral: Referral) -> str:
    session.expire_all()
    found = session.get(Referral, referral.id)
    assert found is not None
    return found.status


def events_of(session: Session, referral: Referral) -> list[tuple[str, int | None]]:
    return [
        (event.new_status, event.message_id)
        for event in session.scalars(
            select(ReferralEvent)
            .filter_by(referral_id=referral.id, source="returnee_reply")
            .order_by(ReferralEvent.id)
        )
    ]


def notices_to(session: Session, referral: Referral, after: int) -> list[str]:
    return [
        notice.kind
        for notice in session.scalars(
            select(Notice)
            .where(Notice.id > after, Notice.returnee_id == referral.returnee_id)
            .order_by(Notice.id)
        )
    ]


def last_notice_id(session: Session) -> int:
    return int(session.scalar(select(func.max(Notice.id))) or 0)


def reviews_of(session: Session, message: Message) -> list[str]:
    return list(session.scalars(select(ReviewItem.reason).filter_by(message_id=message.id)))


# -- the webhook stores ------------------------------------------------------------------------


def test_a_queued_webhook_stores_the_message_and_applies_nothing(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, make_referral: Any
) -> None:
    referral = make_referral()
    ask(session, runtime, now, [referral])
    before = last_notice_id(session)

    answer = reply(wired, phone_of(referral), "1")

    assert answer.status == 200 and "<Response" in answer.text
    (message,) = inbound_messages(session)
    assert message.queued and message.intent is None and message.body == "1"
    assert message.contact_point_id is None and message.referral_id is None
    assert message.status_events == []  # an inbound message's status never changes
    assert status_of(session, referral) == Status.REFERRED
    assert events_of(session, referral) == []
    assert last_notice_id(session) == before
    assert session.scalar(select(func.count()).select_from(ReviewItem)) == 0
    assert count_queued(session) == 1


def test_the_batch_applies_as_the_inline_webhook_does(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, make_referral: Any
) -> None:
    queued, inline = make_referral(), make_referral()
    ask(session, runtime, now, [queued, inline])
    before = last_notice_id(session)
    reply(wired, phone_of(queued), "1")
    runtime.settings = dataclasses.replace(runtime.settings, replies="inline")
    reply(wired, phone_of(inline), "1")
    assert status_of(session, inline) == Status.CONFIRMED
    assert status_of(session, queued) == Status.REFERRED

    report = apply_queue(runtime, now)

    assert (report.applied, report.not_processed, report.deferred) == (1, 0, 0)
    (q,) = inbound_messages(session, phone_of(queued))
    (i,) = inbound_messages(session, phone_of(inline))
    assert not q.queued and not i.queued
    assert status_of(session, queued) == status_of(session, inline) == Status.CONFIRMED
    assert events_of(session, queued) == [(Status.CONFIRMED, q.id)]
    assert events_of(session, inline) == [(Status.CONFIRMED, i.id)]
    assert q.intent == i.intent == "confirm"
    assert (q.referral_id, q.returnee_id) == (queued.id, queued.returnee_id)
    assert q.contact_point_id is not None
    acks = notices_to(session, queued, before)
    assert acks and acks == notices_to(session, inline, before)  # the acknowledgement planned
    assert [e.status for e in q.status_events] == [e.status for e in i.status_events]
    assert reviews_of(session, q) == reviews_of(session, i) == []


#: Storing: the message's row, nothing read first (a retry is refused by the unique provider id).
STATEMENTS_TO_STORE = 1
#: Applying a "1" from a number that works: what the inline path runs but the message's INSERT
#: (sender, question, referral, event, acknowledgement: 5), and the message's UPDATE with what
#: it was read as, which also clears `queued` (1); on PostgreSQL the message is claimed first,
#: locked (1 more; on SQLite the batch's read is the claim). Stored and applied: 7 on SQLite,
#: 8 on PostgreSQL, as issue 19 asks of a reply (at most 8).
STATEMENTS_TO_APPLY = 5 + 1
STATEMENTS_TO_CLAIM = {"sqlite": 0, "postgres": 1}
#: The first reply from a number never reported delivered also records it reachable (2 more).
STATEMENTS_FIRST_REPLY = 2


@pytest.mark.parametrize("delivered", [True, False], ids=["number works", "first reply"])
def test_storing_and_applying_cost_a_bounded_number_of_statements(
    wired: FakeTwilio,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Any,
    database: str,
    delivered: bool,
) -> None:
    referral = make_referral()
    ask(session, runtime, now, [referral])
    if delivered:
        session.execute(
            update(ContactPoint)
            .where(ContactPoint.phone_e164 == phone_of(referral))
            .values(reachability=REACHABLE)
        )
        session.commit()
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(runtime.db.engine, "before_cursor_execute", count)
    try:
        reply(wired, phone_of(referral), "1")
        stored = len(statements)
        apply_queue(runtime, now)
    finally:
        event.remove(runtime.db.engine, "before_cursor_execute", count)

    assert stored == STATEMENTS_TO_STORE, statements
    applying = statements[stored:]
    # The batch's SELECT, shared by up to a hundred messages, and once more finding none left.
    batches = [s for s in applying if "ORDER BY" in s and "LIMIT" in s]
    assert len(batches) == 2, applying
    expected = STATEMENTS_TO_CLAIM[database] + STATEMENTS_TO_APPLY
    expected += 0 if delivered else STATEMENTS_FIRST_REPLY
    assert len(applying) - len(batches) <= expected, "\n".join(applying)
    # One UPDATE of the message: its reading, and `queued` cleared.
    (written,) = [s for s in applying if s.startswith("UPDATE messages")]
    assert "queued" in written
    assert status_of(session, referral) == Status.CONFIRMED
    (message,) = inbound_messages(session)
    assert not message.queued and message.intent == "confirm"
    assert message.referral_id == referral.id


def test_the_queue_is_read_through_its_index_not_by_scanning_every_message(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, database: str
) -> None:
    """Every process looks for queued messages every second: on SQLite that read walked the
    whole messages table in id order until the batch query named the partial index."""
    if database != "sqlite":
        pytest.skip("SQLite's query plans")
    reply(wired, STRANGER, "hello")
    statements: list[tuple[str, Any]] = []

    def on_statement(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and " messages" in statement:
            statements.append((statement, parameters))

    event.listen(runtime.db.engine, "before_cursor_execute", on_statement)
    try:
        apply_queue(runtime, now)
        count_queued(session)
    finally:
        event.remove(runtime.db.engine, "before_cursor_execute", on_statement)
    queue_reads = [(s, p) for s, p in statements if "queued" in s]
    assert len(queue_reads) >= 3  # the batch (twice: the second finds none), the claim, count
    with runtime.db.engine.connect() as connection:
        for statement, parameters in queue_reads:
            plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            steps = [row[3] for row in plan]
            scans = [step for step in steps if step.startswith("SCAN messages")]
            assert all("ix_messages_queued" in step for step in scans), (statement, steps)


def test_a_message_nobody_can_read_goes_to_review_as_inline(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime
) -> None:
    reply(wired, STRANGER, "who is this")

    apply_queue(runtime, now)

    (message,) = inbound_messages(session)
    assert not message.queued
    assert reviews_of(session, message) == ["unknown_sender"]


def test_a_message_sid_delivered_again_is_stored_and_applied_once(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime, make_referral: Any
) -> None:
    referral = make_referral()
    ask(session, runtime, now, [referral])
    sid = "SM" + "c" * 32

    assert reply(wired, phone_of(referral), "1", sid).status == 200
    assert reply(wired, phone_of(referral), "1", sid).status == 200
    apply_queue(runtime, now)
    assert reply(wired, phone_of(referral), "1", sid).status == 200  # after it was applied
    report = apply_queue(runtime, now)

    (message,) = inbound_messages(session)
    assert not message.queued and report.done == 0
    assert events_of(session, referral) == [(Status.CONFIRMED, message.id)]


def test_an_unsigned_post_gets_403_and_stores_nothing(
    fake: FakeTwilio, client: FlaskClient, session: Session
) -> None:
    form = {
        "AccountSid": fake.account_sid,
        "From": STRANGER,
        "To": SENDER,
        "Body": "1",
        "MessageSid": "SM" + "d" * 32,
    }
    signed, headers = fake.signed_form(URL, form)
    del headers["X-Twilio-Signature"]

    assert client.post(URL, data=signed, headers=headers).status_code == 403
    assert client.post(URL, data={**signed, "Body": "2"}).status_code == 403
    assert session.scalar(select(func.count()).select_from(Message)) == 0
    assert session.scalar(select(func.count()).select_from(MessageStatusEvent)) == 0


# -- failures ----------------------------------------------------------------------------------


def test_a_failing_message_is_kept_for_review_and_the_others_are_applied(
    wired: FakeTwilio,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: Any,
) -> None:
    first, failing, last = make_referral(), make_referral(), make_referral()
    ask(session, runtime, now, [first, failing, last])
    for referral in (first, failing, last):
        reply(wired, phone_of(referral), "1")
    reply(wired, phone_of(failing), "1")  # the same sender again: applied after the failure
    real = inbound.load_sender
    calls: list[str] = []

    def load_sender(session: Session, phone: str, **kwargs: Any) -> Any:
        calls.append(phone)
        if phone == phone_of(failing) and calls.count(phone) == 1:
            raise RuntimeError(f"cannot read {phone}")  # its text quotes the number
        return real(session, phone, **kwargs)

    monkeypatch.setattr(inbound, "load_sender", load_sender)

    with caplog.at_level(logging.INFO):
        report = apply_queue(runtime, now)

    assert (report.applied, report.not_processed) == (3, 1)
    broken, again = inbound_messages(session, phone_of(failing))
    assert not broken.queued and broken.processing_error.startswith("RuntimeError")
    assert reviews_of(session, broken) == [inbound.NOT_PROCESSED]
    assert broken.intent is None and broken.referral_id is None  # its changes rolled back
    assert not again.queued and events_of(session, failing) == [(Status.CONFIRMED, again.id)]
    for referral in (first, last):
        assert status_of(session, referral) == Status.CONFIRMED
    assert count_queued(session) == 0
    assert f"inbound message {broken.id} could not be processed" in caplog.text
    assert phone_of(failing) not in caplog.text  # the error's text is never logged


def test_a_lost_database_connection_leaves_the_message_queued_for_the_next_round(
    wired: FakeTwilio,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    referral = make_referral()
    ask(session, runtime, now, [referral])
    reply(wired, phone_of(referral), "1")
    real = inbound.load_sender

    def lost(session: Session, phone: str, **kwargs: Any) -> Any:
        raise DBAPIError("SELECT", {}, Exception("server closed"), connection_invalidated=True)

    monkeypatch.setattr(inbound, "load_sender", lost)
    with pytest.raises(DBAPIError):
        apply_queue(runtime, now)
    (message,) = inbound_messages(session)
    assert message.queued and reviews_of(session, message) == []
    assert message.processing_error == ""

    monkeypatch.setattr(inbound, "load_sender", real)
    report = apply_queue(runtime, now)

    assert report.applied == 1
    assert events_of(session, referral) == [(Status.CONFIRMED, message.id)]


# -- order and concurrency ---------------------------------------------------------------------


def test_a_senders_messages_are_applied_in_arrival_order(
    wired: FakeTwilio, runtime: Runtime, session: Session, now: datetime
) -> None:
    other = "+221776543211"
    for n in range(3):
        reply(wired, STRANGER, f"message {n}")
        reply(wired, other, f"message {n}")
    second = inbound_messages(session, STRANGER)[1]

    # The second waits while the first is queued (another worker would hold it).
    assert apply_one(runtime.db, second.id, now=now, settings=runtime.settings) == "deferred"
    assert inbound_messages(session, STRANGER)[1].queued

    apply_queue(runtime, now)

    for phone in (STRANGER, other):
        messages = inbound_messages(session, phone)
        reviews = [
            session.scalar(select(ReviewItem.id).filter_by(message_id=message.id))
            for message in messages
        ]
        assert None not in reviews and reviews == sorted(reviews)  # written in arrival order
        assert not any(message.queued for message in messages)


def test_concurrent_workers_apply_every_message_once_in_each_senders_order(
    wired: FakeTwilio,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Any,
) -> None:
    """Four workers, each with its own engine as a process would have, on one queue."""
    referrals = [make_referral() for _ in range(6)]
    ask(session, runtime, now, referrals)
    strangers = [f"+2217765000{n:02d}" for n in range(8)]
    for n in range(5):
        for phone in strangers:
            reply(wired, phone, f"message {n}")
    for referral in referrals:
        reply(wired, phone_of(referral), "1")
    total = len(strangers) * 5 + len(referrals)
    reports: list[Any] = []
    failures: list[BaseException] = []
    start = threading.Barrier(4)

    def work() -> None:
        db = Database(runtime.settings.sqlalchemy_url)
        try:
            start.wait()
            reports.append(apply_queued_until_idle(db, runtime.settings, clock=lambda: now))
        except BaseException as error:  # reported by the test below
            failures.append(error)
        finally:
            db.dispose()

    workers = [threading.Thread(target=work) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    last = apply_queue(runtime, now)  # whatever a worker passed by as another's, at the end

    assert failures == []
    assert sum(report.done for report in reports) + last.done == total
    assert count_queued(session) == 0
    for phone in strangers:
        messages = inbound_messages(session, phone)
        reviews = [
            list(session.scalars(select(ReviewItem.id).filter_by(message_id=message.id)))
            for message in messages
        ]
        assert all(len(items) == 1 for items in reviews), "each applied exactly once"
        assert [items[0] for items in reviews] == sorted(items[0] for items in reviews)
    for referral in referrals:
        (message,) = inbound_messages(session, phone_of(referral))
        assert events_of(session, referral) == [(Status.CONFIRMED, message.id)]


# -- a worker killed while applying ------------------------------------------------------------


def worker_environment(runtime: Runtime) -> dict[str, str]:
    settings = runtime.settings
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("SMSGATEWAY_")},
        "SMSGATEWAY_ENV": "test",
        "SMSGATEWAY_INSTANCE_PATH": str(settings.instance_path),
        "SMSGATEWAY_DATABASE_URL": settings.database_url,
        "SMSGATEWAY_REPLIES_INTERVAL_SECONDS": "0.2",
        "SMSGATEWAY_DISPATCH_INTERVAL_SECONDS": "60",  # the acknowledgements can wait
        "SMSGATEWAY_LEADER_RETRY_SECONDS": "60",
    }


def reviews_per_message(session: Session) -> dict[int, tuple[bool, int]]:
    """Each inbound message: (still queued, its review items)."""
    session.expire_all()
    counts = dict(
        session.execute(
            select(ReviewItem.message_id, func.count()).group_by(ReviewItem.message_id)
        ).all()
    )
    return {
        message_id: (queued, int(counts.get(message_id, 0)))
        for message_id, queued in session.execute(
            select(Message.id, Message.queued).filter_by(direction="in")
        )
    }


@pytest.mark.slow
def test_a_worker_killed_while_applying_loses_none_and_applies_none_twice(
    runtime: Runtime, session: Session, now: datetime, tmp_path: Path
) -> None:
    strangers = [f"+2217765{n:04d}" for n in range(40)]
    for n in range(15):
        for phone in strangers:
            inbound_message = inbound.InboundMessage(phone, f"message {n}", provider="twilio")
            queue_message(runtime.db, inbound_message, now=now, settings=runtime.settings)
    total = len(strangers) * 15
    log = tmp_path / "worker.log"
    environ = worker_environment(runtime)

    with log.open("ab") as out:
        process = subprocess.Popen([SMSGATEWAY, "worker"], env=environ, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 60
        while count_queued(session) > total * 2 // 3:
            assert time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=20)

    killed = reviews_per_message(session)
    assert 0 < sum(queued for queued, _ in killed.values()) < total  # killed half-way
    for queued, reviews in killed.values():
        assert reviews == (0 if queued else 1), "applied with its effects, or not at all"

    with log.open("ab") as out:
        process = subprocess.Popen([SMSGATEWAY, "worker"], env=environ, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 120
        while count_queued(session):
            assert time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.05)
    finally:
        process.terminate()
        process.wait(timeout=30)

    assert set(reviews_per_message(session).values()) == {(False, 1)}
