"""Voice only in a language the person understands, a key press confirmed by a second one, and
the escalation's timing from the programme.

Through the real Twilio transport against the local fake and its signed callbacks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsgateway.delivery import outcomes
from smsgateway.fakes import FakeTwilio
from smsgateway.models import Message, Notice, Referral, Returnee
from smsgateway.notices import NoticeKind, NoticeState
from smsgateway.programme import load_programme
from smsgateway.returnees import PhoneInput
from smsgateway.runtime import Runtime
from tests.integration import test_twilio_webhooks as twilio

# The Twilio-wired app of tests/integration/test_twilio_webhooks.py (the fake is an integration
# fixture, tests/integration/conftest.py).
app_overrides = twilio.app_overrides
wired = twilio.wired
PUBLIC, dispatch, follow_ups, reminder = (
    twilio.PUBLIC,
    twilio.dispatch,
    twilio.follow_ups,
    twilio.reminder,
)

GATHER = f"{PUBLIC}/webhooks/twilio/voice/gather"


@pytest.fixture
def recordings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty recordings folder (the layout of templates/voice/) that the app reads."""
    folder = tmp_path / "voice"
    folder.mkdir()
    monkeypatch.setenv("SMSGATEWAY_VOICE_RECORDINGS_DIR", str(folder))
    return folder


def record(folder: Path, code: str, *names: str) -> None:
    """Drop recordings into the folder, as someone who recorded the scripts would."""
    (folder / code).mkdir(exist_ok=True)
    for name in names:
        (folder / code / f"{name}.mp3").write_bytes(b"ID3 recorded")


WOLOF_QUESTION = (
    "appointment_reminder",
    "voice_confirm_key_1",
    "voice_confirm_key_2",
    "voice_confirm_key_3",
)


def wolof_referral(
    make_returnee: Callable[..., Returnee], make_referral: Callable[..., Referral], **extra: Any
) -> Referral:
    return make_referral(returnee=make_returnee(language="wo", **extra))


