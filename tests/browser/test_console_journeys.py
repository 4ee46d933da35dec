"""A caseworker's day in Chromium: register a returnee with a proxy, refer them and see the
planned notices, move the appointment, answer from the phone simulator, handle the review
queue, send a bulk notice from a CSV file; the same pages in French and at 375 px.

Screenshots go to `tests/browser/screenshots/` (git-ignored) for a person to look at.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.bulk import Cohort, Content, confirm_bulk, create_bulk
from smsgateway.demo import DEMO_USERS, seed_demo, seed_demo_users
from smsgateway.dispatch import dispatch_due_notices
from smsgateway.models import Notice, Referral, Returnee, ReviewItem, Task
from smsgateway.replies.inbound import InboundMessage, receive_message
from smsgateway.runtime import Runtime

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


class Console:
    """Page object for the caseworker's console."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    def log_in(self, username: str = "caseworker") -> None:
        password = next(secret for name, secret, _ in DEMO_USERS if name == username)
        self.page.goto(self.base_url + "/")
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        self.page.click("#login")
        self.page.wait_for_load_state("load")

    def go(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("load")

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"journey-{name}.png"), full_page=True)

    def scrolls_sideways(self) -> bool:
        return bool(self.page.evaluate("document.documentElement.scrollWidth > window.innerWidth"))

    def text(self, selector: str = "main") -> str:
        return str(self.page.inner_text(selector))


@pytest.fixture
def demo(runtime: Runtime, now: datetime) -> None:
    with runtime.db.transaction() as tx:
        seed_demo(tx, now, programme=runtime.programme)
        seed_demo_users(tx, now)
    runtime.clock = lambda: now


@pytest.fixture
def console(browser_page: Callable[..., Any], live_url: str, demo: None) -> Console:
    page = browser_page(locale="en", width=1280)
    console = Console(page, live_url)
    console.log_in()
    return console


def register_mariama(console: Console) -> None:
    console.go("/returnees/new")
    page = console.page
    page.get_by_label("Case reference").fill("SN-2026-0099")
    page.get_by_label("First name").fill("Mariama")
    page.get_by_label("Last name").fill("Sow")
    page.get_by_label("First language").select_option("fr")
    page.get_by_label("Own phone (SMS, WhatsApp or calls)").fill("77 400 11 22")
    page.get_by_label("Proxy's number (a relative or friend)").fill("76 400 33 44")
    page.get_by_label("Relationship").fill("mother")
    page.get_by_label("Proxy's name").fill("Aïssatou")
    page.get_by_label("The proxy agreed to pass messages on").check()
    page.get_by_label("Quiet from").fill("21:00")
    page.get_by_label("Until").fill("07:00")
    console.shot("register-returnee-form")
    page.get_by_role("button", name="Register").click()
    page.wait_for_load_state("load")


def refer_to_training(console: Console, when: datetime) -> str:
    console.page.click("#refer-returnee")
    page = console.page
    page.select_option("select[name=partner_id]", index=1)
    page.select_option("select[name=service_category]", "vocational_training")
    page.get_by_label("Appointment (returnee's local time)").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=appointment_place]", "Pikine")
    page.get_by_role("button", name="Record the referral").click()
    page.wait_for_load_state("load")
    return str(page.url.rsplit("/", 1)[1])


