"""Bad input to the Twilio webhooks: never a 5xx, never a lost message, a clear 4xx for what cannot
be used. Each case of the issue that once answered 500 or lost a message is a named test here,
on SQLite and on PostgreSQL."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session
from webhook_scene import (
    FORM,
    PUBLIC,
    SENDER,
    STRANGER,
    Scene,
    inbound_count,
    json_body,
    post_form,
    post_raw,
    set_scene,
    twilio_overrides,
)

from smsgateway.dispatch import dispatch_due_notices
from smsgateway.fakes import FakeTwilio
from smsgateway.models import Message, Notice, Referral, ReviewItem
from smsgateway.notices import NoticeKind
from smsgateway.replies import inbound
from smsgateway.returnees import PhoneInput
from smsgateway.runtime import Runtime

MESSAGES = "/webhooks/twilio/messages"
STATUS = "/webhooks/twilio/message-status"
VOICE = "/webhooks/twilio/voice"
GATHER = "/webhooks/twilio/voice/gather"
CALL_STATUS = "/webhooks/twilio/voice/status"


@pytest.fixture
def app_overrides(tmp_path: Path, fake: FakeTwilio, database_url: str) -> dict[str, Any]:
    return twilio_overrides(tmp_path, fake, database_url)


@pytest.fixture
def scene(
    fake: FakeTwilio,
    client: FlaskClient,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Any,
) -> Scene:
    return set_scene(fake, client, runtime, session, now, make_referral())


def sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


def sms(fake: FakeTwilio, sender: str, body: str, **fields: str) -> dict[str, str]:
    form = {"AccountSid": fake.account_sid, "From": sender, "To": SENDER, "Body": body}
    return {"MessageSid": sid("SM"), **form, **fields}


def call_form(fake: FakeTwilio, scene: Scene, **fields: str) -> dict[str, str]:
    form = {"AccountSid": fake.account_sid, "CallSid": scene.call_sid, "To": scene.returnee_phone}
    return {**form, "From": SENDER, **fields}


def stored(session: Session, provider_id: str) -> Message:
    session.expire_all()
    message = session.scalar(select(Message).filter_by(provider_id=provider_id))
    assert message is not None
    return message


def reviews_of(session: Session, message: Message) -> list[str]:
    return list(session.scalars(select(ReviewItem.reason).filter_by(message_id=message.id)))


def notices_after(session: Session, notice_id: int, kind: str | None = None) -> list[Notice]:
    session.expire_all()
    query = select(Notice).where(Notice.id > notice_id).order_by(Notice.id)
    if kind is not None:
        query = query.filter_by(kind=kind)
    return list(session.scalars(query))


def sent_body(session: Session, kind: str) -> str:
    """What went out, as recorded, for the (one) notice of `kind`."""
    session.expire_all()
    (body,) = session.scalars(select(Message.body).filter_by(direction="out", kind=kind))
    return body


def last_notice_id(session: Session) -> int:
    session.expire_all()
    return max(session.scalars(select(Notice.id)), default=0)


# -- the corpus of the issue -------------------------------------------------------------------


def test_nul_in_body_is_dropped_and_the_message_is_kept(
    fake: FakeTwilio, client: FlaskClient, session: Session, scene: Scene
) -> None:
    form = sms(fake, scene.returnee_phone, "ou\x00i")
    assert post_form(client, fake, MESSAGES, form) == 200
    assert stored(session, form["MessageSid"]).body == "oui"


def test_nul_in_from_is_dropped_and_the_sender_recognised(
    fake: FakeTwilio, client: FlaskClient, session: Session, scene: Scene
) -> None:
    form = sms(fake, scene.returnee_phone[:6] + "\x00" + scene.returnee_phone[6:], "1")
    assert post_form(client, fake, MESSAGES, form) == 200
    message = stored(session, form["MessageSid"])
    assert message.phone_e164 == scene.returnee_phone and message.intent == "confirm"


def test_nul_in_speech_is_dropped_and_the_speech_is_kept(
    fake: FakeTwilio, client: FlaskClient, session: Session, scene: Scene
) -> None:
    form = call_form(fake, scene, SpeechResult="oui je\x00 viens", Confidence="0.9")
    query = f"notice=notice-{scene.voice_notice_id}"
    assert post_form(client, fake, GATHER, form, query) == 200
    session.expire_all()
    (message,) = session.scalars(select(Message).filter_by(direction="in", channel="voice"))
    assert message.body == "oui je viens"


@pytest.mark.parametrize(
    "message_sid", ["SM" + "a" * 63, "SM" + "a" * 100, "SMnot-an-id", "", "CA" + "a" * 32]
)
def test_a_message_sid_that_is_not_one_gets_400_and_stores_nothing(
    fake: FakeTwilio, client: FlaskClient, runtime: Runtime, scene: Scene, message_sid: str
) -> None:
    before = inbound_count(runtime)
    form = sms(fake, scene.returnee_phone, "1", MessageSid=message_sid)
    assert post_form(client, fake, MESSAGES, form) == 400
    assert inbound_count(runtime) == before


@pytest.mark.parametrize("path", [GATHER, CALL_STATUS, VOICE])
def test_a_call_sid_over_64_characters_gets_400(
    fake: FakeTwilio, client: FlaskClient, runtime: Runtime, scene: Scene, path: str
) -> None:
    form = call_form(fake, scene, CallSid="CA" + "b" * 80, Digits="1", CallStatus="completed")
    query = f"notice=notice-{scene.voice_notice_id}"
    assert post_form(client, fake, path, form, query) == 400
    assert inbound_count(runtime) == 0


@pytest.mark.parametrize("error_code", ["1" * 17, "30003x", "²", "-1"])
def test_an_error_code_that_is_not_16_digits_gets_400_and_changes_nothing(
    fake: FakeTwilio, client: FlaskClient, session: Session, scene: Scene, error_code: str
) -> None:
    form = {
        "AccountSid": fake.account_sid,
        "MessageSid": scene.outbound_sid,
        "MessageStatus": "undelivered",
        "ErrorCode": error_code,
    }
    assert post_form(client, fake, STATUS, form) == 400
    message = stored(session, scene.outbound_sid)
    assert message.delivery_status != "undelivered"


def test_a_body_of_thousands_of_digits_is_stored_whole_and_read_as_unclear(
    fake: FakeTwilio, client: FlaskClient, session: Session, scene: Scene
) -> None:
    form = sms(fake, scene.returnee_phone, "1" * 5000)
    assert post_form(client, fake, MESSAGES, form) == 200
    message = stored(session, form["MessageSid"])
    assert message.body == "1" * 5000
    assert message.intent == "unclear"
    assert reviews_of(session, message) == ["unclear"]


@pytest.mark.parametrize("body", ["1" * 5000, "ENROLLED " + "9" * 5000, "INSCRIT R" + "1" * 4400])
def test_a_partner_message_of_thousands_of_digits_is_read_not_a_crash(
    fake: FakeTwilio, client: FlaskClient, session: Session, scene: Scene, body: str
) -> None:
    form = sms(fake, scene.partner_phone, body)
    assert post_form(client, fake, MESSAGES, form) == 200
    message = stored(session, form["MessageSid"])
    assert message.body == body and message.processing_error == ""
    assert reviews_of(session, message) == ["partner_message"]


@pytest.mark.parametrize("path", [VOICE, GATHER])
@pytest.mark.parametrize(
    "reference",
    ["notice-²", "notice-" + "9" * 25, "notice-2147483648", "notice-٣", "notice-1 ", "notice--1"],
)
def test_a_notice_reference_that_is_not_a_number_gets_400(
    fake: FakeTwilio, client: FlaskClient, runtime: Runtime, scene: Scene, path: str, reference: str
) -> None:
    query = f"notice={reference}"
    assert post_form(client, fake, path, call_form(fake, scene, Digits="1"), query) == 400
    assert inbound_count(runtime) == 0


def test_an_unknown_notice_reference_gets_404(
    fake: FakeTwilio, client: FlaskClient, scene: Scene
) -> None:
    query = "notice=notice-2147483647"
    assert post_form(client, fake, GATHER, call_form(fake, scene, Digits="1"), query) == 404


@pytest.mark.parametrize("account", ["AC" + "0" * 32, "", None])
@pytest.mark.parametrize("path", [MESSAGES, STATUS, VOICE, GATHER, CALL_STATUS])
def test_a_webhook_for_another_account_gets_403_and_changes_nothing(
    fake: FakeTwilio,
    client: FlaskClient,
    runtime: Runtime,
    scene: Scene,
    path: str,
    account: str | None,
) -> None:
    form = {**sms(fake, scene.returnee_phone, "1"), **call_form(fake, scene, Digits="1")}
    if account is None:
        del form["AccountSid"]
    else:
        form["AccountSid"] = account
    query = f"notice=notice-{scene.voice_notice_id}"
    assert post_form(client, fake, path, form, query) == 403
    assert inbound_count(runtime) == 0


@pytest.mark.parametrize("sender", ["", "abc", "%FF%FE", "+1", "12345", "whatsapp:", "\ufffd"])
def test_a_sender_that_is_no_phone_number_is_kept_for_review_and_never_answered(
    fake: FakeTwilio, client: FlaskClient, session: Session, scene: Scene, sender: str
) -> None:
    before = last_notice_id(session)
    form = sms(fake, sender, "1")
    assert post_form(client, fake, MESSAGES, form) == 200
    message = stored(session, form["MessageSid"])
    assert reviews_of(session, message) == ["invalid_sender"]
    assert notices_after(session, before) == []


def test_a_json_body_gets_400_and_stores_nothing(
    fake: FakeTwilio, client: FlaskClient, runtime: Runtime, scene: Scene, caplog: Any
) -> None:
    body = json_body(sms(fake, scene.returnee_phone, "1"))
    with caplog.at_level(logging.WARNING):
        assert post_raw(client, fake, MESSAGES, body, "application/json") == 400
    assert inbound_count(runtime) == 0
    assert "Content-Type" in caplog.text


@pytest.mark.parametrize(
    "body",
    [b"Body=%FF%FE&From=%2B221771234567", b"Body=\xff\xfe&From=%2B221771234567", b"\xc3"],
)
def test_a_form_that_is_not_utf8_gets_400_and_stores_nothing(
    fake: FakeTwilio,
    client: FlaskClient,
    runtime: Runtime,
    scene: Scene,
    caplog: Any,
    body: bytes,
) -> None:
    body += f"&AccountSid={fake.account_sid}&MessageSid={sid('SM')}".encode()
    with caplog.at_level(logging.WARNING):
        assert post_raw(client, fake, MESSAGES, body, FORM) == 400
    assert inbound_count(runtime) == 0
    assert "not UTF-8" in caplog.text


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(b"Body=\xff\xfe&From=%2B221771234567", FORM), (b'{"Body": "1"}', "application/json")],
    ids=["not-utf8", "json"],
)
def test_an_unsigned_body_gets_403_before_its_form_is_judged(
    client: FlaskClient, runtime: Runtime, body: bytes, content_type: str
) -> None:
    """The signature comes first: a caller without the token learns nothing about the body."""
    headers = {"Content-Type": content_type, "X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}
    assert client.post(f"{PUBLIC}{MESSAGES}", data=body, headers=headers).status_code == 403
    assert inbound_count(runtime) == 0


def test_a_field_given_twice_is_read_with_its_first_value(
    fake: FakeTwilio, client: FlaskClient, session: Session, scene: Scene
) -> None:
    """As Twilio's signature is computed over the first value of each field, so is the
    message: a second `Body` appended to a signed form changes nothing."""
    form = sms(fake, scene.returnee_phone, "1")
    body = urlencode(form).encode() + b"&Body=STOP"
    assert post_raw(client, fake, MESSAGES, body) == 200
    assert stored(session, form["MessageSid"]).body == "1"


# -- every reply is answered -------------------------------------------------------------------


def confirm_and_close_questions(
    client: FlaskClient, fake: FakeTwilio, session: Session, scene: Scene, now: datetime
) -> None:
    """The returnee confirms ("1"); the other reminder of the same appointment is closed too,
    as a caseworker would: no question is open afterwards."""
    assert post_form(client, fake, MESSAGES, sms(fake, scene.returnee_phone, "1")) == 200
    session.execute(
        update(Notice)
        .where(Notice.question.is_not(None), Notice.answered_at.is_(None))
        .values(answered_at=now)
    )
    session.commit()


def test_a_reply_with_no_open_question_is_told_once_a_day_it_was_received(
    fake: FakeTwilio,
    client: FlaskClient,
    runtime: Runtime,
    session: Session,
    now: datetime,
    scene: Scene,
) -> None:
    confirm_and_close_questions(client, fake, session, scene, now)
    before = last_notice_id(session)

    oui = sms(fake, scene.returnee_phone, "OUI!!")
    assert post_form(client, fake, MESSAGES, oui) == 200
    assert post_form(client, fake, MESSAGES, sms(fake, scene.returnee_phone, "merci")) == 200

    message = stored(session, oui["MessageSid"])
    assert reviews_of(session, message) == []  # the confirmation again: nothing new to read
    (receipt,) = notices_after(session, before)
    assert receipt.kind == NoticeKind.ACK_RECEIVED
    assert receipt.referral_id is None and receipt.contact_point_id == message.contact_point_id
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=now)
    assert sent_body(session, NoticeKind.ACK_RECEIVED) == (
        "Merci, nous avons bien recu votre message. Votre conseiller le lira."
    )

    runtime.clock = lambda: now + timedelta(days=1, minutes=1)
    assert post_form(client, fake, MESSAGES, sms(fake, scene.returnee_phone, "allo")) == 200
    assert [n.kind for n in notices_after(session, receipt.id)] == [NoticeKind.ACK_RECEIVED]


def test_the_receipt_of_a_sensitive_referral_names_no_service(
    fake: FakeTwilio,
    client: FlaskClient,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_partner: Any,
    make_referral: Any,
) -> None:
    partner = make_partner(name="Clinique Espoir Santé Mentale", display_name="Centre Keur Yaay")
    referral = make_referral(partner=partner, service_category="mental_health", is_sensitive=True)
    scene = set_scene(fake, client, runtime, session, now, referral)
    confirm_and_close_questions(client, fake, session, scene, now)
    assert post_form(client, fake, MESSAGES, sms(fake, scene.returnee_phone, "ok")) == 200

    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=now)
    body = sent_body(session, NoticeKind.ACK_RECEIVED)
    assert "Votre conseiller le lira" in body
    assert not any(word in body for word in ("Clinique", "Santé", "Keur", "mentale", "R1"))


def test_strangers_get_the_unknown_sender_help_not_the_receipt(
    fake: FakeTwilio, client: FlaskClient, session: Session, scene: Scene
) -> None:
    before = last_notice_id(session)
    assert post_form(client, fake, MESSAGES, sms(fake, STRANGER, "OUI")) == 200
    assert [n.kind for n in notices_after(session, before)] == [NoticeKind.ACK_UNKNOWN_SENDER]


def test_a_refused_change_still_answers_the_returnee(
    fake: FakeTwilio, client: FlaskClient, session: Session, scene: Scene
) -> None:
    referral = session.get(Referral, scene.referral_id)
    assert referral is not None
    referral.status = "cancelled"  # closed behind the question's back
    session.commit()
    before = last_notice_id(session)

    form = sms(fake, scene.returnee_phone, "1")
    assert post_form(client, fake, MESSAGES, form) == 200
    assert reviews_of(session, stored(session, form["MessageSid"])) == ["transition_refused"]
    assert [n.kind for n in notices_after(session, before)] == [NoticeKind.ACK_RECEIVED]


def test_partner_refusals_come_back_entirely_in_the_partners_language(
    fake: FakeTwilio,
    client: FlaskClient,
    runtime: Runtime,
    session: Session,
    now: datetime,
    scene: Scene,
    make_referral: Any,
) -> None:
    other = make_referral()
    referral = session.get(Referral, scene.referral_id)
    assert referral is not None and other.reference and referral.reference
    text_ = f"INSCRIT {referral.reference} {other.reference} R99999"
    assert post_form(client, fake, MESSAGES, sms(fake, scene.partner_phone, text_)) == 200

    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=now)
    assert sent_body(session, NoticeKind.ACK_PARTNER_RESULTS).splitlines() == [
        f"{referral.reference} : enregistré.",
        f"{other.reference} : non enregistré (pas une de vos orientations).",
        "R99999 : non enregistré (référence inconnue).",
    ]


# -- store, then process -----------------------------------------------------------------------


def fail_while_processing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A real database error in the middle of processing: a query on a table that is not there.

    (The body and number are in the failing call's arguments, so a log that quoted the error
    would leak them.)
    """

    def broken(session: Session, phone: str, **_kwargs: Any) -> None:
        session.execute(text("SELECT * FROM no_such_table WHERE phone = :phone"), {"phone": phone})

    monkeypatch.setattr(inbound, "load_sender", broken)


