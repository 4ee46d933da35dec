"""Twilio's webhooks: inbound messages, message and call status, and the voice call's TwiML.

Every POST is checked with twilio's `RequestValidator` against the configured public URL (not
`request.url`, which a TLS-terminating proxy rewrites): a missing or wrong signature gets 403. A
body that is not a UTF-8 form, or a field that cannot be used (`twilio_forms`), gets 400 and a log
line naming the field; another account's `AccountSid` gets 403. An inbound message is processed
and stored in one transaction; when processing fails the message is still stored, alone, and
answered 200 (`replies.inbound.accept_message`); with `SMSGATEWAY_REPLIES=queued` it is only
stored, and applied later by the clock's job (`replies.queue`). Status callbacks are parsed here
and applied by `smsgateway.delivery.reports` (once, never backwards, parked when they come
before their message is recorded). Answers come well inside Twilio's 15 seconds.
"""

from __future__ import annotations

import hmac
import logging

from flask import Blueprint, Response, abort, g, request, send_file
from sqlalchemy.orm import Session
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import Gather, VoiceResponse

from smsgateway.config import Settings, twilio_auth_token
from smsgateway.content.languages import get_language
from smsgateway.content.rendering import RenderError, render_message
from smsgateway.content.voice import (
    ANSWER_KEYS,
    CONFIRM_KIND,
    can_call,
    can_confirm_keys,
    confirm_recording,
    plan_voice,
    recording_path,
)
from smsgateway.content.voice import own_languages as voice_languages
from smsgateway.delivery.reports import StatusReport, record_status_report
from smsgateway.dispatch import render_notice
from smsgateway.errors import InvalidInput
from smsgateway.models import Notice
from smsgateway.replies.inbound import accept_message
from smsgateway.replies.queue import queue_message
from smsgateway.runtime import get_runtime
from smsgateway.webhooks import twilio_forms

log = logging.getLogger(__name__)

webhooks = Blueprint("webhooks", __name__, url_prefix="/webhooks")

SIGNATURE_HEADER = "X-Twilio-Signature"


def signed_url(settings: Settings) -> str:
    """The URL Twilio signed: the public URL, this path and the query string as received."""
    base = settings.public_url.rstrip("/") or request.host_url.rstrip("/")
    query = request.query_string.decode()
    return base + request.path + (f"?{query}" if query else "")


def is_signed(settings: Settings, params: dict[str, str]) -> bool:
    """Whether the request carries a valid Twilio signature for the public URL and `params`
    (the form's fields)."""
    token = twilio_auth_token(settings)
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not token or not signature:
        return False
    validator = RequestValidator(token)
    url = signed_url(settings)
    # The URL as this service is reached is what Twilio signs: one signature to compute. The
    # library's `validate` computes two (with and without the port) and is asked only when
    # this one does not match.
    if hmac.compare_digest(validator.compute_signature(url, params).encode(), signature.encode()):
        return True
    return bool(validator.validate(url, params, signature))


@webhooks.before_request
def _verify_request() -> None:
    """Signature (403), then the body's type and encoding (400), then the account (403).

    The body is read once (`twilio_forms.read_body`); the views take its fields from
    `webhook_form()`. A body that cannot be read is still checked for its signature first, over
    the fields as Flask reads them, so that an unsigned request is a 403 whatever it holds."""
    if request.method != "POST":
        return
    settings = get_runtime().settings
    raw = request.get_data(cache=True)  # the raw body stays readable after the form is parsed
    try:
        fields = twilio_forms.read_body(request.content_type or "", raw)
    except InvalidInput:
        _refuse_unsigned(settings, request.form.to_dict())
        raise
    _refuse_unsigned(settings, fields)
    if not twilio_forms.is_our_account(fields, settings.twilio_account_sid):
        log.warning("webhook %s: AccountSid is not the configured account", request.path)
        abort(403)
    g.twilio_form = fields


def _refuse_unsigned(settings: Settings, params: dict[str, str]) -> None:
    """403 unless the request is signed over `params`."""
    if not is_signed(settings, params):
        log.warning("webhook %s: missing or invalid signature", request.path)
        abort(403)


def webhook_form() -> dict[str, str]:
    """The webhook's fields, read once by `_verify_request`."""
    fields: dict[str, str] = g.twilio_form
    return fields


