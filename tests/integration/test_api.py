"""The JSON API: tokens and their scope, partner scoping, versions, errors, and each resource."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsgateway.api_tokens import digest
from smsgateway.cli.api import api_cli
from smsgateway.cli.users import users_cli
from smsgateway.models import ApiToken, Notice, Partner, Referral, ReferralEvent, Returnee
from smsgateway.runtime import Runtime
from tests.conftest import ApiClient

Api = Callable[..., ApiClient]


@pytest.fixture(autouse=True)
def _fixed_clock(runtime: Runtime, now: datetime) -> None:
    runtime.clock = lambda: now


def fingerprint(session: Session) -> tuple[Any, ...]:
    """What a refused request must leave as it was."""
    session.expire_all()

    def count(model: Any) -> int:
        return session.scalar(select(func.count()).select_from(model)) or 0

    return (
        count(Returnee),
        count(Referral),
        count(ReferralEvent),
        count(Notice),
        tuple(session.execute(select(Referral.status, Referral.version, Referral.appointment_at))),
        tuple(session.execute(select(Returnee.first_name, Returnee.version))),
    )


def returnee_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "case_reference": "MIM-2026-001",
        "first_name": "Awa",
        "language": "wo",
        "fallback_languages": ["fr"],
        "channel": "sms",
        "contact_points": [
            {"number": "77 123 45 67"},
            {"number": "+221 76 555 12 12", "is_proxy": True, "relation": "sister"},
        ],
    }
    body.update(overrides)
    return body


# Acceptance: tokens, scope, partners, versions ------------------------------------------------


def test_a_partner_token_cannot_read_another_partners_referral(
    api_as: Api,
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
    session: Session,
) -> None:
    own, other = make_partner(), make_partner()
    mine, theirs = make_referral(partner=own), make_referral(partner=other)
    api = api_as("partner", partner_id=own.id)

    assert api.get(f"/referrals/{mine.reference}").status_code == 200
    refused = api.get(f"/referrals/{theirs.reference}")
    assert refused.status_code == 404 and refused.get_json()["code"] == "not_found"
    listed = api.get("/referrals").get_json()
    assert [r["reference"] for r in listed["items"]] == [mine.reference] and listed["total"] == 1
    filtered = api.get(f"/referrals?partner_id={other.id}")
    assert filtered.get_json()["items"] == [], filtered.get_json()
    feed = api.get("/events").get_json()
    assert {e["referral_reference"] for e in feed["events"]} == {mine.reference}
    assert api.get(f"/referrals/{mine.reference}/messages").status_code == 403  # staff only

    before = fingerprint(session)
    response = api.post(
        f"/referrals/{theirs.reference}/status",
        json={"status": "ineligible"},
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 404
    assert fingerprint(session) == before
    assert [p["id"] for p in api.get("/partners").get_json()["items"]] == [own.id]


def test_a_partner_token_reports_outcomes_on_its_own_referrals_only_as_the_page_would(
    api_as: Api,
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
    session: Session,
) -> None:
    own = make_partner()
    mine = make_referral(partner=own)
    api = api_as("partner", partner_id=own.id)
    tag = api.get(f"/referrals/{mine.reference}").headers["ETag"]
    before = fingerprint(session)
    cancelled = api.post(
        f"/referrals/{mine.reference}/status",
        json={"status": "cancelled"},
        headers={"If-Match": tag},
    )
    assert cancelled.status_code == 422 and "status" in cancelled.get_json()["fields"]
    assert fingerprint(session) == before
    enrolled = api.post(
        f"/referrals/{mine.reference}/status",
        json={"status": "enrolled", "note": "started Monday"},
        headers={"If-Match": tag},
    )
    assert enrolled.status_code == 200 and enrolled.get_json()["status"] == "enrolled"
    event = session.scalars(select(ReferralEvent).order_by(ReferralEvent.id.desc())).first()
    assert event is not None
    assert (event.source, event.actor, event.actor_user_id, event.note) == (
        "api",
        api.user.username,
        api.user.id,
        "started Monday",
    )


def test_a_read_token_cannot_write(
    api_as: Api, make_referral: Callable[..., Referral], session: Session
) -> None:
    referral = make_referral()
    api = api_as("caseworker", scope="read")
    assert api.get("/referrals").status_code == 200
    before = fingerprint(session)
    tag = api.get(f"/referrals/{referral.reference}").headers["ETag"]
    for method, path, body in [
        ("POST", "/returnees", returnee_body()),
        ("POST", f"/referrals/{referral.reference}/close", {}),
        (
            "PUT",
            f"/referrals/{referral.reference}/appointment",
            {"appointment_at": "2026-12-20T10:00:00+00:00"},
        ),
    ]:
        response = api.open(method, path, json=body, headers={"If-Match": tag})
        assert response.status_code == 403, (method, path)
        assert response.get_json()["code"] == "insufficient_scope"
    assert fingerprint(session) == before


def test_a_revoked_token_is_refused(
    api_as: Api, runner: Any, session: Session, make_user: Callable[..., Any]
) -> None:
    api = api_as("manager")
    assert api.get("/token").status_code == 200
    result = runner.invoke(api_cli, ["token", "revoke", str(api.token_id)])
    assert result.exit_code == 0, result.output
    refused = api.get("/token")
    assert refused.status_code == 401 and refused.get_json()["code"] == "unauthorized"
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_disabled_accounts_token_is_refused(api_as: Api, runner: Any) -> None:
    api = api_as("caseworker")
    assert runner.invoke(users_cli, ["disable", api.user.username]).exit_code == 0
    assert api.get("/token").status_code == 401


def test_a_stale_version_is_refused_with_412_and_changes_nothing(
    api_as: Api, make_referral: Callable[..., Referral], session: Session, now: datetime
) -> None:
    referral = make_referral()
    first, second = api_as("caseworker"), api_as("caseworker")
    tag = first.get(f"/referrals/{referral.reference}").headers["ETag"]
    assert second.get(f"/referrals/{referral.reference}").headers["ETag"] == tag

    moved = first.put(
        f"/referrals/{referral.reference}/appointment",
        json={"appointment_at": (now + timedelta(days=5)).isoformat()},
        headers={"If-Match": tag},
    )
    assert moved.status_code == 200 and moved.headers["ETag"] != tag

    before = fingerprint(session)
    for path, body in [
        ("/close", {"status": "cancelled"}),
        ("/status", {"status": "confirmed"}),
    ]:
        stale = second.post(
            f"/referrals/{referral.reference}{path}", json=body, headers={"If-Match": tag}
        )
        assert stale.status_code == 412 and stale.get_json()["code"] == "precondition_failed"
    stale = second.put(
        f"/referrals/{referral.reference}/appointment",
        json={"appointment_at": (now + timedelta(days=9)).isoformat()},
        headers={"If-Match": tag},
    )
    assert stale.status_code == 412
    missing = second.post(f"/referrals/{referral.reference}/close", json={})
    assert missing.status_code == 428 and missing.get_json()["code"] == "precondition_required"
    assert fingerprint(session) == before


def test_a_change_made_elsewhere_makes_the_api_copy_stale(
    api_as: Api, make_referral: Callable[..., Referral], session: Session, now: datetime
) -> None:
    from smsgateway.referrals import Source, Status, change_status

    referral = make_referral()
    api = api_as("caseworker")
    tag = api.get(f"/referrals/{referral.reference}").headers["ETag"]
    change_status(session, referral, Status.CONFIRMED, source=Source.RETURNEE_REPLY, now=now)
    session.commit()
    response = api.post(
        f"/referrals/{referral.reference}/close", json={}, headers={"If-Match": tag}
    )
    assert response.status_code == 412
    session.refresh(referral)
    assert referral.status == "confirmed"


def test_a_returnee_edit_with_a_stale_version_is_refused(
    api_as: Api, make_returnee: Callable[..., Returnee], session: Session
) -> None:
    returnee = make_returnee()
    api = api_as("caseworker")
    tag = api.get(f"/returnees/{returnee.id}").headers["ETag"]
    ok = api.patch(
        f"/returnees/{returnee.id}", json={"first_name": "Fatou"}, headers={"If-Match": tag}
    )
    assert ok.status_code == 200 and ok.get_json()["first_name"] == "Fatou"
    before = fingerprint(session)
    for method, path, body in [
        ("PATCH", "", {"first_name": "Mallory"}),
        ("POST", "/contact-points", {"number": "+221 77 999 88 77"}),
        ("PUT", "/consent", {"opted_out": True}),
    ]:
        response = api.open(
            method, f"/returnees/{returnee.id}{path}", json=body, headers={"If-Match": tag}
        )
        assert response.status_code == 412, (method, path)
    assert fingerprint(session) == before


# Tokens ----------------------------------------------------------------------------------------


def test_tokens_are_stored_hashed_and_their_last_use_is_recorded(
    runner: Any, make_user: Callable[..., Any], session: Session, client: FlaskClient
) -> None:
    user = make_user("caseworker")
    result = runner.invoke(api_cli, ["token", "create", user.username, "--scope", "read"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()
    assert secret.startswith("sgw_") and len(secret) > 40
    token = session.scalar(select(ApiToken))
    assert token is not None
    assert token.token_hash == digest(secret) and secret not in (token.token_hash, token.prefix)
    assert token.last_used_at is None
    response = client.get("/api/v1/token", headers={"Authorization": f"Bearer {secret}"})
    assert response.get_json() == {
        "username": user.username,
        "role": "caseworker",
        "partner_id": None,
        "scope": "read",
    }
    session.refresh(token)
    assert token.last_used_at is not None
    listing = runner.invoke(api_cli, ["token", "list"]).output
    assert token.prefix in listing and secret not in listing and "read" in listing


def test_token_commands_refuse_unknown_accounts_and_scopes(runner: Any) -> None:
    assert runner.invoke(api_cli, ["token", "create", "nobody", "--scope", "read"]).exit_code != 0
    assert runner.invoke(api_cli, ["token", "create", "x", "--scope", "admin"]).exit_code != 0


def test_the_console_session_does_not_open_the_api_and_bearer_requests_need_no_csrf(
    caseworker_client: FlaskClient, api_as: Api
) -> None:
    assert caseworker_client.get("/referrals").status_code == 200  # logged in on the console
    response = caseworker_client.get("/api/v1/referrals")
    assert response.status_code == 401  # no redirect to the login page, no cookie login
    api = api_as("caseworker")
    created = api.post("/returnees", json=returnee_body())  # no CSRF token: none is needed
    assert created.status_code == 201, created.get_json()


# Errors ----------------------------------------------------------------------------------------


def test_bad_input_is_answered_with_field_messages_and_saves_nothing(
    api_as: Api, session: Session
) -> None:
    api = api_as("caseworker")
    before = fingerprint(session)
    cases = [
        (returnee_body(contact_points=[{"number": "12"}]), "number"),
        (returnee_body(language="klingon"), "language"),
        (returnee_body(colour="blue"), "colour"),
        (returnee_body(contact_points=[]), "contact_points"),
        (returnee_body(case_reference="\x00"), "case_reference"),
        (returnee_body(time_zone="Mars/Olympus"), "time_zone"),
    ]
    for body, field in cases:
        response = api.post("/returnees", json=body)
        assert response.status_code == 422, (field, response.get_json())
        error = response.get_json()
        assert error["code"] == "invalid_input" and field in " ".join(error["fields"]), error
    not_json = api.post("/returnees", data="{oops", content_type="application/json")
    assert not_json.status_code == 400 and not_json.get_json()["code"] == "bad_request"
    assert fingerprint(session) == before


def test_every_api_path_answers_errors_in_json(api_as: Api, client: FlaskClient) -> None:
    api = api_as("caseworker")
    for response, status in [
        (api.get("/nothing-here"), 404),
        (api.delete("/referrals"), 405),
        (api.get("/referrals/R99999"), 404),
        (api.get("/referrals?status=happy"), 422),
        (api.get("/referrals?page=0"), 422),
        (api.get("/returnees/99999999999"), 404),
        (client.get("/api/v1/referrals"), 401),
    ]:
        assert response.status_code == status
        body = response.get_json()
        assert set(body) <= {"code", "message", "fields"} and body["code"], body


def test_a_refused_transition_is_409_and_changes_nothing(
    api_as: Api, make_referral: Callable[..., Referral], session: Session
) -> None:
    referral = make_referral()
    api = api_as("caseworker")
    tag = api.get(f"/referrals/{referral.reference}").headers["ETag"]
    before = fingerprint(session)
    response = api.post(
        f"/referrals/{referral.reference}/status",
        json={"status": "completed"},
        headers={"If-Match": tag},
    )
    assert response.status_code == 409 and response.get_json()["code"] == "transition_refused"
    assert fingerprint(session) == before


# Resources -------------------------------------------------------------------------------------


def test_a_case_management_system_registers_a_returnee_and_refers_them(
    api_as: Api, make_partner: Callable[..., Partner], session: Session, now: datetime
) -> None:
    partner = make_partner()
    api = api_as("caseworker")
    created = api.post("/returnees", json=returnee_body())
    assert created.status_code == 201, created.get_json()
    returnee = created.get_json()
    assert returnee["language"] == "wo" and returnee["fallback_languages"] == ["fr"]
    assert [p["number"] for p in returnee["contact_points"]] == ["+221771234567", "+221765551212"]
    assert returnee["contact_points"][1]["relation"] == "sister"
    assert created.headers["ETag"] == f'"{returnee["version"]}"'
    assert returnee["unreachable_flagged_at"] is None and returnee["opted_out"] is False

    duplicate = api.post("/returnees", json=returnee_body())
    assert duplicate.status_code == 422 and "case_reference" in duplicate.get_json()["fields"]

    referral = api.post(
        "/referrals",
        json={
            "case_reference": "MIM-2026-001",
            "partner_id": partner.id,
            "service_category": "vocational_training",
            "appointment_at": (now + timedelta(days=3)).isoformat(),
            "appointment_place": "Pikine",
        },
    )
    assert referral.status_code == 201, referral.get_json()
    body = referral.get_json()
    assert body["status"] == "referred" and body["case_reference"] == "MIM-2026-001"
    stored = session.scalar(select(Referral).filter_by(reference=body["reference"]))
    assert stored is not None and stored.created_by_user_id == api.user.id
    assert stored.events[0].source == "api"
    assert session.scalar(select(func.count()).select_from(Notice).filter_by(referral_id=stored.id))


def test_contact_points_consent_and_languages_are_edited_with_versions(
    api_as: Api, make_returnee: Callable[..., Returnee], session: Session
) -> None:
    returnee = make_returnee()
    api = api_as("caseworker")
    tag = api.get(f"/returnees/{returnee.id}").headers["ETag"]

    added = api.post(
        f"/returnees/{returnee.id}/contact-points",
        json={
            "number": "+221 78 111 22 33",
            "is_proxy": True,
            "relation": "uncle",
            "proxy_name": "Moussa",
        },
        headers={"If-Match": tag},
    )
    assert added.status_code == 201, added.get_json()
    point = added.get_json()["contact_points"][-1]
    assert (point["number"], point["relation"], point["proxy_name"]) == (
        "+221781112233",
        "uncle",
        "Moussa",
    )
    tag = added.headers["ETag"]

    changed = api.patch(
        f"/returnees/{returnee.id}/contact-points/{point['id']}",
        json={"number": "+221 78 111 22 44"},
        headers={"If-Match": tag},
    )
    assert (
        changed.status_code == 200
        and changed.get_json()["contact_points"][-1]["number"] == "+221781112244"
    )
    tag = changed.headers["ETag"]

    languages = api.patch(
        f"/returnees/{returnee.id}",
        json={"language": "French", "fallback_languages": ["en"], "channel": "whatsapp"},
        headers={"If-Match": tag},
    )
    assert languages.status_code == 422  # a name is for imports; the API takes codes
    languages = api.patch(
        f"/returnees/{returnee.id}",
        json={"language": "fr-SN", "fallback_languages": ["en"], "channel": "whatsapp"},
        headers={"If-Match": tag},
    )
    assert languages.status_code == 200, languages.get_json()
    assert (languages.get_json()["language"], languages.get_json()["channel"]) == ("fr", "whatsapp")
    tag = languages.headers["ETag"]

    opted = api.put(
        f"/returnees/{returnee.id}/consent", json={"opted_out": True}, headers={"If-Match": tag}
    )
    assert opted.status_code == 200 and opted.get_json()["opted_out"] is True
    tag = opted.headers["ETag"]

    removed = api.delete(
        f"/returnees/{returnee.id}/contact-points/{point['id']}", headers={"If-Match": tag}
    )
    assert removed.status_code == 200 and len(removed.get_json()["contact_points"]) == 1
    last = removed.get_json()["contact_points"][0]["id"]
    refused = api.delete(
        f"/returnees/{returnee.id}/contact-points/{last}",
        headers={"If-Match": removed.headers["ETag"]},
    )
    assert refused.status_code == 422


def test_referral_lists_page_and_filter_by_status_partner_and_change(
    api_as: Api,
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
    session: Session,
    now: datetime,
) -> None:
    from smsgateway.referrals import Source, Status, change_status

    one, two = make_partner(), make_partner()
    referrals = [make_referral(partner=one if n % 2 else two) for n in range(5)]
    later = now + timedelta(hours=1)
    change_status(session, referrals[0], Status.CONFIRMED, source=Source.SYSTEM, now=later)
    session.commit()
    api = api_as("manager")

    first = api.get("/referrals?per_page=2").get_json()
    second = api.get("/referrals?per_page=2&page=2").get_json()
    assert first["total"] == 5 and len(first["items"]) == 2 and len(second["items"]) == 2
    assert {r["id"] for r in first["items"]}.isdisjoint({r["id"] for r in second["items"]})
    by_partner = api.get(f"/referrals?partner_id={one.id}").get_json()
    assert {r["partner_id"] for r in by_partner["items"]} == {one.id} and by_partner["total"] == 2
    confirmed = api.get("/referrals?status=confirmed,declined").get_json()
    assert [r["reference"] for r in confirmed["items"]] == [referrals[0].reference]
    since = (now + timedelta(minutes=30)).isoformat().replace("+00:00", "Z")
    changed = api.get("/referrals", query_string={"updated_since": since}).get_json()
    assert [r["reference"] for r in changed["items"]] == [referrals[0].reference]


def test_the_events_feed_reads_on_from_its_cursor(
    api_as: Api, make_referral: Callable[..., Referral], session: Session, now: datetime
) -> None:
    from smsgateway.referrals import Source, Status, change_status

    referrals = [make_referral() for _ in range(3)]
    api = api_as("caseworker")
    first = api.get("/events?limit=2").get_json()
    assert len(first["events"]) == 2 and first["has_more"]
    rest = api.get(f"/events?after={first['next_after']}").get_json()
    assert len(rest["events"]) == 1 and not rest["has_more"]
    change_status(session, referrals[1], Status.DECLINED, source=Source.RETURNEE_REPLY, now=now)
    session.commit()
    new = api.get(f"/events?after={rest['next_after']}").get_json()
    assert [(e["referral_reference"], e["old_status"], e["new_status"]) for e in new["events"]] == [
        (referrals[1].reference, "referred", "declined")
    ]
    empty = api.get(f"/events?after={new['next_after']}").get_json()
    assert empty == {"events": [], "next_after": new["next_after"], "has_more": False}


def test_bulk_notices_are_previewed_created_followed_and_cancelled(
    api_as: Api, make_referral: Callable[..., Referral], session: Session
) -> None:
    referral = make_referral()
    api = api_as("manager")
    body = {
        "cohort": {"partner_id": referral.partner_id},
        "content": {
            "texts": {"fr": "Le bureau est fermé lundi.", "en": "The office is closed on Monday."}
        },
    }
    before = fingerprint(session)
    preview = api.post("/bulk-notices/preview", json=body)
    assert preview.status_code == 200, preview.get_json()
    assert preview.get_json()["recipients"] == 1
    assert fingerprint(session) == before
    created = api.post("/bulk-notices", json=body)
    assert created.status_code == 201, created.get_json()
    bulk = created.get_json()
    assert bulk["state"] == "confirmed" and bulk["progress"]["total"] == 1
    cancelled = api.post(f"/bulk-notices/{bulk['id']}/cancel")
    assert (
        cancelled.get_json()["state"] == "cancelled"
        and cancelled.get_json()["progress"]["cancelled"] == 1
    )
    assert api.get(f"/bulk-notices/{bulk['id']}").get_json()["progress"]["cancelled"] == 1
    assert (
        api.post(
            "/bulk-notices/preview", json={"cohort": {}, "content": body["content"]}
        ).status_code
        == 422
    )
    partner = api_as("partner", partner_id=body["cohort"]["partner_id"])
    assert partner.post("/bulk-notices/preview", json=body).status_code == 403


def test_messages_of_a_referral_are_listed_for_staff(
    api_as: Api, make_referral: Callable[..., Referral], session: Session, now: datetime
) -> None:
    from smsgateway.models import Message

    referral = make_referral()
    phone = referral.returnee.contact_points[0].phone_e164
    session.add(
        Message(
            direction="in",
            channel="sms",
            phone_e164=phone,
            returnee_id=referral.returnee_id,
            referral_id=referral.id,
            provider="local",
            body=f"oui {referral.reference}",
            delivery_status="received",
            created_at=now,
            updated_at=now,
        )
    )
    session.commit()
    messages = api_as("caseworker").get(f"/referrals/{referral.reference}/messages").get_json()
    assert [m["direction"] for m in messages] == ["in"] and messages[0]["body"].startswith("oui")


def test_the_reference_page_renders_the_document_without_scripts(client: FlaskClient) -> None:
    page = client.get("/api/v1/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/v1/referrals/{reference}/status" in html and "If-Match" in html
    assert (
        "<script" not in html
        and "style=" not in html
        and "http" not in html.split("<main", 1)[1].split("openapi.json")[0]
    )
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200 and spec.get_json()["openapi"].startswith("3.")
