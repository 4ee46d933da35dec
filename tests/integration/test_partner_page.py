"""The partner page: outcomes recorded as the SMS commands record them, and the SMS history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway import partners
from smsgateway.models import Partner, Referral, ReferralEvent, Returnee, ReviewItem
from smsgateway.programme import load_programme
from smsgateway.replies.inbound import InboundMessage, receive_message
from smsgateway.runtime import Runtime


def sms(runtime: Runtime, partner: Partner, text: str, at: datetime) -> None:
    phone = partner.point_persons[0].phone_e164
    with runtime.db.transaction() as tx:
        receive_message(tx, InboundMessage(phone, text), now=at, settings=runtime.settings)


def report(client: FlaskClient, token: str, referral: Referral, **form: str) -> Any:
    return client.post(
        f"/partner/referrals/{referral.reference}/outcome", data={"csrf_token": token, **form}
    )


def alert_of(session: Session, referral: Referral) -> tuple[Any, ...]:
    session.expire_all()
    item = session.scalar(select(ReviewItem).filter_by(referral_id=referral.id))
    found = session.get(Referral, referral.id)
    assert item is not None and found is not None
    return (item.reason, item.returnee_id, item.resolved_at, found.needs_reorientation)


def test_ineligible_on_the_page_alerts_the_caseworker_as_the_sms_command_does(
    runtime: Runtime,
    session: Session,
    now: datetime,
    client_as: Callable[..., FlaskClient],
    form_token: Callable[..., str],
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A programme that reviews re-orientations (`[replies] review`; the shipped one only marks
    # the referral "needs re-orientation", tests/integration/test_partner_sms.py).
    default = load_programme()
    reviewing = replace(
        default, replies=replace(default.replies, review=frozenset({"unclear", "reorientation"}))
    )
    monkeypatch.setattr(partners, "current_programme", lambda: reviewing)
    partner = make_partner()
    by_page, by_sms = make_referral(partner=partner), make_referral(partner=partner)
    client = client_as("partner", partner_id=partner.id)

    answer = report(
        client, form_token(client), by_page, outcome="ineligible", reason="age", note="over 35"
    )
    sms(runtime, partner, f"INELIGIBLE {by_sms.reference} over 35", now)

    assert answer.status_code == 303
    assert alert_of(session, by_page) == ("ineligible", by_page.returnee_id, None, True)
    assert alert_of(session, by_sms) == ("ineligible", by_sms.returnee_id, None, True)
    event = session.scalars(select(ReferralEvent).filter_by(referral_id=by_page.id)).all()[-1]
    assert (event.new_status, event.source, event.note) == (
        "ineligible",
        "partner_page",
        "age: over 35",
    )
    assert event.actor == client.user.username  # type: ignore[attr-defined]


def test_ineligible_without_a_reason_from_the_list_changes_nothing(
    session: Session,
    partner_client: FlaskClient,
    form_token: Callable[..., str],
    make_referral: Callable[..., Referral],
) -> None:
    partner = session.get(Partner, partner_client.user.partner_id)  # type: ignore[attr-defined]
    referral = make_referral(partner=partner)

    answer = report(partner_client, form_token(partner_client), referral, outcome="ineligible")

    assert answer.status_code == 303
    page = partner_client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Choose why the person is not eligible." in page
    session.expire_all()
    assert session.get(Referral, referral.id).status == "referred"  # type: ignore[union-attr]
    assert session.scalar(select(ReviewItem).filter_by(referral_id=referral.id)) is None


def test_the_sms_history_shows_on_the_page_and_in_the_referrals_history(
    runtime: Runtime,
    now: datetime,
    client_as: Callable[..., FlaskClient],
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
) -> None:
    ours, theirs = make_partner(), make_partner()
    referral, other = make_referral(partner=ours), make_referral(partner=theirs)
    sms(runtime, ours, f"ENROLLED {referral.reference}", now)
    sms(runtime, theirs, f"NOSHOW {other.reference}", now)
    client = client_as("partner", partner_id=ours.id)

    home = client.get("/partner/").get_data(as_text=True)
    history = home.split('id="sms-history"')[1]
    assert f"ENROLLED {referral.reference}" in history
    assert ours.point_persons[0].name in history
    assert other.reference not in history  # another partner's point person
    page = client.get(f"/partner/referrals/{referral.reference}").get_data(as_text=True)
    assert f"ENROLLED {referral.reference}" in page.split('id="events"')[1]
    # and on the caseworker's timeline of the referral, but not on the other partner's referral
    caseworker = client_as("caseworker")
    timeline = caseworker.get(f"/referrals/{referral.reference}").get_data(as_text=True)
    assert f"ENROLLED {referral.reference}" in timeline.split('id="timeline"')[1]
    elsewhere = caseworker.get(f"/referrals/{other.reference}").get_data(as_text=True)
    assert f"ENROLLED {referral.reference}" not in elsewhere


def test_a_partners_ineligible_waits_on_the_caseworkers_front_page_until_referred_again(
    runtime: Runtime,
    session: Session,
    now: datetime,
    client_as: Callable[..., FlaskClient],
    form_token: Callable[..., str],
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
) -> None:
    # the shipped programme queues no review item for it: the front page is where it waits
    partner, other = make_partner(), make_partner()
    by_page, by_sms, untouched = (make_referral(partner=partner) for _ in range(3))
    client = client_as("partner", partner_id=partner.id)
    report(client, form_token(client), by_page, outcome="ineligible", reason="age", note="x")
    sms(runtime, partner, f"INELIGIBLE {by_sms.reference} over 35", now)
    caseworker = client_as("caseworker")

    def waiting() -> str:
        page = caseworker.get("/referrals").get_data(as_text=True)
        return page.split('id="reorient"')[1].split("<h2")[0]

    assert by_page.reference in waiting() and by_sms.reference in waiting()
    assert untouched.reference not in waiting()
    make_referral(partner=other, returnee=session.get(Returnee, by_page.returnee_id))
    assert by_page.reference not in waiting() and by_sms.reference in waiting()
