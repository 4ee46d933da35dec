"""What a process checks before it serves or works: the database answers, at the code's schema.

Settings are validated when they are loaded (`config.load_settings`); whether the database
answers is known only by connecting. A server that is still starting (a container started at the
same time, PostgreSQL in recovery) refuses connections for a few seconds, so refused connections
are tried again for `DATABASE_WAIT_SECONDS`; any other failure (a wrong password, a database that
does not exist, a SQLite folder that cannot be written) is reported at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from smsgateway.config import PREFIX, ConfigError, Settings

log = logging.getLogger(__name__)

DATABASE_WAIT_SECONDS = 10.0
RETRY_EVERY_SECONDS = 1.0
#: What PostgreSQL (through psycopg) says while it cannot take connections yet.
_STARTING = ("connection refused", "starting up", "timeout expired", "timed out", "recovery mode")


def wait_for_database(
    settings: Settings,
    *,
    wait_seconds: float = DATABASE_WAIT_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Return once the database answers; `ConfigError` naming the setting when it does not."""
    url = settings.sqlalchemy_url
    deadline = clock() + wait_seconds
    while True:
        reason = _connect(url)
        if reason is None:
            return
        if not _is_starting(reason) or clock() >= deadline:
            break
        log.info("database not answering yet (%s); trying again", reason)
        sleep(RETRY_EVERY_SECONDS)
    where = make_url(url).render_as_string(hide_password=True)
    waited = f" after {wait_seconds:g} s" if _is_starting(reason) else ""
    variable = f"{PREFIX}DATABASE_URL" if settings.database_url else f"{PREFIX}INSTANCE_PATH"
    raise ConfigError(f"{variable}: cannot reach the database {where}{waited}: {reason}")


def require_current_schema(settings: Settings) -> None:
    """`ConfigError` saying how to migrate when the database is not at the code's schema.

    A process working on an older (or never migrated) schema would fail on its first query
    with a traceback; this says what to run instead.
    """
    from smsgateway import migrations

    url = settings.sqlalchemy_url
    engine = create_engine(url, hide_parameters=True)
    try:
        with engine.connect() as connection:
            current = migrations.current_revisions(connection)
    finally:
        engine.dispose()
    expected = migrations.head_revisions()
    if current == expected:
        return
    where = make_url(url).render_as_string(hide_password=True)
    variable = f"{PREFIX}DATABASE_URL" if settings.database_url else f"{PREFIX}INSTANCE_PATH"
    at = ", ".join(sorted(current)) or "never migrated"
    raise ConfigError(
        f"{variable}: the database {where} is at schema {at}, this version needs "
        f"{', '.join(sorted(expected))}: run `smsgateway db upgrade` first"
    )


def _connect(url: str) -> str | None:
    """None when a connection opens and answers; otherwise the first line of the reason."""
    # A host that drops packets would otherwise hold the connection for minutes.
    is_postgres = make_url(url).get_backend_name() == "postgresql"
    engine = create_engine(
        url, connect_args={"connect_timeout": 5} if is_postgres else {}, hide_parameters=True
    )
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (OperationalError, DBAPIError) as error:
        return _first_line(error.orig) if error.orig is not None else _first_line(error)
    finally:
        engine.dispose()
    return None


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def _is_starting(reason: str) -> bool:
    lowered = reason.lower()
    return any(sign in lowered for sign in _STARTING)
