"""Signed random and adversarial requests to every Twilio webhook, on SQLite and PostgreSQL.

Bounded (a fixed number of generated requests per webhook, sizes capped) and derandomised, so a
run is reproducible. For each request: no 5xx; an inbound message answered 200 is stored exactly
once, one refused is not stored at all; afterwards every periodic job of the worker (dispatch,
lease sweep, parked status reports, the loop's tasks, outbound events, retention) runs over
whatever the requests left without failing, and no message had to be kept as "could not be
processed" (which would keep it safe, but hide a bug).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from webhook_scene import (
    FORM,
    SENDER,
    STRANGER,
    Scene,
    inbound_count,
    post_form,
    post_raw,
    set_scene,
    twilio_overrides,
)

from smsgateway import inputs, scheduler
from smsgateway.errors import InvalidInput
from smsgateway.fakes import FakeTwilio
from smsgateway.models import Message, Notice, ReviewItem
from smsgateway.replies.inbound import NOT_PROCESSED
from smsgateway.runtime import Runtime

EXAMPLES = 60
# A failing example's repr can be large (bodies of thousands of digits); report the failure itself.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")
ANSWERS = {200, 204, 400, 403, 404}
BOUNDED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: Every input of the issue that once answered 500 or lost a message, and its neighbours.
ADVERSARIAL = [
    "\x00",
    "ou\x00i",
    "1" * 5000,
    "٢" * 5000,
    "⑳" * 3000,
    "1\u200b" * 3000,
    "²",
    "notice-²",
    "%FF%FE",
    "\ufffd\ufffd",
    "",
    " ",
    "\u202e1",
    "\ufeff",
    "R1001 1",
    "STOP",
    "x" * (inputs.BODY_LIMIT + 1),
    "whatsapp:",
    "\r\n",
    "'; DROP TABLE messages; --",
]
TEXT = st.one_of(
    st.sampled_from(ADVERSARIAL),
    st.sampled_from(ADVERSARIAL).map(lambda text: f"INSCRIT R1001 {text}"),  # as a partner writes
    st.text(max_size=200),
)
SHORT = st.one_of(st.sampled_from(ADVERSARIAL[:12]), st.text(max_size=40))


def sids(prefix: str) -> st.SearchStrategy[str]:
    """Mostly fresh valid SIDs, some from a small pool (repeats), some that are not SIDs."""
    fresh = st.binary(min_size=16, max_size=16).map(lambda raw: prefix + raw.hex())
    pool = st.sampled_from([prefix + str(n) * 32 for n in range(3)])
    broken = st.one_of(SHORT, st.just(prefix + "a" * 70), st.just(prefix + "A" * 32))
    return st.one_of(fresh, fresh, pool, broken)


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


def accounts(fake: FakeTwilio) -> st.SearchStrategy[str]:
    return st.sampled_from([fake.account_sid] * 8 + ["", "AC" + "0" * 32, "x\x00"])


def phones(scene: Scene) -> st.SearchStrategy[str]:
    known = [
        scene.returnee_phone,
        scene.partner_phone,
        STRANGER,
        f"whatsapp:{scene.returnee_phone}",
    ]
    return st.one_of(st.sampled_from(known), st.sampled_from(known), SHORT)


def notice_queries(scene: Scene) -> st.SearchStrategy[str]:
    ids = [scene.voice_notice_id, scene.sms_notice_id, 2**31 - 1, 2**31, 10**30]
    return st.one_of(
        st.sampled_from([f"notice=notice-{n}" for n in ids]),
        st.integers(min_value=1, max_value=60).map(lambda n: f"notice=notice-{n}"),
        SHORT.map(lambda value: f"notice={value}"),
        st.just(""),
    )


def raw_bodies(fake: FakeTwilio) -> st.SearchStrategy[tuple[bytes, str]]:
    """Bodies that are no Twilio form: JSON, random bytes, forms that are not UTF-8."""
    json_form = st.dictionaries(SHORT, SHORT, max_size=4).map(
        lambda form: (str({**form, "AccountSid": fake.account_sid}).encode(), "application/json")
    )
    random_bytes = st.tuples(st.binary(max_size=300), st.sampled_from([FORM, "text/plain", ""]))
    not_utf8 = st.binary(min_size=1, max_size=20).map(
        lambda raw: (b"Body=" + raw + b"&AccountSid=" + fake.account_sid.encode(), FORM)
    )
    return st.one_of(json_form, random_bytes, not_utf8)


def check_reached(statuses: list[int], *expected: int) -> None:
    """The generated requests were not all refused at the door: each expected answer occurred."""
    missing = [status for status in expected if status not in statuses]
    assert not missing, f"no request answered {missing}: {sorted(set(statuses))}"


def check_no_crash_afterwards(runtime: Runtime, now: datetime) -> None:
    """Every periodic job of the worker runs over whatever the requests left (as the scheduler
    runs them, on the scene's clock), and nothing is stored twice."""
    runtime.clock = lambda: now
    with mock.patch.object(scheduler, "_runtime", runtime):
        scheduler.run_dispatch()
        for job in scheduler.LEADER_JOBS:
            job.func()
    with runtime.db.sessions() as session:
        repeated = session.scalar(
            select(func.count()).select_from(
                select(Message.provider_id)
                .filter_by(direction="in")
                .group_by(Message.provider, Message.provider_id)
                .having(func.count() > 1)
                .subquery()
            )
        )
        assert repeated == 0
        failed = session.scalar(
            select(func.count()).select_from(ReviewItem).filter_by(reason=NOT_PROCESSED)
        )
        assert failed == 0, "processing failed on an input (kept for review, but a bug)"
        recipients = session.scalars(select(Notice.recipient_phone).where(Notice.id > 0))
        assert all(phone is None or inputs.is_answerable(phone, "SN") for phone in recipients), (
            "a notice was planned to something that is no phone number"
        )


def test_fuzz_inbound_messages(
    fake: FakeTwilio, client: FlaskClient, runtime: Runtime, now: datetime, scene: Scene
) -> None:
    fields = st.fixed_dictionaries(
        {
            "AccountSid": accounts(fake),
            "From": phones(scene),
            "To": st.one_of(st.just(SENDER), SHORT),
            "Body": TEXT,
            "MessageSid": sids("SM"),
        },
        optional={"NumMedia": SHORT, "WaId": SHORT},
    )
    extra = st.dictionaries(SHORT, SHORT, max_size=3)
    form = st.tuples(fields, extra).map(lambda both: {**both[1], **both[0]})

    @BOUNDED
    @given(form=form)
    def post(form: dict[str, str]) -> None:
        sid = form["MessageSid"]
        before = inbound_count(runtime, sid)
        status = post_form(client, fake, "/webhooks/twilio/messages", form)
        assert status in ANSWERS
        statuses.append(status)
        after = inbound_count(runtime, sid)
        if status == 200:
            assert after == 1
            with runtime.db.sessions() as session:
                message = session.scalar(select(Message).filter_by(provider_id=sid))
                assert message is not None
                assert message.body in (inputs.clean_text(form["Body"]), message.body)
        else:
            assert after == before

    statuses: list[int] = []
    post()
    check_reached(statuses, 200, 400, 403)
    check_no_crash_afterwards(runtime, now)


def test_fuzz_message_status(
    fake: FakeTwilio, client: FlaskClient, runtime: Runtime, now: datetime, scene: Scene
) -> None:
    message_statuses = ["queued", "sent", "delivered", "undelivered", "failed", "read", "bogus"]
    form = st.fixed_dictionaries(
        {
            "AccountSid": accounts(fake),
            "MessageSid": st.one_of(st.just(scene.outbound_sid), sids("SM")),
            "MessageStatus": st.one_of(st.sampled_from(message_statuses), SHORT),
            "ErrorCode": st.one_of(
                st.sampled_from(["", "30003", "21610", "63016", "1" * 16, "1" * 17]), SHORT
            ),
        }
    )

    @BOUNDED
    @given(form=form)
    def post(form: dict[str, str]) -> None:
        statuses.append(post_form(client, fake, "/webhooks/twilio/message-status", form))
        assert statuses[-1] in ANSWERS

    statuses: list[int] = []
    post()
    check_reached(statuses, 204, 400)
    check_no_crash_afterwards(runtime, now)


def test_fuzz_voice(
    fake: FakeTwilio, client: FlaskClient, runtime: Runtime, now: datetime, scene: Scene
) -> None:
    form = st.fixed_dictionaries(
        {
            "AccountSid": accounts(fake),
            "CallSid": st.one_of(st.just(scene.call_sid), sids("CA")),
            "To": phones(scene),
            "AnsweredBy": st.one_of(st.sampled_from(["human", "machine_start", "fax", ""]), SHORT),
        }
    )

    @BOUNDED
    @given(form=form, query=notice_queries(scene))
    def post(form: dict[str, str], query: str) -> None:
        statuses.append(post_form(client, fake, "/webhooks/twilio/voice", form, query))
        assert statuses[-1] in ANSWERS

    statuses: list[int] = []
    post()
    check_reached(statuses, 200, 400)
    check_no_crash_afterwards(runtime, now)


def key_press_id(form: dict[str, str]) -> str | None:
    """The provider id the key press of a gather form is stored under, when it can be one."""
    speech = inputs.clean_text(form.get("SpeechResult", "")).strip()
    if speech and not form.get("Digits"):
        return None
    try:
        call_sid = inputs.sid(form["CallSid"], "CallSid", ("CA",))
        return f"{call_sid}:{inputs.keys(form.get('Digits', ''))}"
    except InvalidInput:
        return None


def test_fuzz_voice_gather(
    fake: FakeTwilio, client: FlaskClient, runtime: Runtime, now: datetime, scene: Scene
) -> None:
    form = st.fixed_dictionaries(
        {
            "AccountSid": accounts(fake),
            "CallSid": st.one_of(st.just(scene.call_sid), sids("CA")),
            "To": phones(scene),
            "From": st.just(SENDER),
        },
        optional={
            "Digits": st.one_of(st.sampled_from(["1", "2", "3", "9", "*", "#", "12"]), SHORT),
            "SpeechResult": TEXT,
        },
    )

    @BOUNDED
    @given(form=form, query=notice_queries(scene))
    def post(form: dict[str, str], query: str) -> None:
        path = "/webhooks/twilio/voice/gather"
        marker = key_press_id(form)
        before = inbound_count(runtime, marker) if marker else 0
        status = post_form(client, fake, path, form, query)
        assert status in ANSWERS
        statuses.append(status)
        if marker is not None:
            assert inbound_count(runtime, marker) == (1 if status == 200 else before)

    statuses: list[int] = []
    post()
    check_reached(statuses, 200, 400)
    check_no_crash_afterwards(runtime, now)


def test_fuzz_voice_status(
    fake: FakeTwilio, client: FlaskClient, runtime: Runtime, now: datetime, scene: Scene
) -> None:
    call_statuses = ["completed", "busy", "no-answer", "failed", "canceled", "ringing"]
    form = st.fixed_dictionaries(
        {
            "AccountSid": accounts(fake),
            "CallSid": st.one_of(st.just(scene.call_sid), sids("CA")),
            "CallStatus": st.one_of(st.sampled_from(call_statuses), SHORT),
            "AnsweredBy": st.one_of(st.sampled_from(["human", "machine_end_beep", ""]), SHORT),
        }
    )

    @BOUNDED
    @given(form=form)
    def post(form: dict[str, str]) -> None:
        statuses.append(post_form(client, fake, "/webhooks/twilio/voice/status", form))
        assert statuses[-1] in ANSWERS

    statuses: list[int] = []
    post()
    check_reached(statuses, 204, 400)
    check_no_crash_afterwards(runtime, now)


@pytest.mark.parametrize(
    "path",
    [
        "/webhooks/twilio/messages",
        "/webhooks/twilio/message-status",
        "/webhooks/twilio/voice",
        "/webhooks/twilio/voice/gather",
        "/webhooks/twilio/voice/status",
    ],
)
def test_fuzz_bodies_that_are_no_twilio_form(
    fake: FakeTwilio, client: FlaskClient, runtime: Runtime, scene: Scene, path: str
) -> None:
    before = inbound_count(runtime)

    @BOUNDED
    @given(body=raw_bodies(fake))
    def post(body: tuple[bytes, str]) -> None:
        statuses.append(post_raw(client, fake, path, *body))
        assert statuses[-1] in ANSWERS

    statuses: list[int] = []
    post()
    check_reached(statuses, 400)
    assert inbound_count(runtime) - before <= EXAMPLES  # a valid form among them may be stored


def test_the_fuzz_reaches_the_inner_paths(
    fake: FakeTwilio, client: FlaskClient, runtime: Runtime, scene: Scene
) -> None:
    """The strategies are not all refused at the door: a plain valid form is stored."""
    form = {
        "AccountSid": fake.account_sid,
        "From": scene.returnee_phone,
        "To": SENDER,
        "Body": "1",
        "MessageSid": "SM" + secrets.token_hex(16),
    }
    assert post_form(client, fake, "/webhooks/twilio/messages", form) == 200
    assert inbound_count(runtime, form["MessageSid"]) == 1
