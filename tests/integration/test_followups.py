"""Following up unreachable returnees: the list, assignments, visits and calls, a new number."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.delivery.outcomes import apply_wrong_number
from smsgateway.followups import followup_rows, record_followup_outcome
from smsgateway.models import ContactPoint, Followup, Message, Referral, Returnee, User
from smsgateway.reachability import flag_unreachable, record_opt_out, suppressed_numbers
from smsgateway.referrals import Source, Status, change_status
from smsgateway.returnees import PhoneInput
from smsgateway.runtime import Runtime


def sent(session: Session, returnee: Returnee, channel: str, status: str, at: datetime) -> None:
    session.add(
        Message(
            direction="out",
            channel=channel,
            phone_e164=returnee.contact_points[0].phone_e164,
            returnee_id=returnee.id,
            provider="local",
            delivery_status=status,
            created_at=at,
            updated_at=at,
        )
    )


@pytest.fixture
def lost(
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> Referral:
    """A returnee with a proxy, tried by SMS twice and a call, then flagged."""
    returnee = make_returnee(
        phones=[PhoneInput("+221771230001"), PhoneInput("+221771230002", True, "sister")]
    )
    referral = make_referral(returnee=returnee)
    sent(session, returnee, "sms", "failed", now - timedelta(days=4))
    sent(session, returnee, "sms", "undelivered", now - timedelta(days=3))
    sent(session, returnee, "voice", "no-answer", now - timedelta(days=2))
    flag_unreachable(session, returnee, reason="escalation_exhausted", now=now - timedelta(days=1))
    session.commit()
    return referral


def test_each_row_shows_the_attempts_the_proxy_and_the_open_referrals(
    session: Session, now: datetime, lost: Referral, make_returnee: Callable[..., Returnee]
) -> None:
    make_returnee()  # reachable: not listed
    (row,) = followup_rows(session)
    assert row.returnee.id == lost.returnee_id
    assert row.last_attempt_at == now - timedelta(days=2)
    assert [(c.channel, c.attempts, c.last_status) for c in row.channels] == [
        ("sms", 2, "undelivered"),
        ("voice", 1, "no-answer"),
    ]
    assert [(p.proxy_relation, p.is_proxy) for p in row.proxies] == [("sister", True)]
    assert row.open_references == [lost.reference]
    assert (row.assigned_to, row.last_followup) == ("", None)


def test_the_page_says_why_and_what_was_tried_in_words_not_codes(
    lost: Referral, manager_client: FlaskClient
) -> None:
    page = manager_client.get("/unreachable").get_data(as_text=True)
    assert "every step of the escalation failed" in page
    assert "SMS: 2 tries, last: not delivered; Voice call: 1 try (not answered)" in page
    assert "sister (not tried yet)" in page
    for code in ("escalation_exhausted", "undelivered", "no-answer"):
        assert code not in page
    french = manager_client.get("/unreachable", headers={"Accept-Language": "fr"})
    french_page = french.get_data(as_text=True)
    assert (
        "SMS\u00a0: 2 essais, dernier\u00a0: non remis\u00a0; "
        "Appel vocal\u00a0: 1 essai (sans réponse)" in french_page
    )
    assert "chaque étape de la relance a échoué" in french_page
    # The escalation's steps are named in words, in the page's language, in their order.
    assert "the same channel again → a voice call → a discreet request to a proxy" in page
    assert "le même canal à nouveau → un appel vocal → une demande discrète à un proche" in (
        french_page
    )
    assert "retry → voice" not in page + french_page
    # The returnee's own page gives the reason in the same words.
    show = manager_client.get(f"/returnees/{lost.returnee_id}").get_data(as_text=True)
    flagged = show.split('id="unreachable-flag"', 1)[1].split("</p>", 1)[0]
    assert "every step of the escalation failed" in flagged and "exhausted" not in flagged


def test_people_whose_every_referral_has_an_outcome_are_listed_apart_from_those_to_chase(
    session: Session,
    now: datetime,
    lost: Referral,
    manager_client: FlaskClient,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> None:
    settled = make_returnee(case_reference="CASE-SETTLED")
    enrolled = make_referral(returnee=settled)
    change_status(session, enrolled, Status.ENROLLED, source=Source.PARTNER_SMS, now=now)
    flag_unreachable(session, settled, reason="escalation_exhausted", now=now)
    session.commit()

    rows = {row.returnee.id: row for row in followup_rows(session)}
    assert rows[lost.returnee_id].is_to_chase
    assert rows[lost.returnee_id].unknown_references == [lost.reference]
    assert not rows[settled.id].is_to_chase
    assert rows[settled.id].open_references == [enrolled.reference]  # open, with an outcome

    page = manager_client.get("/unreachable").get_data(as_text=True)
    chase = page.split('id="to-chase"', 1)[1].split('id="for-information"', 1)
    assert "To chase: 1 person with a referral still waiting for an answer" in page
    assert lost.returnee.case_reference in chase[0] and "CASE-SETTLED" not in chase[0]
    assert "Every referral has an outcome: 1 person" in page and "CASE-SETTLED" in chase[1]
    # Those with an outcome are folded away under the count, one click from their forms.
    folded = chase[1].split('<details id="for-information-list">', 1)[1].split("</details>", 1)[0]
    assert "Show this person" in folded and 'id="followup-CASE-SETTLED"' in folded

    # One person to chase needs no index.
    assert 'id="chase-index"' not in page

    # A new referral of theirs waits for an answer: they are to chase.
    change_status(session, enrolled, Status.CANCELLED, source=Source.CASEWORKER, now=now)
    make_referral(returnee=settled)
    assert all(row.is_to_chase for row in followup_rows(session))
    french = manager_client.get("/unreachable", headers={"Accept-Language": "fr"})
    french_page = french.get_data(as_text=True)
    assert "À relancer\u00a0: 2 personnes" in french_page
    # Two or more: one line each at the top, why and who has them, linked to their card.
    page = manager_client.get("/unreachable").get_data(as_text=True)
    index = page.split('<ol id="chase-index">', 1)[1].split("</ol>", 1)[0]
    for reference in (lost.returnee.case_reference, "CASE-SETTLED"):
        assert f'<a href="#followup-{reference}">{reference} · ' in index
        assert f'id="followup-{reference}"' in page
    assert index.count("every step of the escalation failed") == 2
    assert index.count("not assigned yet") == 2
    french_index = french_page.split('<ol id="chase-index">', 1)[1].split("</ol>", 1)[0]
    assert "pas encore confié" in french_index


def test_a_visit_that_reached_the_person_clears_the_flag_and_one_that_did_not_keeps_it(
    session: Session, now: datetime, lost: Referral
) -> None:
    returnee = lost.returnee
    record_followup_outcome(session, returnee, "visit", "not_found", now=now, actor="m")
    assert returnee.unreachable_flagged_at is not None
    record_followup_outcome(session, returnee, "call", "reached", now=now, actor="m", note="ok")
    assert returnee.unreachable_flagged_at is None
    kinds = session.execute(select(Followup.kind, Followup.outcome).order_by(Followup.id)).all()
    assert [tuple(k) for k in kinds] == [("visit", "not_found"), ("call", "reached")]


def test_a_manager_assigns_records_a_new_number_and_the_person_is_reachable_again(
    runtime: Runtime,
    session: Session,
    lost: Referral,
    manager_client: FlaskClient,
    form_token: Callable[..., str],
    make_user: Callable[..., User],
) -> None:
    caseworker = make_user("caseworker", username="awa")
    token = form_token(manager_client)
    page = manager_client.get("/unreachable").get_data(as_text=True)
    assert "Who counts as unreachable" in page and lost.returnee.case_reference in page
    assert "+221771230001" not in page and "+221771230002" not in page

    answer = manager_client.post(
        f"/unreachable/{lost.returnee_id}/assign",
        data={"csrf_token": token, "user_id": caseworker.id},
    )
    assert answer.status_code == 303
    rows = list(
        csv.reader(io.StringIO(manager_client.get("/unreachable.csv").get_data(as_text=True)))
    )
    assert rows[1][0] == lost.returnee.case_reference and rows[1][7] == "awa"
    assert rows[1][4] == "sms:2:undelivered;voice:1:no-answer" and rows[1][5] == "sister:unknown"

    refused = manager_client.post(
        f"/unreachable/{lost.returnee_id}/new-number", data={"csrf_token": token, "number": "12"}
    )
    assert refused.status_code == 303
    session.expire_all()
    assert session.get(Returnee, lost.returnee_id).unreachable_flagged_at is not None  # type: ignore[union-attr]

    manager_client.post(
        f"/unreachable/{lost.returnee_id}/new-number",
        data={"csrf_token": token, "number": "77 999 00 11"},
    )
    session.expire_all()
    returnee = session.get(Returnee, lost.returnee_id)
    assert returnee is not None and returnee.unreachable_flagged_at is None
    own = session.scalar(select(ContactPoint).filter_by(returnee_id=returnee.id, is_proxy=False))
    assert own is not None and (own.phone_e164, own.reachability) == ("+221779990011", "reachable")
    assert "Nobody is flagged." in manager_client.get("/unreachable").get_data(as_text=True)
    entries = session.scalars(select(Followup).order_by(Followup.id)).all()
    assert [(e.kind, e.actor) for e in entries] == [
        ("assigned", manager_client.user.username),  # type: ignore[attr-defined]
        ("new_number", manager_client.user.username),  # type: ignore[attr-defined]
    ]


def test_a_partner_cannot_follow_up(
    client_as: Callable[..., FlaskClient],
    lost: Referral,
    form_token: Callable[..., str],
    session: Session,
) -> None:
    partner = client_as("partner", partner_id=lost.partner_id)
    answer = partner.post(
        f"/unreachable/{lost.returnee_id}/new-number",
        data={"csrf_token": form_token(partner), "number": "77 999 00 11"},
    )
    assert answer.status_code == 403
    assert session.scalar(select(Followup)) is None


def test_the_same_number_given_again_after_a_wrong_number_answer_is_written_to_again(
    runtime: Runtime,
    session: Session,
    now: datetime,
    lost: Referral,
    manager_client: FlaskClient,
    form_token: Callable[..., str],
) -> None:
    """A relative answered "wrong number"; the person phones and says the number is theirs."""
    with runtime.db.transaction() as tx:
        apply_wrong_number(tx, "+221771230001", now=now)
    token = form_token(manager_client)

    answer = manager_client.post(
        f"/unreachable/{lost.returnee_id}/new-number",
        data={"csrf_token": token, "number": "+221 77 123 00 01"},
    )

    assert answer.status_code == 303
    session.expire_all()
    assert suppressed_numbers(session, ["+221771230001"]) == set()
    returnee = session.get(Returnee, lost.returnee_id)
    assert returnee is not None and returnee.unreachable_flagged_at is None
    own = session.scalar(select(ContactPoint).filter_by(returnee_id=returnee.id, is_proxy=False))
    assert own is not None and (own.phone_e164, own.reachability) == ("+221771230001", "reachable")


def test_a_number_that_sent_stop_is_not_taken_back_by_staff(
    runtime: Runtime,
    session: Session,
    now: datetime,
    lost: Referral,
    manager_client: FlaskClient,
    form_token: Callable[..., str],
) -> None:
    with runtime.db.transaction() as tx:
        record_opt_out(tx, "+221771230001", source="stop", now=now)
    token = form_token(manager_client)

    answer = manager_client.post(
        f"/unreachable/{lost.returnee_id}/new-number",
        data={"csrf_token": token, "number": "77 123 00 01"},
        follow_redirects=True,
    )

    assert "Only START sent from it" in answer.get_data(as_text=True)
    session.expire_all()
    assert suppressed_numbers(session, ["+221771230001"]) == {"+221771230001"}
    returnee = session.get(Returnee, lost.returnee_id)
    assert returnee is not None and returnee.unreachable_flagged_at is not None
    assert session.scalar(select(Followup)) is None
