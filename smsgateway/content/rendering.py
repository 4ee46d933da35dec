"""Render one notice or acknowledgement in the first language of a fallback chain that has it.

Templates are `templates/messages/<kind>.txt`, one Jinja block per channel (`sms`, `voice`, and
`whatsapp` when it differs from SMS) plus `<channel>_discreet` blocks for sensitive referrals.
Wording sits in `{% trans %}` blocks (trimmed: every stray space costs SMS characters) and is
translated with the language's gettext catalog (see `catalogs`). A language whose catalog lacks
any message the block uses is skipped for the next one in the chain, and the language actually
used is returned so the caller can record it on the message.

What one (kind, channel, language, discretion) needs, its template block, catalog and language
data, is looked up once per process (`render_plan`, see `content.cache`), not per message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, pass_context
from jinja2.runtime import Context
from jinja2.utils import internalcode

from smsgateway.content import voice
from smsgateway.content.cache import content_cache, refresh_if_changed
from smsgateway.content.catalogs import LoadedCatalog, MissingTranslation, load_catalog
from smsgateway.content.encoding import prepare_sms
from smsgateway.content.formatting import format_clock, format_day, format_spoken_time
from smsgateway.content.languages import Language, get_language, normalize_code
from smsgateway.paths import message_templates_dir

CHANNELS = ("sms", "whatsapp", "voice")

NOTICE_KINDS = (
    "referral_created",
    "appointment_reminder",
    "attendance_check",
    "referral_followup",
    "call_announcement",
    "proxy_contact_request",
    "partner_question",
    "partner_date_request",
    "bulk_information",
    "satisfaction_question",
    "satisfaction_reason",
    "feedback_request",
    "feedback_closed",
)
ACKNOWLEDGEMENT_KINDS = (
    "ack_confirmed",
    "ack_declined",
    "ack_reschedule",
    "ack_attended_yes",
    "ack_attended_no",
    "ack_opted_out",
    "ack_opted_in",
    "ack_help",
    "ack_unclear",
    "ack_unclear_stop",
    "ack_needs_confirmation",
    "ack_unknown_sender",
    "ack_received",
    "ack_which_referral",
    "ack_partner_results",
    "ack_satisfaction",
    "ack_feedback",
)
VOICE_KINDS = ("voice_machine_callback", "voice_confirm_key")
KINDS = NOTICE_KINDS + ACKNOWLEDGEMENT_KINDS + VOICE_KINDS

# SMS segment budgets per kind: (GSM-7 language, UCS-2 language). Every segment is paid for, so
# `messages check` fails a sample render over its budget (the reasons are in docs/messages.md).
SEGMENT_BUDGETS: dict[str, tuple[int, int]] = {
    "referral_created": (2, 4),
    "appointment_reminder": (1, 3),
    "attendance_check": (1, 3),
    "referral_followup": (1, 3),
    "call_announcement": (1, 3),
    "proxy_contact_request": (1, 2),
    "partner_question": (3, 6),
    "partner_date_request": (2, 4),
    "bulk_information": (3, 6),
    "ack_confirmed": (1, 2),
    "ack_declined": (1, 2),
    "ack_reschedule": (1, 2),
    "ack_attended_yes": (1, 2),
    "ack_attended_no": (1, 2),
    "ack_opted_out": (1, 2),
    "ack_opted_in": (1, 2),
    "ack_help": (2, 3),
    "ack_unclear": (1, 3),
    "ack_unclear_stop": (1, 3),
    "ack_needs_confirmation": (1, 2),
    "ack_unknown_sender": (1, 2),
    "ack_received": (1, 2),
    "ack_which_referral": (2, 4),
    "ack_partner_results": (2, 4),
    "satisfaction_question": (1, 3),
    "satisfaction_reason": (1, 2),
    "feedback_request": (1, 2),
    "feedback_closed": (1, 3),
    "ack_satisfaction": (1, 2),
    "ack_feedback": (1, 3),
}

REVIEWED = "reviewed"
NEEDS_REVIEW = "needs review"
MISSING = "missing"

# Every context key a template may use; absent ones are None so templates can test them, while
# StrictUndefined still catches a misspelt name.
CONTEXT_KEYS = (
    "first_name",
    "partner_name",
    "service",
    "place",
    "appointment_at",
    "reference",
    "call_at",
    "proxy_for",
    "texts",
    "office_phone",
    "results",
    "referrals",
    "reminder",
    "partner_words",
)


@dataclass(frozen=True)
class Rendered:
    """A message ready for the wire, with the facts recorded on it."""

    text: str  # what goes on the wire (for SMS already passed through prepare_sms)
    language: str  # the language actually used (recorded on the message)
    encoding: str  # "GSM-7" | "UCS-2" for sms/whatsapp; "" for voice
    segments: int  # 0 for voice
    chars: int
    catalog_state: str  # "reviewed" | "needs review" | "missing" (fell back)


class RenderError(LookupError):
    """No language of the chain can render this message."""


@dataclass(frozen=True)
class RenderPlan:
    """What rendering one kind on one channel in one language takes, loaded once per process."""

    template: Template
    block: str
    language: Language
    catalog: LoadedCatalog


def render_message(
    kind: str,
    *,
    channel: str,
    languages: Sequence[str],
    time_zone: str,
    is_sensitive: bool = False,
    context: Mapping[str, object] | None = None,
    require_voice: bool = True,
) -> Rendered:
    """Render `kind` for `channel` in the first language of `languages` that has a translation
    (and, for voice, a recording or a text-to-speech voice, unless `require_voice` is off: the
    script of a recording still to be made)."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    refresh_if_changed()
    for position, requested in enumerate(languages):
        plan = render_plan(kind, channel, requested, is_sensitive=is_sensitive)
        if plan is None:
            continue
        code = plan.language.code
        # Looked at per call: a recording dropped into its folder is played from the next call.
        if channel == "voice" and require_voice and not voice.can_speak(code, kind):
            continue
        lookup = _Lookup(plan.catalog)
        values = _values(context, is_sensitive, code, plan.language.babel, time_zone)
        token = _current_lookup.set(lookup)
        try:
            body = "".join(plan.template.blocks[plan.block](plan.template.new_context(values)))
        except MissingTranslation:
            continue
        finally:
            _current_lookup.reset(token)
        state = MISSING if position else lookup.state()
        return _finish(_tidy(body, channel), channel, code, state, allow_gsm7=plan.language.is_gsm7)
    raise RenderError(f"{kind} has no translation in any of {list(languages)}")


