"""Click commands for notice wording: `messages render|check`, `i18n extract|update|compile|check`.

`smsgateway.cli` registers `messages_cli` and `i18n_cli`. `messages check` renders every template in
every supported language with realistic sample values and fails on a render error, a missing
translation with no fallback, a broken placeholder or a message over its segment budget; its
table is copied into docs/messages.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import click

from smsgateway.content import voice
from smsgateway.content.catalogs import (
    compile_catalogs,
    extract_pot,
    keywords_path,
    placeholder_problems,
    po_path,
    pot_is_stale,
    update_catalogs,
)
from smsgateway.content.console_catalogs import (
    compile_console_catalogs,
    console_catalog_problems,
    extract_console_pot,
    update_console_catalogs,
)
from smsgateway.content.languages import (
    fallback_chain,
    load_languages,
    normalize_code,
    supported_codes,
)
from smsgateway.content.rendering import (
    KINDS,
    Rendered,
    RenderError,
    render_message,
    segment_budget,
    template_blocks,
)
from smsgateway.loop.partner_questions import partner_words

SAMPLE_TIME_ZONE = "Africa/Dakar"
SAMPLE_APPOINTMENT_AT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # a Tuesday
SAMPLE_CALL_AT = datetime(2026, 12, 2, 14, 30, tzinfo=UTC)
SAMPLE_PARTNER = "Jokko Training Centre"
# For a sensitive referral the caller passes the partner's neutral display name, never the real one.
SAMPLE_NEUTRAL_PARTNER = "Centre Keur Yaay"
SAMPLE_SENSITIVE_PARTNER = "Clinique Espoir Santé Mentale"
SAMPLE_BULK_TEXTS = {
    "en": "The office is closed on Friday 4 December. Appointments go ahead as planned.",
    "fr": "Le bureau est fermé le vendredi 4 décembre. Les rendez-vous sont maintenus.",
    "pt": "O escritório está fechado na sexta-feira, 4 de dezembro. As consultas mantêm-se.",
    "es": "La oficina está cerrada el viernes 4 de diciembre. Las citas se mantienen.",
    "ar": "المكتب مغلق يوم الجمعة 4 ديسمبر. المواعيد قائمة كما هو مخطط.",
}


def sample_context(*, is_sensitive: bool = False) -> dict[str, object]:
    """Realistic values for every context key, as the dispatcher would pass them."""
    partner = SAMPLE_NEUTRAL_PARTNER if is_sensitive else SAMPLE_PARTNER
    return {
        "first_name": "Awa",
        "partner_name": partner,
        "service": "mental_health" if is_sensitive else "vocational_training",
        "place": "12 Rue Carnot, Dakar",
        "appointment_at": SAMPLE_APPOINTMENT_AT,
        "reference": "R1001",
        "call_at": SAMPLE_CALL_AT,
        "proxy_for": "Awa",
        "texts": SAMPLE_BULK_TEXTS,
        "office_phone": "+221 33 800 00 00",
        "results": [
            {"reference": "R1001", "outcome": "recorded", "reason": ""},
            {"reference": "R1002", "outcome": "refused", "reason": "unknown_reference"},
            {"reference": "R1003", "outcome": "refused", "reason": "other_partner"},
            {"reference": "R1004", "outcome": "already_recorded", "reason": ""},
        ],
        "referrals": [
            {
                "reference": "R1001",
                "partner_name": partner,
                "appointment_at": SAMPLE_APPOINTMENT_AT,
                "person": "Awa D.",
            },
            {
                "reference": "R1003",
                "partner_name": "Centre Bokk Jom",
                "appointment_at": None,
                "person": "Moussa F.",
            },
        ],
        "reminder": False,
        "example": "R1001 08/12 10:00",
        "digit": "1",
        "partner_words": partner_words(supported_codes()),
    }


def render_sample(
    kind: str, code: str, *, channel: str = "sms", is_sensitive: bool = False
) -> Rendered:
    """Render a kind with the sample values through the language's own fallback chain."""
    return render_message(
        kind,
        channel=channel,
        languages=fallback_chain(code),
        time_zone=SAMPLE_TIME_ZONE,
        is_sensitive=is_sensitive,
        context=sample_context(is_sensitive=is_sensitive),
    )


def channels_of(kind: str) -> list[str]:
    """The channels a template has a block for (WhatsApp shares SMS's)."""
    blocks = template_blocks(kind)
    return [channel for channel in ("sms", "voice") if channel in blocks]


