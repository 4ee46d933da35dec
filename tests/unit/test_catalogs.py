"""Catalogs: complete, placeholders intact, compiled or compiled in memory, review state kept."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from smsgateway.cli.content import sample_context
from smsgateway.content.catalogs import (
    SOURCE_LANGUAGE,
    compile_catalogs,
    load_catalog,
    mo_path,
    placeholder_problems,
    placeholders,
    pot_is_stale,
    pot_path,
    read_catalog,
    repository_root,
    write_catalog,
)
from smsgateway.content.formatting import locale_data_hint
from smsgateway.content.languages import supported_codes
from smsgateway.content.rendering import MISSING, render_message
from smsgateway.paths import locales_dir

TRANSLATED = [code for code in supported_codes() if code != SOURCE_LANGUAGE]
OPTIONS = "Reply 1 to confirm, 2 cannot come, 3 new date."
GREETING = "Hello %(name)s."


@pytest.fixture
def locales_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of locales/ that a test may break or compile."""
    copy = tmp_path / "locales"
    shutil.copytree(locales_dir(), copy, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setenv("SMSGATEWAY_LOCALES_DIR", str(copy))
    return copy


def render_reminder(code: str) -> object:
    return render_message(
        "appointment_reminder",
        channel="sms",
        languages=[code, "en"],
        time_zone="Africa/Dakar",
        context=sample_context(),
    )


def test_pot_matches_the_templates() -> None:
    assert not pot_is_stale(), f"run `smsgateway i18n extract`; {locale_data_hint()}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalog_translates_every_message_of_the_pot(code: str) -> None:
    with pot_path().open("rb") as f:
        template_ids = {m.id for m in read_po(f) if m.id}
    catalog = read_catalog(code)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    assert template_ids - translated == set()


@pytest.mark.parametrize("code", supported_codes())
def test_catalog_keeps_every_placeholder(code: str) -> None:
    assert placeholder_problems(code) == []


def test_a_renamed_placeholder_is_reported_and_not_used(locales_copy: Path) -> None:
    catalog = read_catalog("fr")
    catalog[GREETING].string = "Bonjour %(nom)s."
    write_catalog("fr", catalog)
    assert any("nom" in problem for problem in placeholder_problems("fr"))
    assert render_reminder("fr").language == "en"


def test_a_fuzzy_translation_is_not_used(locales_copy: Path) -> None:
    catalog = read_catalog("pt")
    catalog[OPTIONS].flags.add("fuzzy")
    write_catalog("pt", catalog)
    assert OPTIONS in load_catalog("pt").fuzzy
    rendered = render_reminder("pt")
    assert (rendered.language, rendered.catalog_state) == ("en", MISSING)


def test_needs_review_flag_survives_and_the_translation_is_still_used() -> None:
    catalog = load_catalog("es")
    assert OPTIONS in catalog.needs_review
    assert catalog.translations.gettext(OPTIONS) != OPTIONS


def test_compiled_catalogs_are_read_when_fresh(locales_copy: Path) -> None:
    written = compile_catalogs()
    assert mo_path("fr") in written
    from_mo = load_catalog("fr").translations.gettext(OPTIONS)
    mo_path("fr").unlink()
    from_po = load_catalog("fr").translations.gettext(OPTIONS)
    assert from_mo == from_po == read_catalog("fr")[OPTIONS].string


def test_a_stale_compiled_catalog_is_ignored(locales_copy: Path) -> None:
    compile_catalogs(["fr"])
    catalog = read_catalog("fr")
    catalog[OPTIONS].string = "Répondez 1 oui, 2 non, 3 autre date."
    write_catalog("fr", catalog)
    mo = mo_path("fr")
    older = mo.stat().st_mtime - 60
    os.utime(mo, (older, older))
    assert (
        load_catalog("fr").translations.gettext(OPTIONS) == "Répondez 1 oui, 2 non, 3 autre date."
    )


def test_placeholders_are_found_by_name() -> None:
    assert placeholders("On %(day)s at %(time)s, ref %(reference)s.") == {
        "day",
        "time",
        "reference",
    }


def test_changed_template_wording_makes_the_pot_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "checkout"
    shutil.copytree(repository_root() / "templates" / "messages", root / "templates" / "messages")
    shutil.copy(repository_root() / "babel.cfg", root / "babel.cfg")
    monkeypatch.setenv("SMSGATEWAY_MESSAGE_TEMPLATES_DIR", str(root / "templates" / "messages"))
    assert not pot_is_stale()
    template = root / "templates" / "messages" / "ack_help.txt"
    template.write_text(template.read_text(encoding="utf-8").replace("Office:", "Desk:"))
    assert pot_is_stale()


def test_the_french_console_writes_one_apostrophe() -> None:
    """The French console used the typographic apostrophe (U+2019) in some strings and ' in
    most ("Aujourd\u2019hui" beside "Vue d'ensemble" in one menu): it writes ' everywhere, as
    the notices do."""
    with (locales_dir() / "fr" / "LC_MESSAGES" / "console.po").open("rb") as po:
        catalog = read_po(po)
    curly = [
        message.id
        for message in catalog
        if message.id and any("\u2019" in text for text in _translations(message.string))
    ]
    assert curly == []


def _translations(string: str | tuple[str, ...]) -> tuple[str, ...]:
    return (string,) if isinstance(string, str) else string