@pytest.mark.parametrize("kind", ["sms", "whatsapp", "key", "speech"])
def test_a_processing_failure_keeps_the_message_with_a_review_item_and_answers_200(
    fake: FakeTwilio,
    client: FlaskClient,
    session: Session,
    scene: Scene,
    monkeypatch: pytest.MonkeyPatch,
    caplog: Any,
    kind: str,
) -> None:
    fail_while_processing(monkeypatch)
    before = last_notice_id(session)
    path = MESSAGES if kind in ("sms", "whatsapp") else GATHER
    if kind in ("sms", "whatsapp"):
        sender = ("whatsapp:" if kind == "whatsapp" else "") + scene.returnee_phone
        form = sms(fake, sender, "secret words 1")
        provider_id = form["MessageSid"]
    elif kind == "key":
        form = call_form(fake, scene, Digits="1")
        provider_id = f"{scene.call_sid}:1"
    else:
        form = call_form(fake, scene, SpeechResult="secret words", Confidence="0.9")
        provider_id = ""

    with caplog.at_level(logging.INFO):
        query = f"notice=notice-{scene.voice_notice_id}" + ("&first=1" if kind == "key" else "")
        status = post_form(client, fake, path, form, query)

    assert status == 200
    if kind == "speech":  # stored under the call and a digest of what was said
        session.expire_all()
        (found,) = session.scalars(
            select(Message.provider_id).filter_by(direction="in", channel="voice")
        )
        assert found is not None and found.startswith(f"{scene.call_sid}:speech:")
        provider_id = found
    message = stored(session, provider_id)
    assert message.body == form.get("Body", form.get("SpeechResult", "1"))
    assert message.processing_error.startswith("OperationalError") or (
        message.processing_error.startswith("ProgrammingError")  # PostgreSQL's kind of error
    )
    assert reviews_of(session, message) == [inbound.NOT_PROCESSED]
    assert notices_after(session, before) == []
    assert f"inbound message {message.id} could not be processed" in caplog.text
    assert "secret" not in caplog.text and scene.returnee_phone not in caplog.text