@dataclass(frozen=True)
class CheckRow:
    """One line of the `messages check` table."""

    language: str
    template: str
    encoding: str
    segments: str
    budget: str
    used: str
    catalog_state: str
    voice: str
    errors: tuple[str, ...]
    over_budget: str

    @property
    def problems(self) -> tuple[str, ...]:
        return (*self.errors, self.over_budget) if self.over_budget else self.errors


def check_template(kind: str, code: str) -> CheckRow:
    """Render one template in one language (both variants, every channel) and judge it."""
    errors: list[str] = []
    sms: list[Rendered] = []
    spoken: Rendered | None = None
    for channel in channels_of(kind):
        for is_sensitive in (False, True):
            try:
                rendered = render_sample(kind, code, channel=channel, is_sensitive=is_sensitive)
            except RenderError as error:
                errors.append(f"no translation and no fallback: {error}")
                continue
            except Exception as error:  # any template failure is a finding to report, not a crash
                errors.append(f"render error ({channel}): {type(error).__name__}: {error}")
                continue
            if channel == "sms":
                sms.append(rendered)
            elif not is_sensitive:
                spoken = rendered
    budget = segment_budget(kind, code)
    worst = max(sms, key=lambda r: r.segments, default=None)
    over_budget = ""
    if worst is not None and budget is not None and worst.segments > budget:
        over_budget = f"{worst.segments} segments, budget {budget}"
    first = worst or spoken
    return CheckRow(
        language=code,
        template=kind,
        encoding=worst.encoding if worst else "-",
        segments=str(worst.segments) if worst else "-",
        budget=str(budget) if budget is not None else "-",
        used=first.language if first else "-",
        catalog_state=first.catalog_state if first else "-",
        voice=_voice_summary(kind, code, spoken),
        errors=tuple(errors),
        over_budget=over_budget,
    )


def _voice_summary(kind: str, code: str, spoken: Rendered | None) -> str:
    if "voice" not in channels_of(kind):
        return "-"
    plan = voice.plan_voice(code, kind)
    if plan is not None:
        return "recorded" if plan.mode == "recorded" else f"tts {plan.tts_language}"
    return "recording missing: no call"


def check_rows(codes: Iterable[str] | None = None) -> list[CheckRow]:
    """Every template in every language (or the given ones)."""
    return [check_template(kind, code) for code in codes or load_languages() for kind in KINDS]


def format_table(rows: list[CheckRow]) -> str:
    """The check table as Markdown, so docs/messages.md can hold it verbatim."""
    header = (
        "| language | template | encoding | segments | budget | used | catalog state | voice |",
        "|---|---|---|---|---|---|---|---|",
    )
    lines = [
        f"| {r.language} | {r.template} | {r.encoding} | {r.segments} | {r.budget} | {r.used} "
        f"| {r.catalog_state} | {r.voice} |"
        for r in rows
    ]
    return "\n".join([*header, *lines])


def format_recordings() -> str:
    """Missing voice recordings per language and the TTS language speaking meanwhile."""
    missing: dict[str, int] = {}
    for code, _kind, _path in voice.missing_recordings(recorded_kinds()):
        missing[code] = missing.get(code, 0) + 1
    lines = ["| language | missing recordings | meanwhile |", "|---|---|---|"]
    for code, count in missing.items():
        lines.append(f"| {code} | {count} of {len(recorded_kinds())} | no call until recorded |")
    return "\n".join(lines)


def recorded_kinds() -> list[str]:
    """Every recording a recorded language needs: the voiced templates, one per answer key."""
    voiced = [k for k in KINDS if k != voice.CONFIRM_KIND and "voice" in channels_of(k)]
    return voice.script_kinds(voiced)


def voice_scripts(code: str) -> list[tuple[str, Path, bool, str]]:
    """(recording, expected path, whether it exists, script) for each recording of a language.

    The script is the template's voice wording in the language (or the first of its fallback
    chain with a translation), read with sample values: a recording names nobody and no date, so
    the speaker says those in general words (templates/voice/README.md)."""
    rows = []
    for name in recorded_kinds():
        kind, context = name, sample_context()
        if name.startswith(voice.CONFIRM_KIND + "_"):
            kind, context = voice.CONFIRM_KIND, {**context, "digit": name.rsplit("_", 1)[1]}
        rendered = render_message(
            kind,
            channel="voice",
            languages=fallback_chain(code),
            time_zone=SAMPLE_TIME_ZONE,
            context=context,
            require_voice=False,
        )
        path = voice.recording_path(code, name)
        rows.append((name, path, path.is_file(), f"[{rendered.language}] {rendered.text}"))
    return rows


messages_cli = click.Group("messages", help="Render and check notice wording.")


