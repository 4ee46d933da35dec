"""The dashboard's journeys in Chromium: a manager reads the figures and downloads the funnel; a
manager follows up an unreachable returnee with a new number; a partner records an enrolment
and an ineligibility, and the caseworker sees the alert. The Unreachable page, with many people
flagged, on a 375 px phone.

Each runs in English on a desktop and in French on a 375 px phone; screenshots of every step go
to `tests/browser/screenshots/` (git-ignored).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.dashboard import DashboardFilter, funnel, funnel_total, last_days
from smsgateway.demo import DEMO_PARTNER_NAME, seed_demo, seed_demo_users
from smsgateway.demo_history import seed_demo_history
from smsgateway.models import ContactPoint, Partner, Referral, Returnee, User
from smsgateway.reachability import UNREACHABLE, flag_unreachable, set_reachability
from smsgateway.referrals import SILENT, Source, Status, change_status
from smsgateway.runtime import Runtime

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
RUNS = [("en", 1280, "desktop"), ("fr", 375, "phone")]


@pytest.fixture
def demo(runtime: Runtime, now: datetime) -> None:
    """The demo with 60 past referrals, and Moussa (SN-2026-0002) flagged unreachable."""
    runtime.clock = lambda: now
    with runtime.db.transaction() as tx:
        seed_demo(tx, now, programme=runtime.programme)
        seed_demo_users(tx, now)
        seed_demo_history(tx, now, programme=runtime.programme, settings=runtime.settings, count=60)
        moussa = tx.scalar(select(Returnee).filter_by(case_reference="SN-2026-0002"))
        assert moussa is not None
        flag_unreachable(tx, moussa, reason="escalation_exhausted", now=now)


def open_as(
    browser_page: Callable[..., Any], live_url: str, user: str, language: str, width: int
) -> Any:
    page = browser_page(locale=language, width=width)
    page.goto(live_url + "/")
    page.fill("#username", user)
    page.fill("#password", f"demo-{user}")
    page.click("#login")
    page.wait_for_load_state("load")
    return page


def snap(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, f"{name}: the page scrolls sideways"
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize(("language", "width", "size"), RUNS)
def test_a_manager_reads_the_dashboard_and_downloads_the_funnel(
    browser_page: Callable[..., Any],
    live_url: str,
    demo: None,
    session: Session,
    now: datetime,
    language: str,
    width: int,
    size: str,
) -> None:
    page = open_as(browser_page, live_url, "manager", language, width)
    page.click("#nav-overview")
    assert page.is_visible("#chart-funnel") and page.is_visible("#chart-weeks")
    assert page.locator("#table-funnel tbody tr").count() >= 2
    snap(page, f"dashboard-{language}-{size}")
    with page.expect_download() as download:
        page.click("#csv-funnel")
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    assert rows[0][:3] == ["partner", "service", "referred"]
    expected = funnel_total(funnel(session, DashboardFilter(last_days(now, 90, "Africa/Dakar"))))
    assert rows[-1][:3] == ["", "", str(expected.referred)]  # all of them, each counted once
    assert expected.referred == sum(int(row[2]) for row in rows[1:-1]) > 5
    page.select_option("#partner", label=DEMO_PARTNER_NAME)
    page.click("#apply-filters")
    page.wait_for_load_state("load")
    assert DEMO_PARTNER_NAME in page.inner_text("#table-funnel")
    assert "Caritas" not in page.inner_text("#table-funnel")
    snap(page, f"dashboard-partner-{language}-{size}")
    page.context.close()


@pytest.mark.parametrize(("language", "width", "size"), RUNS)
def test_a_manager_follows_up_an_unreachable_returnee_with_a_new_number(
    browser_page: Callable[..., Any],
    live_url: str,
    demo: None,
    session: Session,
    now: datetime,
    language: str,
    width: int,
    size: str,
) -> None:
    # A second flagged person, whose every referral has an outcome: listed for information,
    # folded under its count.
    settled = session.scalars(
        select(Referral)
        .join(Returnee)
        .where(Referral.status == Status.REFERRED, Returnee.case_reference != "SN-2026-0002")
        .order_by(Referral.id)
    ).first()
    assert settled is not None
    theirs = session.scalars(select(Referral).filter_by(returnee_id=settled.returnee_id))
    for referral in theirs.all():
        if referral.status in SILENT:
            change_status(session, referral, Status.ENROLLED, source=Source.PARTNER_SMS, now=now)
    flag_unreachable(session, settled.returnee, reason="escalation_exhausted", now=now)
    session.commit()
    folded = f"#followup-{settled.returnee.case_reference}"

    page = open_as(browser_page, live_url, "manager", language, width)
    page.click("#nav-unreachable")
    assert page.is_visible("#definition")
    assert page.locator(folded).count() == 1 and not page.is_visible(folded)
    page.click("#for-information-list summary")
    expect(page.locator(f"{folded} button.record-number")).to_be_visible()
    snap(page, f"unreachable-unfolded-{language}-{size}")
    article = page.locator("#followup-SN-2026-0002")
    caseworker = session.scalar(select(User).filter_by(username="caseworker"))
    assert caseworker is not None
    article.locator("select.assignee").select_option(str(caseworker.id))
    article.locator("button.assign").click()
    page.wait_for_load_state("load")
    assert "caseworker" in page.locator("#followup-SN-2026-0002 .assigned").inner_text()
    snap(page, f"unreachable-{language}-{size}")
    article = page.locator("#followup-SN-2026-0002")
    article.locator("input.number").fill("77 555 12 34")
    article.locator("button.record-number").click()
    page.wait_for_load_state("load")
    assert page.locator("#followup-SN-2026-0002").count() == 0
    assert "SN-2026-0002" in page.inner_text(".flash")
    snap(page, f"unreachable-after-{language}-{size}")
    moussa = session.scalar(select(Returnee).filter_by(case_reference="SN-2026-0002"))
    assert moussa is not None and moussa.unreachable_flagged_at is None
    own = session.scalar(select(ContactPoint).filter_by(returnee_id=moussa.id, is_proxy=False))
    assert own is not None and (own.phone_e164, own.reachability) == ("+221775551234", "reachable")
    page.context.close()


# Words of the visible text in `main` that the layout broke across two lines (a break inside a
# word, not at a space, hyphen or slash): what a column squeezed to nothing does to its cells.
WORDS_BROKEN_ACROSS_LINES = r"""() => {
  const broken = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('select, option')) continue;
    for (const word of node.textContent.matchAll(/[^\s\/\u002d\u2010-\u2014]+/g)) {
      const range = document.createRange();
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      const rects = [...range.getClientRects()].filter((rect) => rect.width > 0);
      if (new Set(rects.map((rect) => Math.round(rect.top))).size > 1) broken.push(word[0]);
    }
  }
  return broken;
}"""


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_unreachable_page_reads_on_a_phone(
    browser_page: Callable[..., Any],
    live_url: str,
    demo: None,
    session: Session,
    now: datetime,
    language: str,
) -> None:
    # Besides the demo history's flagged people, Moussa and three more, their numbers unreachable
    # so that the table of numbers has rows too; every referral of the first has an outcome, so
    # that person is listed apart, folded.
    others = session.scalars(
        select(Returnee)
        .where(Returnee.unreachable_flagged_at.is_(None))
        .order_by(Returnee.id)
        .limit(3)
    ).all()
    flagged = [*others, session.scalar(select(Returnee).filter_by(case_reference="SN-2026-0002"))]
    for referral in session.scalars(select(Referral).filter_by(returnee_id=others[0].id)).all():
        if referral.status in SILENT:
            change_status(session, referral, Status.ENROLLED, source=Source.PARTNER_SMS, now=now)
    for returnee in flagged:
        assert returnee is not None
        flag_unreachable(session, returnee, reason="escalation_exhausted", now=now)
        for point in session.scalars(select(ContactPoint).filter_by(returnee_id=returnee.id)):
            set_reachability(session, point, UNREACHABLE, "escalation_exhausted", now=now)
    session.commit()

    page = open_as(browser_page, live_url, "manager", language, 375)
    page.click("#nav-unreachable")
    page.wait_for_load_state("load")
    page.click("#for-information-list summary")
    expect(page.locator(f"#followup-{others[0].case_reference}")).to_be_visible()
    people = page.locator("article.followup")
    assert people.count() >= 10
    assert page.locator("#unreachable tbody tr").count() >= len(flagged)
    width = page.evaluate("window.innerWidth")
    height = page.evaluate("window.innerHeight")
    for index in range(people.count()):
        person = people.nth(index)
        buttons = person.locator("button")
        assert buttons.count() >= 3  # assign, record a visit or call, record a new number
        for button in buttons.all():
            expect(button).to_be_visible()
            box = button.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        # a person's facts and the forms to act on them fit on one screen of the phone
        card = person.bounding_box()
        assert card is not None and card["height"] <= height, person.get_attribute("id")
    assert page.evaluate(WORDS_BROKEN_ACROSS_LINES) == []
    snap(page, f"unreachable-many-{language}-phone")
    page.context.close()


@pytest.mark.parametrize(("language", "width", "size"), RUNS)
def test_a_partner_records_an_enrolment_and_an_ineligibility_and_the_caseworker_is_alerted(
    browser_page: Callable[..., Any],
    live_url: str,
    demo: None,
    session: Session,
    language: str,
    width: int,
    size: str,
) -> None:
    centre = session.scalar(select(Partner).filter_by(name=DEMO_PARTNER_NAME))
    assert centre is not None
    ours = session.scalars(
        select(Referral).filter_by(partner_id=centre.id, status="referred").order_by(Referral.id)
    ).all()
    others = session.scalars(select(Referral.reference).where(Referral.partner_id != centre.id))
    page = open_as(browser_page, live_url, "partner", language, width)
    listed = page.inner_text("#referrals")
    assert all(r.reference in listed for r in ours)
    assert not any(reference in listed for reference in others)
    snap(page, f"partner-{language}-{size}")

    enrolled, ineligible = ours[0], ours[1]
    page.click(f"a:text-is('{enrolled.reference}')")
    page.select_option("#outcome", "enrolled")
    page.click("#report")
    # the answer page may not have started loading when the click returns: wait for its text
    expect(page.locator("#status")).to_have_text("enrolled")
    page.goto(f"{live_url}/partner/referrals/{ineligible.reference}")
    page.select_option("#outcome", "ineligible")
    page.select_option("#reason", "age")
    page.fill("#note", "over 35")
    page.click("#report")
    # the answer page may not have started loading when the click returns: wait for its text
    expect(page.locator("#status")).to_have_text("ineligible")
    assert "age: over 35" in page.inner_text("#events")
    snap(page, f"partner-ineligible-{language}-{size}")
    page.click("#logout")
    page.context.close()

    page = open_as(browser_page, live_url, "caseworker", language, width)
    # the caseworker's front page lists the referral to re-orient (the shipped programme queues
    # no review item for a partner's report)
    alert = page.locator(
        "#reorientation li.item", has=page.locator(f"a:text-is('{ineligible.reference}')")
    )
    expect(alert).to_have_count(1)
    word = "not eligible" if language == "en" else "non éligible"
    assert word in alert.inner_text().lower()
    snap(page, f"caseworker-alert-{language}-{size}")
    page.context.close()
