"""The console speaks the user's language: their stored choice, else the browser's, else English."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from smsgateway.content.console_catalogs import (
    console_catalog_problems,
    console_po_path,
    console_pot_is_stale,
)
from smsgateway.models import Partner, Referral, Returnee
from smsgateway.paths import locales_dir

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}


def test_the_login_page_follows_the_browser_language(client: FlaskClient) -> None:
    french = client.get("/login", headers=FRENCH).get_data(as_text=True)
    assert '<html lang="fr">' in french and "Se connecter" in french
    assert "Mot de passe" in french
    english = client.get("/login", headers={"Accept-Language": "de, en;q=0.5"})
    assert "Log in" in english.get_data(as_text=True)
    default = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in default


def test_a_stored_choice_beats_the_browser(
    client_as: Callable[..., FlaskClient], form_token: Callable[..., str]
) -> None:
    client = client_as("caseworker", language="en")
    page = client.get("/referrals", headers=FRENCH).get_data(as_text=True)
    assert "Needs review" in page and "À examiner" not in page

    response = client.post("/account", data={"csrf_token": form_token(client), "language": "fr"})
    assert response.status_code == 303
    page = client.get("/referrals").get_data(as_text=True)
    assert "À examiner" in page and "Se déconnecter" in page


@pytest.mark.parametrize("code", [403, 404])
def test_error_pages_speak_french(client_as: Callable[..., FlaskClient], code: int) -> None:
    caseworker = client_as("caseworker", language="fr")
    page = caseworker.get({403: "/users", 404: "/nowhere"}[code]).get_data(as_text=True)
    assert f"Erreur {code}" in page


def test_the_console_catalogs_are_complete_and_fresh() -> None:
    assert console_catalog_problems() == []


@pytest.fixture
def locales_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "locales"
    shutil.copytree(locales_dir(), copy, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setenv("SMSGATEWAY_LOCALES_DIR", str(copy))
    return copy


def test_an_untranslated_french_entry_is_reported(locales_copy: Path) -> None:
    path = console_po_path("fr")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('msgstr "Se connecter"', 'msgstr ""'), encoding="utf-8")
    assert "console/fr: not translated: 'Log in'" in console_catalog_problems()


def test_a_new_console_string_makes_the_pot_stale(locales_copy: Path) -> None:
    pot = locales_copy / "console.pot"
    pot.write_text(pot.read_text(encoding="utf-8").replace('msgid "Log out"', 'msgid "Sign out"'))
    assert console_pot_is_stale()


def test_a_moved_line_does_not_make_the_pot_stale(locales_copy: Path) -> None:
    """Locations are not entries: editing a module that raises `InvalidInput` above a message
    moves its line, and the catalog stays fresh."""
    pot = locales_copy / "console.pot"
    text = pot.read_text(encoding="utf-8")
    moved = re.sub(
        r"^(#: smsgateway/users\.py:)(\d+)", lambda m: f"{m[1]}{int(m[2]) + 3}", text, flags=re.M
    )
    assert moved != text
    pot.write_text(moved, encoding="utf-8")
    assert not console_pot_is_stale()


def test_i18n_compile_writes_the_console_catalogs(locales_copy: Path, app: Flask) -> None:
    from smsgateway.cli.content import i18n_cli

    result = app.test_cli_runner().invoke(i18n_cli, ["compile"])
    assert result.exit_code == 0, result.output
    assert (locales_copy / "fr" / "LC_MESSAGES" / "console.mo").exists()


def test_a_label_and_its_value_are_separated_as_the_language_writes_it(
    client_as: Callable[..., FlaskClient], make_referral: Callable[..., object]
) -> None:
    """French puts a non-breaking space before the colon ("Orienté : 1"), English does not."""
    make_referral()
    french = client_as("caseworker", language="fr").get("/referrals").get_data(as_text=True)
    english = client_as("caseworker", language="en").get("/referrals").get_data(as_text=True)
    assert "\u00a0: 1</a>" in french and "\u00a0: 1</a>" not in english
    assert ": 1</a>" in english


def test_a_refusal_speaks_the_console_language(
    client_as: Callable[..., FlaskClient],
    form_token: Callable[..., str],
    make_partner: Callable[..., Partner],
    make_returnee: Callable[..., Returnee],
) -> None:
    """The domain's reasons for refusing an input are in the console's catalog, placeholders
    and all: a French caseworker reads them in French, an English one in English."""
    returnee = make_returnee()
    partner = make_partner(name="Centre de formation", service_categories=["vocational_training"])
    form = {
        "returnee": returnee.case_reference,
        "partner_id": partner.id,
        "service_category": "housing",
    }
    pages = {}
    for language in ("fr", "en"):
        client = client_as("caseworker", language=language)
        response = client.post(
            "/referrals",
            data={"csrf_token": form_token(client), **form},
            follow_redirects=True,
        )
        pages[language] = response.get_data(as_text=True)
    # Services are named as the console names them, not by their codes.
    french = (
        "Centre de formation ne propose pas «\u00a0Logement\u00a0» "
        "(services proposés\u00a0: Formation"
    )
    assert french in pages["fr"]
    assert (
        "Centre de formation does not offer &#39;Housing&#39; (it offers: Vocational"
        in (pages["en"])
    )


def test_a_refusal_without_placeholders_speaks_french(
    client_as: Callable[..., FlaskClient],
    form_token: Callable[..., str],
    make_referral: Callable[..., Referral],
) -> None:
    referral = make_referral()
    client = client_as("caseworker", language="fr")
    response = client.post(
        f"/referrals/{referral.reference}/status",
        data={"csrf_token": form_token(client), "status": "cancelled", "note": ""},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Dites pourquoi le statut change" in page and "say why" not in page.lower()
