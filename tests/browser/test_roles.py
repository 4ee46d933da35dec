"""Each role logs in through the browser and lands on its own start page (English and French).

Screenshots of every start page, at desktop width and at 375 px, in English and in French, go to
`tests/browser/screenshots/` (git-ignored) for a person to look at.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from smsgateway.demo import DEMO_USERS, seed_demo, seed_demo_users
from smsgateway.runtime import Runtime

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
HEADINGS = {
    ("admin", "en"): "Accounts",
    ("manager", "en"): "Overview",
    ("caseworker", "en"): "Today",
    ("partner", "en"): "Our referrals",
    ("admin", "fr"): "Comptes",
    ("manager", "fr"): "Vue d'ensemble",
    ("caseworker", "fr"): "Aujourd'hui",
    ("partner", "fr"): "Nos orientations",
}
WIDTHS = {"desktop": 1280, "phone": 375}


class LoginPage:
    """Page object for the login form."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url

    def log_in(self, username: str, password: str) -> None:
        self.page.goto(self.base_url + "/")
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        self.page.click("#login")
        self.page.wait_for_load_state("load")  # the stylesheet too, before measuring widths

    def log_out(self) -> None:
        self.page.click("#logout")


@pytest.fixture
def demo(runtime: Runtime, now: datetime) -> None:
    with runtime.db.transaction() as tx:
        seed_demo(tx, now, programme=runtime.programme)
        seed_demo_users(tx, now)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_role_logs_in_and_sees_its_start_page(
    browser_page: Callable[..., Any], live_url: str, demo: None, language: str
) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    for username, password, role in DEMO_USERS:
        for size, width in WIDTHS.items():
            page = browser_page(locale=language, width=width)
            login = LoginPage(page, live_url)
            login.log_in(username, password)
            heading = page.inner_text("h1")
            assert heading == HEADINGS[(role, language)], f"{role} ({language}) sees {heading!r}"
            assert page.eval_on_selector("html", "e => e.lang") == language
            # Nothing wider than the screen but the tables, which scroll inside their frame.
            overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
            assert not overflow, f"{role} ({language}, {size}): the page scrolls sideways"
            page.screenshot(path=str(SCREENSHOTS / f"{role}-{language}-{size}.png"), full_page=True)
            login.log_out()
            assert page.inner_text("h1") in ("Log in", "Se connecter")
            page.context.close()


def test_a_wrong_password_shows_the_message_and_no_page(
    browser_page: Callable[..., Any], live_url: str, demo: None, session: Session
) -> None:
    page = browser_page(locale="en", width=375)
    LoginPage(page, live_url).log_in("caseworker", "not the password")
    assert "Wrong username or password." in page.inner_text("main")
    page.goto(live_url + "/referrals")
    assert page.inner_text("h1") == "Log in"
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "login-wrong-password-phone.png"), full_page=True)
