"""The caseworker's console: returnees (register with a proxy, search, consent again) and
referrals (filters, the timeline, moving the appointment, status by the rules, a call)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.models import ContactPoint, Notice, Partner, Referral, Returnee, Suppression, Task
from smsgateway.reachability import flag_unreachable, record_opt_out
from smsgateway.referrals import Source, Status, change_status
from smsgateway.returnees import PhoneInput
from smsgateway.runtime import Runtime


def token_of(client: FlaskClient, path: str = "/referrals") -> str:
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, f"{path} carries no CSRF token"
    return found.group(1)


def post(client: FlaskClient, path: str, **data: object) -> object:
    return client.post(path, data={"csrf_token": token_of(client), **data})


# -- returnees -----------------------------------------------------------------------------------


def test_a_caseworker_registers_a_returnee_with_a_proxy_languages_and_quiet_hours(
    caseworker_client: FlaskClient, session: Session
) -> None:
    response = caseworker_client.post(
        "/returnees/",
        data={
            "csrf_token": token_of(caseworker_client),
            "case_reference": "SN-2026-0042",
            "first_name": "Awa",
            "last_name": "Diop",
            "language": "wo",
            "fallback_language": ["fr", "en"],
            "channel": "whatsapp",
            "phone": "77 123 45 67",
            "proxy_phone": "+221 76 555 44 33",
            "proxy_relation": "sister",
            "proxy_name": "Fatou",
            "proxy_consent": "on",
            "time_zone": "Africa/Dakar",
            "quiet_start": "21:00",
            "quiet_end": "07:30",
            "is_sensitive": "on",
        },
    )

    assert response.status_code == 303
    returnee = session.scalar(select(Returnee).filter_by(case_reference="SN-2026-0042"))
    assert returnee is not None
    assert returnee.language_chain == ["wo", "fr", "en"]
    assert (returnee.preferred_channel, returnee.is_sensitive) == ("whatsapp", True)
    assert str(returnee.quiet_hours_start) == "21:00:00"
    own, proxy = returnee.contact_points
    assert (own.phone_e164, own.is_proxy) == ("+221771234567", False)
    assert (proxy.is_proxy, proxy.proxy_relation, proxy.proxy_name) == (True, "sister", "Fatou")
    assert proxy.proxy_consented_at is not None
    page = caseworker_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Awa Diop" in page and "sister" in page and "…4433" in page
    assert "+221765554433" not in page  # numbers are masked on pages


def test_a_refused_registration_names_the_field_and_keeps_what_was_typed(
    caseworker_client: FlaskClient, session: Session
) -> None:
    response = caseworker_client.post(
        "/returnees/",
        data={
            "csrf_token": token_of(caseworker_client),
            "case_reference": "SN-1",
            "first_name": "Moussa",
            "language": "fr",
            "fallback_language": ["en", "wo"],
            "phone": "not a number",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="form-error"' in page and 'value="Moussa"' in page
    assert "Not saved. Own phone: this is not a phone number" in page
    # The two "then" languages come back as chosen.
    menus = page.split('name="fallback_language"')[1:]
    assert ['value="en" selected' in menus[0], 'value="wo" selected' in menus[1]] == [True, True]
    assert session.scalar(select(Returnee)) is None


def test_returnees_are_found_by_name_case_reference_phone_digits_and_partner(
    caseworker_client: FlaskClient,
    make_returnee: Callable[..., Returnee],
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
) -> None:
    awa = make_returnee(
        first_name="Awa", case_reference="SN-AWA", phones=[PhoneInput("+221770001122")]
    )
    make_returnee(first_name="Ibrahima", case_reference="SN-IBR")
    clinic = make_partner(name="Clinique du Port")
    make_referral(returnee=awa, partner=clinic)

    def found(query: str) -> list[str]:
        page = caseworker_client.get("/returnees/", query_string={"q": query}).get_data(
            as_text=True
        )
        return re.findall(r'<span class="meta">(SN-[A-Z]+)</span>', page)

    assert found("awa") == ["SN-AWA"]
    assert found("SN-IBR") == ["SN-IBR"]
    assert found("0001122") == ["SN-AWA"]
    assert found("du port") == ["SN-AWA"]
    assert found("nobody") == []


def test_the_returnee_list_pages_25_at_a_time(
    caseworker_client: FlaskClient, make_returnee: Callable[..., Returnee]
) -> None:
    for _ in range(27):
        make_returnee()
    first = caseworker_client.get("/returnees/").get_data(as_text=True)
    second = caseworker_client.get("/returnees/?page=2").get_data(as_text=True)
    assert first.count('class="item"') == 25 and second.count('class="item"') == 2
    assert "Page 1 of 2" in first and 'rel="next"' in first


def test_a_caseworker_records_consent_again_after_a_stop(
    caseworker_client: FlaskClient,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
) -> None:
    returnee = make_returnee()
    phone = returnee.contact_points[0].phone_e164
    record_opt_out(session, phone, source="reply:sms", now=now)
    session.commit()
    runtime.clock = lambda: now + timedelta(hours=1)
    page = caseworker_client.get(f"/returnees/{returnee.id}").get_data(as_text=True)
    assert "stopped messages" in page and 'id="record-consent"' in page

    response = post(caseworker_client, f"/returnees/{returnee.id}/consent", consent="in")

    assert response.status_code == 303  # type: ignore[attr-defined]
    session.expire_all()
    assert session.scalar(select(Suppression).filter_by(phone_e164=phone)) is None
    point = session.get(ContactPoint, returnee.contact_points[0].id)
    assert point is not None and point.reachability == "reachable"
    page = caseworker_client.get(f"/returnees/{returnee.id}").get_data(as_text=True)
    history = page[page.index('id="reachability-history"') :]
    assert history.index("reachable") < history.index("stopped messages")  # newest first


def test_an_opt_out_recorded_on_the_page_ends_as_any_opt_out(
    caseworker_client: FlaskClient,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Callable[..., Referral],
) -> None:
    """The person said by phone that they want no more messages: what is planned for them is
    cancelled at once and they are on the Unreachable list (`opted_out`), as after a STOP; consent
    recorded again takes them off it."""
    referral = make_referral(appointment_at=now + timedelta(days=3))
    returnee_id = referral.returnee_id
    runtime.clock = lambda: now

    post(caseworker_client, f"/returnees/{returnee_id}/consent", consent="out")

    session.expire_all()
    returnee = session.get(Returnee, returnee_id)
    assert returnee is not None and returnee.unreachable_reason == "opted_out"
    assert planned_reminders(session, referral) == []
    assert all(consent.is_opted_out for consent in returnee.consents)

    post(caseworker_client, f"/returnees/{returnee_id}/consent", consent="in")

    session.expire_all()
    assert returnee.unreachable_flagged_at is None
    assert not any(consent.is_opted_out for consent in returnee.consents)


# -- referrals -----------------------------------------------------------------------------------


def references_listed(client: FlaskClient, **query: str) -> list[str]:
    page = client.get("/referrals/list", query_string=query).get_data(as_text=True)
    listed = page[page.index('id="referral-count"') :]
    return re.findall(r"<strong>(R\d+)</strong>", listed)


def test_the_referral_list_filters_and_searches(
    caseworker_client: FlaskClient,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_partner: Callable[..., Partner],
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> None:
    runtime.clock = lambda: now
    clinic = make_partner(name="Clinique", service_categories=["medical", "vocational_training"])
    soon = make_referral(appointment_at=now + timedelta(days=2))
    later = make_referral(appointment_at=now + timedelta(days=20), partner=clinic)
    medical = make_referral(partner=clinic, service_category="medical", appointment_at=None)
    change_status(session, later, Status.CONFIRMED, source=Source.CASEWORKER, now=now)
    session.add(
        Task(
            referral_id=medical.id,
            rule="stalled",
            anchor_at=now,
            state="open",
            due_at=now,
            created_at=now,
        )
    )
    flag_unreachable(session, soon.returnee, reason="no_answer_after_proxy", now=now)
    session.commit()

    assert references_listed(caseworker_client) == [
        medical.reference,
        later.reference,
        soon.reference,
    ]
    assert references_listed(caseworker_client, status="confirmed") == [later.reference]
    assert references_listed(caseworker_client, partner=str(clinic.id)) == [
        medical.reference,
        later.reference,
    ]
    assert references_listed(caseworker_client, service="medical") == [medical.reference]
    assert references_listed(caseworker_client, due="week") == [soon.reference]
    assert references_listed(caseworker_client, stalled="on") == [medical.reference]
    assert references_listed(caseworker_client, unreachable="on") == [soon.reference]
    assert references_listed(caseworker_client, q=str(later.reference).lower()) == [later.reference]
    assert references_listed(caseworker_client, q=soon.returnee.case_reference) == [soon.reference]
    assert references_listed(caseworker_client, q="clinique") == [
        medical.reference,
        later.reference,
    ]
    empty = caseworker_client.get("/referrals/list?status=enrolled").get_data(as_text=True)
    assert "No referral matches these filters" in empty


def planned_reminders(session: Session, referral: Referral) -> list[datetime]:
    session.expire_all()
    return [
        n.due_at
        for n in session.scalars(
            select(Notice)
            .filter_by(referral_id=referral.id, kind="appointment_reminder", state="planned")
            .order_by(Notice.due_at)
        )
    ]


def test_the_referral_page_shows_planned_notices_in_local_time_and_a_move_replans_them(
    caseworker_client: FlaskClient,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_returnee: Callable[..., Returnee],
    make_referral: Callable[..., Referral],
) -> None:
    runtime.clock = lambda: now
    returnee = make_returnee(time_zone="Asia/Kabul")
    referral = make_referral(returnee=returnee, appointment_at=now + timedelta(days=5))
    before = planned_reminders(session, referral)
    page = caseworker_client.get(f"/referrals/{referral.reference}").get_data(as_text=True)
    timeline = page[page.index('id="timeline"') :]
    assert "Planned: Appointment reminder by SMS" in timeline
    assert "Asia/Kabul" in page
    local = before[0].astimezone(__import__("zoneinfo").ZoneInfo("Asia/Kabul"))
    assert local.strftime("%-I:%M") in timeline  # the reminder's local clock time

    response = post(
        caseworker_client,
        f"/referrals/{referral.reference}/appointment",
        appointment_at=(now + timedelta(days=9)).strftime("%Y-%m-%dT10:00"),
    )

    assert response.status_code == 303  # type: ignore[attr-defined]
    after = planned_reminders(session, referral)
    assert after and after != before and min(after) > max(before)


def test_a_status_is_set_by_hand_only_as_the_rules_allow_and_with_a_reason(
    caseworker_client: FlaskClient, session: Session, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral()
    path = f"/referrals/{referral.reference}/status"

    no_reason = post(caseworker_client, path, status="attended", note="")
    refused = post(caseworker_client, path, status="completed", note="done")
    session.expire_all()
    assert session.get(Referral, referral.id).status == "referred"  # type: ignore[union-attr]  # made above
    allowed = post(caseworker_client, path, status="attended", note="Seen at the centre")

    assert no_reason.status_code == refused.status_code == allowed.status_code == 303  # type: ignore[attr-defined]
    session.expire_all()
    fresh = session.get(Referral, referral.id)
    assert fresh is not None and fresh.status == "attended"
    assert (fresh.events[-1].note, fresh.events[-1].source) == ("Seen at the centre", "caseworker")
    page = caseworker_client.get(f"/referrals/{referral.reference}").get_data(as_text=True)
    assert "Seen at the centre" in page and "Status: Referred → Attended" in page


def test_a_refused_status_comes_back_chosen_and_the_reason_stays_out_of_the_address(
    caseworker_client: FlaskClient, make_referral: Callable[..., Referral]
) -> None:
    """After "say why the status changes", the status form still holds the status chosen; the
    reason, which may be sensitive, never travels in the address."""
    referral = make_referral()
    path = f"/referrals/{referral.reference}/status"

    refused = post(caseworker_client, path, status="attended", note=" ", form="status")

    location = refused.headers["Location"]  # type: ignore[attr-defined]
    assert "status=attended" in location and "note" not in location
    page = caseworker_client.get(location).get_data(as_text=True)
    assert '<option value="attended" selected>' in page
    plain = caseworker_client.get(f"/referrals/{referral.reference}").get_data(as_text=True)
    assert "selected>" not in plain.split('id="status-form"')[1].split("</form>")[0]


def test_cancelling_a_referral_cancels_its_notices(
    caseworker_client: FlaskClient, session: Session, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral()
    response = post(
        caseworker_client,
        f"/referrals/{referral.reference}/status",
        status="cancelled",
        note="Moved to another region",
    )
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert planned_reminders(session, referral) == []
    assert session.get(Referral, referral.id).status == "cancelled"  # type: ignore[union-attr]  # made above


def test_a_caseworker_announces_a_call(
    caseworker_client: FlaskClient,
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_referral: Callable[..., Referral],
) -> None:
    runtime.clock = lambda: now
    referral = make_referral()
    response = post(
        caseworker_client,
        f"/referrals/{referral.reference}/call",
        call_at=(now + timedelta(days=1)).strftime("%Y-%m-%dT11:00"),
    )
    assert response.status_code == 303  # type: ignore[attr-defined]
    announced = session.scalar(select(Notice).filter_by(kind="call_announcement"))
    assert announced is not None and announced.referral_id == referral.id


def test_a_referral_for_a_service_the_partner_does_not_offer_is_refused(
    caseworker_client: FlaskClient,
    session: Session,
    make_partner: Callable[..., Partner],
    make_returnee: Callable[..., Returnee],
) -> None:
    returnee = make_returnee()
    partner = make_partner(name="Centre de formation", service_categories=["vocational_training"])
    response = caseworker_client.post(
        "/referrals",
        data={
            "csrf_token": token_of(caseworker_client),
            "returnee": returnee.case_reference,
            "partner_id": partner.id,
            "service_category": "housing",
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Centre de formation does not offer" in page
    assert session.scalar(select(Referral)) is None
    # What was typed comes back, to be corrected rather than typed again.
    assert f'value="{returnee.case_reference}"' in page
    assert f'<option value="{partner.id}" selected>' in page
    assert '<option value="housing" selected>' in page
    created = caseworker_client.post(
        "/referrals",
        data={
            "csrf_token": token_of(caseworker_client),
            "returnee": returnee.case_reference,
            "partner_id": partner.id,
            "service_category": "vocational_training",
        },
    )
    assert created.status_code == 303 and "/referrals/R" in created.headers["Location"]


def test_a_caseworker_edits_languages_numbers_proxy_consent_and_quiet_hours(
    caseworker_client: FlaskClient,
    session: Session,
    make_returnee: Callable[..., Returnee],
) -> None:
    returnee = make_returnee(
        phones=[PhoneInput("+221770000001"), PhoneInput("+221760000002", is_proxy=True)]
    )
    own, proxy = returnee.contact_points
    form = caseworker_client.get(f"/returnees/{returnee.id}/edit").get_data(as_text=True)
    assert f'name="point-{proxy.id}-consent"' in form

    response = caseworker_client.post(
        f"/returnees/{returnee.id}",
        data={
            "csrf_token": token_of(caseworker_client),
            "first_name": "Awa",
            "language": "en",
            "fallback_language": ["wo", ""],
            "channel": "voice",
            "time_zone": "Africa/Bamako",
            f"point-{own.id}-number": "+221770000009",
            f"point-{proxy.id}-number": proxy.phone_e164,
            f"point-{proxy.id}-relation": "uncle",
            f"point-{proxy.id}-consent": "on",
            "quiet_start": "22:00",
            "quiet_end": "06:00",
        },
    )

    assert response.status_code == 303
    session.expire_all()
    fresh = session.get(Returnee, returnee.id)
    assert fresh is not None
    assert (fresh.first_name, fresh.language_chain, fresh.preferred_channel) == (
        "Awa",
        ["en", "wo"],
        "voice",
    )
    assert fresh.time_zone == "Africa/Bamako" and str(fresh.quiet_hours_end) == "06:00:00"
    assert fresh.contact_points[0].phone_e164 == "+221770000009"
    assert fresh.contact_points[0].reachability == "unknown"
    assert fresh.contact_points[1].proxy_relation == "uncle"
    assert fresh.contact_points[1].proxy_consented_at is not None
