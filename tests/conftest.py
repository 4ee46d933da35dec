"""Shared fixtures: an app on a fresh migrated database, its client and CLI runner, builders."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy.orm import Session

from smsgateway import create_app, migrations, users
from smsgateway.models import Partner, Referral, Returnee, User
from smsgateway.partners import register_partner
from smsgateway.programme import single_reminder
from smsgateway.referrals import create_referral
from smsgateway.returnees import PhoneInput, register_returnee
from smsgateway.runtime import Runtime, get_runtime

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"  # every test account's password unless given


def read_form_token(client: FlaskClient, path: str = "/account") -> str:
    """The CSRF token of the logged-in (or anonymous, with path="/login") client's session."""
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert found, f"{path} carries no CSRF token"
    return found.group(1)


def post_login(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    """Post the login form as a person would; returns the response."""
    token = read_form_token(client, "/login")
    return client.post(
        "/login", data={"csrf_token": token, "username": username, "password": password}
    )


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read the developer's own SMSGATEWAY_* settings."""
    for name in list(os.environ):
        if name.startswith("SMSGATEWAY_"):
            monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id still, with the smallest cost: tests log in hundreds of times."""
    monkeypatch.setattr(users, "hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


@pytest.fixture
def form_token() -> Callable[..., str]:
    """`form_token(client)`: the CSRF token a logged-in client's forms carry."""
    return read_form_token


@pytest.fixture
def log_in() -> Callable[..., Any]:
    """`log_in(client, username, password=PASSWORD)`: post the login form."""
    return post_login


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


@pytest.fixture
def make_user(session: Session, now: datetime) -> Callable[..., User]:
    """An account: `make_user("caseworker")`, `make_user("partner", partner_id=3)`."""
    counter = iter(range(1, 10_000))

    def make(role: str = "caseworker", **overrides: Any) -> User:
        values: dict[str, Any] = {
            "username": f"{role}{next(counter)}",
            "role": role,
            "password": PASSWORD,
        }
        values.update(overrides)
        user = users.create_user(session, now, **values)
        session.commit()
        return user

    return make


@pytest.fixture
def client_as(app: Flask, make_user: Callable[..., User]) -> Callable[..., FlaskClient]:
    """A test client logged in with a new account of `role`: `client_as("manager")`.

    A partner account needs its organisation: `client_as("partner", partner_id=p.id)`. The
    account is on the client as `client.user`.
    """

    def make(role: str, **overrides: Any) -> FlaskClient:
        user = make_user(role, **overrides)
        client = app.test_client()
        response = post_login(client, user.username)
        assert response.status_code == 303, f"could not log in as {role}"
        client.user = user  # type: ignore[attr-defined]
        return client

    return make


@pytest.fixture
def caseworker_client(client_as: Callable[..., FlaskClient]) -> FlaskClient:
    return client_as("caseworker")


@pytest.fixture
def manager_client(client_as: Callable[..., FlaskClient]) -> FlaskClient:
    return client_as("manager")


@pytest.fixture
def admin_client(client_as: Callable[..., FlaskClient]) -> FlaskClient:
    return client_as("admin")


@pytest.fixture
def partner_client(
    client_as: Callable[..., FlaskClient], make_partner: Callable[..., Partner]
) -> FlaskClient:
    """Logged in as a partner account of a new partner (`client.user.partner_id`)."""
    return client_as("partner", partner_id=make_partner().id)


class ApiClient:
    """A test client that sends a bearer token with every request (`api.get("/referrals")`)."""

    def __init__(self, client: FlaskClient, secret: str, user: User, token_id: int) -> None:
        self.client, self.secret, self.user, self.token_id = client, secret, user, token_id

    def open(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.secret}", **kwargs.pop("headers", {})}
        return self.client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.open("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.open("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Any:
        return self.open("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Any:
        return self.open("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.open("DELETE", path, **kwargs)


@pytest.fixture
def api_as(
    app: Flask, session: Session, now: datetime, make_user: Callable[..., User]
) -> Callable[..., ApiClient]:
    """`api_as("caseworker", scope="write")`: a client with a new account's API token.

    A partner account names its organisation: `api_as("partner", partner_id=p.id)`.
    """
    from smsgateway.api_tokens import create_token

    def make(role: str, scope: str = "write", **overrides: Any) -> ApiClient:
        user = make_user(role, **overrides)
        new = create_token(session, now, user=user, scope=scope)
        session.commit()
        return ApiClient(app.test_client(), new.secret, user, new.token.id)

    return make
