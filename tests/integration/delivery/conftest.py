"""Fixtures for delivery tests: the app on the Twilio transport, against the local fake."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from delivery_helpers import PUBLIC, SENDER
from flask.testing import FlaskClient

from smsgateway.fakes import FakeTwilio, via_test_client
from smsgateway.runtime import Runtime


@pytest.fixture
def app_overrides(
    tmp_path: Any, fake: FakeTwilio, request: pytest.FixtureRequest
) -> dict[str, Any]:
    database = {}
    if request.node.get_closest_marker("postgres"):
        database = {"database_url": request.getfixturevalue("pg_url")}
    return {
        **database,
        "instance_path": tmp_path / "instance",
        "env": "test",
        "scheduler": False,
        "transport": "twilio",
        "public_url": PUBLIC,
        "twilio_account_sid": fake.account_sid,
        "twilio_auth_token": fake.auth_token,
        "twilio_api_base": fake.url,
        "twilio_sms_from": SENDER,
        "twilio_whatsapp_from": SENDER,
        "twilio_voice_from": SENDER,
        "send_rate_per_second": 0.0,
    }


@pytest.fixture
def wired(fake: FakeTwilio, client: FlaskClient, runtime: Runtime, now: datetime) -> FakeTwilio:
    """The fake's callbacks go into the app; the app's clock is the test's."""
    fake.callback_target = via_test_client(client)
    runtime.clock = lambda: now
    return fake