def test_a_failed_message_delivered_again_is_not_stored_twice(
    fake: FakeTwilio,
    client: FlaskClient,
    runtime: Runtime,
    scene: Scene,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fail_while_processing(monkeypatch)
    form = sms(fake, scene.returnee_phone, "1")
    assert post_form(client, fake, MESSAGES, form) == 200
    assert post_form(client, fake, MESSAGES, form) == 200
    assert inbound_count(runtime, form["MessageSid"]) == 1


def test_speech_from_a_call_is_an_inbound_message_too(
    fake: FakeTwilio, client: FlaskClient, session: Session, scene: Scene
) -> None:
    form = call_form(fake, scene, SpeechResult="oui je viens", Confidence="0.9")
    query = f"notice=notice-{scene.voice_notice_id}"
    assert post_form(client, fake, GATHER, form, query) == 200
    assert post_form(client, fake, GATHER, form, query) == 200
    session.expire_all()
    (message,) = session.scalars(select(Message).filter_by(direction="in", channel="voice"))
    assert message.body == "oui je viens" and message.provider_id.startswith(scene.call_sid)


def test_a_contact_point_of_two_returnees_gets_one_receipt_a_day(
    fake: FakeTwilio,
    client: FlaskClient,
    session: Session,
    scene: Scene,
    make_returnee: Any,
) -> None:
    make_returnee(phones=[PhoneInput(scene.returnee_phone, is_proxy=True)])
    before = last_notice_id(session)
    for text_ in ("bonjour", "allo", "?!"):
        assert post_form(client, fake, MESSAGES, sms(fake, scene.returnee_phone, text_)) == 200
    kinds = [n.kind for n in notices_after(session, before)]
    assert kinds.count(NoticeKind.ACK_RECEIVED) <= 1