def test_no_call_in_a_language_the_person_does_not_understand_the_notice_goes_by_sms(
    wired: FakeTwilio,
    runtime: Runtime,
    session: Session,
    now: datetime,
    recordings: Path,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> None:
    referral = wolof_referral(make_returnee, make_referral)
    notice = reminder(session, referral, now, channel="voice")

    dispatch(runtime, now)

    assert wired.calls() == []  # French text-to-speech is no voice for a Wolof speaker
    (sms,) = wired.sent_messages()
    session.expire_all()
    sent = session.get(Notice, notice.id)
    assert sent is not None and (sent.state, sent.channel) == (NoticeState.SENT, "sms")
    message = session.scalar(select(Message).filter_by(notice_id=notice.id))
    assert message is not None and message.language == "wo" and sms.to == message.phone_e164


def test_a_recording_dropped_into_the_folder_is_played_on_the_next_call(
    wired: FakeTwilio,
    runtime: Runtime,
    session: Session,
    now: datetime,
    recordings: Path,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> None:
    record(recordings, "wo", *WOLOF_QUESTION)
    referral = wolof_referral(make_returnee, make_referral)
    notice = reminder(session, referral, now, channel="voice")

    dispatch(runtime, now)

    (call,) = wired.calls()
    twiml = wired.fire_voice_request(None, call.sid).text
    assert f"{PUBLIC}/webhooks/twilio/recordings/wo/appointment_reminder.mp3" in twiml
    assert "<Gather" in twiml and "<Say" not in twiml
    repeated = wired.fire_gather(f"{GATHER}?notice=notice-{notice.id}", call.sid, "2").text
    assert "/recordings/wo/voice_confirm_key_2.mp3" in repeated


def test_a_question_is_not_called_without_the_key_press_confirmation_in_the_language(
    wired: FakeTwilio,
    runtime: Runtime,
    session: Session,
    now: datetime,
    recordings: Path,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> None:
    record(recordings, "wo", "appointment_reminder")  # the question, not the confirmations
    referral = wolof_referral(make_returnee, make_referral)
    reminder(session, referral, now, channel="voice")

    dispatch(runtime, now)

    assert wired.calls() == []
    assert len(wired.sent_messages()) == 1


def test_a_second_language_of_the_person_with_a_voice_carries_the_call(
    wired: FakeTwilio,
    runtime: Runtime,
    session: Session,
    now: datetime,
    recordings: Path,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> None:
    referral = wolof_referral(make_returnee, make_referral, fallback_languages=["fr"])
    reminder(session, referral, now, channel="voice")

    dispatch(runtime, now)

    (call,) = wired.calls()
    assert 'language="fr-FR"' in wired.fire_voice_request(None, call.sid).text


def test_escalation_skips_the_call_when_no_language_of_the_person_has_a_voice(
    wired: FakeTwilio,
    runtime: Runtime,
    session: Session,
    now: datetime,
    recordings: Path,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> None:
    phones = [PhoneInput("+221771230001"), PhoneInput("+221771230002", is_proxy=True)]
    referral = wolof_referral(make_returnee, make_referral, phones=phones)
    notice = reminder(session, referral, now)
    dispatch(runtime, now)
    wired.fire_message_status(wired.sent_messages()[-1].sid, "undelivered", 30003)
    (retry,) = follow_ups(session, notice)
    dispatch(runtime, retry.due_at)
    wired.fire_message_status(wired.sent_messages()[-1].sid, "undelivered", 30003)

    (later,) = follow_ups(session, retry)  # no call: the SMS again two days later
    assert (later.kind, later.channel) == (NoticeKind.APPOINTMENT_REMINDER, "sms")
    assert later.due_at > retry.due_at + timedelta(hours=24)
    dispatch(runtime, later.due_at)
    wired.fire_message_status(wired.sent_messages()[-1].sid, "undelivered", 30003)

    (step,) = follow_ups(session, later)

    assert (step.kind, step.channel) == (NoticeKind.PROXY_CONTACT_REQUEST, "sms")
    assert step.contact_point is not None and step.contact_point.phone_e164 == "+221771230002"


def test_a_call_that_asks_nothing_gathers_no_key(
    wired: FakeTwilio,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Callable[..., Referral],
) -> None:
    referral = make_referral()
    notice = reminder(session, referral, now, channel="voice")
    notice.question = None  # e.g. a notice that informs
    session.commit()
    dispatch(runtime, now)

    (call,) = wired.calls()
    twiml = wired.fire_voice_request(None, call.sid).text

    assert "<Gather" not in twiml and "<Hangup" in twiml


def test_a_key_press_counts_only_when_the_same_key_is_pressed_again(
    wired: FakeTwilio,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Callable[..., Referral],
) -> None:
    referral = make_referral()
    notice = reminder(session, referral, now, channel="voice")
    dispatch(runtime, now)
    (call,) = wired.calls()
    action = f"{GATHER}?notice=notice-{notice.id}"

    repeated = wired.fire_gather(action, call.sid, "2").text
    assert "Vous avez appuyé sur 2" in repeated and "&amp;first=2" in repeated
    other = wired.fire_gather(f"{action}&first=2", call.sid, "1").text  # a different key

    session.expire_all()
    assert session.get(Referral, referral.id).status == "referred"  # type: ignore[union-attr]
    assert "<Hangup" in other
    inbound = select(func.count()).select_from(Message).filter_by(direction="in")
    assert session.scalar(inbound) == 0

    wired.fire_gather(f"{action}&first=2", call.sid, "2")
    session.expire_all()
    assert session.get(Referral, referral.id).status == "declined"  # type: ignore[union-attr]


def test_the_programme_sets_when_an_undelivered_notice_is_tried_again(
    wired: FakeTwilio,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Callable[..., Referral],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    default = load_programme()
    slower = replace(
        default, escalation=replace(default.escalation, retry_after=timedelta(hours=5))
    )
    monkeypatch.setattr(outcomes, "current_programme", lambda: slower)
    referral = make_referral()
    notice = reminder(session, referral, now)
    dispatch(runtime, now)

    wired.fire_message_status(wired.sent_messages()[-1].sid, "undelivered", 30003)

    (retry,) = follow_ups(session, notice)
    assert retry.due_at == now + timedelta(hours=5)
