"""Production settings: security headers, cookie flags, no console without an admin."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from smsgateway import create_app, migrations, users
from smsgateway.clock import utcnow
from smsgateway.runtime import get_runtime

TEMPLATES = Path(__file__).resolve().parents[2] / "smsgateway" / "web" / "templates"
PRODUCTION = {
    "env": "production",
    "scheduler": False,
    "secret_key": "a-production-secret-of-enough-length",
    "transport": "twilio",
    "twilio_account_sid": "AC" + "0" * 32,
    "twilio_auth_token": "token",
    "twilio_sms_from": "+15005550006",
    "public_url": "https://sms.example.org",
}


@pytest.fixture
def production_app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app({**PRODUCTION, "instance_path": tmp_path / "instance"})
    migrations.upgrade(get_runtime(app).settings.sqlalchemy_url)
    yield app
    get_runtime(app).db.dispose()


def add_admin(app: Flask) -> str:
    with get_runtime(app).db.transaction() as session:
        users.create_user(
            session, utcnow(), username="root", role="admin", password="correct horse battery"
        )
    return "root"


def https_client(app: Flask) -> FlaskClient:
    """A client whose requests arrive over https, as behind the production proxy."""
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    return client


def test_production_sends_the_security_headers_and_secure_cookies(
    production_app: Flask, log_in: Callable[..., Any]
) -> None:
    add_admin(production_app)
    client = https_client(production_app)
    headers = client.get("/login").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["Cache-Control"] == "no-store"

    logged_in = log_in(client, "root")
    assert logged_in.status_code == 303
    cookie = logged_in.headers["Set-Cookie"]
    assert cookie.startswith("smsgateway_session=")
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires=" in cookie  # the session ends: it does not outlive its idle time

    # The same headers on a logged-in page holding personal data, and on an error page.
    for path, code in (("/users", 200), ("/referrals/R999999", 404)):
        response = client.get(path)
        assert response.status_code == code, path
        for name in ("Content-Security-Policy", "X-Frame-Options", "Strict-Transport-Security"):
            assert response.headers[name] == headers[name], (path, name)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"


def test_development_sends_no_hsts_and_cookies_work_over_http(
    client: FlaskClient, make_user: Callable[..., Any], log_in: Callable[..., Any]
) -> None:
    user = make_user("caseworker")
    response = log_in(client, user.username)
    assert "Strict-Transport-Security" not in response.headers
    assert "Secure" not in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    assert "SameSite=Lax" in response.headers["Set-Cookie"]


def test_production_refuses_the_console_until_an_admin_exists(production_app: Flask) -> None:
    client = https_client(production_app)
    for path in ("/", "/login", "/referrals"):
        response = client.get(path)
        assert response.status_code == 503
        text = response.get_data(as_text=True)
        assert text.count("\n") == 1 and "smsgateway users create NAME --role admin" in text
    unsigned = client.post("/webhooks/twilio/messages", data={"From": "+221770000000"})
    assert unsigned.status_code == 403  # webhooks still answer, and still check signatures

    add_admin(production_app)
    assert client.get("/login").status_code == 200


def test_production_has_no_phone_simulator(production_app: Flask) -> None:
    add_admin(production_app)
    assert "simulator.phones" not in production_app.view_functions
    assert https_client(production_app).get("/simulator/").status_code == 404


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: p.name)
def test_templates_hold_no_inline_script_or_style(template: Path) -> None:
    """The Content-Security-Policy would block them: everything comes from /static."""
    text = template.read_text(encoding="utf-8")
    assert "<style" not in text and " style=" not in text
    assert not re.search(r"<script(?![^>]*\bsrc=)", text)
    assert not re.search(r"\son[a-z]+=", text), "inline event handlers run as inline script"


@pytest.mark.parametrize("code", [403, 404])
def test_error_pages_are_styled_in_the_console_layout(
    caseworker_client: FlaskClient, code: int
) -> None:
    path = {403: "/users", 404: "/referrals/R999999"}[code]
    response = caseworker_client.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == code
    assert "/static/console.css" in page and 'id="nav-referrals"' in page
    assert f"Error {code}" in page


def test_an_unexpected_error_shows_the_styled_500_page(
    app: Flask, client_as: Callable[..., FlaskClient]
) -> None:
    from smsgateway.permissions import Action
    from smsgateway.web.access import requires

    def broken() -> str:
        raise RuntimeError("boom")

    app.add_url_rule("/broken", "broken", requires(Action.VIEW_REFERRALS)(broken))
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client_as("caseworker").get("/broken")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in page and "boom" not in page
    assert "/static/console.css" in page
