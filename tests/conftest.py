"""Shared fixtures: an app on a fresh migrated database, its client and CLI runner, builders."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy.orm import Session

from smsgateway import create_app, migrations
from smsgateway.models import Partner, Referral, Returnee
from smsgateway.partners import register_partner
from smsgateway.programme import single_reminder
from smsgateway.referrals import create_referral
from smsgateway.returnees import PhoneInput, register_returnee
from smsgateway.runtime import Runtime, get_runtime

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read the developer's own SMSGATEWAY_* settings."""
    for name in list(os.environ):
        if name.startswith("SMSGATEWAY_"):
            monkeypatch.delenv(name)


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def app_overrides(tmp_path: Any) -> dict[str, Any]:
    return {"instance_path": tmp_path / "instance", "env": "test", "scheduler": False}


@pytest.fixture
def app(app_overrides: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(app_overrides)
    app.config["TESTING"] = True
    migrations.upgrade(get_runtime(app).settings.sqlalchemy_url)
    yield app
    get_runtime(app).db.dispose()


@pytest.fixture
def runtime(app: Flask) -> Runtime:
    return get_runtime(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def session(runtime: Runtime) -> Iterator[Session]:
    """A session for arranging and checking; commit what the app must see."""
    with runtime.db.sessions() as session:
        yield session


@pytest.fixture
def make_partner(session: Session, now: datetime) -> Callable[..., Partner]:
    counter = iter(range(1, 10_000))

    def make(**overrides: Any) -> Partner:
        n = next(counter)
        values: dict[str, Any] = {
            "name": f"Training Centre {n}",
            "display_name": f"Centre {n}",
            "service_categories": ["vocational_training"],
            "region": "SN",
            "point_persons": [(f"Point person {n}", f"+2217711{n:05d}")],
        }
        values.update(overrides)
        partner = register_partner(session, now, **values)
        session.commit()
        return partner

    return make


@pytest.fixture
def make_returnee(session: Session, now: datetime) -> Callable[..., Returnee]:
    counter = iter(range(1, 10_000))

    def make(**overrides: Any) -> Returnee:
        n = next(counter)
        values: dict[str, Any] = {
            "case_reference": f"CASE-{n:04d}",
            "first_name": f"Person{n}",
            "language": "fr",
            "time_zone": "Africa/Dakar",
            "region": "SN",
            "phones": [PhoneInput(f"+2217712{n:05d}")],
        }
        values.update(overrides)
        returnee = register_returnee(session, now, **values)
        session.commit()
        return returnee

    return make


@pytest.fixture
def make_referral(
    session: Session,
    now: datetime,
    make_partner: Callable[..., Partner],
    make_returnee: Callable[..., Returnee],
) -> Callable[..., Referral]:
    def make(**overrides: Any) -> Referral:
        values: dict[str, Any] = {
            "service_category": "vocational_training",
            "created_by": "caseworker@example.org",
            "programme": single_reminder(timedelta(hours=24)),
            "appointment_at": now + timedelta(days=2),
            "appointment_place": "Pikine",
        }
        values.update(overrides)
        if "returnee" not in values:
            values["returnee"] = make_returnee()
        if "partner" not in values:
            values["partner"] = make_partner()
        referral = create_referral(session, values.pop("now", now), **values)
        session.commit()
        return referral

    return make
