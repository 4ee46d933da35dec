"""Scheduler leadership: exactly one process at a time runs the leader-only periodic jobs.

PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) held on a dedicated
connection; it is released when the process lets go or its connection dies, so a killed leader
is replaced by the next follower that tries. SQLite: an exclusive `fcntl` lock on a file in the
instance folder plays the same role for the processes of one machine, and the kernel drops it
when the holder dies.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from typing import IO, Protocol

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from smsgateway.config import Settings

log = logging.getLogger(__name__)

#: Advisory lock key: any constant shared by every process of one database ("smsg" in ASCII).
ADVISORY_LOCK_KEY = 0x736D7367


class LeaderLock(Protocol):
    def try_acquire(self) -> bool: ...

    def is_held(self) -> bool: ...

    def release(self) -> None: ...


class AdvisoryLock:
    """A PostgreSQL session-level advisory lock on its own connection."""

    def __init__(self, engine: Engine, key: int = ADVISORY_LOCK_KEY) -> None:
        self.engine = engine
        self.key = key
        self._connection: Connection | None = None

    def try_acquire(self) -> bool:
        """Take the lock if no other session holds it; True when this process holds it."""
        if self.is_held():
            return True
        connection = self.engine.connect()
        try:
            got = bool(connection.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key}))
            connection.commit()  # a session-level lock outlives the transaction that took it
        except DBAPIError:
            connection.close()
            raise
        if got:
            self._connection = connection
        else:
            connection.close()
        return got

    def is_held(self) -> bool:
        """Whether the connection holding the lock is still alive (and so the lock)."""
        if self._connection is None:
            return False
        try:
            self._connection.scalar(text("SELECT 1"))
            self._connection.commit()
        except DBAPIError:
            log.warning("leader: lost the database connection holding the scheduler lock")
            self._drop()
            return False
        return True

    def release(self) -> None:
        """Let go of the lock (closing the session would too)."""
        if self._connection is None:
            return
        try:
            self._connection.scalar(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
            self._connection.commit()
        except DBAPIError:
            pass  # the session is gone, and the lock with it
        self._drop()

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.invalidate()  # never return a session holding the lock to the pool
            finally:
                connection.close()


class FileLock:
    """An exclusive, non-blocking `fcntl` lock on one file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] | None = None

    def try_acquire(self) -> bool:
        """Take the lock if no other process holds it; True when this process holds it."""
        if self._file is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle
        return True

    def is_held(self) -> bool:
        return self._file is not None

    def release(self) -> None:
        """Let go of the lock."""
        handle, self._file = self._file, None
        if handle is not None:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()


def make_leader_lock(settings: Settings, engine: Engine) -> LeaderLock:
    """The advisory lock on PostgreSQL, a file lock beside the SQLite database otherwise."""
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine)
    return FileLock(settings.instance_path / "scheduler.lock")
