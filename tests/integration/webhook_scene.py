"""A Twilio-wired app with a returnee, a partner and a notice call, and signed posts to it.

Shared by the webhook input tests and the webhook fuzz test (plain functions, not fixtures).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from smsgateway.dispatch import dispatch_due_notices
from smsgateway.fakes import FakeTwilio, via_test_client
from smsgateway.models import Message, Notice, Referral
from smsgateway.notices import NoticeKind, NoticeState, plan_notice
from smsgateway.runtime import Runtime

PUBLIC = "https://sms.example.org"
SENDER = "+15005550006"
FORM = "application/x-www-form-urlencoded"
STRANGER = "+221776543210"


def twilio_overrides(tmp_path: Path, fake: FakeTwilio, database_url: str = "") -> dict[str, Any]:
    return {
        **({"database_url": database_url} if database_url else {}),
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


@dataclass(frozen=True)
class Scene:
    """What there is to answer: an SMS question, a voice question and its call."""

    referral_id: int
    returnee_phone: str
    partner_phone: str
    sms_notice_id: int
    voice_notice_id: int
    call_sid: str
    outbound_sid: str


def set_scene(
    fake: FakeTwilio,
    client: FlaskClient,
    runtime: Runtime,
    session: Session,
    now: datetime,
    referral: Referral,
) -> Scene:
    """Send the referral's returnee a reminder by SMS and one by voice, through the fake."""
    fake.callback_target = via_test_client(client)
    runtime.clock = lambda: now
    session.execute(update(Notice).values(state=NoticeState.CANCELLED))
    notices = [
        plan_notice(
            session,
            kind=NoticeKind.APPOINTMENT_REMINDER,
            returnee=referral.returnee,
            referral=referral,
            due_at=now,
            now=now,
            channel=channel,
        )
        for channel in ("sms", "voice")
    ]
    session.commit()
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=now)
    point = referral.returnee.own_contact_point()
    assert point is not None and referral.partner is not None
    return Scene(
        referral_id=referral.id,
        returnee_phone=point.phone_e164,
        partner_phone=referral.partner.point_persons[0].phone_e164,
        sms_notice_id=notices[0].id,
        voice_notice_id=notices[1].id,
        call_sid=fake.calls()[-1].sid,
        outbound_sid=fake.sent_messages()[-1].sid,
    )


def post_form(
    client: FlaskClient, fake: FakeTwilio, path: str, fields: dict[str, str], query: str = ""
) -> int:
    """POST a form signed as Twilio signs it; the HTTP status."""
    url = f"{PUBLIC}{path}" + (f"?{query}" if query else "")
    form, headers = fake.signed_form(url, fields)
    return client.post(url, data=form, headers=headers).status_code


def post_raw(
    client: FlaskClient, fake: FakeTwilio, path: str, body: bytes, content_type: str = FORM
) -> int:
    """POST raw bytes, signed over the fields a form parser would read from them (if any)."""
    url = f"{PUBLIC}{path}"
    environ = EnvironBuilder(method="POST", data=body, content_type=content_type).get_environ()
    fields = Request(environ).form.to_dict()
    _, headers = fake.signed_form(url, fields)
    headers["Content-Type"] = content_type
    return client.post(url, data=body, headers=headers).status_code


def json_body(fields: dict[str, str]) -> bytes:
    return json.dumps(fields).encode()


def inbound_count(runtime: Runtime, provider_id: str | None = None) -> int:
    with runtime.db.sessions() as session:
        query = select(func.count()).select_from(Message).filter_by(direction="in")
        if provider_id is not None:
            query = query.filter_by(provider_id=provider_id)
        return int(session.scalar(query) or 0)
