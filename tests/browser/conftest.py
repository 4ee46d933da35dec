"""Browser fixtures: the app served on a free local port, and Debian's Chromium via Playwright.

Playwright's own browser download cannot run on these machines; Debian's `chromium` package is
used instead. Without it the browser tests skip, except under CI=true where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def live_url(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's chromium is not installed (apt-get install chromium)")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Any:
    return browser.new_page()


@pytest.fixture
def browser_page(browser: Any) -> Callable[..., Any]:
    """`browser_page(locale="fr", width=375)`: a page in a fresh browser context (no cookies)."""

    def make(locale: str = "en", width: int = 1280) -> Any:
        context = browser.new_context(locale=locale, viewport={"width": width, "height": 800})
        return context.new_page()

    return make
