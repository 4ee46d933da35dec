"""Nothing personal in the logs: a whole loop through the Twilio webhooks, with a database error,
leaves no full phone number and no message text in any record; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import logging
import secrets
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from webhook_scene import SENDER, STRANGER, post_form, set_scene, twilio_overrides

from smsgateway.dispatch import dispatch_due_notices
from smsgateway.fakes import FakeTwilio
from smsgateway.logs import JsonLinesFormatter, TextFormatter, mask_personal
from smsgateway.models import Message
from smsgateway.runtime import Runtime

MESSAGES = "/webhooks/twilio/messages"
STATUS = "/webhooks/twilio/message-status"
INDUCED = "texte qui casse induced"


@pytest.fixture
def app_overrides(tmp_path: Path, fake: FakeTwilio, database_url: str) -> dict[str, Any]:
    return twilio_overrides(tmp_path, fake, database_url)


def induce_a_database_error(runtime: Runtime, database: str) -> None:
    """Storing a message with INDUCED in its text fails in the database itself."""
    with runtime.db.transaction() as session:
        if database == "postgres":  # the error's DETAIL quotes the failing row, number and text
            session.execute(
                text(
                    "ALTER TABLE messages ADD CONSTRAINT induced CHECK (body NOT LIKE '%induced%')"
                )
            )
        else:
            session.execute(
                text(
                    "CREATE TRIGGER induced BEFORE INSERT ON messages WHEN NEW.body LIKE "
                    "'%induced%' BEGIN SELECT RAISE(ABORT, 'induced'); END"
                )
            )


def sms(fake: FakeTwilio, sender: str, body: str) -> dict[str, str]:
    return {
        "MessageSid": "SM" + secrets.token_hex(16),
        "AccountSid": fake.account_sid,
        "From": sender,
        "To": SENDER,
        "Body": body,
    }


def test_a_whole_loop_logs_no_number_and_no_text(
    app: Flask,
    fake: FakeTwilio,
    client: FlaskClient,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Any,
    database: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: Flask logs the error, 500
    caplog.set_level(logging.DEBUG)
    referral = make_referral()
    scene = set_scene(fake, client, runtime, session, now, referral)  # notices sent
    status = {
        "AccountSid": fake.account_sid,
        "MessageSid": scene.outbound_sid,
        "MessageStatus": "delivered",
        "To": scene.returnee_phone,
    }
    assert post_form(client, fake, STATUS, status) in (200, 204)
    assert post_form(client, fake, MESSAGES, sms(fake, scene.returnee_phone, "1")) == 200
    assert post_form(client, fake, MESSAGES, sms(fake, STRANGER, "bonjour qui est la")) == 200
    later = now + timedelta(minutes=1)
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=later)  # the acks
    induce_a_database_error(runtime, database)
    failed = post_form(client, fake, MESSAGES, sms(fake, scene.returnee_phone, INDUCED))
    assert failed == 500, "the database refused the message"

    records = caplog.records
    errors = [r for r in records if r.levelno >= logging.ERROR and r.exc_text]
    assert errors, "the database error was logged, with its traceback"
    assert "parameters hidden" in errors[-1].exc_text  # type: ignore[operator]
    session.expire_all()
    bodies = {body for body in session.scalars(select(Message.body)) if len(body) > 3}
    assert len(bodies) >= 4, "the loop sent and received texts"
    numbers = {scene.returnee_phone, scene.partner_phone, STRANGER, SENDER}
    formatter = JsonLinesFormatter()
    leaks = []
    for record in records:
        line = formatter.format(record)
        for secret in [*numbers, *(n.lstrip("+") for n in numbers), *bodies, INDUCED]:
            if secret in line or json.dumps(secret)[1:-1] in line:
                leaks.append((record.name, secret))
    assert leaks == []
    assert len(records) > 5


def test_masking_keeps_what_identifies_nobody() -> None:
    assert mask_personal("to +221771234567 at 09:00") == "to +221•••••••67 at 09:00"
    assert mask_personal("whatsapp:+221771234567") == "whatsapp:+221•••••••67"
    assert mask_personal("GET /simulator?phone=%2B221771234567") == (
        "GET /simulator?phone=%2B221•••••••67"
    )
    assert mask_personal("Key (phone_e164)=(+22177) exists\nDETAIL:  Failing row (x)") == (
        "Key (phone_e164)=(+22177) exists\nDETAIL: (hidden)"
    )
    kept = "notice 12 sent at 2026-12-01 09:00:00, SM0123456789abcdef0123456789abcdef"
    assert mask_personal(kept) == kept


def test_json_lines_carry_the_request_id(client: FlaskClient, caplog: Any) -> None:
    caplog.set_level(logging.INFO)
    response = client.get("/login", headers={"X-Request-Id": "req-12345678"})
    assert response.headers["X-Request-Id"] == "req-12345678"
    logging.getLogger("smsgateway.test").info("outside any request")
    line = json.loads(JsonLinesFormatter().format(caplog.records[-1]))
    assert line["request_id"] == "-" and line["message"] == "outside any request"
    with client.application.test_request_context():
        from flask import g

        g.request_id = "abc-request-1"
        logging.getLogger("smsgateway.test").warning("inside a request")
    line = json.loads(JsonLinesFormatter().format(caplog.records[-1]))
    assert line["request_id"] == "abc-request-1" and line["level"] == "WARNING"
    text_line = TextFormatter().format(caplog.records[-1])
    assert text_line.endswith("smsgateway.test: inside a request (request abc-request-1)")
    assert client.get("/login", headers={"X-Request-Id": "bad id!"}).headers["X-Request-Id"] != (
        "bad id!"
    )


def test_engines_hide_sql_parameters(runtime: Runtime) -> None:
    assert runtime.db.engine.hide_parameters


def test_production_writes_masked_json_lines_to_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from smsgateway.logs import configure_logging

    monkeypatch.setenv("SMSGATEWAY_ENV", "production")
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        configure_logging(logging.INFO)
        logging.getLogger("smsgateway.test").info("sent to %s", "+221771234567")
    finally:
        for handler in root.handlers:
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["message"] == "sent to +221•••••••67" and line["logger"] == "smsgateway.test"
    assert set(line) >= {"time", "level", "request_id", "process"}
