"""Erasure: a returnee's personal data leaves every table, the programme's figures stay."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from markupsafe import escape
from sqlalchemy import JSON, String, Text, func, select
from sqlalchemy.orm import Session

from smsgateway.cli.privacy import returnees_cli
from smsgateway.db import Base
from smsgateway.dispatch import dispatch_due_notices
from smsgateway.loop.standing import flag_counts, reach_report
from smsgateway.models import (
    AccessLogEntry,
    Erasure,
    FeedbackItem,
    FeedbackNote,
    Followup,
    Message,
    Notice,
    Partner,
    Referral,
    Returnee,
    ReviewItem,
    Suppression,
)
from smsgateway.referrals import Source, Status, close_referral, create_referral
from smsgateway.replies.inbound import InboundMessage, receive_message
from smsgateway.returnees import PhoneInput, register_returnee
from smsgateway.runtime import Runtime

OWN, PROXY = "+221771234567", "+221779876543"
FIRST, LAST, PROXY_NAME = "Zenabou", "Quaresma", "Ousmanezz Proxyname"
CASE, PLACE, NOTE = "CASE-ZX-9", "Rue Zanzibar 12", "moved to Thiesvillezz"
REPLY = "je viendrai avec ma soeur Khadijazz"
VISIT, COMPLAINT_NOTE, REVIEW_NOTE = (
    "visited Rue Zanzibarzz, she works nights",
    "called Zenabou back about Khadijazz",
    "Zenabou explained by phone, nothing to do",
)


def text_values(session: Session) -> list[tuple[str, str, str]]:
    """(table, column, value) of every text and JSON cell of every table."""
    found = []
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if not columns:
            continue
        for row in session.execute(select(*columns)):
            for column, value in zip(columns, row, strict=True):
                if value is not None:
                    found.append((table.name, column.name, str(value)))
    return found


def figures(session: Session, now: datetime) -> tuple[Any, ...]:
    """What the dashboard counts: statuses, per partner, reach, flags, messages."""
    statuses = dict(
        session.execute(select(Referral.status, func.count()).group_by(Referral.status)).all()
    )
    per_partner = session.execute(
        select(Referral.partner_id, Referral.status, func.count())
        .group_by(Referral.partner_id, Referral.status)
        .order_by(Referral.partner_id, Referral.status)
    ).all()
    reach = reach_report(session, now=now, age=timedelta(0))
    messages = session.execute(
        select(Message.direction, Message.delivery_status, func.count()).group_by(
            Message.direction, Message.delivery_status
        )
    ).all()
    return (
        statuses,
        per_partner,
        (reach.referrals, reach.known_outcome, reach.flagged_only, reach.silent),
        flag_counts(session),
        sorted(messages),
    )


def dashboard_page(client: FlaskClient) -> str:
    """The manager's overview, without its form token (signed with the time)."""
    page = client.get("/manager/").get_data(as_text=True)
    return re.sub(r'name="csrf_token" value="[^"]*"', "", page)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def app_overrides(tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, Any]:
    """Every erasure test on both databases."""
    url = request.getfixturevalue("pg_url") if request.param == "postgres" else ""
    overrides = {"instance_path": tmp_path / "instance", "env": "test", "scheduler": False}
    return {**overrides, **({"database_url": url} if url else {})}


