"""The demo shows the loop whatever the hour it is started at."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsgateway.demo import DEMO_USERS, seed_demo
from smsgateway.dispatch import dispatch_due_notices
from smsgateway.models import Message, Notice, Returnee, User
from smsgateway.runtime import Runtime


def test_demo_started_at_night_still_sends_every_first_notice_and_reminder(
    runtime: Runtime, session: Session
) -> None:
    night = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)  # 23:30 in Dakar: quiet hours
    with runtime.db.transaction() as tx:
        assert seed_demo(tx, night, programme=runtime.programme) == 5
    report = dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=night)
    assert report.deferred == 0
    kinds = session.scalars(select(Message.kind).filter_by(direction="out")).all()
    assert kinds.count("referral_created") == 5
    assert kinds.count("appointment_reminder") == 5


def test_demo_seed_adds_one_account_per_role_and_prints_the_logins(
    app: Flask, runner: FlaskCliRunner, session: Session, log_in: Callable[..., Any]
) -> None:
    from smsgateway.cli.demo import demo_cli

    result = runner.invoke(demo_cli, ["seed"])
    assert result.exit_code == 0, result.output
    accounts = session.scalars(select(User).order_by(User.id)).all()
    assert [a.role for a in accounts] == ["admin", "manager", "caseworker", "partner"]
    assert accounts[-1].partner is not None and "Pikine" in accounts[-1].partner.name
    homes = {"admin": "/users", "manager": "/manager/", "caseworker": "/referrals"}
    homes["partner"] = "/partner/"
    for username, password, role in DEMO_USERS:
        assert f"username {username}" in result.output and f"password {password}" in result.output
        client = app.test_client()
        assert log_in(client, username, password).status_code == 303
        assert client.get("/").headers["Location"] == homes[role]

    again = runner.invoke(demo_cli, ["seed"])  # once only, and the logins are shown again
    assert "data already there" in again.output and "username caseworker" in again.output
    assert session.scalar(select(func.count()).select_from(User)) == len(DEMO_USERS)


def test_the_partner_demo_account_sees_its_centre_referrals_only(
    app: Flask, runner: FlaskCliRunner, log_in: Callable[..., Any]
) -> None:
    from smsgateway.cli.demo import demo_cli

    runner.invoke(demo_cli, ["seed"])
    client = app.test_client()
    log_in(client, "partner", "demo-partner")
    page = client.get("/partner/").get_data(as_text=True)
    assert page.count('class="status"') == 4  # the sensitive referral went to the clinic


def test_the_demo_history_gives_every_dashboard_figure_something_to_show(
    runtime: Runtime, session: Session
) -> None:
    from smsgateway.dashboard import DashboardFilter, build_dashboard, last_days
    from smsgateway.demo_history import seed_demo_history

    now = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    with runtime.db.transaction() as tx:
        seed_demo(tx, now, programme=runtime.programme)
        added = seed_demo_history(
            tx, now, programme=runtime.programme, settings=runtime.settings, count=200
        )
    assert added == 200
    board = build_dashboard(session, DashboardFilter(last_days(now, 180, "Africa/Dakar")), now=now)
    total = board.total
    assert all(total.stages[stage] for stage in ("referred", "confirmed", "enrolled"))
    assert all(total.ends[end] for end in ("ineligible", "declined", "no_show", "unreachable"))
    assert total.ends["dropped_out"] and board.stalled_count and board.enrolment_times
    assert len({row.channel for row in board.delivery}) >= 2
    assert len({row.language for row in board.delivery}) >= 4
    assert any(row.done < row.total for row in board.delivery)
    assert board.replies and board.opt_outs and board.load.open_items
    assert sum(week.referred for week in board.weeks) == 205
    # Nothing of the past is left to send: the simulator shows the live demo.
    planned = session.scalar(
        select(func.count())
        .select_from(Notice)
        .join(Returnee, Returnee.id == Notice.returnee_id)
        .where(Notice.state == "planned", Returnee.case_reference.startswith("HIST-"))
    )
    assert planned == 0
    with runtime.db.transaction() as tx:
        assert (
            seed_demo_history(tx, now, programme=runtime.programme, settings=runtime.settings) == 0
        )
