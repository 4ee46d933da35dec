"""Queued replies: a webhook that only stores, and a batch that applies (`SMSGATEWAY_REPLIES`).

With `SMSGATEWAY_REPLIES=queued` the inbound-message webhook checks the signature and the form as
always, stores the message with `queued` set (`queue_message`: its row, one statement and one
commit; a provider's retry is refused by the unique provider id, as inline) and
answers, without reading the sender or the message. The clock's job (`apply_queued_until_idle`,
in every process that runs the clock, `smsgateway.scheduler`) then applies the queued messages,
oldest first, each in its own transaction through the one inbound path
(`smsgateway.replies.inbound.apply_claimed`, what the inline webhook runs), and clears `queued`
in that same transaction, in the UPDATE that writes what the message was read as:

- **Exactly once.** Killed before the commit, the message is still queued and is applied by the
  next round; after it, it is applied and not queued. `queued` is cleared by a guarded UPDATE
  (`WHERE queued`) whose count must be one: on SQLite, where writers take turns, a second
  process that read the same message rolls back when it comes to write; on PostgreSQL the
  message is locked first (`FOR UPDATE SKIP LOCKED`), so another worker passes it by.
- **A sender's messages in arrival order.** A message is taken only when no earlier message of
  its sender is still queued (committed or not: on PostgreSQL the earlier one, held by another
  worker, is still queued for everyone else until that worker commits); the batch then passes
  over the sender's later messages too, and the next round takes them.
- **A failure** is handled as inline: the transaction is rolled back, and the message is then
  marked with its error and put in front of a caseworker ("could not be processed") in one
  transaction that clears `queued`; the log names the message id and the error's type only.
  It is not tried again (a message that fails every time would hold up its sender's later
  messages for ever); the sender's later messages are applied after it. A lost database
  connection, or a failure to record the error, is not the message's fault: the message stays
  queued, the round stops (raised), and the next round tries again.

A message is read when it is applied (`now` is the time it is applied): a queue held up longer
than the reply window sends an answer to the review queue as late, never guesses.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Executable, RowMapping, exists, func, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from smsgateway.config import Settings
from smsgateway.db import Database
from smsgateway.models import Message
from smsgateway.replies.inbound import (
    MESSAGES,
    AlreadyApplied,
    InboundMessage,
    InboundResult,
    apply_claimed,
    find_message,
    insert_message_row,
    keep_unprocessed,
    log_failure,
    message_row,
)

log = logging.getLogger(__name__)

#: Queued messages looked at per batch (each is applied in its own transaction).
BATCH_SIZE = 100


def queue_message(
    db: Database, inbound: InboundMessage, *, now: datetime, settings: Settings
) -> InboundResult:
    """Store the message to be applied later (outcome `queued`), in one transaction.

    `InvalidInput` for a body or provider id that cannot be stored, before any write. A message
    already stored under its provider id (the provider's retry, even one arriving while the
    first delivery is uncommitted) is a `duplicate` and changes nothing. A failure to store
    raises: the provider should deliver the message again.
    """
    row = message_row(inbound, now=now, settings=settings, queued=True)
    try:
        with db.engine.begin() as connection:  # one statement: no session needed around it
            message_id = insert_message_row(connection, row)
    except IntegrityError:
        if not row["provider_id"]:
            raise
        with db.sessions() as session:
            existing = find_message(session, inbound.provider, row["provider_id"])
        if existing is None:
            raise
        return InboundResult(existing.id, "duplicate", existing.intent)
    log.info("inbound message %d: queued", message_id)
    return InboundResult(message_id, "queued")


@dataclass
class QueueReport:
    """What rounds of the queue did."""

    applied: int = 0  # applied through the inbound path (review items included)
    not_processed: int = 0  # failed, kept for review with their error
    deferred: int = 0  # behind an earlier message of their sender, or taken by another worker
    batches: int = 0

    def add(self, other: QueueReport) -> None:
        self.applied += other.applied
        self.not_processed += other.not_processed
        self.deferred += other.deferred
        self.batches += other.batches

    @property
    def done(self) -> int:
        return self.applied + self.not_processed


def is_disconnection(error: BaseException) -> bool:
    """The database connection was lost: the message is not at fault, it is tried again."""
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


def count_queued(session: Session) -> int:
    """How many messages wait to be applied."""
    return int(session.scalar(select(func.count()).select_from(Message).where(Message.queued)) or 0)


def apply_queued(
    db: Database,
    settings: Settings,
    *,
    clock: Callable[[], datetime],
    limit: int = BATCH_SIZE,
    stop: threading.Event | None = None,
) -> QueueReport:
    """One batch: up to `limit` of the oldest queued messages, each applied in its own
    transaction, a sender's in arrival order. A failing database stops the batch (raised)."""
    report = QueueReport(batches=1)
    with db.sessions() as session:
        batch = oldest_queued(session, limit)
        # On SQLite the batch's read is the claim (`apply_one`'s `read`): writers take turns, so
        # ids follow commit order and an earlier message of a sender is either in this batch,
        # before it, or applied; the guarded UPDATE refuses one another process applied first.
        # PostgreSQL claims each message again, locked, so that workers pass each other's by.
        reads_are_claims = session.get_bind().dialect.name == "sqlite"
    held: set[str] = set()  # senders with an earlier message not applied in this batch
    for row in batch:
        if stop is not None and stop.is_set():
            break
        phone = row["phone_e164"]
        if phone in held:
            report.deferred += 1
            continue
        outcome = apply_one(
            db,
            row["id"],
            now=clock(),
            settings=settings,
            read=row if reads_are_claims else None,
        )
        if outcome == "deferred":
            held.add(phone)
            report.deferred += 1
        elif outcome == "not_processed":
            report.not_processed += 1
        else:
            report.applied += 1
    return report


