"""The one inbound path: every reply (simulator, SMS, WhatsApp, key press, speech) enters here.

Read, then write, in one transaction: `accept_message` reads the sender and works out what the
message means first, then writes the message and everything it changes together, and commits
once. The message row is written (SQLAlchemy Core, not the ORM's unit of work) just before the
first change that needs its id, after every read and every classification, so SQLite's one
writer is held only while the reply writes. When processing fails, that transaction is rolled
back and the message is stored alone, with the error, in front of a caseworker ("could not be
processed"), and the provider is still answered 200; only a failure to store reaches the
provider as an error, so that it delivers the message again. A provider's retry of a message
already stored is refused by the unique provider id and changes nothing.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, insert, inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached

from smsgateway import inputs
from smsgateway.config import Settings
from smsgateway.db import Database
from smsgateway.delivery.outcomes import apply_reply
from smsgateway.feedback.answers import (
    FEEDBACK_QUESTIONS,
    apply_feedback_answer,
    apply_feedback_keyword,
)
from smsgateway.models import Message, Notice
from smsgateway.notices import NoticeKind, plan_notice, plan_notice_to_number
from smsgateway.partners import apply_partner_message, find_point_person
from smsgateway.programme import current_programme
from smsgateway.reachability import provider_answers_keywords
from smsgateway.replies.apply import (
    ABOUT_THE_MESSAGES_REASON,
    CANNOT_READ_REASON,
    HELP_AT_LENGTH_REASON,
    STOPPED_BY_LIKENESS_REASON,
    ReplyOutcome,
    acknowledge_receipt,
    apply_answer,
    apply_global_intent,
    language_of,
    queue_review,
)
from smsgateway.replies.classify import Understanding, understand_reply
from smsgateway.replies.decision import QUESTION_BESIDE_ANSWER
from smsgateway.replies.intents import GLOBAL_INTENTS, Intent, Question
from smsgateway.replies.normalize import find_reference_codes
from smsgateway.replies.sender import Sender, load_sender
from smsgateway.replies.shared_phones import is_chatter
from smsgateway.reviews import only_open_referral

log = logging.getLogger(__name__)

#: The review reason of a message whose processing failed after it was stored.
NOT_PROCESSED = "could_not_be_processed"


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


def accept_message(
    db: Database,
    inbound: InboundMessage,
    *,
    now: datetime,
    settings: Settings,
) -> InboundResult:
    """Process the message and store it with what it changed, in one transaction.

    A failed processing is rolled back; the message is then stored alone with its error and
    queued for review; the error is logged with the message id only. A failure to store raises:
    the provider should retry. A message already stored under its provider id is a `duplicate`.
    """
    row = message_row(inbound, now=now, settings=settings)  # InvalidInput before any work
    try:
        with db.transaction() as session:
            return _process(session, Message(**row), now=now, settings=settings)
    except Exception as error:  # any failure: a retry already stored, or processing failed
        failure = error
    with db.sessions() as session:
        existing = (
            find_message(session, inbound.provider, row["provider_id"])
            if row["provider_id"]
            else None
        )
    if existing is not None:  # delivered again: the first delivery stored and processed it
        return InboundResult(existing.id, "duplicate", existing.intent)
    stored, message = _store_committed(db, inbound, now=now, settings=settings)
    if message is None:
        return stored
    log_failure(stored.message_id, failure)
    with db.transaction() as session:
        keep_unprocessed(session, stored.message_id, failure, now=now)
    return InboundResult(stored.message_id, "not_processed")


def receive_message(
    session: Session, inbound: InboundMessage, *, now: datetime, settings: Settings
) -> InboundResult:
    """Store and process in the caller's one transaction (tests, a corpus replayed at once).

    Faces use `accept_message`, which commits the message before processing it.
    """
    stored = store_message(session, inbound, now=now, settings=settings)
    if stored.outcome == "duplicate":
        return stored
    return process_message(session, stored.message_id, now=now, settings=settings)


def store_message(
    session: Session, inbound: InboundMessage, *, now: datetime, settings: Settings
) -> InboundResult:
    """Write the message as received (outcome `stored`), or find it already there (`duplicate`).

    The sender is kept whatever it is (bounded to its column); the body without control
    characters. `InvalidInput` for a body or provider id that cannot be stored.
    """
    provider_id = inputs.provider_id(inbound.provider_id) if inbound.provider_id else None
    inputs.body_text(inbound.body)  # refused before anything else, as `_new_message` would
    if provider_id:
        existing = find_message(session, inbound.provider, provider_id)
        if existing is not None:
            return InboundResult(existing.id, "duplicate", existing.intent)
    message = _new_message(session, inbound, now=now, settings=settings)
    return InboundResult(message.id, "stored")


def _new_message(
    session: Session, inbound: InboundMessage, *, now: datetime, settings: Settings
) -> Message:
    """Insert the message as received: one Core INSERT, as every inbound message (`_store`)."""
    message = Message(**message_row(inbound, now=now, settings=settings))
    _store(session, message)
    return message


def message_row(
    inbound: InboundMessage, *, now: datetime, settings: Settings, queued: bool = False
) -> dict[str, Any]:
    """Every column of the message as received (`InvalidInput` for a body or provider id that
    cannot be stored): the sender kept whatever it is, bounded to its column; the body without
    control characters. `queued`: stored to be applied later (`smsgateway.replies.queue`)."""
    provider_id = inputs.provider_id(inbound.provider_id) if inbound.provider_id else None
    body = inputs.body_text(inbound.body)
    sender = inputs.sender(inbound.sender, settings.default_region)
    return {
        "direction": "in",
        "channel": inbound.channel,
        "phone_e164": sender.phone,
        "contact_point_id": None,
        "returnee_id": None,
        "referral_id": None,
        "notice_id": None,
        "kind": "",
        "provider": inbound.provider,
        "provider_id": provider_id,
        "body": body,
        "language": "",
        "encoding": "",
        "segments": 0,
        "delivery_status": "received",
        "error_code": "",
        "intent": None,
        "processing_error": "",
        "queued": queued,
        "created_at": now,
        "updated_at": now,
    }


#: The messages table, for the Core statements of the inbound path and the queue.
MESSAGES: Table = Message.__table__  # type: ignore[assignment]
_COLUMNS = tuple(column.key for column in MESSAGES.columns if column.key != "id")
#: Built once: every inbound message is this INSERT (its compiled form is then cached).
_INSERT_MESSAGE = insert(MESSAGES)


class AlreadyApplied(Exception):
    """A queued message was applied by another worker first: this transaction changes nothing."""


def _store(session: Session, message: Message) -> None:
    """Write the message with what it was read as, once, with its values as they are now; the
    object then belongs to the session as a row read from it would, so a later change to it is
    an UPDATE at the flush. One Core statement, no autoflush, no ORM layer:

    - a message not stored yet (inline, `id` None): its INSERT;
    - a queued message taken to be applied (`claimed_message`: its `id` set, not in the
      session): its UPDATE, which also clears `queued`, only while it is still set
      (`AlreadyApplied` otherwise: another worker committed it first);
    - a message the session holds already: nothing.

    An inbound message has no status event: its status never changes (`received`, when:
    `created_at`)."""
    if not inspect(message).transient:
        return
    values = {key: getattr(message, key) for key in _COLUMNS}
    if message.id is None:
        message.id = insert_message_row(session.connection(), values)
    else:
        values["queued"] = False
        done = session.connection().execute(
            update(MESSAGES).where(MESSAGES.c.id == message.id, MESSAGES.c.queued), values
        )
        if done.rowcount != 1:
            raise AlreadyApplied(message.id)
        message.queued = False
    make_transient_to_detached(message)
    session.add(message)


def insert_message_row(connection: Connection, row: dict[str, Any]) -> int:
    """Insert an inbound message's row (`message_row`) in the connection's transaction; its id.
    One Core INSERT: no autoflush, no ORM layer. A provider id already stored raises
    `IntegrityError` (the unique provider id)."""
    key = connection.execute(_INSERT_MESSAGE, row).inserted_primary_key
    assert key is not None  # noqa: S101  (an INSERT of one row)
    return int(key[0])


def process_message(
    session: Session, message_id: int, *, now: datetime, settings: Settings
) -> InboundResult:
    """Apply what a stored message means, or queue it for review."""
    message = session.get(Message, message_id)
    if message is None:
        raise LookupError(f"no message {message_id}")
    return _process(session, message, now=now, settings=settings)


def apply_claimed(
    session: Session, message: Message, *, now: datetime, settings: Settings
) -> InboundResult:
    """Apply a queued message taken to be applied (`smsgateway.replies.queue`): as inline, its
    row written once with what it was read as, and `queued` cleared in the same UPDATE
    (`AlreadyApplied` when another worker did it first)."""
    message.updated_at = now
    return _process(session, message, now=now, settings=settings)


def _process(
    session: Session, message: Message, *, now: datetime, settings: Settings
) -> InboundResult:
    """Read the sender once, apply the message, and write it all in one flush.

    `message` is stored already (`process_message`), or not yet (inline), or queued and taken to
    be applied (`apply_claimed`): it is then written (`_store`) after the reads, before the
    first change that needs its id."""
    sender = None
    if inputs.is_answerable(message.phone_e164, settings.default_region):
        since = now - timedelta(hours=settings.reply_window_hours)
        sender = load_sender(session, message.phone_e164, window_start=since)
    outcome = _route(session, message, sender, now=now, settings=settings)
    _store(session, message)
    # The number works; from a returnee's own number, the person answered.
    if sender is None:
        apply_reply(session, message, now=now)
    else:
        apply_reply(session, message, now=now, points=sender.points, escalated=sender.escalated)
    session.flush()
    log.info("inbound message %d: %s", message.id, outcome.outcome)
    return InboundResult(message.id, outcome.outcome, message.intent, outcome.notice_ids)


def keep_unprocessed(
    session: Session, message_id: int, error: BaseException, *, now: datetime
) -> None:
    """Record why a stored message could not be processed and put it in front of a caseworker."""
    message = session.get(Message, message_id)
    if message is None:
        raise LookupError(f"no message {message_id}")
    lines = str(error).splitlines()
    message.processing_error = f"{type(error).__name__}: {lines[0] if lines else ''}"[:200]
    message.updated_at = now
    queue_review(session, message, reason=NOT_PROCESSED, now=now)


def _store_committed(
    db: Database, inbound: InboundMessage, *, now: datetime, settings: Settings
) -> tuple[InboundResult, Message | None]:
    """The message stored alone (after its processing failed), or (None) the one already
    stored under its provider id."""
    try:
        with db.transaction() as session:
            message = _new_message(session, inbound, now=now, settings=settings)
        return InboundResult(message.id, "stored"), message
    except IntegrityError:
        # Delivered again (the first delivery may still be uncommitted): that one stored it, the
        # unique provider id says so, and processes it.
        with db.sessions() as session:
            existing = find_message(session, inbound.provider, inbound.provider_id or "")
        if existing is None:
            raise
        return InboundResult(existing.id, "duplicate", existing.intent), None


def find_message(session: Session, provider: str, provider_id: str) -> Message | None:
    return session.scalar(select(Message).filter_by(provider=provider, provider_id=provider_id))


def log_failure(message_id: int, error: BaseException) -> None:
    """The message id, the error's type and where it happened: never the error's text, which
    may quote the message (a database error echoes its parameters)."""
    stack = "".join(traceback.format_tb(error.__traceback__))
    log.error(
        "inbound message %d could not be processed (%s); kept for review\n%s",
        message_id,
        type(error).__name__,
        stack,
    )


def _route(
    session: Session,
    message: Message,
    sender: Sender | None,
    *,
    now: datetime,
    settings: Settings,
) -> ReplyOutcome:
    """A point person's commands, a returnee's (or proxy's) answer, or an unknown sender.

    A sender that is no valid phone number (`sender` None) is kept for review, never answered.
    """
    if sender is None:
        _store(session, message)
        return queue_review(session, message, reason="invalid_sender", now=now)
    person = None
    if sender.is_point_person or not sender.points:
        person = find_point_person(session, message.phone_e164)
    if person is not None:
        _store(session, message)
        return apply_partner_message(
            session, message, person, now=now, language=settings.default_language
        )
    points = sender.points
    if not points:
        _store(session, message)
        return _from_stranger(session, message, now=now, settings=settings)
    message.contact_point_id = points[0].id
    if len({point.returnee_id for point in points}) == 1:
        message.returnee_id = points[0].returnee_id
    return _understand(session, message, sender, now=now, settings=settings)


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


def _caseworker_reason(reply: Understanding) -> str | None:
    """Why a reply that works whatever the question (an opt-out, help) also goes to a
    caseworker, or None: a stop read by likeness, not by a rule, is checked with the person (who
    was told how to start again); someone who cannot read got the help answer as a text, and is
    to be called, or sent their notices as voice calls; help read from a longer reply may say
    something else a caseworker should read."""
    if reply.general is not None and reply.general.rule == "opt_out_likeness":
        return STOPPED_BY_LIKENESS_REASON
    if reply.cannot_read:
        return CANNOT_READ_REASON
    if reply.general is not None and reply.general.rule == "help_at_length":
        return HELP_AT_LENGTH_REASON
    return None


def _understand(
    session: Session,
    message: Message,
    sender: Sender,
    *,
    now: datetime,
    settings: Settings,
) -> ReplyOutcome:
    points = sender.points
    point = points[0]
    language = point.returnee.preferred_language
    text = inputs.reading_text(message.body)
    reply = understand_reply(text, language)  # read once: every intent below comes from it
    global_intent = reply.intent(None)
    if global_intent is Intent.FEEDBACK:
        # A message for the managers, whatever question is open (smsgateway.feedback).
        message.intent = global_intent
        _store(session, message)
        return apply_feedback_keyword(session, message, points, now=now, text=text)
    if global_intent in GLOBAL_INTENTS:
        message.intent = global_intent
        _store(session, message)
        outcome = apply_global_intent(
            session,
            message,
            points,
            global_intent,
            now=now,
            is_answered_by_provider=provider_answers_keywords(settings, message.channel),
        )
        reason = _caseworker_reason(reply)
        if reason is not None:
            # On the referral's timeline from the start when the returnee has only one open.
            referral = only_open_referral(session, message.returnee_id)
            queue_review(
                session,
                message,
                reason=reason,
                now=now,
                referral_id=referral.id if referral is not None else None,
            )
        return outcome
    questions, late = _questions_for(message, sender, now=now, settings=settings)
    if not questions:
        _store(session, message)
        about_the_messages = False
        if _repeats_last_answer(session, message, sender, reply):
            outcome = ReplyOutcome("repeated")  # the answer already recorded, sent again
        elif is_chatter(text, language) and "chatter" not in current_programme().replies.review:
            outcome = ReplyOutcome("received")  # "ok", "merci": a receipt, nothing to read
        elif late is not None:
            outcome, about_the_messages = _queue_late(session, message, late, reply, now=now)
        elif reply.speaks_of_the_messages:  # perhaps an opt-out nobody understood
            about_the_messages = True
            outcome = queue_review(session, message, reason=ABOUT_THE_MESSAGES_REASON, now=now)
        else:
            outcome = queue_review(session, message, reason="no_open_question", now=now)
        outcome.notice_ids += acknowledge_receipt(
            session, message, point, now=now, about_the_messages=about_the_messages
        )
        return outcome
    if len(questions) > 1:
        about_the_messages = _about_the_messages_only(reply, questions)
        if about_the_messages:
            message.intent = Intent.UNCLEAR
        _store(session, message)
        return _ask_which(
            session, message, questions, now=now, about_the_messages=about_the_messages
        )
    question = questions[0]
    answered = language_of(question) or language
    reply = reply.in_language(answered)
    decision = reply.explain(Question(question.question or ""))
    intent = decision.intent
    message.intent = intent
    if Question(question.question or "") in FEEDBACK_QUESTIONS:
        _store(session, message)
        return apply_feedback_answer(
            session,
            message,
            question,
            intent,
            now=now,
            about_the_messages=reply.speaks_of_the_messages,
        )
    # Written with the referral it answers (`apply_answer` links it first): no UPDATE after.
    message.referral_id = question.referral_id
    message.returnee_id = question.returnee_id
    _store(session, message)
    return apply_answer(
        session,
        message,
        question,
        intent,
        now=now,
        live_tasks=sender.live_tasks.get(question.referral_id or 0, {}),
        has_held_questions=sender.has_held_questions,
        asks_a_question=decision.rule in QUESTION_BESIDE_ANSWER,
        about_the_messages=reply.speaks_of_the_messages,
    )


def _questions_for(
    message: Message, sender: Sender, *, now: datetime, settings: Settings
) -> tuple[list[Notice], Notice | None]:
    """The question a reply answers (several only when they cannot be told apart), and else the
    open question it may belong to late, for a caseworker.

    A reply quoting a reference answers that referral's open question while it is within the
    reply window or not yet expired. Any other reply answers the last question the number
    received, if that one is still open and within the window: never an older question that
    happens to be open (one open question per person, `smsgateway.questions`).
    """
    every = sender.open_questions()
    since = now - timedelta(hours=settings.reply_window_hours)
    codes = set(find_reference_codes(message.body))
    if codes:
        quoted = [q for q in every if q.referral is not None and q.referral.reference in codes]
        usable = [q for q in quoted if _is_within(q, since, now) and not _is_over(q, now)]
        return usable, (quoted[0] if quoted else None)
    last = sender.last_question()
    if (
        last is None
        or last.answered_at is not None
        or not _is_within(last, since, None)
        or _is_over(last, now)
    ):
        return [], (every[0] if every else None)
    return [q for q in every if q.sent_at == last.sent_at], None


def _repeats_last_answer(
    session: Session, message: Message, sender: Sender, reply: Understanding
) -> bool:
    """Whether a reply says again what the number last answered, to the question it answered
    ("1" again, "oui" after "1"): nothing to apply and nothing for a caseworker to read. The
    message joins that referral's timeline. A different answer (a change of mind), a quoted
    reference, or a second word to a satisfaction question (it may carry a complaint) is not a
    repeat."""
    last = sender.last_question()
    if last is None or last.answered_at is None or last.referral_id is None:
        return False
    question = Question(last.question or "")
    if question in FEEDBACK_QUESTIONS or find_reference_codes(message.body):
        return False
    recorded = session.scalar(
        select(Message.intent)
        .where(
            Message.direction == "in",
            Message.referral_id == last.referral_id,
            Message.phone_e164 == message.phone_e164,
            Message.intent.is_not(None),
            Message.created_at <= last.answered_at,
            Message.id != message.id,
        )
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(1)
    )
    language = last.returnee.preferred_language if last.returnee else None
    intent = reply.in_language(language).intent(question)
    if intent is Intent.UNCLEAR or recorded != intent.value:
        return False
    message.referral_id = last.referral_id
    message.intent = intent
    return True


#: How long after the appointment a reminder's answer still counts: someone at the door, or late
#: on the way.
APPOINTMENT_GRACE = timedelta(hours=1)


def _is_over(question: Notice, now: datetime) -> bool:
    """Whether the question asks about an appointment that is over: "1", "2" or "3" to a
    reminder received after it is late, for a caseworker to read (the attendance check asks
    what happened), never a confirmation or a decline of an appointment already past."""
    referral = question.referral
    return (
        question.question == Question.APPOINTMENT_REMINDER
        and referral is not None
        and referral.appointment_at is not None
        and now > referral.appointment_at + APPOINTMENT_GRACE
    )


def _is_within(question: Notice, since: datetime, now: datetime | None) -> bool:
    """Sent within the reply window, or (when `now` is given) not expired yet."""
    if question.sent_at is not None and question.sent_at >= since:
        return True
    return now is not None and question.expires_at is not None and question.expires_at > now


def _queue_late(
    session: Session, message: Message, question: Notice, reply: Understanding, *, now: datetime
) -> tuple[ReplyOutcome, bool]:
    """After the window: keep what it seems to say, link the referral, let a caseworker apply it;
    and whether it is an unclear reply about the messages (perhaps an opt-out nobody
    understood: its review item says so, and the sender is told how to stop).

    A late answer to a satisfaction question stays off the referral's page (only the review
    item names the referral): it may carry a complaint (smsgateway.feedback).
    """
    if Question(question.question or "") not in FEEDBACK_QUESTIONS:
        message.referral_id = question.referral_id
    message.returnee_id = question.returnee_id
    language = language_of(question) or ""
    understood = reply.in_language(language)
    message.intent = understood.intent(Question(question.question or ""))
    about_the_messages = message.intent == Intent.UNCLEAR and understood.speaks_of_the_messages
    reason = ABOUT_THE_MESSAGES_REASON if about_the_messages else "late_reply"
    outcome = queue_review(
        session, message, reason=reason, now=now, referral_id=question.referral_id
    )
    return outcome, about_the_messages


def _about_the_messages_only(reply: Understanding, questions: list[Notice]) -> bool:
    """Whether a reply to several open questions answers none of them and speaks of the
    messages (`Understanding.speaks_of_the_messages`), read in each question's language."""
    for question in questions:
        language = language_of(question) or reply.language
        understood = reply.in_language(language)
        if not understood.speaks_of_the_messages:
            return False
        if understood.intent(Question(question.question or "")) is not Intent.UNCLEAR:
            return False
    return True