@webhooks.errorhandler(InvalidInput)
def _refuse_input(error: InvalidInput) -> Response:
    """400 for a field that cannot be used; the log names the field, never its value."""
    log.warning("webhook %s: refused: field %r: %s", request.path, error.field, error.message)
    return Response(f"{error.field}: {error.message}\n", 400, mimetype="text/plain")


def _twiml(response: MessagingResponse | VoiceResponse | str) -> Response:
    return Response(str(response), mimetype="text/xml")


#: The empty answer to an inbound message, written by the library once: every reply gets it.
NO_ANSWER = str(MessagingResponse())


# -- inbound messages --------------------------------------------------------------------------


@webhooks.post("/twilio/messages")
def inbound_message() -> Response:
    """An SMS or WhatsApp message from a person: the one inbound path, then an empty answer.

    With `SMSGATEWAY_REPLIES=queued` the message is only stored, and the clock's job applies it
    through the same path (`smsgateway.replies.queue`)."""
    runtime = get_runtime()
    inbound = twilio_forms.inbound_message(webhook_form(), runtime.settings.default_region)
    now = runtime.clock()
    if runtime.settings.replies == "queued":
        queue_message(runtime.db, inbound, now=now, settings=runtime.settings)
    else:
        accept_message(runtime.db, inbound, now=now, settings=runtime.settings)
    return _twiml(NO_ANSWER)


# -- message status ----------------------------------------------------------------------------


@webhooks.post("/twilio/message-status")
def message_status() -> Response:
    """A message's new status: applied once, or parked until the message is recorded."""
    runtime = get_runtime()
    form = twilio_forms.message_status(webhook_form())
    report = StatusReport(
        provider="twilio",
        provider_id=form.message_sid,
        status=form.status,
        error_code=form.error_code,
    )
    with runtime.db.transaction() as session:
        record_status_report(session, report, now=runtime.clock())
    return Response("", 204)


# -- voice -------------------------------------------------------------------------------------


def _notice_of(session: Session) -> Notice:
    notice = session.get(Notice, twilio_forms.notice_id(request.args.get("notice", "")))
    if notice is None:
        abort(404)
    return notice


def _gather_url(settings: Settings, notice: Notice) -> str:
    base = settings.public_url.rstrip("/") or request.host_url.rstrip("/")
    return f"{base}/webhooks/twilio/voice/gather?notice=notice-{notice.id}"


def _say(response: VoiceResponse | Gather, text: str, language: str) -> None:
    """Speak `text` with the TTS language and voice configured for `language`."""
    spoken = get_language(language)
    kwargs: dict[str, str] = {}
    if spoken is not None and spoken.tts_language:
        kwargs["language"] = spoken.tts_language
        if spoken.tts_voice:
            kwargs["voice"] = spoken.tts_voice
    response.say(text, **kwargs)


@webhooks.post("/twilio/voice")
def voice() -> Response:
    """TwiML for an answered notice call: the notice spoken or played in a language the person
    understands; a question ends with a one-key Gather, anything else with the hang-up."""
    runtime = get_runtime()
    settings = runtime.settings
    response = VoiceResponse()
    answered_by = twilio_forms.call(webhook_form()).answered_by
    with runtime.db.transaction() as session:
        notice = _notice_of(session)
        if answered_by.startswith("machine") or answered_by == "fax":
            _machine_message(response, notice, settings)
            return _twiml(response)
        if not can_call(notice):  # no voice in the person's languages (placed before the gate)
            response.hangup()
            return _twiml(response)
        rendered = render_notice(notice, settings)
        target: VoiceResponse | Gather = response
        if notice.question:
            target = response.gather(
                num_digits=1, action=_gather_url(settings, notice), method="POST", timeout=8
            )
        _voice(target, notice.kind, rendered.text, rendered.language, settings)
        if not notice.question:
            response.hangup()
    return _twiml(response)


def _voice(
    target: VoiceResponse | Gather, kind: str, text: str, language: str, settings: Settings
) -> None:
    """Play the recording of `kind` in `language`, or say `text` with its TTS voice."""
    plan = plan_voice(language, kind)
    if plan is not None and plan.mode == "recorded":
        base = settings.public_url.rstrip("/") or request.host_url.rstrip("/")
        target.play(f"{base}/webhooks/twilio/recordings/{plan.language}/{kind}.mp3")
    else:
        _say(target, text, language)


