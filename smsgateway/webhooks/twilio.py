"""Twilio's webhooks: inbound messages, message and call status, and the voice call's TwiML.

Every POST is checked with twilio's `RequestValidator` against the configured public URL (not
`request.url`, which a TLS-terminating proxy rewrites): a missing or wrong signature gets 403. A
body that is not a UTF-8 form, or a field that cannot be used (`twilio_forms`), gets 400 and a log
line naming the field; another account's `AccountSid` gets 403. An inbound message is committed
before it is processed, so a failure while processing still answers 200
(`replies.inbound.accept_message`). Status callbacks are idempotent and never move a message
backwards. Answers come well inside Twilio's 15 seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from flask import Blueprint, Response, abort, request, send_file
from sqlalchemy import select
from sqlalchemy.orm import Session
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import Gather, VoiceResponse

from smsgateway.config import Settings, twilio_auth_token
from smsgateway.content.languages import get_language
from smsgateway.content.rendering import RenderError, render_message
from smsgateway.content.voice import plan_voice, recording_path
from smsgateway.dispatch import render_notice
from smsgateway.errors import InvalidInput
from smsgateway.models import Message, MessageStatusEvent, Notice
from smsgateway.reachability import (
    call_outcome,
    lift_suppression,
    mark_reachable_by_phone,
    outcome_of,
    record_delivered,
    record_failure,
    suppress,
)
from smsgateway.replies.inbound import InboundResult, accept_message
from smsgateway.replies.intents import Intent
from smsgateway.runtime import get_runtime
from smsgateway.webhooks import twilio_forms

log = logging.getLogger(__name__)

webhooks = Blueprint("webhooks", __name__, url_prefix="/webhooks")

#: Message statuses by progress; a status never replaces one of a higher rank.
STATUS_RANK = {
    "accepted": 0,
    "scheduled": 0,
    "queued": 0,
    "sending": 1,
    "sent": 2,
    "delivered": 3,
    "undelivered": 3,
    "failed": 3,
    "read": 4,
}
CALL_FINAL = ("completed", "busy", "no-answer", "failed", "canceled")
SIGNATURE_HEADER = "X-Twilio-Signature"


def signed_url(settings: Settings) -> str:
    """The URL Twilio signed: the public URL, this path and the query string as received."""
    base = settings.public_url.rstrip("/") or request.host_url.rstrip("/")
    query = request.query_string.decode()
    return base + request.path + (f"?{query}" if query else "")


def is_signed(settings: Settings) -> bool:
    """Whether the request carries a valid Twilio signature for the public URL."""
    token = twilio_auth_token(settings)
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not token or not signature:
        return False
    validator = RequestValidator(token)
    return bool(validator.validate(signed_url(settings), request.form.to_dict(), signature))


@webhooks.before_request
def _verify_request() -> None:
    """Signature (403), then the body's type and encoding (400), then the account (403)."""
    if request.method != "POST":
        return
    settings = get_runtime().settings
    request.get_data(cache=True)  # the raw body stays readable after the form is parsed
    if not is_signed(settings):
        log.warning("webhook %s: missing or invalid signature", request.path)
        abort(403)
    twilio_forms.check_body(request.content_type or "", request.get_data(cache=True))
    if not twilio_forms.is_our_account(request.form, settings.twilio_account_sid):
        log.warning("webhook %s: AccountSid is not the configured account", request.path)
        abort(403)


@webhooks.errorhandler(InvalidInput)
def _refuse_input(error: InvalidInput) -> Response:
    """400 for a field that cannot be used; the log names the field, never its value."""
    log.warning("webhook %s: refused: field %r: %s", request.path, error.field, error.message)
    return Response(f"{error.field}: {error.message}\n", 400, mimetype="text/plain")


def _twiml(response: MessagingResponse | VoiceResponse) -> Response:
    return Response(str(response), mimetype="text/xml")


# -- inbound messages --------------------------------------------------------------------------


@webhooks.post("/twilio/messages")
def inbound_message() -> Response:
    """An SMS or WhatsApp message from a person: the one inbound path, then an empty answer."""
    runtime = get_runtime()
    inbound = twilio_forms.inbound_message(request.form, runtime.settings.default_region)
    now = runtime.clock()
    accept_message(
        runtime.db, inbound, now=now, settings=runtime.settings, then=_after_reply_at(now)
    )
    return _twiml(MessagingResponse())


def _after_reply_at(now: datetime) -> Callable[[Session, InboundResult], None]:
    def after(session: Session, result: InboundResult) -> None:
        _after_reply(session, result.message_id, result.intent, now=now)

    return after


