"""How each language is voiced: Twilio text-to-speech, or recorded audio files per template.

Languages with `voice = "tts"` in `locales/languages.toml` are spoken by Twilio `<Say>` with the
configured `tts_language` and `tts_voice`. Languages with `voice = "recorded"` are played from
`templates/voice/<code>/<kind>.mp3` (see `templates/voice/README.md`, and `smsgateway messages
voice-script --lang wo` for the scripts to record).

**A call speaks only a language the person understands**: one of their own languages (the
notice's language and the returnee's recorded languages, never the programme's fallback chain)
with a recording or a text-to-speech voice for the notice. A question also needs the key-press
confirmation in that language (`voice_confirm_key`: text-to-speech, or one recording per key,
`voice_confirm_key_1.mp3` ...). When no language qualifies, no call is placed: the notice goes
by SMS (`smsgateway.dispatch.prepare`), and an escalation or a task skips its voice step.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smsgateway.content.languages import (
    fallback_chain,
    get_language,
    load_languages,
    normalize_code,
)
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


def missing_recordings(kinds: Sequence[str]) -> list[tuple[str, str, Path]]:
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


#: The template said after a key press, and the keys a question's answer may use.
CONFIRM_KIND = "voice_confirm_key"
ANSWER_KEYS = ("1", "2", "3")


def confirm_recording(key: str) -> str:
    """The recording name of the key-press confirmation for one key (`voice_confirm_key_1`)."""
    return f"{CONFIRM_KIND}_{key}"


def can_confirm_keys(code: str) -> bool:
    """Whether a key press can be repeated back in a language: TTS, or every key's recording."""
    language = get_language(code)
    if language is None:
        return False
    if language.voice == "recorded":
        return all(
            recording_path(language.code, confirm_recording(key)).is_file() for key in ANSWER_KEYS
        )
    return has_tts(language.code)


def call_language(languages: Iterable[str], kind: str, *, is_question: bool) -> str | None:
    """The first of `languages` (the person's own) in which a call can carry `kind` (and, for a
    question, repeat a key press back); None when no call should be placed."""
    for requested in languages:
        code = normalize_code(requested)
        if code and can_speak(code, kind) and (not is_question or can_confirm_keys(code)):
            return code
    return None


def own_languages(notice_language: str, returnee: Any) -> list[str]:
    """The languages a person understands, as far as their record says: the notice's language
    and the returnee's own chain (preferred, then the languages recorded for them)."""
    chain = [notice_language, *(returnee.language_chain if returnee is not None else ())]
    return list(dict.fromkeys(code for code in chain if code))


def can_call(notice: Any) -> bool:
    """Whether a notice to a returnee may go as a call: a language they understand can voice it.

    A notice without a returnee (nobody's language is on record) keeps its channel."""
    if notice.returnee is None:
        return True
    languages = own_languages(notice.language, notice.returnee)
    return call_language(languages, notice.kind, is_question=bool(notice.question)) is not None


def script_kinds(kinds: Sequence[str]) -> list[str]:
    """The recordings a recorded language needs: each voiced template, and one confirmation per
    answer key."""
    return [*kinds, *(confirm_recording(key) for key in ANSWER_KEYS)]