@pytest.fixture
def world(
    session: Session,
    runtime: Runtime,
    now: datetime,
    make_partner: Callable[..., Partner],
    make_returnee: Callable[..., Returnee],
) -> dict[str, Any]:
    """A returnee with two numbers, referrals with sent notices, replies, a note, an opt-out;
    and a neighbour who must keep everything."""
    partner = make_partner()
    neighbour = make_returnee(first_name="Neighbourina")
    returnee = register_returnee(
        session,
        now,
        case_reference=CASE,
        first_name=FIRST,
        last_name=LAST,
        language="fr",
        time_zone="Africa/Dakar",
        region="SN",
        phones=[
            PhoneInput(OWN),
            PhoneInput(PROXY, is_proxy=True, relation="soeur", proxy_name=PROXY_NAME),
        ],
    )
    programme = runtime.programme
    referral = create_referral(
        session,
        now,
        returnee=returnee,
        partner=partner,
        service_category="vocational_training",
        created_by="caseworker",
        programme=programme,
        appointment_at=now + timedelta(days=10),
        appointment_place=PLACE,
    )
    other = create_referral(
        session,
        now,
        returnee=returnee,
        partner=partner,
        service_category="vocational_training",
        created_by="caseworker",
        programme=programme,
    )
    theirs = create_referral(
        session,
        now,
        returnee=neighbour,
        partner=partner,
        service_category="vocational_training",
        created_by="caseworker",
        programme=programme,
    )
    session.commit()
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=now)
    later = now + timedelta(minutes=5)
    with runtime.db.transaction() as tx:
        receive_message(tx, InboundMessage(OWN, REPLY), now=later, settings=runtime.settings)
        receive_message(tx, InboundMessage(PROXY, "STOP"), now=later, settings=runtime.settings)
        found = tx.get(Referral, other.id)
        assert found is not None
        close_referral(tx, found, source=Source.CASEWORKER, now=later, actor="cw", note=NOTE)
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=later)
    with runtime.db.transaction() as tx:  # the staff's free-text notes about her
        tx.add(Followup(returnee_id=returnee.id, kind="visit", note=VISIT, created_at=later))
        reply = tx.scalar(select(Message).filter_by(body=REPLY))
        assert reply is not None
        item = FeedbackItem(
            message_id=reply.id,
            returnee_id=returnee.id,
            source="feedback_keyword",
            language="fr",
            state="open",
            created_at=later,
        )
        tx.add(item)
        tx.add(FeedbackNote(item=item, author="manager", text=COMPLAINT_NOTE, created_at=later))
        reviewed = tx.scalars(select(ReviewItem).filter_by(returnee_id=returnee.id)).first()
        assert reviewed is not None, "her unclear reply is waiting for review"
        reviewed.note = REVIEW_NOTE
    return {
        "returnee": returnee,
        "referral": referral,
        "neighbour": neighbour,
        "theirs": theirs,
        "later": later + timedelta(minutes=1),
    }


def test_erasing_removes_every_trace_and_keeps_every_figure(
    runner: FlaskCliRunner,
    session: Session,
    runtime: Runtime,
    world: dict[str, Any],
    manager_client: FlaskClient,
) -> None:
    returnee, now = world["returnee"], world["later"]
    bodies = set(
        session.scalars(select(Message.body).where(Message.returnee_id == returnee.id))
    ) - {""}
    assert REPLY in bodies and any(FIRST in body for body in bodies), "the scene sent and got texts"
    assert session.scalar(select(Suppression).filter_by(phone_e164=PROXY)) is not None
    pending = session.scalars(
        select(Notice.id).filter_by(returnee_id=returnee.id, state="planned")
    ).all()
    assert pending, "the appointment's reminders are planned"
    neighbour_before = [v for v in text_values(session) if "Neighbourina" in v[2]]
    before = figures(session, now)
    runtime.clock = lambda: now
    dashboard = dashboard_page(manager_client)

    result = runner.invoke(
        returnees_cli, args=["erase", CASE, "--reason", "request of 2 Dec", "--yes"]
    )
    assert result.exit_code == 0, result.output
    session.expire_all()

    erased = [
        OWN,
        PROXY,
        OWN.lstrip("+"),
        OWN[4:],
        PROXY[4:],
        FIRST,
        LAST,
        PROXY_NAME,
        CASE,
        PLACE,
        NOTE,
        VISIT,
        COMPLAINT_NOTE,
        REVIEW_NOTE,
        *bodies,
    ]
    leaks = [
        (t, c, value) for t, c, cell in text_values(session) for value in erased if value in cell
    ]
    assert leaks == [], leaks
    assert figures(session, now) == before
    assert dashboard_page(manager_client) == dashboard
    assert [v for v in text_values(session) if "Neighbourina" in v[2]] == neighbour_before
    states = set(session.scalars(select(Notice.state).where(Notice.id.in_(pending))))
    assert states == {"cancelled"}

    erasure = session.scalar(select(Erasure))
    assert erasure is not None and erasure.returnee_id == returnee.id
    assert erasure.reason == "request of 2 Dec" and erasure.actor == "command line"
    entry = session.scalar(select(AccessLogEntry).filter_by(event="erase"))
    assert entry is not None and entry.returnee_id == returnee.id and entry.face == "cli"