def _after_reply(session: Session, message_id: int, intent: str | None, *, now: datetime) -> None:
    """A reply proves the number works; STOP and START feed the suppression list."""
    message = session.get(Message, message_id)
    if message is None:
        return
    if intent == Intent.OPT_OUT:
        suppress(session, message.phone_e164, "stop_reply", now=now)
    elif intent == Intent.OPT_IN:
        lift_suppression(session, message.phone_e164)
    mark_reachable_by_phone(session, message.phone_e164, f"reply:{message.channel}", now=now)


# -- message status ----------------------------------------------------------------------------


@webhooks.post("/twilio/message-status")
def message_status() -> Response:
    """Record a message's new status once; a late or repeated status moves nothing."""
    runtime = get_runtime()
    form = twilio_forms.message_status(request.form)
    sid, status, error_code = form.message_sid, form.status, form.error_code
    now = runtime.clock()
    with runtime.db.transaction() as session:
        message = session.scalar(select(Message).filter_by(provider="twilio", provider_id=sid))
        if message is None or status not in STATUS_RANK:
            log.info("message status %r for an unknown message ignored", status)
            return Response("", 204)
        apply_status(session, message, status, error_code, now=now)
    return Response("", 204)


def apply_status(
    session: Session, message: Message, status: str, error_code: str, *, now: datetime
) -> bool:
    """Add the status to the history once and move the message forward; True when it moved."""
    seen = {(event.status, event.error_code) for event in message.status_events}
    if (status, error_code) in seen:
        return False
    message.status_events.append(
        MessageStatusEvent(status=status, error_code=error_code, created_at=now)
    )
    if STATUS_RANK[status] <= STATUS_RANK.get(message.delivery_status, 0):
        return False
    message.delivery_status = status
    message.error_code = error_code
    message.updated_at = now
    session.flush()
    if status in ("delivered", "read"):
        record_delivered(session, message, now=now)
    elif status in ("undelivered", "failed"):
        record_failure(session, message, outcome_of(error_code), now=now)
    return True


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
    """TwiML for an answered notice call: the notice spoken or played, then a one-key Gather."""
    runtime = get_runtime()
    settings = runtime.settings
    response = VoiceResponse()
    answered_by = twilio_forms.call(request.form).answered_by
    with runtime.db.transaction() as session:
        notice = _notice_of(session)
        if answered_by.startswith("machine") or answered_by == "fax":
            _machine_message(response, notice, settings)
            return _twiml(response)
        rendered = render_notice(notice, settings)
        plan = plan_voice(rendered.language, notice.kind)
        gather = response.gather(
            num_digits=1, action=_gather_url(settings, notice), method="POST", timeout=8
        )
        if plan is not None and plan.mode == "recorded":
            base = settings.public_url.rstrip("/") or request.host_url.rstrip("/")
            gather.play(f"{base}/webhooks/twilio/recordings/{plan.language}/{notice.kind}.mp3")
        else:
            _say(gather, rendered.text, rendered.language)
    return _twiml(response)


def _machine_message(response: VoiceResponse, notice: Notice, settings: Settings) -> None:
    """An answering machine hears only a request to call back; the call is retried later."""
    languages = [notice.language, *settings.fallback_languages]
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
    """A key pressed during a notice call goes through the one inbound path, then is answered."""
    runtime = get_runtime()
    settings = runtime.settings
    inbound = twilio_forms.gathered(request.form, settings.default_region)
    response = VoiceResponse()
    now = runtime.clock()
    with runtime.db.sessions() as session:
        _notice_of(session)  # a key press belongs to one of our notice calls
    result = accept_message(
        runtime.db, inbound, now=now, settings=settings, then=_after_reply_at(now)
    )
    with runtime.db.sessions() as session:
        for notice_id in result.notice_ids:
            answer = session.get(Notice, notice_id)
            if answer is not None:
                _speak_notice(response, answer, settings)
                break
    response.hangup()
    return _twiml(response)


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
    form = twilio_forms.call(request.form)
    sid, status, answered_by = form.call_sid, form.status, form.answered_by
    now = runtime.clock()
    with runtime.db.transaction() as session:
        message = session.scalar(select(Message).filter_by(provider="twilio", provider_id=sid))
        if message is None or status not in CALL_FINAL:
            return Response("", 204)
        if any(event.status in CALL_FINAL for event in message.status_events):
            return Response("", 204)  # a repeated final status is applied once
        message.status_events.append(
            MessageStatusEvent(status=status, error_code=answered_by[:16], created_at=now)
        )
        outcome = call_outcome(status, answered_by)
        message.delivery_status = "delivered" if outcome is None else "undelivered"
        message.updated_at = now
        session.flush()
        if outcome is None:
            record_delivered(session, message, now=now)
        else:
            record_failure(session, message, outcome, now=now)
    return Response("", 204)