def known_language(
    _ctx: click.Context, _param: click.Parameter, value: str | tuple[str, ...]
) -> str | tuple[str, ...]:
    """A `--lang` value must be a shipped language (exit 2 naming them), not a silent English."""
    known = load_languages()
    for code in (value,) if isinstance(value, str) else value:
        if normalize_code(code) not in known:
            raise click.BadParameter(
                f"unknown language {code!r}; known: {', '.join(known)}", param_hint="'--lang'"
            )
    return value


@messages_cli.command("render")
@click.argument("kind", type=click.Choice(KINDS))
@click.option(
    "--lang",
    "code",
    default="en",
    show_default=True,
    callback=known_language,
    help="Recipient language.",
)
@click.option("--sensitive", is_flag=True, help="Render the discreet variant.")
@click.option(
    "--channel",
    type=click.Choice(["sms", "whatsapp", "voice"]),
    default="sms",
    show_default=True,
)
def render_command(kind: str, code: str, sensitive: bool, channel: str) -> None:
    """Print one sample render of KIND followed by its encoding, segments and language."""
    try:
        rendered = render_sample(kind, code, channel=channel, is_sensitive=sensitive)
    except RenderError as error:
        raise click.ClickException(str(error)) from error
    click.echo(rendered.text)
    click.echo(
        f"encoding={rendered.encoding or '-'} segments={rendered.segments} "
        f"chars={rendered.chars} language={rendered.language}"
    )


@messages_cli.command("voice-script")
@click.option(
    "--lang", "code", required=True, callback=known_language, help="The language to record."
)
@click.option("--missing", is_flag=True, help="Only the recordings still missing.")
def voice_script_command(code: str, missing: bool) -> None:
    """List the scripts to record for a language: file, whether it exists, the words to say.

    Calls in a language are placed only once its recordings exist (a text-to-speech language
    needs none); drop each file at the path shown and the next call plays it."""
    language = load_languages()[normalize_code(code)]
    if language.voice != "recorded":
        click.echo(f"{language.code} is spoken by text-to-speech: nothing to record.")
        return
    for name, path, exists, script in voice_scripts(language.code):
        if missing and exists:
            continue
        click.echo(f"{name}  ({'recorded' if exists else 'missing'}: {path})")
        click.echo(f"    {script}")


@messages_cli.command("check")
@click.option(
    "--lang",
    "codes",
    multiple=True,
    callback=known_language,
    help="Only these languages (default: all).",
)
def check_command(codes: tuple[str, ...]) -> None:
    """Render every template in every language; fail on errors or over-budget messages."""
    rows = check_rows(codes or None)
    click.echo(format_table(rows))
    click.echo()
    click.echo(format_recordings())
    problems = [f"{r.language}/{r.template}: {p}" for r in rows for p in r.problems]
    for code in codes or load_languages():
        if po_path(code).exists():
            problems += placeholder_problems(code)
    _finish(problems)


i18n_cli = click.Group("i18n", help="Extract, update, compile and check translation catalogs.")


@i18n_cli.command("extract")
def extract_command() -> None:
    """Extract the notices' wording (messages.pot) and the console's (console.pot)."""
    click.echo(f"wrote {extract_pot()}")
    click.echo(f"wrote {extract_console_pot()}")


@i18n_cli.command("update")
def update_command() -> None:
    """Merge each .pot into every language's catalog of its domain (creating missing ones)."""
    for path in [*update_catalogs(), *update_console_catalogs()]:
        click.echo(f"updated {path}")


@i18n_cli.command("compile")
def compile_command() -> None:
    """Compile every catalog, notices' and console's, into its .mo file (fuzzy left out)."""
    for path in [*compile_catalogs(), *compile_console_catalogs()]:
        click.echo(f"compiled {path}")


@i18n_cli.command("check")
def i18n_check_command() -> None:
    """Fail when a .pot is stale, a catalog or keyword file is missing, a render breaks, or the
    console lacks a translation."""
    problems: list[str] = []
    if pot_is_stale():
        problems.append("locales/messages.pot is stale: run `smsgateway i18n extract`")
    for code in load_languages():
        problems += _language_problems(code)
    problems += console_catalog_problems()
    _finish(problems)


def _language_problems(code: str) -> list[str]:
    problems = []
    if not po_path(code).exists():
        return [f"{code}: no catalog at {po_path(code)}"]
    if not keywords_path(code).exists():
        problems.append(f"{code}: no reply keywords at {keywords_path(code)}")
    problems += placeholder_problems(code)
    for kind in KINDS:
        problems += [f"{code}/{kind}: {e}" for e in check_template(kind, code).errors]
    return problems


def _finish(problems: list[str]) -> None:
    for problem in problems:
        click.echo(f"FAIL {problem}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo("ok")