def test_an_erased_number_texting_again_is_a_stranger(
    runner: FlaskCliRunner, session: Session, runtime: Runtime, world: dict[str, Any]
) -> None:
    result = runner.invoke(returnees_cli, args=["erase", CASE, "--reason", "asked", "--yes"])
    assert result.exit_code == 0, result.output
    with runtime.db.transaction() as tx:
        outcome = receive_message(
            tx, InboundMessage(OWN, "1"), now=world["later"], settings=runtime.settings
        )
    assert outcome.outcome == "unknown_sender"
    message = session.scalar(select(Message).order_by(Message.id.desc()))
    assert message is not None and message.returnee_id is None
    assert session.get(Referral, world["referral"].id).status == Status.REFERRED  # type: ignore[union-attr]


def test_nothing_is_sent_to_an_erased_returnee(
    runner: FlaskCliRunner, session: Session, runtime: Runtime, world: dict[str, Any]
) -> None:
    returnee = world["returnee"]
    runner.invoke(returnees_cli, args=["erase", CASE, "--reason", "asked", "--yes"])
    sent_before = session.scalar(select(func.count()).select_from(Message))
    with runtime.db.transaction() as tx:  # something planned it anyway (a bug elsewhere)
        tx.add(
            Notice(
                kind="referral_followup",
                referral_id=world["referral"].id,
                returnee_id=returnee.id,
                contact_point_id=returnee.contact_points[0].id,
                channel="sms",
                language="fr",
                question="followup",
                due_at=world["later"],
                state="planned",
                created_at=world["later"],
            )
        )
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=world["later"])
    assert session.scalar(select(func.count()).select_from(Message)) == sent_before
    assert session.scalar(select(Notice.state).order_by(Notice.id.desc())) == "cancelled"


def test_erasure_asks_for_a_reason_and_the_case_reference(
    runner: FlaskCliRunner, session: Session, world: dict[str, Any]
) -> None:
    no_reason = runner.invoke(returnees_cli, args=["erase", CASE, "--reason", " ", "--yes"])
    assert no_reason.exit_code == 1 and "reason" in no_reason.output
    mistyped = runner.invoke(returnees_cli, args=["erase", CASE, "--reason", "x"], input="CASE\n")
    assert mistyped.exit_code == 1 and "does not match" in mistyped.output
    assert session.scalar(select(func.count()).select_from(Erasure)) == 0
    twice = runner.invoke(returnees_cli, args=["erase", CASE, "--reason", "x"], input=f"{CASE}\n")
    assert twice.exit_code == 0, twice.output
    again = runner.invoke(returnees_cli, args=["erase", CASE, "--reason", "x", "--yes"])
    assert again.exit_code == 1 and "no returnee" in again.output


def test_managers_erase_on_the_console_with_confirmation_caseworkers_may_not(
    client_as: Callable[..., FlaskClient],
    form_token: Callable[..., str],
    session: Session,
    world: dict[str, Any],
) -> None:
    returnee = world["returnee"]
    caseworker = client_as("caseworker")
    url = f"/returnees/{returnee.id}/erase"
    refused = caseworker.post(url, data={"csrf_token": form_token(caseworker), "reason": "x"})
    assert refused.status_code == 403
    manager = client_as("manager")
    page = manager.get(f"/returnees/{returnee.id}/data").get_data(as_text=True)
    assert FIRST in page and REPLY in page and 'id="erase-form"' in page
    for note in (VISIT, COMPLAINT_NOTE, REVIEW_NOTE):  # everything held is shown, notes too
        assert str(escape(note)) in page, note
    token = form_token(manager)
    wrong = manager.post(url, data={"csrf_token": token, "confirmation": "CASE", "reason": "asked"})
    assert wrong.status_code == 303
    assert session.scalar(select(func.count()).select_from(Erasure)) == 0
    done = manager.post(
        url,
        data={"csrf_token": token, "confirmation": CASE, "reason": "asked by phone"},
        follow_redirects=True,
    )
    page = done.get_data(as_text=True)
    assert done.status_code == 200 and FIRST not in page and 'id="erased"' in page
    erasure = session.scalar(select(Erasure))
    assert erasure is not None and erasure.actor == manager.user.username  # type: ignore[attr-defined]
