"""How each language is voiced: Twilio text-to-speech, or recorded audio files per template.

Languages with `voice = "tts"` in `locales/languages.toml` are spoken by Twilio `<Say>` with the
configured `tts_language` and `tts_voice`. Languages with `voice = "recorded"` are played from
`templates/voice/<code>/<kind>.mp3` (see `templates/voice/README.md`); until a recording exists,
the notice is spoken by text-to-speech in the first language of the language's fallback chain
that has a voice (Wolof → French), and `messages check` lists the missing file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from smsgateway.content.languages import fallback_chain, get_language, load_languages
from smsgateway.paths import message_templates_dir

RECORDING_SUFFIX = ".mp3"


@dataclass(frozen=True)
class VoicePlan:
    """How to voice one template in one language: a recording to play or a TTS language/voice."""

    language: str
    mode: str  # "tts" | "recorded"
    tts_language: str
    tts_voice: str
    recording: Path | None


def recordings_dir() -> Path:
    """The folder of recorded audio, one sub-folder per language code."""
    configured = os.environ.get("SMSGATEWAY_VOICE_RECORDINGS_DIR")
    if configured:
        return Path(configured)
    return message_templates_dir().parent / "voice"


def recording_path(code: str, kind: str) -> Path:
    """Where the recording of a template in a language is expected."""
    return recordings_dir() / code / f"{kind}{RECORDING_SUFFIX}"


def has_tts(code: str) -> bool:
    """Whether Twilio text-to-speech is configured for a language."""
    language = get_language(code)
    return bool(language and language.voice == "tts" and language.tts_language)


def can_speak(code: str, kind: str) -> bool:
    """Whether a template can be voiced in a language: by TTS or by an existing recording."""
    language = get_language(code)
    if language is None:
        return False
    if language.voice == "recorded":
        return recording_path(language.code, kind).is_file()
    return has_tts(language.code)


def plan_voice(code: str, kind: str) -> VoicePlan | None:
    """How `kind` is voiced in `code`, or None when neither a recording nor TTS is available."""
    language = get_language(code)
    if language is None or not can_speak(code, kind):
        return None
    if language.voice == "recorded":
        return VoicePlan(language.code, "recorded", "", "", recording_path(language.code, kind))
    return VoicePlan(language.code, "tts", language.tts_language, language.tts_voice, None)


def tts_fallback(code: str) -> str | None:
    """The language whose TTS speaks for `code` while its recordings are missing."""
    for candidate in fallback_chain(code)[1:]:
        if has_tts(candidate):
            return candidate
    return None


def missing_recordings(kinds: list[str] | tuple[str, ...]) -> list[tuple[str, str, Path]]:
    """(language, kind, expected path) for every recorded language lacking a template's audio."""
    missing = []
    for language in load_languages().values():
        if language.voice != "recorded":
            continue
        for kind in kinds:
            path = recording_path(language.code, kind)
            if not path.is_file():
                missing.append((language.code, kind, path))
    return missing
