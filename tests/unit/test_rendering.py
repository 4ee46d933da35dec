"""Rendering notices: language chosen from the fallback chain, SMS budget facts, discretion."""

from __future__ import annotations

import shutil
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from smsgateway.cli.content import SAMPLE_SENSITIVE_PARTNER, sample_context
from smsgateway.content import voice
from smsgateway.content.catalogs import load_catalog, read_catalog, write_catalog
from smsgateway.content.encoding import GSM7, UCS2, normalize_for_gsm7
from smsgateway.content.languages import fallback_chain, supported_codes
from smsgateway.content.rendering import (
    KINDS,
    MISSING,
    NEEDS_REVIEW,
    REVIEWED,
    RenderError,
    render_message,
    template_blocks,
)
from smsgateway.paths import locales_dir
from smsgateway.referrals import SENSITIVE_CATEGORIES

ZONE = "Africa/Dakar"
SENSITIVE_LABELS = {
    "medical": "medical care",
    "mental_health": "mental health",
    "psychosocial": "psychosocial support",
    "protection": "protection",
    "gbv": "gender-based violence support",
    "trafficking": "support for victims of trafficking",
}
BIDI_CONTROLS = {"\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"}


def render(kind: str, code: str, channel: str = "sms", **options: object) -> object:
    is_sensitive = bool(options.pop("is_sensitive", False))
    context = {**sample_context(is_sensitive=is_sensitive), **options}
    return render_message(
        kind,
        channel=channel,
        languages=fallback_chain(code),
        time_zone=ZONE,
        is_sensitive=is_sensitive,
        context=context,
    )


@pytest.fixture
def locales_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of locales/ that a test may break."""
    copy = tmp_path / "locales"
    shutil.copytree(locales_dir(), copy, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setenv("SMSGATEWAY_LOCALES_DIR", str(copy))
    return copy


def test_french_reminder_stays_one_gsm7_segment_after_normalisation() -> None:
    rendered = render("appointment_reminder", "fr")
    assert (rendered.encoding, rendered.segments, rendered.language) == (GSM7, 1, "fr")
    assert "mardi 1 décembre à 10:00" in rendered.text


def test_arabic_reminder_stays_ucs2_and_keeps_the_translation_intact() -> None:
    rendered = render("appointment_reminder", "ar")
    options = read_catalog("ar")["Reply 1 to confirm, 2 cannot come, 3 new date."].string
    assert rendered.encoding == UCS2
    assert rendered.segments <= 3
    assert rendered.text.splitlines()[-1] == options
    assert not BIDI_CONTROLS.intersection(rendered.text)
    assert unicodedata.bidirectional(rendered.text[0]) == "AL"


def test_sms_text_is_what_goes_on_the_wire() -> None:
    rendered = render("ack_opted_in", "fr")
    assert "arrêter" not in rendered.text  # ê is folded so the SMS stays GSM-7
    assert "arreter" in rendered.text
    assert rendered.chars == len(rendered.text)


def test_voice_renders_have_no_sms_facts_and_read_the_options() -> None:
    rendered = render("appointment_reminder", "en", channel="voice")
    assert (rendered.encoding, rendered.segments) == ("", 0)
    assert "Press 1 to confirm" in rendered.text
    assert "10 in the morning" in rendered.text
    assert "R 1 0 0 1" in rendered.text


def test_whatsapp_uses_the_sms_wording() -> None:
    sms = render("attendance_check", "pt")
    whatsapp = render("attendance_check", "pt", channel="whatsapp")
    assert whatsapp.text == sms.text


def test_reviewed_and_unreviewed_catalogs_report_their_state() -> None:
    assert render("ack_confirmed", "en").catalog_state == REVIEWED
    assert render("ack_confirmed", "fr").catalog_state == NEEDS_REVIEW


def test_bulk_text_missing_in_a_language_falls_back_and_records_the_language() -> None:
    rendered = render("bulk_information", "wo", texts={"fr": "Le bureau est fermé vendredi."})
    assert rendered.language == "fr"
    assert rendered.catalog_state == MISSING
    assert rendered.text == "Le bureau est fermé vendredi."


def test_missing_translation_falls_back_along_the_chain(locales_copy: Path) -> None:
    catalog = read_catalog("wo")
    del catalog["Reply 1 to confirm, 2 cannot come, 3 new date."]
    write_catalog("wo", catalog)
    rendered = render("appointment_reminder", "wo")
    assert (rendered.language, rendered.catalog_state) == ("fr", MISSING)
    assert "Répondez 1 pour confirmer" in rendered.text


def test_recorded_language_without_recording_is_voiced_by_its_fallback() -> None:
    rendered = render("appointment_reminder", "wo", channel="voice")
    assert rendered.language == "fr"


def test_no_language_in_the_chain_raises() -> None:
    with pytest.raises(RenderError):
        render_message("ack_help", channel="sms", languages=["xx"], time_zone=ZONE)


def test_unknown_kind_and_channel_are_refused() -> None:
    with pytest.raises(ValueError, match="kind"):
        render_message("nonsense", channel="sms", languages=["en"], time_zone=ZONE)
    with pytest.raises(ValueError, match="channel"):
        render_message("ack_help", channel="fax", languages=["en"], time_zone=ZONE)


def forbidden_words(code: str) -> set[str]:
    """Sensitive category labels in English and in the language, plus the partner's real name."""
    translations = load_catalog(code).translations
    words = {SAMPLE_SENSITIVE_PARTNER, *SENSITIVE_CATEGORIES, *SENSITIVE_LABELS.values()}
    words |= {translations.gettext(label) for label in SENSITIVE_LABELS.values()}
    return {w.casefold() for w in words} | {normalize_for_gsm7(w).casefold() for w in words}


