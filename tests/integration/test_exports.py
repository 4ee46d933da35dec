"""CSV export of referrals (status, dates, messaging outcomes) and of their events."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime, timedelta

from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy.orm import Session

from smsgateway.cli.import_export import export_cli
from smsgateway.exports import REFERRAL_COLUMNS
from smsgateway.models import Message, Partner, Referral
from smsgateway.referrals import Source, Status, change_status


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def message(referral: Referral, direction: str, status: str, at: datetime) -> Message:
    return Message(
        direction=direction,
        channel="sms",
        phone_e164=referral.returnee.contact_points[0].phone_e164,
        returnee_id=referral.returnee_id,
        referral_id=referral.id,
        provider="local",
        body="-",
        delivery_status=status,
        created_at=at,
        updated_at=at,
    )


def test_referrals_are_exported_with_their_messaging_outcomes_and_filtered_like_the_lists(
    runner: FlaskCliRunner,
    session: Session,
    now: datetime,
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
) -> None:
    one, two = make_partner(), make_partner()
    reached, silent, other = (
        make_referral(partner=one),
        make_referral(partner=one),
        make_referral(partner=two),
    )
    later = now + timedelta(hours=2)
    session.add_all(
        [message(reached, "out", "delivered", later), message(reached, "in", "received", later)]
    )
    silent.returnee.unreachable_flagged_at = later  # the escalation ended without an answer
    change_status(session, reached, Status.CONFIRMED, source=Source.RETURNEE_REPLY, now=later)
    session.commit()

    result = runner.invoke(export_cli, ["referrals"])
    assert result.exit_code == 0, result.output
    exported = rows(result.stdout)
    assert list(exported[0]) == list(REFERRAL_COLUMNS)
    by_reference = {row["reference"]: row for row in exported}
    assert set(by_reference) == {reached.reference, silent.reference, other.reference}
    first = by_reference[reached.reference]
    assert (first["status"], first["delivered"], first["replied"], first["unreachable"]) == (
        "confirmed",
        "yes",
        "yes",
        "no",
    )
    assert (
        first["last_delivered_at"] == later.isoformat()
        and first["last_reply_at"] == later.isoformat()
    )
    assert first["last_notice_kind"] and first["last_notice_state"] == "planned"
    assert (
        first["case_reference"] == reached.returnee.case_reference and first["partner"] == one.name
    )
    second = by_reference[silent.reference]
    assert (second["delivered"], second["replied"], second["unreachable"]) == ("no", "no", "yes")
    assert (second["flags"], second["stalled"]) == ("unreachable", "no")
    assert first["flags"] == ""

    confirmed = rows(runner.invoke(export_cli, ["referrals", "--status", "confirmed"]).stdout)
    assert [row["reference"] for row in confirmed] == [reached.reference]
    by_partner = rows(runner.invoke(export_cli, ["referrals", "--partner", str(two.id)]).stdout)
    assert [row["reference"] for row in by_partner] == [other.reference]
    for name in (two.name, two.name.upper(), f" {two.display_name} "):
        named = rows(runner.invoke(export_cli, ["referrals", "--partner", name]).stdout)
        assert [row["reference"] for row in named] == [other.reference], name
    unknown = runner.invoke(export_cli, ["referrals", "--partner", "No Such Centre"])
    assert unknown.exit_code == 2 and "no partner named 'No Such Centre'" in unknown.output
    since = rows(
        runner.invoke(
            export_cli, ["referrals", "--updated-since", (now + timedelta(hours=1)).isoformat()]
        ).stdout
    )
    assert [row["reference"] for row in since] == [reached.reference]


def test_the_events_feed_is_exported_and_filtered(
    runner: FlaskCliRunner, session: Session, now: datetime, make_referral: Callable[..., Referral]
) -> None:
    first, second = make_referral(), make_referral()
    change_status(
        session, second, Status.DECLINED, source=Source.RETURNEE_REPLY, now=now, note="=1+2"
    )
    session.commit()
    exported = rows(runner.invoke(export_cli, ["events"]).stdout)
    assert [(r["referral_reference"], r["old_status"], r["new_status"]) for r in exported] == [
        (first.reference, "", "referred"),
        (second.reference, "", "referred"),
        (second.reference, "referred", "declined"),
    ]
    assert exported[-1]["note"] == "'=1+2"  # a spreadsheet must not run it as a formula
    declined = rows(runner.invoke(export_cli, ["events", "--status", "declined"]).stdout)
    assert [r["referral_reference"] for r in declined] == [second.reference]
    after = rows(runner.invoke(export_cli, ["events", "--after", exported[1]["event_id"]]).stdout)
    assert len(after) == 1


def test_the_console_downloads_the_same_exports(
    client_as: Callable[..., FlaskClient],
    make_referral: Callable[..., Referral],
    make_partner: Callable[..., Partner],
) -> None:
    partner = make_partner()
    referral = make_referral(partner=partner)
    manager = client_as("manager")
    assert manager.get("/export").status_code == 200
    response = manager.get("/export/referrals.csv", query_string={"status": "referred"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert [row["reference"] for row in rows(response.get_data(as_text=True))] == [
        referral.reference
    ]
    none = manager.get("/export/referrals.csv", query_string={"status": "enrolled"})
    assert rows(none.get_data(as_text=True)) == []
    events = manager.get("/export/events.csv", query_string={"partner_id": partner.id})
    assert [row["new_status"] for row in rows(events.get_data(as_text=True))] == ["referred"]
    partner_client = client_as("partner", partner_id=partner.id)
    assert partner_client.get("/export/referrals.csv").status_code == 403