def oldest_queued(session: Session, limit: int) -> list[RowMapping]:
    """The oldest queued messages, each row whole, read through the partial index of the
    queued ones. SQLite is told to use it (`INDEXED BY`, which SQLAlchemy does not write for
    SQLite): left to itself it walked the whole table in id order, to spare a sort of the few
    queued rows, every round, even with nothing queued."""
    if session.get_bind().dialect.name == "sqlite":
        columns = ", ".join(column.name for column in MESSAGES.columns)
        query: Executable = (
            text(
                f"SELECT {columns} FROM messages INDEXED BY ix_messages_queued"  # noqa: S608
                " WHERE queued = 1 ORDER BY id LIMIT :limit"
            )
            .bindparams(limit=limit)
            .columns(*MESSAGES.columns)
        )
    else:
        query = select(MESSAGES).where(MESSAGES.c.queued).order_by(MESSAGES.c.id).limit(limit)
    return list(session.execute(query).mappings())


def apply_queued_until_idle(
    db: Database,
    settings: Settings,
    *,
    clock: Callable[[], datetime],
    limit: int = BATCH_SIZE,
    stop: threading.Event | None = None,
) -> QueueReport:
    """Batches until none is left that this process can apply now (the clock's job)."""
    total = QueueReport()
    while stop is None or not stop.is_set():
        report = apply_queued(db, settings, clock=clock, limit=limit, stop=stop)
        total.add(report)
        if report.done == 0:
            break
    if total.done:
        log.info(
            "queued replies: %d applied, %d could not be processed, %d deferred",
            total.applied,
            total.not_processed,
            total.deferred,
        )
    return total


def apply_one(
    db: Database,
    message_id: int,
    *,
    now: datetime,
    settings: Settings,
    read: RowMapping | None = None,
) -> str:
    """Apply one queued message and clear `queued` in one transaction; its outcome, or
    `deferred` (an earlier message of its sender is queued, another worker holds or applied
    it), or `not_processed` (it failed and is kept for review).

    `read`: the message's row as a batch read it, which is then its claim (SQLite,
    `apply_queued`); without it the message is claimed first (`_take`)."""
    try:
        with db.transaction() as session:
            message = Message(**read) if read is not None else _take(session, message_id)
            if message is None:
                return "deferred"
            # Its reading written and `queued` cleared in one guarded UPDATE (`AlreadyApplied`).
            result = apply_claimed(session, message, now=now, settings=settings)
        return result.outcome
    except AlreadyApplied:
        return "deferred"
    except Exception as error:
        if is_disconnection(error):
            _log_left_queued(message_id, error)
            raise
        failure = error
    log_failure(message_id, failure)
    try:
        with db.transaction() as session:
            _mark_applied(session, message_id, now=now)  # first: the row's lock on PostgreSQL
            keep_unprocessed(session, message_id, failure, now=now)
    except AlreadyApplied:
        return "deferred"
    except Exception as error:  # the database cannot record it either: it is the database
        _log_left_queued(message_id, error)
        raise
    return "not_processed"


def _log_left_queued(message_id: int, error: BaseException) -> None:
    log.warning(
        "inbound message %d: left queued, the database failed (%s); tried again next round",
        message_id,
        type(error).__name__,
    )


def _take(session: Session, message_id: int) -> Message | None:
    """The message, if it is still queued with no earlier message of its sender queued; on
    PostgreSQL it is then locked for this transaction, or passed by when another holds it.

    Read as a row and returned outside the session (`inbound.apply_claimed` writes it once,
    with what it was read as, and clears `queued` in that UPDATE)."""
    messages = MESSAGES
    earlier = messages.alias("earlier")
    query = select(messages).where(
        messages.c.id == message_id,
        messages.c.queued,
        ~exists().where(
            earlier.c.queued,
            earlier.c.phone_e164 == messages.c.phone_e164,
            earlier.c.id < messages.c.id,
        ),
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=messages)
    row = session.execute(query).mappings().first()
    return None if row is None else Message(**row)


def _mark_applied(session: Session, message_id: int, *, now: datetime) -> None:
    """Clear `queued`, only if it is still set: another worker's commit otherwise
    (`AlreadyApplied`)."""
    result = session.execute(
        update(Message)
        .where(Message.id == message_id, Message.queued)
        .values(queued=False, updated_at=now),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]  # CursorResult has rowcount
        raise AlreadyApplied(message_id)
