"""Starting: a wrong setting or an unreachable database stops the process with one line, exit 1;
a database server that is still starting is waited for."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from smsgateway.config import ConfigError, Settings
from smsgateway.startup import DATABASE_WAIT_SECONDS, wait_for_database

SMSGATEWAY = str(Path(sys.executable).with_name("smsgateway"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(command: str, tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SMSGATEWAY_")}
    environ |= {"SMSGATEWAY_INSTANCE_PATH": str(tmp_path), "SMSGATEWAY_ENV": "test"}
    environ |= {f"SMSGATEWAY_{name}": value for name, value in variables.items()}
    return subprocess.run(
        [SMSGATEWAY, command], env=environ, capture_output=True, text=True, timeout=60
    )


def test_serve_with_a_malformed_database_url_prints_one_line_and_exits_1(tmp_path: Path) -> None:
    result = run("serve", tmp_path, DATABASE_URL="postgres//oops", PORT=str(free_port()))

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "smsgateway: SMSGATEWAY_DATABASE_URL is not a database URL "
        "(e.g. postgresql+psycopg://user@host/db)"
    ]


@pytest.mark.slow
def test_serve_with_an_unreachable_database_waits_then_exits_1_with_one_line(
    tmp_path: Path,
) -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/test"
    started = time.monotonic()
    result = run("serve", tmp_path, DATABASE_URL=url, PORT=str(free_port()))

    assert result.returncode == 1
    assert time.monotonic() - started >= DATABASE_WAIT_SECONDS
    (line,) = [line for line in result.stderr.splitlines() if "smsgateway:" in line]
    assert line.startswith("smsgateway: SMSGATEWAY_DATABASE_URL: cannot reach the database")
    assert f"after {DATABASE_WAIT_SECONDS:g} s" in line and "refused" in line
    assert "Traceback" not in result.stderr


def test_a_refused_connection_is_tried_again_until_the_wait_is_over() -> None:
    settings = Settings(database_url=f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/x")
    now = [0.0]
    naps: list[float] = []

    def sleep(seconds: float) -> None:
        naps.append(seconds)
        now[0] += seconds

    with pytest.raises(ConfigError, match=r"SMSGATEWAY_DATABASE_URL: .* after 3 s: .*refused"):
        wait_for_database(settings, wait_seconds=3, sleep=sleep, clock=lambda: now[0])
    assert naps == [1.0, 1.0, 1.0]


def test_an_unopenable_sqlite_file_is_reported_at_once_naming_the_instance_path(
    tmp_path: Path,
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("")
    settings = Settings(instance_path=blocked / "instance")  # a folder inside a file

    with pytest.raises(ConfigError, match="SMSGATEWAY_INSTANCE_PATH: cannot reach the database"):
        wait_for_database(settings, sleep=pytest.fail)


@pytest.fixture
def late_postgres() -> Iterator[str]:
    """A URL whose server starts listening 1.5 s from now: a port that forwards to PostgreSQL."""
    port = free_port()
    stop = threading.Event()

    def pipe(source: socket.socket, target: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                target.sendall(chunk)
        except OSError:
            pass  # the other direction finished first and closed both sockets
        finally:
            source.close()
            target.close()

    def serve() -> None:
        time.sleep(1.5)
        with socket.create_server(("127.0.0.1", port)) as server:
            server.settimeout(0.2)
            while not stop.is_set():
                try:
                    client, _ = server.accept()
                except TimeoutError:
                    continue
                upstream = socket.create_connection(("127.0.0.1", 5432))
                threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
                threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/test"
    stop.set()
    thread.join(5)


@pytest.mark.postgres
def test_a_database_server_that_is_still_starting_is_waited_for(
    pg_url: str, late_postgres: str
) -> None:
    started = time.monotonic()
    wait_for_database(Settings(database_url=late_postgres))
    assert 1.0 <= time.monotonic() - started < DATABASE_WAIT_SECONDS


@pytest.mark.parametrize("command", ["dispatch", "worker", "serve"])
def test_a_database_never_migrated_is_refused_with_one_line_saying_what_to_run(
    tmp_path: Path, command: str
) -> None:
    result = run(command, tmp_path, PORT=str(free_port()))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "smsgateway:" in line]
    assert line.startswith("smsgateway: SMSGATEWAY_INSTANCE_PATH: the database ")
    assert "never migrated" in line and "run `smsgateway db upgrade` first" in line


def test_a_database_at_an_older_schema_names_it_and_works_once_upgraded(tmp_path: Path) -> None:
    from smsgateway import migrations

    url = f"sqlite:///{tmp_path / 'smsgateway.db'}"
    heads = migrations.head_revisions()
    migrations.upgrade(url, "head")
    (head,) = heads
    migrations.downgrade(url, "-1")

    refused = run("dispatch", tmp_path)
    assert refused.returncode == 1
    (line,) = [line for line in refused.stderr.splitlines() if "smsgateway:" in line]
    assert f"needs {head}" in line and "is at schema never migrated" not in line

    migrations.upgrade(url, "head")
    sent = run("dispatch", tmp_path)
    assert sent.returncode == 0, sent.stderr
    assert sent.stdout.startswith("claimed=0 sent=0")