@content_cache
def render_plan(
    kind: str, channel: str, requested: str, *, is_sensitive: bool
) -> RenderPlan | None:
    """The template block, language and catalog for one render; None for an unknown language."""
    template = _template(kind)
    block = select_block(template, channel, is_sensitive=is_sensitive)
    language = get_language(normalize_code(requested))
    if language is None:
        return None
    return RenderPlan(template, block, language, load_catalog(language.code))


def segment_budget(kind: str, code: str) -> int | None:
    """The most SMS segments a kind may take in a language, or None for voice-only kinds."""
    budget = SEGMENT_BUDGETS.get(kind)
    if budget is None:
        return None
    language = get_language(code)
    return budget[0] if language is not None and language.is_gsm7 else budget[1]


def select_block(template: Template, channel: str, *, is_sensitive: bool) -> str:
    """The template block for a channel: its own, else SMS's (WhatsApp); discreet when sensitive."""
    bases = [channel, "sms"] if channel == "whatsapp" else [channel]
    names = [f"{base}_discreet" for base in bases] if is_sensitive else []
    names += bases
    for name in names:
        if name in template.blocks:
            return name
    raise RenderError(f"{template.name} has no block for {channel}")


def template_blocks(kind: str) -> list[str]:
    """The block names a template defines."""
    return list(_template(kind).blocks)


def _finish(text: str, channel: str, code: str, state: str, *, allow_gsm7: bool) -> Rendered:
    if channel == "voice":
        return Rendered(text, code, "", 0, len(text), state)
    wire, budget = prepare_sms(text, allow_gsm7=allow_gsm7)
    return Rendered(wire, code, budget.encoding, budget.segments, budget.chars, state)


def _tidy(body: str, channel: str) -> str:
    # SMS keeps one line per sentence group; a voice script is one flow of speech.
    lines = [" ".join(line.split()) for line in body.splitlines()]
    separator = " " if channel == "voice" else "\n"
    return separator.join(line for line in lines if line)


class _Lookup:
    """Newstyle gettext callables for one render that remember which msgids were used.

    Templates reach the current render's lookup through the environment's `gettext` and
    `ngettext` (`_gettext`, `_ngettext`), not through the render's context: so a template may
    import its macros without context (`{% from "_service_categories.txt" import service_label
    %}`), which Jinja loads once per template instead of once per message, and they still
    translate into the language of the message being rendered.
    """

    def __init__(self, catalog: LoadedCatalog) -> None:
        self.catalog = catalog
        self.used: list[str] = []

    def gettext(self, msgid: str, **variables: object) -> str:
        self.used.append(msgid)
        return _fill(self.catalog.translations.gettext(msgid), variables, msgid)

    def ngettext(self, singular: str, plural: str, num: int, **variables: object) -> str:
        self.used.append(singular)
        variables.setdefault("num", num)
        return _fill(self.catalog.translations.ngettext(singular, plural, num), variables, singular)

    def state(self) -> str:
        return NEEDS_REVIEW if self.catalog.needs_review.intersection(self.used) else REVIEWED