def _ask_which(
    session: Session,
    message: Message,
    questions: list[Notice],
    *,
    now: datetime,
    about_the_messages: bool = False,
) -> ReplyOutcome:
    """Several questions open: never guess; ask which referral, and show it to a caseworker.

    `about_the_messages`: the reply answers none of them and speaks of the messages
    (`_about_the_messages_only`), perhaps an opt-out nobody understood. Asking which referral it
    answers would not help: the person the questions are for is told how to stop
    (`ack_unclear_stop` without a reference, each time, as while one question is open), and the
    review item says why.
    """
    first = questions[0]
    if about_the_messages and all(q.returnee_id == first.returnee_id for q in questions):
        message.returnee_id = first.returnee_id  # whose questions, on a shared phone too
    if about_the_messages:
        reason, kind, payload = ABOUT_THE_MESSAGES_REASON, NoticeKind.ACK_UNCLEAR_STOP, None
    else:
        reason, kind = "several_open_questions", NoticeKind.ACK_WHICH_REFERRAL
        payload = {"referral_ids": [q.referral_id for q in questions if q.referral_id]}
    outcome = queue_review(session, message, reason=reason, now=now)
    if first.returnee is not None:
        notice = plan_notice(
            session,
            kind=kind,
            returnee=first.returnee,
            contact_point=first.contact_point,
            channel=message.channel if message.channel != "voice" else first.channel,
            due_at=now,
            now=now,
            payload=payload,
        )
        session.flush()
        outcome.notice_ids.append(notice.id)
    outcome.outcome = "review" if about_the_messages else "ask_which"
    return outcome
