"""A caseworker watches a reminder reach a phone and answers it in the simulator, in Chromium."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.demo import seed_demo, seed_demo_users
from smsgateway.dispatch import dispatch_due_notices
from smsgateway.models import Notice, Referral
from smsgateway.runtime import Runtime

pytestmark = pytest.mark.browser


class SimulatorPage:
    """Page object for the phone simulator."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    def open_from_console(self, username: str, password: str) -> None:
        self.page.goto(self.base_url + "/")
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        self.page.click("#login")
        self.page.click("#nav-simulator")

    def choose_contact(self, name: str) -> None:
        self.page.get_by_role("navigation", name="Contacts").get_by_text(name).click()

    def thread_text(self) -> str:
        return str(self.page.inner_text("#thread"))

    def reply(self, text: str) -> None:
        self.page.fill("#reply-body", text)
        self.page.click("#reply-send")


def test_reminder_answered_from_the_simulator_confirms_the_referral(
    page: Any, live_url: str, runtime: Runtime, session: Session, now: datetime
) -> None:
    with runtime.db.transaction() as tx:
        seed_demo(tx, now, programme=runtime.programme)
        seed_demo_users(tx, now)
    referral = session.scalar(select(Referral).filter_by(reference="R1002"))
    assert referral is not None
    reminder = session.scalars(
        select(Notice).filter_by(referral_id=referral.id, kind="appointment_reminder")
    ).first()
    assert reminder is not None
    runtime.clock = lambda: reminder.due_at
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=reminder.due_at)

    simulator = SimulatorPage(page, live_url)
    simulator.open_from_console("caseworker", "demo-caseworker")
    simulator.choose_contact("Moussa")
    assert "R1002" in simulator.thread_text()
    simulator.reply("1")

    assert "R1002" in simulator.thread_text()
    page.goto(f"{live_url}/referrals/R1002")
    assert page.get_attribute("#status", "data-status") == "confirmed"
    assert "by returnee's reply" in page.inner_text("#timeline")