_current_lookup: ContextVar[_Lookup] = ContextVar("message_lookup")


def _gettext(msgid: str, **variables: object) -> str:
    return _current_lookup.get().gettext(msgid, **variables)


def _ngettext(singular: str, plural: str, num: int, **variables: object) -> str:
    return _current_lookup.get().ngettext(singular, plural, num, **variables)


def _fill(text: str, variables: Mapping[str, object], msgid: str) -> str:
    try:
        return text % variables
    except (KeyError, ValueError, TypeError) as error:
        # A translation that renamed a placeholder is unusable: fall back, as if missing.
        raise MissingTranslation(f"broken placeholder in {msgid!r}: {error}") from error


def _values(
    context: Mapping[str, object] | None,
    is_sensitive: bool,
    code: str,
    babel_locale: str,
    time_zone: str,
) -> dict[str, object]:
    values: dict[str, object] = dict.fromkeys(CONTEXT_KEYS)
    values.update(context or {})
    if is_sensitive:
        values["service"] = (
            None  # Never printed for a sensitive referral, whatever the caller sent.
        )
    texts = values.get("texts")
    values["caseworker_text"] = texts.get(code) if isinstance(texts, Mapping) else None
    values.update(
        is_sensitive=is_sensitive,
        language=code,
        _babel_locale=babel_locale,
        _time_zone=time_zone,
    )
    return values


def _date_filter(
    formatter: Callable[[datetime, str, str], str],
) -> Callable[[Context, datetime], str]:
    @pass_context
    def apply(context: Context, moment: datetime) -> str:
        return formatter(moment, context["_babel_locale"], context["_time_zone"])

    return apply


def spell_out(code: str) -> str:
    """A code or number spaced out for text-to-speech, so `R1001` is read `R 1 0 0 1`."""
    return " ".join(character for character in code if not character.isspace())


def _missing(what: str) -> NoReturn:
    """Template helper: this language has no text for a required part (e.g. bulk text)."""
    raise MissingTranslation(what)


class _MessageContext(Context):
    """Jinja's context, calling the message's `gettext` and `ngettext` directly.

    Jinja's `Context.call` asks every callable whether it wants the context, the evaluation
    context or the environment passed in (three attribute look-ups per call) before calling it;
    these two want none, and a message makes four or five such calls.
    """

    @internalcode
    def call(__self, __obj: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if __obj is not _gettext and __obj is not _ngettext:
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)  # as Context.call: the variables of the calling block
        kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:  # as Context.call
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception"
            )


class _MessageEnvironment(Environment):
    """Jinja's environment, with each template's globals merged once into a plain dict.

    Jinja chains a template's globals to the environment's (a `ChainMap`) and flattens the chain
    again for every context it creates, twice per message here (the block and the imported
    service labels), which cost more than the rest of the template. Every global is set before
    the first template loads, so one merge per template says the same.
    """

    context_class = _MessageContext

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


@content_cache
def _environment() -> Environment:
    env = _MessageEnvironment(
        loader=FileSystemLoader(message_templates_dir()),
        auto_reload=False,  # content.cache drops the whole environment when the content changes
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        autoescape=False,  # plain-text SMS and speech, never HTML
    )
    env.policies["ext.i18n.trimmed"] = True
    # Sets newstyle gettext (named placeholders, formatting by the callable), then replaces the
    # callables with ones that use the current render's catalog (`_Lookup`), so one environment
    # serves every language and thread. The i18n extension adds this method at run time, which
    # the stubs cannot know.
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]  # see above
    env.globals.update(gettext=_gettext, ngettext=_ngettext)
    env.filters["day"] = _date_filter(format_day)
    env.filters["clock"] = _date_filter(format_clock)
    env.filters["spoken_time"] = _date_filter(format_spoken_time)
    env.filters["spelled"] = spell_out
    env.globals["missing"] = _missing
    return env


def _template(kind: str) -> Template:
    if kind not in KINDS:
        raise ValueError(f"unknown message kind {kind!r}")
    return _environment().get_template(f"{kind}.txt")
