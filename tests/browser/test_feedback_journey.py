"""Issue 20's journey in Chromium: a returnee answers "3" and why on the phone simulator, a
manager sees it on the satisfaction page and in the complaints, closes it, the returnee gets the
closing message; the partner sees only its own aggregate.

Screenshots go to `tests/browser/screenshots/` (git-ignored) for a person to look at.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.demo import DEMO_PARTNER_NAME, seed_demo, seed_demo_users
from smsgateway.dispatch import dispatch_due_notices
from smsgateway.models import Partner, Referral
from smsgateway.notices import NoticeKind, plan_notice
from smsgateway.referrals import create_referral
from smsgateway.replies.inbound import InboundMessage, receive_message
from smsgateway.returnees import PhoneInput, register_returnee
from smsgateway.runtime import Runtime

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).parent / "screenshots"
REASON = "Personne ne m'a appelé depuis l'inscription"


class Console:
    """Page object: log in, move between pages, take screenshots."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    def log_in(self, username: str, password: str) -> None:
        self.page.goto(self.base_url + "/login")
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        self.page.click("#login")

    def log_out(self) -> None:
        self.page.context.clear_cookies()

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"feedback_{name}.png"), full_page=True)

    def answer_on_the_simulator(self, contact: str, text: str) -> str:
        self.page.click("#nav-simulator")
        self.page.get_by_role("navigation", name="Contacts").get_by_text(contact).click()
        self.page.fill("#reply-body", text)
        self.page.click("#reply-send")
        return str(self.page.inner_text("#thread"))


def ask_satisfaction(runtime: Runtime, session: Session, reference: str, now: datetime) -> None:
    referral = session.scalar(select(Referral).filter_by(reference=reference))
    assert referral is not None
    with runtime.db.transaction() as tx:
        found = tx.get(Referral, referral.id)
        assert found is not None
        plan_notice(
            tx,
            kind=NoticeKind.SATISFACTION_QUESTION,
            returnee=found.returnee,
            referral=found,
            due_at=now,
            now=now,
        )
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=now)


def five_satisfied_returnees(runtime: Runtime, now: datetime) -> None:
    """Five more returnees of the demo partner answer "1": its aggregate may now be shown."""
    with runtime.db.transaction() as tx:
        partner = tx.scalar(select(Partner).filter_by(name=DEMO_PARTNER_NAME))
        assert partner is not None
        for n in range(5):
            returnee = register_returnee(
                tx,
                now,
                case_reference=f"SAT-{n}",
                first_name=f"Awa{n}",
                language="fr",
                time_zone="Africa/Dakar",
                region="SN",
                phones=[PhoneInput(f"+22177555000{n}")],
            )
            referral = create_referral(
                tx,
                now,
                returnee=returnee,
                partner=partner,
                service_category="vocational_training",
                created_by="demo",
            )
            plan_notice(
                tx,
                kind=NoticeKind.SATISFACTION_QUESTION,
                returnee=returnee,
                referral=referral,
                due_at=now,
                now=now,
            )
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=now)
    for n in range(5):
        with runtime.db.transaction() as tx:
            inbound = InboundMessage(f"+22177555000{n}", "1")
            receive_message(tx, inbound, now=now + timedelta(minutes=1), settings=runtime.settings)


def test_a_no_and_its_reason_reach_the_manager_who_closes_it(
    browser_page: Any, live_url: str, runtime: Runtime, session: Session, now: datetime
) -> None:
    with runtime.db.transaction() as tx:
        seed_demo(tx, now, programme=runtime.programme)
        seed_demo_users(tx, now)
    runtime.clock = lambda: now + timedelta(minutes=5)
    ask_satisfaction(runtime, session, "R1002", now)
    five_satisfied_returnees(runtime, now)

    console = Console(browser_page(locale="fr"), live_url)
    console.log_in("manager", "demo-manager")
    thread = console.answer_on_the_simulator("Moussa", "3")
    assert "répondu à vos besoins" in thread and "pourquoi" in thread
    thread = console.answer_on_the_simulator("Moussa", REASON)
    assert "Seuls les responsables du programme" in thread
    console.shot("1_phone_answers")

    console.page.click("#nav-satisfaction")
    partner_row = console.page.locator("#by-partner tr", has_text=DEMO_PARTNER_NAME)
    # asked six times, all answered: five yes and Moussa's no; nobody answered for someone else
    cells = [cell.strip() for cell in partner_row.locator("td").all_inner_texts()]
    assert cells == [DEMO_PARTNER_NAME, "6", "6", "100 %", "83 %", "0 %", "17 %", "0"]
    console.shot("2_manager_satisfaction")

    console.page.click("#nav-feedback")
    assert REASON in console.page.inner_text("#complaints")
    console.page.locator("#complaints a").first.click()
    assert REASON in console.page.inner_text("#complaint-text")
    console.page.fill("#note", "Appelé le centre de formation")
    console.page.click("#note-form button")
    console.page.select_option("#theme", "never_contacted")
    console.page.fill("#close-note", "Le centre rappelle Moussa cette semaine")
    console.page.click("#close-form button")
    assert console.page.inner_text("#complaint-state").startswith("close")
    assert "Appelé le centre" in console.page.inner_text("#notes")
    console.shot("3_manager_closes")
    console.page.click("#nav-satisfaction")
    themes = console.page.inner_text("#themes")
    assert "Jamais contacté\t1" in themes  # the closed complaint's theme, counted once

    console.page.click("#nav-simulator")
    console.page.click("#dispatch")
    thread = console.answer_on_the_simulator("Moussa", "merci")
    assert "ont traité votre message" in thread
    console.shot("4_phone_closing_message")

    console.log_out()
    partner = Console(browser_page(locale="fr"), live_url)
    partner.log_in("partner", "demo-partner")
    partner.page.click("#nav-own-satisfaction")
    table = partner.page.inner_text("#own-satisfaction")
    assert "83 %" in table  # five of six said yes
    text = partner.page.inner_text("main")
    assert REASON not in text and "Moussa" not in text and "Fann" not in text
    partner.shot("5_partner_aggregate")
    assert partner.page.goto(live_url + "/manager/feedback").status == 403
