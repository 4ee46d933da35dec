"""The access log (one entry per view, export, refusal, failed login) and subject access."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from smsgateway.cli.privacy import returnees_cli
from smsgateway.models import AccessLogEntry, Referral
from smsgateway.runtime import Runtime


def entries(session: Session) -> list[AccessLogEntry]:
    session.expire_all()
    return list(session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id)))


def test_viewing_a_referral_page_leaves_one_entry_with_the_user(
    caseworker_client: FlaskClient, session: Session, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral()
    before = len(entries(session))
    response = caseworker_client.get(f"/referrals/{referral.reference}")
    assert response.status_code == 200
    new = entries(session)[before:]
    assert len(new) == 1
    entry = new[0]
    user = caseworker_client.user  # type: ignore[attr-defined]
    assert (entry.event, entry.face, entry.user_id, entry.username) == (
        "view",
        "console",
        user.id,
        user.username,
    )
    assert (entry.referral_id, entry.returnee_id) == (referral.id, referral.returnee_id)
    assert entry.subject_ids == [referral.id] and entry.endpoint == "caseworker.referral"
    assert entry.request_id == response.headers["X-Request-Id"]


def test_an_api_read_leaves_one_entry_with_the_token_account(
    api_as: Callable[..., Any], session: Session, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral()
    api = api_as("caseworker", scope="read")
    before = len(entries(session))
    assert api.get(f"/referrals/{referral.reference}").status_code == 200
    assert api.get(f"/referrals/{referral.reference}/messages").status_code == 200
    assert api.get(f"/returnees/{referral.returnee_id}").status_code == 200
    new = entries(session)[before:]
    assert [(e.event, e.face, e.user_id, e.username) for e in new] == [
        ("view", "api", api.user.id, api.user.username)
    ] * 3
    assert [e.subject_kind for e in new] == ["referral", "referral", "returnee"]
    assert new[0].referral_id == referral.id and new[2].returnee_id == referral.returnee_id


def test_refusals_and_failed_logins_are_logged(
    app: Any,
    client_as: Callable[..., FlaskClient],
    api_as: Callable[..., Any],
    log_in: Callable[..., Any],
    session: Session,
    make_referral: Callable[..., Referral],
) -> None:
    referral = make_referral()
    partner = client_as("partner", partner_id=referral.partner_id)
    assert partner.get(f"/referrals/{referral.reference}").status_code == 403
    reader = api_as("caseworker", scope="read")
    assert reader.post("/referrals", json={}).status_code == 403
    assert log_in(app.test_client(), "nobody-here", "wrong password").status_code == 200
    found = [(e.event, e.face, e.username) for e in entries(session)]
    assert ("refused", "console", partner.user.username) in found  # type: ignore[attr-defined]
    assert ("refused", "api", reader.user.username) in found
    assert ("login_failed", "console", "nobody-here") in found


def test_exports_are_logged_with_what_they_held(
    caseworker_client: FlaskClient, session: Session, make_referral: Callable[..., Referral]
) -> None:
    first, second = make_referral(), make_referral()
    assert caseworker_client.get("/export/referrals.csv").status_code == 200
    entry = entries(session)[-1]
    assert entry.event == "export" and entry.subject_kind == "referral"
    assert sorted(entry.subject_ids) == sorted([first.id, second.id])


@pytest.fixture
def app_overrides(tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, Any]:
    """The append-only test runs on both databases (its triggers differ); others on SQLite."""
    overrides = {"instance_path": tmp_path / "instance", "env": "test", "scheduler": False}
    if "database" in request.fixturenames and request.getfixturevalue("database") == "postgres":
        overrides["database_url"] = request.getfixturevalue("pg_url")
    return overrides


def test_the_access_log_refuses_changes_and_deletions(
    database: str,
    caseworker_client: FlaskClient,
    runtime: Runtime,
    session: Session,
    make_referral: Callable[..., Referral],
) -> None:
    caseworker_client.get(f"/referrals/{make_referral().reference}")
    with pytest.raises(DBAPIError), runtime.db.transaction() as tx:
        tx.execute(update(AccessLogEntry).values(username="someone else"))
    with pytest.raises(DBAPIError), runtime.db.transaction() as tx:
        tx.execute(delete(AccessLogEntry))
    assert session.scalar(select(func.count()).select_from(AccessLogEntry)) == 1


def test_admins_see_the_access_log_others_do_not(
    client_as: Callable[..., FlaskClient], make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral()
    caseworker = client_as("caseworker")
    caseworker.get(f"/referrals/{referral.reference}")
    assert client_as("manager").get("/access-log").status_code == 403
    admin = client_as("admin")
    page = admin.get(f"/access-log?referral_id={referral.id}").get_data(as_text=True)
    assert caseworker.user.username in page  # type: ignore[attr-defined]
    assert "caseworker.referral" in page


def test_subject_access_from_the_command_and_the_api(
    runner: FlaskCliRunner,
    api_as: Callable[..., Any],
    session: Session,
    make_referral: Callable[..., Referral],
) -> None:
    referral = make_referral()
    returnee = referral.returnee
    result = runner.invoke(returnees_cli, ["export", returnee.case_reference])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["returnee"]["case_reference"] == returnee.case_reference
    assert document["contact_points"][0]["phone_e164"] == returnee.contact_points[0].phone_e164
    assert [r["reference"] for r in document["referrals"]] == [referral.reference]
    assert document["referrals"][0]["events"][0]["new_status"] == "referred"
    assert {"consents", "messages", "notices", "erasures"} <= set(document)
    assert {"satisfaction_answers", "feedback", "review_items", "followups"} <= set(document)
    assert entries(session)[-1].face == "cli"

    answer = api_as("manager", scope="read").get(f"/returnees/{returnee.id}/subject-access")
    assert answer.status_code == 200
    assert answer.get_json()["referrals"] == document["referrals"]
    assert entries(session)[-1].event == "export"
    refused = api_as("caseworker").get(f"/returnees/{returnee.id}/subject-access")
    assert refused.status_code == 403


def test_lists_and_the_partner_page_are_logged_too(
    client_as: Callable[..., FlaskClient],
    session: Session,
    make_referral: Callable[..., Referral],
) -> None:
    referral = make_referral()
    caseworker = client_as("caseworker")
    assert caseworker.get("/referrals/list").status_code == 200
    listed = entries(session)[-1]
    assert listed.subject_kind == "referral" and referral.id in listed.subject_ids
    partner = client_as("partner", partner_id=referral.partner_id)
    assert partner.get(f"/partner/referrals/{referral.reference}").status_code == 200
    seen = entries(session)[-1]
    assert (seen.referral_id, seen.username) == (referral.id, partner.user.username)  # type: ignore[attr-defined]


def test_the_log_format_is_json_lines_in_production() -> None:
    from smsgateway.config import ConfigError, load_settings
    from smsgateway.logs import log_format

    assert log_format({"SMSGATEWAY_ENV": "production"}) == "json"
    assert log_format({"SMSGATEWAY_ENV": "development"}) == "text"
    assert log_format({"SMSGATEWAY_ENV": "production", "SMSGATEWAY_LOG_FORMAT": "text"}) == "text"
    with pytest.raises(ConfigError, match=r"^SMSGATEWAY_LOG_FORMAT must be one of text, json$"):
        load_settings({"SMSGATEWAY_LOG_FORMAT": "xml", "SMSGATEWAY_SECRET_KEY": "k"})


def test_the_edit_form_the_review_queue_and_complaints_are_logged_too(
    client_as: Callable[..., FlaskClient],
    session: Session,
    now: Any,
    make_referral: Callable[..., Referral],
) -> None:
    """Every console page that shows a returnee's numbers, names or texts leaves its entry."""
    from smsgateway.models import FeedbackItem, Message, ReviewItem

    referral = make_referral()
    returnee_id = referral.returnee_id
    message = Message(
        direction="in",
        channel="sms",
        phone_e164=referral.returnee.contact_points[0].phone_e164,
        returnee_id=returnee_id,
        referral_id=referral.id,
        provider="local",
        body="pas content du tout",
        delivery_status="received",
        created_at=now,
        updated_at=now,
    )
    session.add(message)
    session.flush()
    session.add(
        ReviewItem(message_id=message.id, returnee_id=returnee_id, reason="unclear", created_at=now)
    )
    feedback = FeedbackItem(
        message_id=message.id,
        returnee_id=returnee_id,
        source="feedback_keyword",
        language="fr",
        state="open",
        created_at=now,
    )
    session.add(feedback)
    session.commit()
    caseworker, manager = client_as("caseworker"), client_as("manager")
    for client, path in [
        (caseworker, f"/returnees/{returnee_id}/edit"),
        (caseworker, "/reviews"),
        (manager, "/manager/feedback"),
        (manager, f"/manager/feedback/{feedback.id}"),
    ]:
        before = len(entries(session))
        assert client.get(path).status_code == 200, path
        new = entries(session)[before:]
        assert [(e.event, e.subject_kind, e.subject_ids, e.username) for e in new] == [
            ("view", "returnee", [returnee_id], client.user.username)  # type: ignore[attr-defined]
        ], path
