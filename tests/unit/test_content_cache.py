"""Content cache: templates and catalogs are read once per process, until the content commands
say the content changed, in this process or in another one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from smsgateway.cli.content import sample_context
from smsgateway.content import cache
from smsgateway.content.cache import RECHECK_SECONDS, generation_path, refresh_if_changed
from smsgateway.content.catalogs import compile_catalogs, po_path
from smsgateway.content.rendering import render_message
from smsgateway.paths import locales_dir, message_templates_dir

SMSGATEWAY = str(Path(sys.executable).with_name("smsgateway"))
OPTIONS_FR = "Répondez 1 pour confirmer, 2 si empêché, 3 autre date."
NEW_OPTIONS_FR = "Tapez 1 pour confirmer, 2 si empêché, 3 autre date."


@pytest.fixture
def content_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Private copies of locales/ and templates/messages/, so a test may change them."""
    shutil.copytree(locales_dir(), tmp_path / "locales", ignore=shutil.ignore_patterns("*.mo"))
    shutil.copytree(message_templates_dir(), tmp_path / "messages")
    monkeypatch.setenv("SMSGATEWAY_LOCALES_DIR", str(tmp_path / "locales"))
    monkeypatch.setenv("SMSGATEWAY_MESSAGE_TEMPLATES_DIR", str(tmp_path / "messages"))
    return tmp_path


def reminder_fr() -> str:
    return render_message(
        "appointment_reminder",
        channel="sms",
        languages=["fr"],
        time_zone="Africa/Dakar",
        context=sample_context(),
    ).text


def edit_po_by_hand(old: str, new: str) -> None:
    path = po_path("fr")
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_a_rendered_template_is_not_read_again_from_disk(content_copy: Path) -> None:
    first = reminder_fr()
    (content_copy / "messages" / "appointment_reminder.txt").unlink()
    for path in (content_copy / "locales" / "fr" / "LC_MESSAGES").iterdir():
        path.unlink()
    assert reminder_fr() == first


def test_a_catalog_edited_by_hand_is_used_after_i18n_compile(content_copy: Path) -> None:
    assert "Répondez 1 pour confirmer" in reminder_fr()
    edit_po_by_hand(OPTIONS_FR, NEW_OPTIONS_FR)
    assert "Répondez 1 pour confirmer" in reminder_fr(), "read again before any content command"
    compile_catalogs(["fr"])
    assert "Tapez 1 pour confirmer" in reminder_fr()


def test_moving_the_content_folder_never_serves_the_old_one(
    content_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit_po_by_hand(OPTIONS_FR, NEW_OPTIONS_FR)
    assert "Tapez 1 pour confirmer" in reminder_fr()
    monkeypatch.delenv("SMSGATEWAY_LOCALES_DIR")
    assert "Répondez 1 pour confirmer" in reminder_fr()


def test_another_process_is_heard_at_the_next_look_and_not_before(
    content_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "RECHECK_SECONDS", 3600.0)  # no look while the test runs
    assert "Répondez 1 pour confirmer" in reminder_fr()
    edit_po_by_hand(OPTIONS_FR, NEW_OPTIONS_FR)
    generation_path().touch()  # what the content commands do in another process
    assert "Répondez 1 pour confirmer" in reminder_fr(), "cached until the next look"
    refresh_if_changed(clock=lambda: time.monotonic() + 3600.0)
    assert "Tapez 1 pour confirmer" in reminder_fr()


@pytest.mark.slow
def test_i18n_compile_in_another_process_reaches_this_one(content_copy: Path) -> None:
    assert "Répondez 1 pour confirmer" in reminder_fr()
    edit_po_by_hand(OPTIONS_FR, NEW_OPTIONS_FR)
    subprocess.run(
        [SMSGATEWAY, "i18n", "compile"], env=dict(os.environ), check=True, capture_output=True
    )
    refresh_if_changed(clock=lambda: time.monotonic() + RECHECK_SECONDS)
    assert "Tapez 1 pour confirmer" in reminder_fr()
