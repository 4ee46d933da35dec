"""The one inbound path: every reply (simulator, SMS, WhatsApp, key press) enters here.

Store first, then understand: the message row is written before anything else can fail, so no
inbound message is ever lost, even when nobody understands it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.config import Settings
from smsgateway.delivery.outcomes import apply_reply
from smsgateway.errors import InvalidInput
from smsgateway.models import ContactPoint, Message, MessageStatusEvent, Notice
from smsgateway.notices import (
    NoticeKind,
    last_question_received,
    open_questions,
    plan_notice,
    plan_notice_to_number,
)
from smsgateway.partners import apply_partner_message, find_point_person
from smsgateway.phones import parse_phone
from smsgateway.reachability import provider_answers_keywords
from smsgateway.replies.apply import ReplyOutcome, apply_answer, apply_global_intent, queue_review
from smsgateway.replies.classify import classify_reply
from smsgateway.replies.intents import GLOBAL_INTENTS, Question
from smsgateway.replies.normalize import find_reference_codes

log = logging.getLogger(__name__)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class InboundMessage:
    """An inbound message as a provider (or the simulator) reported it."""

    sender: str
    body: str
    channel: str = "sms"
    provider: str = "local"
    provider_id: str | None = None
    recipient: str = ""


@dataclass
class InboundResult:
    message_id: int
    outcome: str
    intent: str | None = None
    notice_ids: list[int] = field(default_factory=list)


def receive_message(
    session: Session, inbound: InboundMessage, *, now: datetime, settings: Settings
) -> InboundResult:
    """Store the message, then apply what it means or queue it for review."""
    if inbound.provider_id:
        existing = session.scalar(
            select(Message).filter_by(provider=inbound.provider, provider_id=inbound.provider_id)
        )
        if existing is not None:
            return InboundResult(existing.id, "duplicate", existing.intent)
    phone = _phone_of(inbound.sender, settings.default_region)
    message = _store(session, inbound, phone, now)
    outcome = _route(session, message, now=now, settings=settings)
    apply_reply(session, message, now=now)  # the number works; from own number: the person
    session.flush()
    log.info("inbound message %d: %s", message.id, outcome.outcome)
    return InboundResult(message.id, outcome.outcome, message.intent, outcome.notice_ids)


def _route(
    session: Session, message: Message, *, now: datetime, settings: Settings
) -> ReplyOutcome:
    """A point person's commands, a returnee's (or proxy's) answer, or an unknown sender."""
    person = find_point_person(session, message.phone_e164)
    if person is not None:
        return apply_partner_message(
            session, message, person, now=now, language=settings.default_language
        )
    points = list(session.scalars(select(ContactPoint).filter_by(phone_e164=message.phone_e164)))
    if not points:
        return _from_stranger(session, message, now=now, settings=settings)
    message.contact_point_id = points[0].id
    if len({point.returnee_id for point in points}) == 1:
        message.returnee_id = points[0].returnee_id
    return _understand(session, message, points, now=now, settings=settings)


def _phone_of(sender: str, region: str) -> str:
    """E.164 when the sender parses; otherwise the raw text, kept so nothing is dropped."""
    try:
        return parse_phone(sender, region)
    except InvalidInput:
        return sender.strip()[:20]


def _store(session: Session, inbound: InboundMessage, phone: str, now: datetime) -> Message:
    message = Message(
        direction="in",
        channel=inbound.channel,
        phone_e164=phone,
        provider=inbound.provider,
        provider_id=inbound.provider_id,
        body=inbound.body,
        delivery_status="received",
        created_at=now,
        updated_at=now,
    )
    message.status_events.append(MessageStatusEvent(status="received", created_at=now))
    session.add(message)
    session.flush()
    return message


def _from_stranger(
    session: Session, message: Message, *, now: datetime, settings: Settings
) -> ReplyOutcome:
    outcome = queue_review(session, message, reason="unknown_sender", now=now)
    notice = plan_notice_to_number(
        session,
        kind=NoticeKind.ACK_UNKNOWN_SENDER,
        phone_e164=message.phone_e164,
        channel=message.channel if message.channel != "voice" else "sms",
        language=settings.default_language,
        now=now,
    )
    session.flush()
    outcome.outcome = "unknown_sender"
    outcome.notice_ids.append(notice.id)
    return outcome


def _understand(
    session: Session,
    message: Message,
    points: list[ContactPoint],
    *,
    now: datetime,
    settings: Settings,
) -> ReplyOutcome:
    point = points[0]
    language = point.returnee.preferred_language
    global_intent = classify_reply(message.body, language, None)
    if global_intent in GLOBAL_INTENTS:
        message.intent = global_intent
        return apply_global_intent(
            session,
            message,
            points,
            global_intent,
            now=now,
            is_answered_by_provider=provider_answers_keywords(settings, message.channel),
        )
    questions, late = _questions_for(session, message, now=now, settings=settings)
    if not questions and late is not None:
        return _queue_late(session, message, late, now=now)
    if not questions:
        return queue_review(session, message, reason="no_open_question", now=now)
    if len(questions) > 1:
        return _ask_which(session, message, questions, now=now)
    question = questions[0]
    answered = question.returnee.preferred_language if question.returnee else language
    intent = classify_reply(message.body, answered, Question(question.question or ""))
    message.intent = intent
    return apply_answer(session, message, question, intent, now=now)


def _questions_for(
    session: Session, message: Message, *, now: datetime, settings: Settings
) -> tuple[list[Notice], Notice | None]:
    """The question a reply answers (several only when they cannot be told apart), and else the
    open question it may belong to late, for a caseworker.

    A reply quoting a reference answers that referral's open question while it is within the
    reply window or not yet expired. Any other reply answers the last question the number
    received, if that one is still open and within the window: never an older question that
    happens to be open (one open question per person, `smsgateway.questions`).
    """
    every = open_questions(session, message.phone_e164, since=_EPOCH)
    since = now - timedelta(hours=settings.reply_window_hours)
    codes = set(find_reference_codes(message.body))
    if codes:
        quoted = [q for q in every if q.referral is not None and q.referral.reference in codes]
        usable = [q for q in quoted if _is_within(q, since, now)]
        return usable, (quoted[0] if quoted else None)
    last = last_question_received(session, message.phone_e164)
    if last is None or last.answered_at is not None or not _is_within(last, since, None):
        return [], (every[0] if every else None)
    return [q for q in every if q.sent_at == last.sent_at], None


def _is_within(question: Notice, since: datetime, now: datetime | None) -> bool:
    """Sent within the reply window, or (when `now` is given) not expired yet."""
    if question.sent_at is not None and question.sent_at >= since:
        return True
    return now is not None and question.expires_at is not None and question.expires_at > now


def _queue_late(
    session: Session, message: Message, question: Notice, *, now: datetime
) -> ReplyOutcome:
    """After the window: keep what it seems to say, link the referral, let a caseworker apply it."""
    message.referral_id = question.referral_id
    message.returnee_id = question.returnee_id
    language = question.returnee.preferred_language if question.returnee else ""
    message.intent = classify_reply(message.body, language, Question(question.question or ""))
    return queue_review(
        session, message, reason="late_reply", now=now, referral_id=question.referral_id
    )


def _ask_which(
    session: Session, message: Message, questions: list[Notice], *, now: datetime
) -> ReplyOutcome:
    """Several questions open: never guess; ask which referral, and show it to a caseworker."""
    outcome = queue_review(session, message, reason="several_open_questions", now=now)
    first = questions[0]
    if first.returnee is not None:
        notice = plan_notice(
            session,
            kind=NoticeKind.ACK_WHICH_REFERRAL,
            returnee=first.returnee,
            contact_point=first.contact_point,
            channel=message.channel if message.channel != "voice" else first.channel,
            due_at=now,
            now=now,
            payload={"referral_ids": [q.referral_id for q in questions if q.referral_id]},
        )
        session.flush()
        outcome.notice_ids.append(notice.id)
    outcome.outcome = "ask_which"
    return outcome
