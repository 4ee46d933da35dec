"""Logging in and out: same answer for unknown and wrong, rate limits, expiry, CSRF."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsgateway import login_attempts, users
from smsgateway.models import LoginAttempt, User
from smsgateway.runtime import Runtime
from smsgateway.web.session import LOGGED_IN_AT, SEEN_AT

LogIn = Callable[..., Any]


def page_without_token(response: Any) -> str:
    return re.sub(r'value="[^"]+"', 'value=""', response.get_data(as_text=True))


def test_wrong_password_and_unknown_user_get_the_same_answer(
    app: Flask, make_user: Callable[..., User], log_in: LogIn, session: Session
) -> None:
    user = make_user("caseworker")
    client = app.test_client()
    wrong = log_in(client, user.username, "not the password")
    unknown = log_in(app.test_client(), "nobody-here", "not the password")
    assert wrong.status_code == unknown.status_code == 200
    assert page_without_token(wrong) == page_without_token(unknown)
    assert "Wrong username or password." in wrong.get_data(as_text=True)
    assert client.get("/referrals").status_code == 302  # still not logged in
    attempts = session.scalars(select(LoginAttempt).order_by(LoginAttempt.id)).all()
    assert [(a.username, a.is_success) for a in attempts] == [
        (user.username, False),
        ("nobody-here", False),
    ]


def test_unknown_user_and_wrong_password_take_similar_time(
    session: Session, now: datetime, make_user: Callable[..., User], monkeypatch: Any
) -> None:
    """With the production hash parameters, both verify one Argon2id hash."""
    monkeypatch.setattr(users, "hasher", PasswordHasher())
    user = users.create_user(
        session, now, username="timing", role="manager", password="correct horse battery"
    )
    session.commit()

    def median_seconds(username: str) -> float:
        times = []
        for _ in range(7):
            start = time.perf_counter()
            assert users.authenticate(session, username, "wrong password!", now=now) is None
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    users.authenticate(session, "warm-up", "x", now=now)  # the dummy hash is made once
    known, unknown = median_seconds(user.username), median_seconds("no-such-account")
    # Without the dummy hash an unknown user answers ~1000 times faster; the bound allows for load.
    assert 1 / 3 < known / unknown < 3, f"wrong password {known:.3f}s, unknown user {unknown:.3f}s"


def test_login_opens_the_home_page_and_logout_ends_the_session(
    app: Flask, make_user: Callable[..., User], log_in: LogIn, form_token: Callable[..., str]
) -> None:
    client = app.test_client()
    user = make_user("manager")
    response = log_in(client, user.username)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert client.get("/manager/").status_code == 200
    token = form_token(client)

    assert client.post("/logout").status_code == 400  # no token: refused, still logged in
    assert client.get("/manager/").status_code == 200
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    after = client.get("/manager/")
    assert after.status_code == 302 and after.headers["Location"].startswith("/login")


def test_a_copy_of_the_session_cookie_opens_nothing_after_logout(
    app: Flask, make_user: Callable[..., User], log_in: LogIn, form_token: Callable[..., str]
) -> None:
    client = app.test_client()
    user = make_user("manager")
    assert log_in(client, user.username).status_code == 303
    cookie = client.get_cookie("smsgateway_session")
    assert cookie is not None
    copy = app.test_client()
    copy.set_cookie("smsgateway_session", cookie.value)
    assert copy.get("/manager/").status_code == 200  # the copy works while the session lasts
    assert client.post("/logout", data={"csrf_token": form_token(client)}).status_code == 303
    replayed = copy.get("/manager/")
    assert replayed.status_code == 302 and replayed.headers["Location"].startswith("/login")


def test_login_returns_to_the_page_asked_for_but_never_to_another_site(
    app: Flask, make_user: Callable[..., User], form_token: Callable[..., str]
) -> None:
    user = make_user("caseworker")
    for target, expected in [("/unreachable", "/unreachable"), ("//evil.example", "/")]:
        client = app.test_client()
        data = {"csrf_token": form_token(client, "/login"), "username": user.username}
        data["password"] = "correct horse battery"
        response = client.post(f"/login?next={target}", data=data)
        assert response.headers["Location"] == expected


def test_login_form_without_csrf_token_is_refused(
    app: Flask, make_user: Callable[..., User], session: Session
) -> None:
    user = make_user("caseworker")
    client = app.test_client()
    data = {"username": user.username, "password": "correct horse battery"}
    response = client.post("/login", data=data)
    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(LoginAttempt)) == 0


def test_failures_per_account_block_even_the_right_password_for_a_while(
    app: Flask, runtime: Runtime, now: datetime, make_user: Callable[..., User], log_in: LogIn
) -> None:
    runtime.clock = lambda: now
    user = make_user("caseworker")
    for _ in range(login_attempts.PER_ACCOUNT):
        assert log_in(app.test_client(), user.username, "wrong password").status_code == 200
    blocked = log_in(app.test_client(), user.username)
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)
    assert log_in(app.test_client(), "other-name", "wrong password").status_code == 200

    runtime.clock = lambda: now + login_attempts.WINDOW + timedelta(seconds=1)
    assert log_in(app.test_client(), user.username).status_code == 303


def test_unknown_usernames_are_limited_like_real_ones(
    app: Flask, runtime: Runtime, now: datetime, log_in: LogIn
) -> None:
    runtime.clock = lambda: now
    for _ in range(login_attempts.PER_ACCOUNT):
        log_in(app.test_client(), "ghost", "guess")
    assert log_in(app.test_client(), "ghost", "guess").status_code == 429


def test_failures_per_address_block_every_username_from_it(
    app: Flask, runtime: Runtime, now: datetime, make_user: Callable[..., User], log_in: LogIn
) -> None:
    runtime.clock = lambda: now
    user = make_user("caseworker")
    for n in range(login_attempts.PER_ADDRESS):
        log_in(app.test_client(), f"guess{n}", "guess")
    assert log_in(app.test_client(), user.username).status_code == 429


def test_a_success_starts_the_account_count_again(
    app: Flask, runtime: Runtime, now: datetime, make_user: Callable[..., User], log_in: LogIn
) -> None:
    runtime.clock = lambda: now
    user = make_user("caseworker")
    for _ in range(login_attempts.PER_ACCOUNT - 1):
        log_in(app.test_client(), user.username, "wrong password")
    assert log_in(app.test_client(), user.username).status_code == 303
    for _ in range(login_attempts.PER_ACCOUNT - 1):
        log_in(app.test_client(), user.username, "wrong password")
    assert log_in(app.test_client(), user.username).status_code == 303


def test_an_idle_session_expires(caseworker_client: FlaskClient, runtime: Runtime) -> None:
    assert caseworker_client.get("/referrals").status_code == 200
    idle = runtime.settings.session_idle_minutes * 60
    with caseworker_client.session_transaction() as cookie_session:
        cookie_session[SEEN_AT] = time.time() - idle - 1
    response = caseworker_client.get("/referrals")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    login_page = caseworker_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your session expired" in login_page


def test_a_session_within_the_idle_time_goes_on(
    caseworker_client: FlaskClient, runtime: Runtime
) -> None:
    idle = runtime.settings.session_idle_minutes * 60
    with caseworker_client.session_transaction() as cookie_session:
        cookie_session[SEEN_AT] = time.time() - idle + 60
    assert caseworker_client.get("/referrals").status_code == 200


def test_a_busy_session_ends_at_its_absolute_lifetime(
    caseworker_client: FlaskClient, runtime: Runtime
) -> None:
    lifetime = runtime.settings.session_max_hours * 3600
    with caseworker_client.session_transaction() as cookie_session:
        cookie_session[LOGGED_IN_AT] = time.time() - lifetime + 60
    assert caseworker_client.get("/referrals").status_code == 200  # recently seen, not too old
    with caseworker_client.session_transaction() as cookie_session:
        cookie_session[LOGGED_IN_AT] = time.time() - lifetime - 1
        cookie_session[SEEN_AT] = time.time()  # busy a moment ago
    response = caseworker_client.get("/referrals")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert caseworker_client.get("/referrals").status_code == 302  # ended, not refreshed


def test_a_session_without_its_login_time_is_ended(caseworker_client: FlaskClient) -> None:
    with caseworker_client.session_transaction() as cookie_session:
        del cookie_session[LOGGED_IN_AT]
    assert caseworker_client.get("/referrals").status_code == 302


def test_logging_in_again_starts_a_new_lifetime(
    app: Flask, runtime: Runtime, make_user: Callable[..., User], log_in: LogIn
) -> None:
    user = make_user("caseworker")
    client = app.test_client()
    assert log_in(client, user.username).status_code == 303
    with client.session_transaction() as cookie_session:
        first = cookie_session[LOGGED_IN_AT]
        cookie_session[LOGGED_IN_AT] = first - runtime.settings.session_max_hours * 3600 - 1
    assert client.get("/referrals").status_code == 302
    assert log_in(client, user.username).status_code == 303
    assert client.get("/referrals").status_code == 200


@pytest.mark.parametrize("change", ["disable", "set_password"])
def test_disabling_an_account_or_a_new_password_ends_its_sessions(
    caseworker_client: FlaskClient, session: Session, now: datetime, change: str
) -> None:
    user = session.get(User, caseworker_client.user.id)  # type: ignore[attr-defined]
    assert user is not None
    if change == "disable":
        users.disable_user(session, user, now=now)
    else:
        users.set_password(session, user, "a new long password", now=now)
    session.commit()
    assert caseworker_client.get("/referrals").status_code == 302


def test_a_disabled_account_cannot_log_in(
    app: Flask, session: Session, now: datetime, make_user: Callable[..., User], log_in: LogIn
) -> None:
    user = make_user("caseworker")
    users.disable_user(session, user, now=now)
    session.commit()
    response = log_in(app.test_client(), user.username)
    assert response.status_code == 200 and "Wrong username or password." in response.get_data(
        as_text=True
    )
