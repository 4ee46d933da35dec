"""The `messages` and `i18n` commands, run through click's test runner."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from smsgateway.cli.content import check_rows, format_table, i18n_cli, messages_cli
from smsgateway.content.catalogs import read_catalog, write_catalog
from smsgateway.content.formatting import locale_data_hint
from smsgateway.content.languages import supported_codes
from smsgateway.content.rendering import KINDS
from smsgateway.paths import locales_dir

FACTS = re.compile(r"^encoding=(GSM-7|UCS-2|-) segments=(\d+) chars=(\d+) language=(\w+)$")


@pytest.fixture
def locales_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of locales/ that a test may break."""
    copy = tmp_path / "locales"
    shutil.copytree(locales_dir(), copy, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setenv("SMSGATEWAY_LOCALES_DIR", str(copy))
    return copy


def test_render_prints_the_sample_then_its_facts() -> None:
    result = CliRunner().invoke(messages_cli, ["render", "appointment_reminder", "--lang", "fr"])
    assert result.exit_code == 0, result.output
    *text, facts = result.output.strip().splitlines()
    match = FACTS.match(facts)
    assert match is not None, facts
    assert match.groups()[0::3] == ("GSM-7", "fr")
    assert int(match.group(2)) == 1
    assert int(match.group(3)) == len("\n".join(text))


def test_render_sensitive_in_arabic_is_ucs2() -> None:
    args = ["render", "appointment_reminder", "--lang", "ar", "--sensitive"]
    result = CliRunner().invoke(messages_cli, args)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith("encoding=UCS-2 ")


def test_render_voice_reports_no_segments() -> None:
    args = ["render", "attendance_check", "--lang", "en", "--channel", "voice"]
    result = CliRunner().invoke(messages_cli, args)
    assert result.exit_code == 0, result.output
    text, facts = result.output.strip().splitlines()
    assert "Press 1 for yes." in text
    assert facts == f"encoding=- segments=0 chars={len(text)} language=en"


@pytest.mark.parametrize("command", ["render ack_help", "check"])
def test_an_unknown_language_exits_2_naming_the_known_ones(command: str) -> None:
    result = CliRunner().invoke(messages_cli, [*command.split(), "--lang", "xx"])
    assert result.exit_code == 2
    assert "unknown language 'xx'; known: en, fr, ar," in result.output
    assert all(code in result.output for code in supported_codes())


def test_a_regional_tag_of_a_known_language_renders_in_it() -> None:
    result = CliRunner().invoke(messages_cli, ["render", "ack_help", "--lang", "fr-SN"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("language=fr")


def test_check_passes_and_lists_every_template_in_every_language() -> None:
    result = CliRunner().invoke(messages_cli, ["check"])
    assert result.exit_code == 0, result.output
    rows = [line.split("|") for line in result.output.splitlines() if line.startswith("| ")]
    table = [row for row in rows if row[2].strip() in KINDS]
    assert len(table) == len(KINDS) * len(supported_codes())
    assert "no call until recorded" in result.output
    assert "recording missing: no call" in result.output


def test_check_fails_on_a_broken_placeholder(locales_copy: Path) -> None:
    catalog = read_catalog("es")
    catalog["Hello %(name)s."].string = "Hola %(nombre)s."
    write_catalog("es", catalog)
    result = CliRunner().invoke(messages_cli, ["check", "--lang", "es"])
    assert result.exit_code == 1
    assert "nombre" in result.output


def test_check_fails_on_a_message_over_its_budget(locales_copy: Path) -> None:
    catalog = read_catalog("fr")
    catalog["Reply 1 to confirm, 2 cannot come, 3 new date."].string = (
        "Répondez 1 pour confirmer votre présence, 2 si vous ne pouvez pas venir, "
        "3 pour demander une autre date."
    )
    write_catalog("fr", catalog)
    result = CliRunner().invoke(messages_cli, ["check", "--lang", "fr"])
    assert result.exit_code == 1
    assert "fr/appointment_reminder" in result.output
    assert "budget 1" in result.output


def test_i18n_check_passes_on_the_shipped_catalogs() -> None:
    result = CliRunner().invoke(i18n_cli, ["check"])
    assert result.exit_code == 0, result.output


def test_i18n_check_fails_when_a_language_lacks_its_keywords(locales_copy: Path) -> None:
    (locales_copy / "ka" / "keywords.toml").unlink()
    result = CliRunner().invoke(i18n_cli, ["check"])
    assert result.exit_code == 1
    assert "ka: no reply keywords" in result.output


def test_i18n_compile_writes_every_catalog(locales_copy: Path) -> None:
    result = CliRunner().invoke(i18n_cli, ["compile"])
    assert result.exit_code == 0, result.output
    assert len(list(locales_copy.glob("*/LC_MESSAGES/messages.mo"))) == len(supported_codes())


def test_i18n_update_keeps_the_shipped_catalogs_unchanged(locales_copy: Path) -> None:
    before = {p: p.read_bytes() for p in locales_copy.glob("*/LC_MESSAGES/messages.po")}
    result = CliRunner().invoke(i18n_cli, ["update"])
    assert result.exit_code == 0, result.output
    assert {p: p.read_bytes() for p in before} == before, locale_data_hint()


def test_docs_hold_the_current_check_table() -> None:
    docs = Path(__file__).parents[2] / "docs" / "messages.md"
    assert format_table(check_rows()) in docs.read_text(encoding="utf-8"), (
        "refresh the table in docs/messages.md from `smsgateway messages check`"
    )


def test_voice_script_lists_what_to_record_and_sees_a_dropped_recording(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMSGATEWAY_VOICE_RECORDINGS_DIR", str(tmp_path))
    (tmp_path / "wo").mkdir()
    (tmp_path / "wo" / "attendance_check.mp3").write_bytes(b"ID3")

    result = CliRunner().invoke(messages_cli, ["voice-script", "--lang", "wo"])

    assert result.exit_code == 0, result.output
    assert f"appointment_reminder  (missing: {tmp_path / 'wo' / 'appointment_reminder.mp3'})" in (
        result.output
    )
    assert "attendance_check  (recorded:" in result.output
    assert "voice_confirm_key_2  (missing:" in result.output
    assert "Bësal 1" in result.output  # the Wolof words to say
    missing = CliRunner().invoke(messages_cli, ["voice-script", "--lang", "wo", "--missing"])
    assert "attendance_check" not in missing.output
    spoken = CliRunner().invoke(messages_cli, ["voice-script", "--lang", "fr"])
    assert "text-to-speech: nothing to record" in spoken.output