def test_register_refer_see_planned_notices_move_and_answer_from_the_phone(
    console: Console, runtime: Runtime, session: Session, now: datetime
) -> None:
    register_mariama(console)
    assert "Mariama Sow" in console.text("h1")
    assert "mother" in console.text("#contact-points") and "agreed" in console.text(
        "#contact-points"
    )
    console.shot("returnee-page")

    reference = refer_to_training(console, now + timedelta(days=5))
    timeline = console.text("#timeline")
    assert "Planned: Appointment reminder by SMS" in timeline
    assert "Recorded: Referred" in timeline
    console.shot("referral-planned-notices")
    before = timeline

    console.page.get_by_label("New appointment (Africa/Dakar)").fill(
        (now + timedelta(days=9)).strftime("%Y-%m-%dT10:00")
    )
    console.page.get_by_role("button", name="Move appointment").click()
    console.page.wait_for_load_state("load")
    after = console.text("#timeline")
    assert "Appointment moved; its notices are planned again." in console.text("main")
    assert after != before and "Planned: Appointment reminder by SMS" in after
    console.shot("referral-replanned")

    # A reason of spaces passes the browser's check but not the server's: the refusal is shown
    # and the status chosen is still chosen.
    status = console.page.locator("#status-form select[name=status]")
    chosen = status.locator("option").nth(1).get_attribute("value")
    assert chosen
    status.select_option(chosen)
    console.page.locator("#status-form input[name=note]").fill("   ")
    console.page.locator("#status-form button[type=submit]").click()
    console.page.wait_for_load_state("load")
    assert "say why the status changes" in console.text("main").lower()
    assert console.page.locator("#status-form select[name=status]").input_value() == chosen
    console.shot("referral-status-refused")

    referral = session.scalar(select(Referral).filter_by(reference=reference))
    assert referral is not None
    reminder = session.scalars(
        select(Notice)
        .filter_by(referral_id=referral.id, kind="appointment_reminder", state="planned")
        .order_by(Notice.due_at)
    ).first()
    assert reminder is not None
    runtime.clock = lambda: reminder.due_at
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=reminder.due_at)
    console.go("/simulator/")
    console.page.get_by_role("navigation", name="Contacts").get_by_text("Mariama").first.click()
    console.page.fill("#reply-body", "1")
    console.page.click("#reply-send")
    console.page.wait_for_load_state("load")
    console.go(f"/referrals/{reference}")
    timeline = console.text("#timeline")
    assert "Received by SMS" in timeline and "Status: Referred → Confirmed" in timeline
    assert "Sent: Appointment reminder by SMS" in timeline and "delivered" in timeline
    console.shot("referral-after-reply")


def test_review_items_are_applied_and_dismissed(
    console: Console, runtime: Runtime, session: Session, now: datetime
) -> None:
    moussa = session.scalar(select(Returnee).filter_by(first_name="Moussa"))
    assert moussa is not None
    phone = moussa.contact_points[0].phone_e164
    with runtime.db.transaction() as tx:
        for text in ("oui je viens", "merci pour tout", "je suis au marché, à plus tard"):
            receive_message(tx, InboundMessage(phone, text), now=now, settings=runtime.settings)
    console.go("/reviews")
    console.shot("review-queue")
    items = console.page.locator("li.item")
    first = items.filter(has_text="oui je viens")
    reference = session.scalar(
        select(Referral.reference).filter_by(returnee_id=moussa.id).order_by(Referral.id)
    )
    first.get_by_label("It means").select_option("confirm")
    first.get_by_label("Referral (reference)").fill(str(reference).lower())
    first.get_by_role("button", name="Apply").click()
    console.page.wait_for_load_state("load")
    assert "Applied." in console.text("main")

    third = console.page.locator("li.item").filter(has_text="je suis au marché")
    third.get_by_label("How to answer, and how to stop messages").check()
    third.get_by_role("button", name="Send").click()
    console.page.wait_for_load_state("load")
    assert "Answer sent." in console.text("main")

    second = console.page.locator("li.item").filter(has_text="merci pour tout")
    second.get_by_label("Note (why it needs nothing)").fill("A thank-you.")
    second.get_by_role("button", name="Dismiss").click()
    console.page.wait_for_load_state("load")
    assert "Dismissed." in console.text("main")
    console.shot("review-queue-after")
    session.expire_all()
    resolutions = sorted(
        item.resolution for item in session.scalars(select(ReviewItem)) if item.resolved_at
    )
    assert {"applied", "dismissed", "replied"} <= set(resolutions)
    answered = select(Notice).filter_by(kind="ack_help", returnee_id=moussa.id)
    assert session.scalar(answered) is not None


def test_a_bulk_notice_from_a_csv_upload_goes_out_and_completes(
    console: Console, runtime: Runtime, session: Session, now: datetime, tmp_path: Path
) -> None:
    references = list(session.scalars(select(Returnee.case_reference).order_by(Returnee.id)))[:3]
    upload = tmp_path / "cohort.csv"
    upload.write_text("case_reference\n" + "\n".join(references) + "\n", encoding="utf-8")
    console.go("/bulk/")
    console.page.set_input_files("input[name=case_file]", str(upload))
    text_in = lambda name: console.page.get_by_role("textbox", name=name, exact=True)  # noqa: E731
    text_in("French").fill("Le bureau est fermé lundi.")
    text_in("English").fill("The office is closed on Monday.")
    console.shot("bulk-compose")
    console.page.click("#bulk-preview")
    console.page.wait_for_load_state("load")
    assert console.text("#preview-recipients") == "3"
    assert "segment" in console.text("#bulk-groups")
    console.shot("bulk-preview")
    console.page.click("#bulk-confirm")
    console.page.wait_for_load_state("load")
    assert console.text("#progress-planned") == "3"
    console.shot("bulk-progress")
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=now)
    console.page.reload()
    assert console.text("#progress-sent") == "3" and console.text("#progress-delivered") == "3"
    assert console.page.locator("#bulk-done").count() == 1
    console.shot("bulk-done")