def _machine_message(response: VoiceResponse, notice: Notice, settings: Settings) -> None:
    """An answering machine hears only a request to call back; the call is retried later."""
    languages = voice_languages(notice.language, notice.returnee)
    try:
        rendered = render_message(
            "voice_machine_callback",
            channel="voice",
            languages=languages,
            time_zone=settings.default_time_zone,
            context={"office_phone": settings.office_phone},
        )
    except RenderError:
        response.hangup()
        return
    _say(response, rendered.text, rendered.language)
    response.hangup()


@webhooks.get("/twilio/recordings/<language>/<kind>.mp3")
def recording(language: str, kind: str) -> Response:
    """A recorded notice for <Play> (generic audio: it names nobody)."""
    path = recording_path(language, kind)
    if not (language.isalnum() and kind.replace("_", "").isalnum() and path.is_file()):
        abort(404)
    return send_file(path, mimetype="audio/mpeg")


@webhooks.post("/twilio/voice/gather")
def voice_gather() -> Response:
    """A key pressed during a notice call is repeated back and counts only when the same key is
    pressed a second time; then it goes through the one inbound path, and is answered. Speech,
    and keys that are no answer (a long string of digits), go through the inbound path at once:
    they change no status by themselves, and nothing sent is lost."""
    runtime = get_runtime()
    settings = runtime.settings
    inbound = twilio_forms.gathered(webhook_form(), settings.default_region)
    response = VoiceResponse()
    now = runtime.clock()
    key = webhook_form().get("Digits", "")
    first = request.args.get("first", "")
    with runtime.db.sessions() as session:
        notice = _notice_of(session)  # a key press belongs to one of our notice calls
        if key in ANSWER_KEYS and not first:
            if not _ask_to_confirm(response, notice, key, settings):
                response.hangup()  # nothing to say it back with: the key counts for nothing
            return _twiml(response)
    if first and key != first:
        response.hangup()  # the second key differs: nothing is recorded
        return _twiml(response)
    result = accept_message(runtime.db, inbound, now=now, settings=settings)
    with runtime.db.sessions() as session:
        for notice_id in result.notice_ids:
            answer = session.get(Notice, notice_id)
            if answer is not None:
                _speak_notice(response, answer, settings)
                break
    response.hangup()
    return _twiml(response)


def _ask_to_confirm(response: VoiceResponse, notice: Notice, key: str, settings: Settings) -> bool:
    """ "You pressed 1. To confirm, press 1 again." in the call's language; False when it cannot
    be said (the key then changes nothing)."""
    try:
        language = render_notice(notice, settings).language
    except RenderError:
        return False
    if not can_confirm_keys(language):
        return False
    gather = response.gather(
        num_digits=1,
        action=f"{_gather_url(settings, notice)}&first={key}",
        method="POST",
        timeout=8,
    )
    recorded = plan_voice(language, confirm_recording(key))
    if recorded is not None and recorded.mode == "recorded":
        base = settings.public_url.rstrip("/") or request.host_url.rstrip("/")
        path = f"{recorded.language}/{confirm_recording(key)}.mp3"
        gather.play(f"{base}/webhooks/twilio/recordings/{path}")
    else:
        try:
            text = render_message(
                CONFIRM_KIND,
                channel="voice",
                languages=[language],
                time_zone=settings.default_time_zone,
                context={"digit": key},
            ).text
        except RenderError:
            return False
        _say(gather, text, language)
    response.hangup()
    return True


def _speak_notice(response: VoiceResponse, notice: Notice, settings: Settings) -> None:
    """Say an acknowledgement notice's voice wording (it also goes out by SMS)."""
    channel = notice.channel
    notice.channel = "voice"
    try:
        rendered = render_notice(notice, settings)
    except RenderError:
        return
    finally:
        notice.channel = channel
    _say(response, rendered.text, rendered.language)


@webhooks.post("/twilio/voice/status")
def voice_status() -> Response:
    """A call ended: answered by a person counts as delivered; otherwise escalate."""
    runtime = get_runtime()
    form = twilio_forms.call(webhook_form())
    report = StatusReport(
        provider="twilio",
        provider_id=form.call_sid,
        status=form.status,
        kind="call",
        answered_by=form.answered_by,
    )
    with runtime.db.transaction() as session:
        record_status_report(session, report, now=runtime.clock())
    return Response("", 204)
