"""SQLite's writers wait their turn on a lock file that wakes them at once (smsgateway.db).

SQLite has one writer; the others used to wait in its busy handler, which sleeps 1, 2, 5, 10...
ms between tries whether or not the writer is done. Every write transaction now first takes
an exclusive `flock` on `<database>.lock` (and, between threads of one process, a thread lock),
released when it commits or rolls back. Here SQLite's own busy timeout is set to 0, so a writer
that did not wait on the lock file would fail with "database is locked" at once.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError

from smsgateway.db import Database

WRITERS = """
import json, sys, threading, time
from sqlalchemy import event, text
from smsgateway.db import Database

url, label, per_thread = sys.argv[1], sys.argv[2], int(sys.argv[3])
db = Database(url)
event.listen(db.engine, "connect", lambda c, _r: c.execute("PRAGMA busy_timeout=0"))
errors, done = [], []

def write(thread):
    for n in range(per_thread):
        try:
            with db.transaction() as session:
                session.execute(text("SELECT count(*) FROM rows")).scalar()
                session.execute(text("INSERT INTO rows (who) VALUES (:w)"), {"w": label})
                time.sleep(0.001)  # hold the write lock a moment: the others must wait
                session.execute(text("INSERT INTO rows (who) VALUES (:w)"), {"w": label})
            done.append(1)
        except Exception as error:
            errors.append(type(error).__name__ + ": " + str(error).splitlines()[0])

threads = [threading.Thread(target=write, args=(t,)) for t in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
db.dispose()
print(json.dumps({"done": len(done), "errors": errors[:5], "failed": len(errors)}))
"""


def _no_busy_wait(db: Database) -> None:
    """SQLite's busy timeout 0: only the lock file can make a writer wait."""

    def pragma(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=0")

    event.listen(db.engine, "connect", pragma)


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[Database, Path]]:
    path = tmp_path / "writers.db"
    db = Database(f"sqlite:///{path}")
    _no_busy_wait(db)
    with db.transaction() as session:
        session.execute(text("CREATE TABLE rows (id INTEGER PRIMARY KEY, who TEXT)"))
    yield db, path
    db.dispose()


def _lock_is_free(path: Path) -> bool:
    """Whether another holder (here: a second open file description) could take the lock."""
    fd = os.open(f"{path}.lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def test_two_processes_of_four_threads_writing_at_once_all_succeed(
    database: tuple[Database, Path],
) -> None:
    db, path = database
    per_thread = 25
    root = Path(__file__).resolve().parents[2]
    command = [sys.executable, "-c", WRITERS, f"sqlite:///{path}"]
    processes = [
        subprocess.Popen([*command, label, str(per_thread)], cwd=root, stdout=subprocess.PIPE)
        for label in ("a", "b")
    ]
    reports = [json.loads(process.communicate(timeout=120)[0]) for process in processes]
    assert [report["failed"] for report in reports] == [0, 0], reports
    assert [report["done"] for report in reports] == [4 * per_thread] * 2
    with db.sessions() as session:
        counts = dict(session.execute(text("SELECT who, count(*) FROM rows GROUP BY who")).all())
    assert counts == {"a": 8 * per_thread, "b": 8 * per_thread}
    assert _lock_is_free(path)


def test_the_lock_is_held_from_the_first_write_until_commit(
    database: tuple[Database, Path],
) -> None:
    db, path = database
    with db.transaction() as session:
        session.execute(text("SELECT count(*) FROM rows")).scalar()
        assert _lock_is_free(path)  # reading takes no turn
        session.execute(text("INSERT INTO rows (who) VALUES ('x')"))
        assert not _lock_is_free(path)
    assert _lock_is_free(path)


def test_the_lock_is_released_when_the_transaction_fails(
    database: tuple[Database, Path],
) -> None:
    db, path = database

    def fail_after_writing() -> None:
        with db.transaction() as session:
            session.execute(text("INSERT INTO rows (who) VALUES ('x')"))
            raise RuntimeError("processing failed")

    with pytest.raises(RuntimeError):
        fail_after_writing()
    assert _lock_is_free(path)
    with db.transaction() as session:
        session.execute(text("CREATE UNIQUE INDEX one_who ON rows (who)"))
    assert _lock_is_free(path)
    with db.transaction() as session:
        session.execute(text("INSERT INTO rows (who) VALUES ('y')"))
    with pytest.raises(IntegrityError), db.transaction() as session:
        session.execute(text("INSERT INTO rows (who) VALUES ('y')"))  # refused: a duplicate
    assert _lock_is_free(path)
    with db.sessions() as session:
        assert session.execute(text("SELECT who FROM rows")).scalars().all() == ["y"]


def test_a_session_committed_by_hand_releases_the_lock_too(
    database: tuple[Database, Path],
) -> None:
    db, path = database
    with db.sessions() as session:
        session.execute(text("INSERT INTO rows (who) VALUES ('x')"))
        assert not _lock_is_free(path)
        session.commit()
        assert _lock_is_free(path)
        session.execute(text("INSERT INTO rows (who) VALUES ('z')"))
    assert _lock_is_free(path)  # closed without commit: rolled back
    with db.sessions() as session:
        assert session.execute(text("SELECT who FROM rows")).scalars().all() == ["x"]


def test_a_writer_held_up_by_a_hung_process_fails_after_its_timeout_and_keeps_no_turn(
    database: tuple[Database, Path],
) -> None:
    """Another process holding a write transaction for ever (here: another open file holding
    the lock) makes a writer fail with "database is locked" after the busy timeout, as SQLite's
    own lock did, instead of waiting for ever."""
    import sqlite3

    from smsgateway.db import write_lock

    _, path = database
    hung = os.open(f"{path}.lock", os.O_RDWR)
    fcntl.flock(hung, fcntl.LOCK_EX)
    lock = write_lock(str(path))
    assert lock is not None
    try:
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            lock.acquire(timeout=0.05)
    finally:
        os.close(hung)  # the hung process goes away
    lock.acquire(timeout=0.05)  # the thread lock was given back: the next try succeeds
    lock.release()