PAGES = {
    "front": "/referrals",
    "referral": "/referrals/R1001",
    "referrals": "/referrals/list",
    "returnees": "/returnees/",
    "returnee-form": "/returnees/new",
    "reviews": "/reviews",
    "bulk": "/bulk/",
}
# Pages whose address depends on the data: the returnee page, a bulk notice in preview (a
# draft) and in progress, the phone simulator on a returnee's thread.
DATA_PAGES = ("returnee", "bulk-preview-page", "bulk-progress-page", "simulator")
FRENCH = {
    "front": "Par où commencer",
    "referral": "Chronologie",
    "referrals": "Chercher",
    "returnees": "Enregistrer une personne de retour",
    "returnee-form": "Langues, dans l'ordre",
    "reviews": "À examiner",
    "bulk": "Envois groupés",
    "returnee": "Historique de joignabilité",
    "bulk-preview-page": "Aperçu",
    "bulk-progress-page": "Avancement",
    "simulator": "Simulateur de téléphone",
}


def data_pages(runtime: Runtime, now: datetime, moussa_id: int) -> dict[str, str]:
    """The returnee page, a bulk notice as a draft and one sending, and the simulator; on the
    front page, a partner to call about two referrals."""
    with runtime.db.transaction() as tx:
        moussa = tx.get(Returnee, moussa_id)
        assert moussa is not None
        partner = tx.scalars(select(Referral.partner_id).order_by(Referral.id)).first()
        for referral in tx.scalars(select(Referral).filter_by(partner_id=partner)).all()[:2]:
            tx.add(
                Task(
                    referral_id=referral.id,
                    rule="partner_outcome",
                    anchor_at=now,
                    state="flagged",
                    step=3,
                    due_at=now,
                    flag="awaiting_partner",
                    flagged_at=now,
                    created_at=now,
                )
            )
        cohort = Cohort(case_references=(str(moussa.case_reference),))
        content = Content(texts={"fr": "Le bureau est fermé lundi.", "en": "Closed on Monday."})
        draft = create_bulk(tx, cohort, content, window_start=now, now=now, created_by="cw")
        sending = create_bulk(tx, cohort, content, window_start=now, now=now, created_by="cw")
        confirm_bulk(tx, sending, now=now, programme=runtime.programme)
        return {
            "returnee": f"/returnees/{moussa.id}",
            "bulk-preview-page": f"/bulk/{draft.id}",
            "bulk-progress-page": f"/bulk/{sending.id}",
            "simulator": f"/simulator/?contact={moussa.contact_points[0].id}",
        }


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_console_pages_in_english_and_french_at_desktop_and_phone_width(
    browser_page: Callable[..., Any],
    live_url: str,
    demo: None,
    runtime: Runtime,
    now: datetime,
    language: str,
) -> None:
    with runtime.db.transaction() as tx:
        moussa = tx.scalar(select(Returnee).filter_by(first_name="Moussa"))
        assert moussa is not None
        phone, moussa_id = moussa.contact_points[0].phone_e164, moussa.id
        receive_message(
            tx, InboundMessage(phone, "merci pour tout"), now=now, settings=runtime.settings
        )
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=now)
    pages = PAGES | data_pages(runtime, now, moussa_id)
    assert set(pages) == set(PAGES) | set(DATA_PAGES) == set(FRENCH)
    for width in (1280, 375):
        console = Console(browser_page(locale=language, width=width), live_url)
        console.log_in()
        for name, path in pages.items():
            console.go(path)
            assert console.page.eval_on_selector("html", "e => e.lang") == language
            if language == "fr":
                assert FRENCH[name] in console.text(), f"{name} is not in French"
            if name == "reviews":  # an item with its three forms, not the empty state
                assert console.page.locator("li.item").count() == 1
            if name == "front":  # a partner to call, with its point person's number
                assert console.page.locator("#partner-waits li a[href^='tel:']").count() == 1
            assert not console.scrolls_sideways(), (
                f"{name} ({language}, {width} px) scrolls sideways"
            )
            console.shot(f"{name}-{language}-{width}")
        console.page.context.close()
