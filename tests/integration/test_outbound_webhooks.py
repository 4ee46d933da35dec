"""Outbound webhook: referral events posted, signed, once each and in order, to a real receiver."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from smsgateway.models import Referral, ReferralEvent, WebhookDelivery
from smsgateway.outbound_webhooks import (
    deliver_pending_webhooks,
    enable_outbound_webhooks,
    failed_deliveries,
    replay_failed_deliveries,
)
from smsgateway.referrals import Source, Status, change_status
from smsgateway.runtime import Runtime

SECRET = "test-shared-secret"


@dataclass
class Receiver:
    """A case-management system on 127.0.0.1 that fails its first `failures` requests."""

    failures: int
    url: str = ""
    requests: list[tuple[dict[str, str], bytes, int]] = field(default_factory=list)

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = Request(environ)
        status = 500 if len(self.requests) < self.failures else 204
        self.requests.append((dict(request.headers), request.get_data(), status))
        return Response(status=status)(environ, start_response)

    def accepted(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body, status in self.requests if status == 204]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver(failures=2)
    server = make_server("127.0.0.1", 0, receiver)
    receiver.url = f"http://127.0.0.1:{server.server_port}/events"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def app_overrides(
    app_overrides: dict[str, Any], receiver: Receiver, request: pytest.FixtureRequest
) -> dict[str, Any]:
    if request.node.get_closest_marker("no_webhook_url"):
        return app_overrides
    return {
        **app_overrides,
        "outbound_webhook_url": receiver.url,
        "outbound_webhook_secret": SECRET,
    }


def confirm(runtime: Runtime, referral: Referral, at: datetime) -> None:
    with runtime.db.transaction() as tx:
        found = tx.get(Referral, referral.id)
        assert found is not None
        change_status(tx, found, Status.CONFIRMED, source=Source.CASEWORKER, now=at, actor="cw")


def count(session: Session, model: type[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_events_are_delivered_once_in_order_with_a_verifiable_signature_after_two_failures(
    runtime: Runtime,
    session: Session,
    now: datetime,
    receiver: Receiver,
    make_referral: Callable[..., Referral],
) -> None:
    assert enable_outbound_webhooks(runtime.db, runtime.settings)
    referral = make_referral()
    confirm(runtime, referral, now)
    assert count(session, WebhookDelivery) == count(session, ReferralEvent) == 2

    first = deliver_pending_webhooks(runtime.db, runtime.settings, now=now)
    again = deliver_pending_webhooks(runtime.db, runtime.settings, now=now)
    second = deliver_pending_webhooks(runtime.db, runtime.settings, now=now + timedelta(hours=1))
    third = deliver_pending_webhooks(runtime.db, runtime.settings, now=now + timedelta(hours=2))

    assert [(r.delivered, r.failed) for r in (first, again, second, third)] == [
        (0, 1),
        (0, 0),
        (0, 1),
        (2, 0),
    ]
    statuses = [status for _, _, status in receiver.requests]
    assert statuses == [500, 500, 204, 204]
    accepted = receiver.accepted()
    assert [(e["referral_reference"], e["old_status"], e["new_status"]) for e in accepted] == [
        (referral.reference, None, "referred"),
        (referral.reference, "referred", "confirmed"),
    ]
    assert len({e["event_id"] for e in accepted}) == 2
    for headers, body, _ in receiver.requests:
        timestamp = headers["X-Smsgateway-Timestamp"]
        expected = hmac.new(SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
        assert hmac.compare_digest(
            headers["X-Smsgateway-Signature"], f"sha256={expected.hexdigest()}"
        )
    session.expire_all()
    deliveries = session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
    assert [(d.state, d.attempts) for d in deliveries] == [("delivered", 3), ("delivered", 1)]


def test_an_event_and_its_delivery_commit_or_roll_back_together(
    runtime: Runtime, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    enable_outbound_webhooks(runtime.db, runtime.settings)
    referral = make_referral()

    def confirm_then_fail() -> None:
        with runtime.db.transaction() as tx:
            found = tx.get(Referral, referral.id)
            assert found is not None
            change_status(tx, found, Status.CONFIRMED, source=Source.CASEWORKER, now=now)
            tx.flush()
            raise RuntimeError("the request fails after the event was flushed")

    with pytest.raises(RuntimeError):
        confirm_then_fail()

    assert count(session, ReferralEvent) == count(session, WebhookDelivery) == 1


def test_a_change_to_a_referral_whose_events_are_loaded_gets_one_delivery(
    runtime: Runtime, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    """Every status change writes its event through Core with its delivery row, whether the
    referral's events were read first or not (once the ORM's flush hook wrote those)."""
    enable_outbound_webhooks(runtime.db, runtime.settings)
    referral = make_referral()
    with runtime.db.transaction() as tx:
        found = tx.get(Referral, referral.id)
        assert found is not None
        assert len(found.events) == 1  # loaded
        change_status(tx, found, Status.CONFIRMED, source=Source.CASEWORKER, now=now)
        assert [event.new_status for event in found.events] == ["referred", "confirmed"]
        change_status(tx, found, Status.ATTENDED, source=Source.PARTNER_PAGE, now=now)
    with runtime.db.sessions() as session:
        events = session.scalars(select(ReferralEvent.id).order_by(ReferralEvent.id)).all()
        delivered = session.scalars(
            select(WebhookDelivery.referral_event_id).order_by(WebhookDelivery.id)
        ).all()
    assert len(events) == 3 and delivered == events


@pytest.mark.no_webhook_url
def test_without_a_url_no_delivery_is_recorded_and_nothing_is_posted(
    runtime: Runtime,
    session: Session,
    now: datetime,
    receiver: Receiver,
    make_referral: Callable[..., Referral],
) -> None:
    settings = replace(runtime.settings, outbound_webhook_url="")

    assert not enable_outbound_webhooks(runtime.db, settings)
    make_referral()

    assert count(session, ReferralEvent) == 1 and count(session, WebhookDelivery) == 0
    assert deliver_pending_webhooks(runtime.db, settings, now=now).delivered == 0
    assert receiver.requests == []


def test_a_delivery_failing_past_the_give_up_time_fails_with_those_behind_it_and_is_replayed(
    runtime: Runtime,
    session: Session,
    admin_client: FlaskClient,
    caseworker_client: FlaskClient,
    now: datetime,
    receiver: Receiver,
    make_referral: Callable[..., Referral],
) -> None:
    client = admin_client
    settings = replace(runtime.settings, outbound_webhook_give_up_hours=1.0)
    enable_outbound_webhooks(runtime.db, settings)
    receiver.failures = 10**6  # the receiver is down
    referral = make_referral()
    confirm(runtime, referral, now)

    deliver_pending_webhooks(runtime.db, settings, now=now)
    assert (
        deliver_pending_webhooks(runtime.db, settings, now=now + timedelta(minutes=59)).given_up
        == 0
    )
    report = deliver_pending_webhooks(runtime.db, settings, now=now + timedelta(hours=1))

    assert report.given_up == 2 and report.failed == 0  # nothing more is posted
    session.expire_all()
    deliveries = session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
    assert [(d.state, d.last_error) for d in deliveries] == [
        ("failed", "HTTP 500"),
        ("failed", "an earlier event of this referral was not delivered"),
    ]
    posted = len(receiver.requests)
    deliver_pending_webhooks(runtime.db, settings, now=now + timedelta(hours=5))
    assert len(receiver.requests) == posted
    summary = failed_deliveries(session)
    assert (summary.count, summary.last_error) == (
        2,
        "an earlier event of this referral was not delivered",
    )

    runtime.clock = lambda: now + timedelta(hours=6)
    page = client.get("/referrals").get_data(as_text=True)
    assert 'id="webhook-alert"' in page and "2 outbound webhook deliveries" in page
    # Caseworkers cannot replay: they see no alert to act on.
    assert 'id="webhook-alert"' not in caseworker_client.get("/referrals").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    answer = client.post("/outbound-webhooks/replay", data={"csrf_token": token.group(1)})
    assert answer.status_code == 303

    receiver.failures = 0  # back up
    replayed = deliver_pending_webhooks(runtime.db, settings, now=now + timedelta(hours=6))
    assert replayed.delivered == 2
    assert [(e["old_status"], e["new_status"]) for e in receiver.accepted()] == [
        (None, "referred"),
        ("referred", "confirmed"),
    ]
    assert 'id="webhook-alert"' not in client.get("/referrals").get_data(as_text=True)


def test_a_replayed_delivery_gets_the_give_up_time_again(
    runtime: Runtime,
    session: Session,
    now: datetime,
    receiver: Receiver,
    make_referral: Callable[..., Referral],
) -> None:
    settings = replace(runtime.settings, outbound_webhook_give_up_hours=1.0)
    enable_outbound_webhooks(runtime.db, settings)
    receiver.failures = 10**6
    make_referral()
    deliver_pending_webhooks(runtime.db, settings, now=now + timedelta(hours=2))
    with runtime.db.transaction() as tx:
        assert replay_failed_deliveries(tx, now=now + timedelta(hours=3), actor="cw") == 1

    later = deliver_pending_webhooks(runtime.db, settings, now=now + timedelta(hours=3, minutes=30))

    assert (later.failed, later.given_up) == (1, 0)  # tried again, not given up at once