def test_the_forbidden_list_catches_a_service_label_when_not_sensitive() -> None:
    rendered = render("referral_created", "fr", service="mental_health")
    assert any(word in rendered.text.casefold() for word in forbidden_words("fr"))


@pytest.mark.parametrize("code", supported_codes())
def test_sensitive_referrals_never_name_the_service_or_the_partner(code: str) -> None:
    forbidden = forbidden_words(code)
    for kind in KINDS:
        for channel in ("sms", "voice"):
            if channel not in template_blocks(kind):
                continue
            for category in SENSITIVE_CATEGORIES:
                rendered = render(kind, code, channel=channel, is_sensitive=True, service=category)
                text = rendered.text.casefold()
                found = [word for word in forbidden if word in text]
                assert not found, f"{kind}/{channel}/{code} names {found}"


def test_every_kind_has_an_sms_or_voice_block() -> None:
    for kind in KINDS:
        assert {"sms", "voice"} & set(template_blocks(kind)), kind


def test_recorded_language_with_its_recording_is_voiced_in_that_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recording = tmp_path / "wo" / "appointment_reminder.mp3"
    recording.parent.mkdir()
    recording.write_bytes(b"ID3")
    monkeypatch.setenv("SMSGATEWAY_VOICE_RECORDINGS_DIR", str(tmp_path))
    rendered = render("appointment_reminder", "wo", channel="voice")
    plan = voice.plan_voice("wo", "appointment_reminder")
    assert rendered.language == "wo"
    assert plan is not None
    assert (plan.mode, plan.recording) == ("recorded", recording)


def test_tts_languages_are_planned_with_their_twilio_voice() -> None:
    plan = voice.plan_voice("fr", "appointment_reminder")
    assert plan is not None
    assert (plan.mode, plan.tts_language, plan.tts_voice) == ("tts", "fr-FR", "Polly.Lea")
    assert voice.tts_fallback("ps") == "en"


def test_imported_service_labels_follow_the_language_of_each_message_in_every_thread() -> None:
    """The service labels come from a macro imported once per template, not per message: each
    message still shows them in its own language, whichever thread renders it and whatever
    language was rendered just before."""

    def label_in(code: str) -> str:
        return str(render("referral_created", code).text)

    assert "formation professionnelle" in label_in("fr")
    assert "vocational training" in label_in("en")
    assert "formation professionnelle" in label_in("fr")

    codes = ["fr", "en"] * 20
    with ThreadPoolExecutor(max_workers=4) as pool:
        texts = list(pool.map(label_in, codes))
    for code, text in zip(codes, texts, strict=True):
        expected = "formation professionnelle" if code == "fr" else "vocational training"
        assert expected in text, (code, text)
