"""The console's delivery actions: review items about notices, opt-outs seen, the flag cleared."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from delivery_helpers import PUBLIC, SENDER, reminder
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.dispatch import send_to_review
from smsgateway.fakes import FakeTwilio
from smsgateway.models import Notice, Referral, Returnee, ReviewItem
from smsgateway.notices import NoticeState
from smsgateway.reachability import flag_unreachable
from smsgateway.returnees import PhoneInput
from smsgateway.runtime import Runtime


def token(client: FlaskClient, path: str = "/referrals") -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True))
    assert found is not None
    return found.group(1)


def in_review(runtime: Runtime, session: Session, referral: Referral, now: datetime) -> ReviewItem:
    notice = reminder(session, referral, now)
    with runtime.db.transaction() as tx:
        fresh = tx.get(Notice, notice.id)
        assert fresh is not None
        item_id = send_to_review(tx, fresh, "test: the worker stopped", now).id
    found = session.get(ReviewItem, item_id)
    assert found is not None
    return found


def test_the_review_queue_resends_one_notice_or_marks_several_sent(
    wired: FakeTwilio,
    caseworker_client: FlaskClient,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Any,
) -> None:
    client = caseworker_client
    items = [in_review(runtime, session, make_referral(), now) for _ in range(3)]
    page = client.get("/referrals").get_data(as_text=True)
    assert page.count("Delivery unknown: Appointment reminder by SMS") == 3
    assert "Resend chosen" in page and "Mark chosen sent" in page

    one = client.post(
        "/reviews/notices/resend", data={"csrf_token": token(client), "item_id": items[0].id}
    )
    several = client.post(
        "/reviews/notices/mark-sent",
        data={"csrf_token": token(client), "item_id": [items[1].id, items[2].id]},
    )

    assert one.status_code == several.status_code == 303
    session.expire_all()
    states = [session.get(Notice, item.notice_id).state for item in items]  # type: ignore[union-attr, arg-type]
    assert states == [NoticeState.PLANNED, NoticeState.SENT, NoticeState.SENT]
    caseworker = client.user  # type: ignore[attr-defined]
    for item in items:
        resolved = session.get(ReviewItem, item.id)
        assert resolved is not None
        assert (resolved.resolved_by, resolved.resolved_by_user_id) == (
            caseworker.username,
            caseworker.id,
        )
    assert "Delivery unknown" not in client.get("/referrals").get_data(as_text=True)


def test_a_stop_shows_on_the_review_queue_and_on_the_contact_point(
    wired: FakeTwilio,
    caseworker_client: FlaskClient,
    session: Session,
    make_referral: Any,
    make_returnee: Any,
) -> None:
    """One of two own numbers stops: the review queue says so (the other still reaches them)."""
    client = caseworker_client
    returnee = make_returnee(phones=[PhoneInput("+221771740001"), PhoneInput("+221771740002")])
    referral = make_referral(returnee=returnee)
    phone = referral.returnee.contact_points[0].phone_e164
    wired.fire_inbound_message(f"{PUBLIC}/webhooks/twilio/messages", phone, SENDER, "STOP")

    page = client.get("/referrals").get_data(as_text=True)
    assert "Seen: this number stopped" in page
    referral_page = client.get(f"/referrals/{referral.reference}").get_data(as_text=True)
    assert re.search(r'id="contact-points".*opted_out', referral_page, re.S)
    assert phone not in referral_page  # numbers are shown masked

    (item,) = session.scalars(select(ReviewItem).filter_by(reason="opted_out")).all()
    answer = client.post(f"/reviews/{item.id}/opt-out-seen", data={"csrf_token": token(client)})
    assert answer.status_code == 303
    session.expire_all()
    assert session.get(ReviewItem, item.id).resolved_at is not None  # type: ignore[union-attr]


def test_a_caseworker_clears_the_unreachable_flag_from_the_unreachable_page(
    caseworker_client: FlaskClient,
    manager_client: FlaskClient,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Any,
) -> None:
    client = caseworker_client
    referral = make_referral()
    with runtime.db.transaction() as tx:
        returnee = tx.get(Returnee, referral.returnee_id)
        assert returnee is not None
        flag_unreachable(tx, returnee, reason="no_answer_after_proxy", now=now)

    page = client.get("/unreachable").get_data(as_text=True)
    assert referral.returnee.case_reference in page and "no answer, even through the proxy" in page
    assert referral.reference in page
    # A manager sees the list but may not clear the flag: no button.
    assert "Reached: clear the flag" not in manager_client.get("/unreachable").get_data(
        as_text=True
    )

    answer = client.post(
        f"/returnees/{referral.returnee_id}/clear-unreachable",
        data={"csrf_token": token(client, "/unreachable")},
    )

    assert answer.status_code == 303
    session.expire_all()
    assert session.get(Returnee, referral.returnee_id).unreachable_flagged_at is None  # type: ignore[union-attr]
    assert "Nobody is flagged." in client.get("/unreachable").get_data(as_text=True)
