"""Referrals waiting for their partner's answer, grouped by partner: one call covers them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from smsgateway.loop.standing import flagged_referrals, partners_awaited
from smsgateway.loop.tasks import TaskState
from smsgateway.models import Partner, Referral, Task
from smsgateway.runtime import Runtime


def flag(session: Session, referral: Referral, flag: str, at: datetime) -> None:
    session.add(
        Task(
            referral_id=referral.id,
            rule="partner_outcome" if flag == "awaiting_partner" else "stalled",
            anchor_at=at - timedelta(days=7),
            state=TaskState.FLAGGED,
            step=3,
            due_at=at,
            flag=flag,
            flagged_at=at,
            created_at=at - timedelta(days=7),
        )
    )
    session.commit()


def test_referrals_awaiting_their_partner_are_grouped_by_partner_longest_wait_first(
    session: Session,
    now: datetime,
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
) -> None:
    clinic, centre = make_partner(), make_partner()
    late, early, other = (make_referral(partner=p) for p in (clinic, centre, clinic))
    both = make_referral(partner=centre)
    alone = make_referral(partner=centre)
    flag(session, late, "awaiting_partner", now + timedelta(days=3))
    flag(session, early, "awaiting_partner", now + timedelta(days=1))
    flag(session, other, "awaiting_partner", now + timedelta(days=4))
    flag(session, both, "awaiting_partner", now + timedelta(days=2))
    flag(session, both, "no_response", now + timedelta(days=2))
    flag(session, alone, "no_response", now + timedelta(days=5))

    waits = partners_awaited(session)

    assert [(w.partner.id, [r.id for r in w.referrals]) for w in waits] == [
        (centre.id, [early.id, both.id]),
        (clinic.id, [late.id, other.id]),
    ]
    assert [w.since for w in waits] == [now + timedelta(days=1), now + timedelta(days=3)]
    assert waits[0].point_person is not None
    assert waits[0].point_person.phone_e164 == centre.point_persons[0].phone_e164
    # The other flags keep their own list; a referral flagged for both stays on it.
    assert [r.id for r in flagged_referrals(session, besides="awaiting_partner")] == [
        both.id,
        alone.id,
    ]


def test_a_partner_without_a_point_person_is_listed_without_a_number(
    session: Session,
    now: datetime,
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
) -> None:
    silent = make_partner(point_persons=[])
    referral = make_referral(partner=silent)
    flag(session, referral, "awaiting_partner", now)
    (wait,) = partners_awaited(session)
    assert wait.point_person is None and wait.referrals == (referral,)


def test_the_caseworker_front_page_lists_partners_to_call_with_their_point_person(
    runtime: Runtime,
    session: Session,
    now: datetime,
    caseworker_client: FlaskClient,
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
) -> None:
    empty = caseworker_client.get("/referrals").get_data(as_text=True)
    assert "Every partner has answered." in empty and "Partners to call" not in empty

    clinic = make_partner(name="Clinique Pikine", point_persons=[("Awa", "+221771239999")])
    first, second = make_referral(partner=clinic), make_referral(partner=clinic)
    quiet = make_referral()
    flag(session, first, "awaiting_partner", now)
    flag(session, second, "awaiting_partner", now + timedelta(hours=1))
    flag(session, quiet, "no_response", now)

    page = caseworker_client.get("/referrals").get_data(as_text=True)

    assert "Partners to call: 1 partner has not answered" in page
    waits = page.split('id="partner-waits"', 1)[1].split("</ul>", 1)[0]
    assert "Clinique Pikine" in waits and 'href="tel:+221771239999"' in waits
    assert "2 referrals, no answer since" in waits
    assert first.reference in waits and second.reference in waits
    assert quiet.reference not in waits
    flagged = page.split('id="flagged"', 1)[1].split("</p>", 1)[0]
    assert quiet.reference in flagged
    assert first.reference not in flagged and second.reference not in flagged


def test_the_page_in_french(
    session: Session,
    now: datetime,
    caseworker_client: FlaskClient,
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
) -> None:
    referral = make_referral(partner=make_partner())
    flag(session, referral, "awaiting_partner", now)
    page = caseworker_client.get("/referrals", headers={"Accept-Language": "fr"})
    html = page.get_data(as_text=True)
    assert "Partenaires à appeler" in html and "Partners to call" not in html
