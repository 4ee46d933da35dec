"""Integration fixtures: a fresh PostgreSQL database per test, when the server is there."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from sqlalchemy.orm import Session

from smsgateway.fakes import FakeTwilio
from smsgateway.models import Referral
from smsgateway.notices import NoticeKind, plan_notice

PlanDueNotices = Callable[[Session, list[Referral], int], None]

PG_SERVER = "host=127.0.0.1 port=5432 user=postgres"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def _admin_connection() -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(f"{PG_SERVER} dbname=test", autocommit=True, connect_timeout=3)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL to a new, empty PostgreSQL database, dropped afterwards.

    A database rather than a schema: advisory locks are per database, so tests cannot see each
    other's scheduler leader. No server: skip, except under CI=true, where that is a failure.
    """
    try:
        admin = _admin_connection()
    except psycopg.OperationalError as exc:
        reason = f"no PostgreSQL server on 127.0.0.1:5432 ({type(exc).__name__})"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}, and CI=true requires it")
        pytest.skip(reason)
    name = f"smsgateway_test_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield PG_URL.format(name=name)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _plan_due_notices(session: Session, referrals: list[Referral], count: int) -> None:
    """`count` notices already due, spread over `referrals` (for dispatch under load)."""
    due = datetime.now(UTC) - timedelta(minutes=1)
    for n in range(count):
        referral = referrals[n % len(referrals)]
        plan_notice(
            session,
            kind=NoticeKind.REFERRAL_CREATED,
            returnee=referral.returnee,
            referral=referral,
            due_at=due,
            now=due,
        )
    session.commit()


@pytest.fixture
def plan_due_notices() -> PlanDueNotices:
    return _plan_due_notices


@pytest.fixture
def make_referral_on_the_clock(make_referral: Callable[..., Referral]) -> Callable[..., Referral]:
    """Referrals made on the real clock, for tests that run the service in other processes,
    which read the real clock: their own reminders fall due a month later, whatever the day the
    test runs (made on the tests' fixed `now`, a referral's reminder falls due for those
    processes once that date has passed)."""

    def make(**overrides: object) -> Referral:
        real_now = datetime.now(UTC)
        overrides.setdefault("now", real_now)
        overrides.setdefault("appointment_at", real_now + timedelta(days=30))
        return make_referral(**overrides)

    return make


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest) -> str:
    """Asked for by a test (or its `app_overrides`): the test runs on SQLite and on PostgreSQL."""
    return str(request.param)


@pytest.fixture
def database_url(database: str, request: pytest.FixtureRequest) -> str:
    """The `database`'s URL for the app's settings; empty for the default SQLite file."""
    return str(request.getfixturevalue("pg_url")) if database == "postgres" else ""


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    """The local fake Twilio API, on its own port for the test."""
    with FakeTwilio() as server:
        yield server
