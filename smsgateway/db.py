"""Engine, sessions (one per request and per job) and the declarative base.

SQLite has one writer at a time. Writers used to wait for each other in SQLite's busy handler,
which sleeps 1, 2, 5, 10, 15, 20, 25... ms between tries whether or not the writer before it
is done: under a burst of replies most of a reply's time went there (docs/benchmarks.md,
"Webhooks", round 3). So every write transaction on SQLite first takes its turn on a lock that
wakes the next writer as soon as it is free: an exclusive `flock` on `<database>.lock`, next to
the database, between processes, and a thread lock between the threads of one process. It is
taken when the transaction writes for the first time (where SQLite itself takes its write lock:
reading takes no turn) and released when it commits or rolls back, whichever way the session
ends (`Database.transaction`, a session committed by hand, a connection closed). The busy
timeout stays, for writers that do not take the lock (the `sqlite3` shell, another program),
and bounds the wait for a turn: between threads of one process on the thread lock, between
processes by trying the lock file every millisecond (the kernel frees the lock of a process that
dies; a hung one makes the others fail after the timeout, as SQLite's own lock did).
PostgreSQL is unchanged.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Self

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in Python; stored as UTC everywhere (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def bind_processor(self, dialect: Any) -> Callable[[Any], Any] | None:
        """The conversion above and the driver's, once per run of equal moments.

        A bulk statement passes the same moment in every row (`now`, a bulk notice's due time):
        converting it once instead of once per row is a fifth of planning 100,000 notices on
        SQLite, where each conversion also formats a string.
        """
        convert = super().bind_processor(dialect)
        return None if convert is None else _remembering_last(convert)

    def result_processor(self, dialect: Any, coltype: Any) -> Callable[[Any], Any] | None:
        """The driver's conversion and the one above, once per run of equal values read.

        The rows of a batch of notices hold the same few moments (a bulk notice's due time, its
        planning time, an appointment): parsed once, the datetime (which cannot change) is shared.
        """
        convert = super().result_processor(dialect, coltype)
        return None if convert is None else _remembering_last(convert)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _remembering_last(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`convert`, answering a value equal to the last one with the last result.

    Equal moments (the same instant, whatever its zone) convert to the same UTC value, so
    equality is enough; a naive datetime is never equal to an aware one and is still refused.
    The memo is one tuple, replaced whole, so threads sharing a compiled statement never see one
    value with another's result.
    """
    memo: tuple[object, Any] = (None, None)

    def process(value: Any) -> Any:
        nonlocal memo
        last = memo
        if value == last[0]:
            return last[1]
        converted = convert(value)
        memo = (value, converted)
        return converted

    return process


#: Seconds a SQLite writer waits: SQLite's busy timeout, and the thread lock's.
BUSY_TIMEOUT = 30

#: Statements that make SQLite take its write lock (those that open a transaction, and DDL).
#: How often a writer waiting for another process's turn looks again (SQLite's own busy handler
#: sleeps up to 100 ms between tries).
LOCK_POLL_SECONDS = 0.001

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


class WriteLock:
    """One process's turn to write to one SQLite database: a thread lock, then the lock file.

    `flock` locks belong to an open file, so the process opens the lock file once and its threads
    queue on the thread lock before it; a new one is opened after a fork (`_write_locks`).
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._threads = threading.Lock()
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)

    def acquire(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        if not self._threads.acquire(timeout=timeout):
            raise sqlite3.OperationalError("database is locked")
        try:
            self._take_file_lock(deadline)
        except BaseException:
            self._threads.release()
            raise

    def _take_file_lock(self, deadline: float) -> None:
        """The lock file's turn, tried every millisecond until `deadline` (the busy timeout): a
        hung process holding a write transaction makes the others fail after the timeout, as
        SQLite's own lock did, not wait for ever."""
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise sqlite3.OperationalError("database is locked") from None
                time.sleep(LOCK_POLL_SECONDS)

    def release(self) -> None:
        try:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def close(self) -> None:
        os.close(self._fd)


_write_locks: dict[str, WriteLock] = {}
_write_locks_guard = threading.Lock()


def write_lock(database: str) -> WriteLock | None:
    """The process's lock for a database file; None in memory, and for a `file:` URI (whose
    writers wait in SQLite's busy handler as before)."""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    path = os.path.realpath(database) + ".lock"
    with _write_locks_guard:
        lock = _write_locks.get(path)
        if lock is None:
            lock = _write_locks[path] = WriteLock(path)
        return lock


def _forget_write_locks() -> None:
    """In a forked child: the parent's open lock files are the parent's turn, not ours."""
    global _write_locks_guard
    _write_locks_guard = threading.Lock()
    for lock in _write_locks.values():
        lock.close()
    _write_locks.clear()


os.register_at_fork(after_in_child=_forget_write_locks)


class SQLiteConnection(sqlite3.Connection):
    """A `sqlite3` connection that takes the database's `WriteLock` before its first write in
    a transaction and gives it back when the transaction ends."""

    def __init__(self, database: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        self._write_lock = write_lock(os.fspath(database))
        self._timeout = float(kwargs.get("timeout", BUSY_TIMEOUT))
        self._holds_write_lock = False

    def cursor(self, factory: Any = None) -> Any:
        return super().cursor(factory or SQLiteCursor)

    def before_statement(self, statement: str) -> None:
        if (
            self._write_lock is not None
            and not self._holds_write_lock
            and statement.lstrip()[:7].upper().startswith(_WRITES)
        ):
            self._write_lock.acquire(self._timeout)
            self._holds_write_lock = True

    def after_statement(self) -> None:
        """A statement that opened no transaction (DDL, a failed BEGIN) held the lock alone."""
        if self._holds_write_lock and not self.in_transaction:
            self._release_write_lock()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.after_statement()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.after_statement()

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self._holds_write_lock:
                self._release_write_lock()

    def __del__(self) -> None:
        # Dropped without being closed (never through the pool): do not keep the others waiting.
        if getattr(self, "_holds_write_lock", False):
            self._release_write_lock()

    def _release_write_lock(self) -> None:
        self._holds_write_lock = False
        if self._write_lock is not None:
            self._write_lock.release()


class SQLiteCursor(sqlite3.Cursor):
    """Statements run through `SQLiteConnection`'s turn to write."""

    connection: SQLiteConnection

    def execute(self, sql: str, parameters: Any = (), /) -> Self:
        self.connection.before_statement(sql)
        try:
            return super().execute(sql, parameters)
        finally:
            self.connection.after_statement()

    def executemany(self, sql: str, seq_of_parameters: Any, /) -> Self:
        self.connection.before_statement(sql)
        try:
            return super().executemany(sql, seq_of_parameters)
        finally:
            self.connection.after_statement()


def make_engine(url: str) -> Engine:
    """An engine; SQLite gets WAL, foreign keys, a busy timeout and a turn to write
    (`SQLiteConnection`) so workers can share it.

    `hide_parameters`: an error never carries a statement's values (numbers, message texts)
    into a log (docs/privacy.md).
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={
                "timeout": BUSY_TIMEOUT,
                "check_same_thread": False,
                "factory": SQLiteConnection,
            },
            hide_parameters=True,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT * 1000}")
    cursor.close()


class Database:
    """An engine and its session factory."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on error."""
        with self.sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
