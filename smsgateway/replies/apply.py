"""Writing an understood reply back: status change + event + acknowledgement, or a review item.

One table says what each intent does to a referral; anything the table does not cover, or that
the transition rules refuse, goes to a caseworker's review queue instead of being guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.channels import Channel
from smsgateway.delivery.outcomes import apply_wrong_number
from smsgateway.errors import InvalidInput
from smsgateway.inputs import reading_text
from smsgateway.loop.tasks import caseworker_task_covers, sync_tasks
from smsgateway.models import ContactPoint, Message, Notice, Referral, Returnee, ReviewItem, Task
from smsgateway.models.versions import update_now
from smsgateway.notices import (
    NoticeKind,
    NoticeState,
    insert_notice,
    notice_row,
    plan_notice,
)
from smsgateway.programme import Programme, current_programme
from smsgateway.questions import release_held_questions
from smsgateway.reachability import (
    OPTED_OUT,
    person_of_number,
    record_opt_in,
    record_opt_out,
    suppressed_numbers,
)
from smsgateway.referrals import (
    Source,
    Status,
    TransitionRefused,
    change_status,
    is_superseded,
)
from smsgateway.replies.intents import Intent, Question
from smsgateway.replies.shared_phones import (
    is_bare_acknowledgement,
    is_chatter,
    is_shared_phone,
)
from smsgateway.returnees import is_opted_out, set_consent
from smsgateway.users import Actor, actor_identity

#: (question, intent) → the referral status it records. Absent pairs change no status.
STATUS_FOR: dict[tuple[Question, Intent], Status] = {
    (Question.APPOINTMENT_REMINDER, Intent.CONFIRM): Status.CONFIRMED,
    (Question.APPOINTMENT_REMINDER, Intent.DECLINE): Status.DECLINED,
    (Question.APPOINTMENT_REMINDER, Intent.RESCHEDULE): Status.RESCHEDULE_REQUESTED,
    (Question.ATTENDANCE_CHECK, Intent.ATTENDED_YES): Status.ATTENDED,
    (Question.ATTENDANCE_CHECK, Intent.ATTENDED_NO): Status.NO_SHOW,
    # "Did you start the service?" yes: the returnee is enrolled (no change if already recorded);
    # no: they have not started, which a caseworker follows up (re-orientation).
    (Question.FOLLOWUP, Intent.ATTENDED_YES): Status.ENROLLED,
    (Question.FOLLOWUP, Intent.ATTENDED_NO): Status.NOT_STARTED,
}

#: What a "yes, I went" or "yes, I started" from a shared phone does not overturn by itself: the
#: partner, a caseworker or the person recorded otherwise before, and on a family phone the one
#: answering may not be the person asked about (locales/KEYWORDS.md). A caseworker decides.
_RECORDED_NEGATIVE = frozenset(
    {Status.NO_SHOW, Status.DECLINED, Status.NOT_STARTED, Status.INELIGIBLE, Status.DROPPED_OUT}
)
_POSITIVE_ANSWER = frozenset({Status.ATTENDED, Status.ENROLLED})

#: The questions whose answers may change a referral's status.
_STATUS_QUESTIONS = frozenset(
    q.value for q in (Question.APPOINTMENT_REMINDER, Question.ATTENDANCE_CHECK, Question.FOLLOWUP)
)

#: What an intent records when a caseworker applies a message that answers no question.
STATUS_WITHOUT_QUESTION: dict[Intent, Status] = {
    Intent.CONFIRM: Status.CONFIRMED,
    Intent.DECLINE: Status.DECLINED,
    Intent.RESCHEDULE: Status.RESCHEDULE_REQUESTED,
    Intent.ATTENDED_YES: Status.ATTENDED,
    Intent.ATTENDED_NO: Status.NO_SHOW,
}

#: The acknowledgement each intent gets.
ACK_FOR: dict[Intent, NoticeKind] = {
    Intent.CONFIRM: NoticeKind.ACK_CONFIRMED,
    Intent.DECLINE: NoticeKind.ACK_DECLINED,
    Intent.RESCHEDULE: NoticeKind.ACK_RESCHEDULE,
    Intent.ATTENDED_YES: NoticeKind.ACK_ATTENDED_YES,
    Intent.ATTENDED_NO: NoticeKind.ACK_ATTENDED_NO,
    Intent.OPT_OUT: NoticeKind.ACK_OPTED_OUT,
    Intent.OPT_IN: NoticeKind.ACK_OPTED_IN,
    Intent.HELP: NoticeKind.ACK_HELP,
    Intent.UNCLEAR: NoticeKind.ACK_UNCLEAR,
}

#: Answers a caseworker must act on even though they were understood.
NEEDS_CASEWORKER = frozenset({Intent.DECLINE, Intent.RESCHEDULE, Intent.UNCLEAR})

#: A number that writes without an open question hears at most this often that its message
#: reached the caseworker: every reply gets an answer, a chatty phone does not get a stream.
RECEIPT_INTERVAL = timedelta(days=1)


class ReviewItemClosed(InvalidInput):
    """No open review item has this id: it never existed, or someone (a second tab, a colleague)
    decided it first."""

    def __init__(self) -> None:
        super().__init__("item_id", "no open review item with this id")


def open_review_item(session: Session, item_id: int) -> ReviewItem:
    """The review item `item_id` while it is open; `ReviewItemClosed` otherwise."""
    item = session.get(ReviewItem, item_id)
    if item is None or item.resolved_at is not None:
        raise ReviewItemClosed()
    return item


@dataclass
class ReplyOutcome:
    outcome: str
    notice_ids: list[int] = field(default_factory=list)


#: The review reason of an applied answer that also asks a caseworker something.
QUESTION_BESIDE_ANSWER_REASON = "question_beside_answer"
#: The review reason of an unclear reply that speaks of the messages: perhaps an opt-out.
ABOUT_THE_MESSAGES_REASON = "unclear_about_the_messages"
#: The review reason of an opt-in from a number that never stopped: it asks for something else.
NOTHING_STOPPED_REASON = "opt_in_nothing_stopped"
#: The review reason of an opt-out read by likeness (rule `opt_out_likeness`), not by a rule: the
#: number stopped, and a caseworker checks that the returnee meant it.
STOPPED_BY_LIKENESS_REASON = "opt_out_by_likeness"
#: The review reason of a request for help from someone who cannot read ("I can't read"): the
#: help answer went as a text, and a caseworker calls them or sends their notices as voice calls.
CANNOT_READ_REASON = "cannot_read"
#: The review reason of a request for help read from a longer reply (rule `help_at_length`): the
#: help answer went, and a caseworker reads what else the reply says (who writes, a story, a
#: complaint).
HELP_AT_LENGTH_REASON = "help_at_length"


def queue_review(
    session: Session,
    message: Message,
    *,
    reason: str,
    now: datetime,
    referral_id: int | None = None,
) -> ReplyOutcome:
    """Put an inbound message in front of a caseworker."""
    session.add(
        ReviewItem(
            message_id=message.id,
            referral_id=referral_id or message.referral_id,
            returnee_id=message.returnee_id,
            reason=reason,
            created_at=now,
        )
    )
    session.flush()
    return ReplyOutcome("review")


def apply_answer(
    session: Session,
    message: Message,
    question: Notice,
    intent: Intent,
    *,
    now: datetime,
    live_tasks: dict[str, Task] | None = None,
    has_held_questions: bool = True,
    asks_a_question: bool = False,
    about_the_messages: bool = False,
) -> ReplyOutcome:
    """Apply `intent` as the answer to `question`; acknowledge it in the recipient's language.

    `asks_a_question`: the reply asks something beside its answer ("I'll come. Is the bus stop
    near?"): the answer is applied and the message also goes to the review queue, for a
    caseworker to answer the question.

    `about_the_messages`: the reply speaks of the messages, sending or one's number
    (`Understanding.speaks_of_the_messages`). Unclear, it may be an opt-out nobody understood:
    the acknowledgement also says how to stop (`ack_unclear_stop`) and the review item says why.

    An "ok" to a reminder from a shared phone or a proxy confirms nothing by itself: the person
    is asked for the digit and the question stays open (`replies.shared_phones`).
    `live_tasks` (the referral's, when the caller read them) and `has_held_questions` False
    spare the reads and writes they stand for. The acknowledgement is written at once with one
    Core INSERT (no ORM object, no flush); the rest of the reply's changes go to the database
    together, at the caller's one flush.
    """
    referral = question.referral
    if (message.referral_id, message.returnee_id) != (question.referral_id, question.returnee_id):
        message.referral_id = question.referral_id
        message.returnee_id = question.returnee_id
    programme = current_programme()
    if _confirms_nothing_by_itself(session, message, question, intent):
        ack = _acknowledge(session, message, question, NoticeKind.ACK_NEEDS_CONFIRMATION, now)
        return ReplyOutcome("needs_confirmation", [ack])
    outcome = ReplyOutcome("applied")
    is_answer = intent is not Intent.UNCLEAR
    if is_answer:  # written before the status change, so its one sync of the tasks sees it
        update_now(session, question, {"answered_at": now})
    is_synced = False
    new_status = STATUS_FOR.get((Question(question.question or ""), intent))
    if referral is not None and new_status is not None and _changes(referral, new_status):
        if _contradicts_record_from_shared_phone(session, message, referral, new_status):
            # Answered (not asked again: `is_answer`, written above), nothing recorded: the
            # caseworker sees both sides.
            return _review_with_receipt(session, message, question, "contradicts_record", now)
        source = Source.VOICE_KEYPRESS if message.channel == "voice" else Source.RETURNEE_REPLY
        try:
            change_status(
                session,
                referral,
                new_status,
                source=source,
                now=now,
                message=message,
                programme=programme,
                live_tasks=live_tasks,
            )
            is_synced = True
        except TransitionRefused:  # refused before anything changed: the question stays open
            update_now(session, question, {"answered_at": None})
            return _review_with_receipt(session, message, question, "transition_refused", now)
    if is_answer:
        if has_held_questions:
            release_held_questions(session, message.phone_e164, now=now, programme=programme)
        if referral is not None and not is_synced:
            sync_tasks(session, referral, now=now, programme=programme, live=live_tasks)
    if question.question == Question.FOLLOWUP and intent is Intent.ATTENDED_NO and referral:
        referral.needs_reorientation = True
        if "reorientation" in programme.replies.review:
            queue_review(session, message, reason="reorientation", now=now)
    if asks_a_question and is_answer:
        queue_review(session, message, reason=QUESTION_BESIDE_ANSWER_REASON, now=now)
    about_stopping = intent is Intent.UNCLEAR and about_the_messages
    if about_stopping:
        # Perhaps an opt-out nobody understood: a caseworker sees it, whatever `[replies]
        # review` lists (the acknowledgement says a caseworker will read it).
        queue_review(session, message, reason=ABOUT_THE_MESSAGES_REASON, now=now)
        outcome.outcome = "review"
    elif _needs_caseworker(intent, programme, message, question):
        queue_review(session, message, reason=intent.value, now=now)
        outcome.outcome = "review" if intent is Intent.UNCLEAR else "applied"
    elif intent is Intent.UNCLEAR:
        outcome.outcome = "asked_again"  # a bare "ok" or thanks: the digit is asked for
    kind = NoticeKind.ACK_UNCLEAR_STOP if about_stopping else ACK_FOR[intent]
    outcome.notice_ids.append(_insert_acknowledgement(session, message, question, kind, now))
    return outcome


def acknowledge_receipt(
    session: Session,
    message: Message,
    point: ContactPoint,
    *,
    now: datetime,
    about_the_messages: bool = False,
) -> list[int]:
    """Tell a returnee their message reached the caseworker (`ack_received`), at most once per
    number per `RECEIPT_INTERVAL`; the notice ids planned (none when already told).

    `about_the_messages`: the message speaks of the messages, sending or the number, and may be
    an opt-out nobody understood: it is answered with how to stop instead (`ack_unclear_stop`,
    also at most once per number per `RECEIPT_INTERVAL`).

    The wording names no referral, partner or service: it is discreet on any phone.
    """
    kind = NoticeKind.ACK_UNCLEAR_STOP if about_the_messages else NoticeKind.ACK_RECEIVED
    since = now - RECEIPT_INTERVAL
    already = session.scalar(
        select(Notice.id)
        .join(ContactPoint, Notice.contact_point_id == ContactPoint.id)
        .where(
            Notice.kind == kind,
            ContactPoint.phone_e164 == point.phone_e164,
            Notice.created_at > since,
        )
        .limit(1)
    )
    if already is not None:
        return []
    notice = plan_notice(
        session,
        kind=kind,
        returnee=point.returnee,
        contact_point=point,
        channel=_answer_channel(message),
        due_at=now,
        now=now,
    )
    session.flush()
    return [notice.id]


def _needs_caseworker(
    intent: Intent, programme: Programme, message: Message, question: Notice
) -> bool:
    """Whether an answer also goes to the review queue (`[replies] review` in the programme):
    declines and unclear answers by default; a request for another date only when no task rule
    puts it on a caseworker's list (the rebooking task); a bare "ok" or thanks that leaves the
    question unanswered only as "chatter" (the person is asked for the digit either way)."""
    review = programme.replies.review
    if intent is Intent.RESCHEDULE:
        covered = caseworker_task_covers(programme, Status.RESCHEDULE_REQUESTED)
        return not covered or "reschedule" in review
    if intent is Intent.UNCLEAR and is_chatter(reading_text(message.body), language_of(question)):
        return "chatter" in review
    return intent in NEEDS_CASEWORKER and intent.value in review


def language_of(question: Notice) -> str | None:
    """The language a question's answer is read in: its returnee's (questions are sent to a
    returnee; None for any other)."""
    return question.returnee.preferred_language if question.returnee else None


def _confirms_nothing_by_itself(
    session: Session, message: Message, question: Notice, intent: Intent
) -> bool:
    """An "ok"-style confirmation of a reminder: on any phone (`ok_confirms = "never"`), or
    only from a shared phone or a proxy (`"own_phone"`)."""
    if intent is not Intent.CONFIRM or question.question != Question.APPOINTMENT_REMINDER:
        return False
    if not is_bare_acknowledgement(reading_text(message.body), language_of(question)):
        return False
    if current_programme().replies.ok_confirms == "never":
        return True
    return is_shared_phone(session, message.phone_e164)


def _review_with_receipt(
    session: Session, message: Message, question: Notice, reason: str, now: datetime
) -> ReplyOutcome:
    """The answer goes to a caseworker; the sender is told it arrived (discreetly)."""
    outcome = queue_review(session, message, reason=reason, now=now)
    if question.contact_point is not None:
        outcome.notice_ids += acknowledge_receipt(session, message, question.contact_point, now=now)
    return outcome


def _contradicts_record_from_shared_phone(
    session: Session, message: Message, referral: Referral, new_status: Status
) -> bool:
    """A "yes" that would overturn a recorded no-show, decline, not-started, ineligibility or
    drop-out, sent from a proxy's, shared or several returnees' number."""
    return (
        referral.status in _RECORDED_NEGATIVE
        and new_status in _POSITIVE_ANSWER
        and is_shared_phone(session, message.phone_e164)
    )


def _changes(referral: Referral, new_status: Status) -> bool:
    """Whether an answer records something: not the current status, nor one it went past."""
    return referral.status != new_status and not is_superseded(referral.status, new_status)


def apply_global_intent(
    session: Session,
    message: Message,
    points: list[ContactPoint],
    intent: Intent,
    *,
    now: datetime,
    is_answered_by_provider: bool = False,
) -> ReplyOutcome:
    """Opt-out, opt-in, help and "wrong number" work whatever the question.

    STOP and START act on the number they came from, on every channel and sender; the
    returnee's other numbers keep receiving (smsgateway.reachability.record_opt_out). When the
    provider answers these keywords itself, the service sends no answer of its own.

    An opt-in from a number that never stopped starts nothing: "I deleted your message by
    mistake, send it again" asks for something a caseworker can give. It goes to the review
    queue (`opt_in_nothing_stopped`) and is answered with the receipt, at most once a day.
    """
    source = f"reply:{message.channel}"
    if intent is Intent.WRONG_NUMBER:
        # Not the returnee's number: nothing more goes to it, and no answer either (the
        # stranger is not told about anyone's referrals).
        apply_wrong_number(session, message.phone_e164, now=now, message_id=message.id)
        return ReplyOutcome("applied")
    point = points[0]
    if intent is Intent.OPT_IN and not _was_stopped(session, message.phone_e164, points):
        # "I deleted your message by mistake, send it again", "START" from a number that never
        # stopped: nothing to start; what it asks for is for a caseworker to see.
        outcome = queue_review(session, message, reason=NOTHING_STOPPED_REASON, now=now)
        if not is_answered_by_provider:
            outcome.notice_ids += acknowledge_receipt(session, message, point, now=now)
        return outcome
    if intent is Intent.OPT_OUT:
        record_opt_out(session, message.phone_e164, source=source, now=now, message_id=message.id)
    elif intent is Intent.OPT_IN:
        record_opt_in(session, message.phone_e164, source=source, now=now)
    if is_answered_by_provider:
        return ReplyOutcome("applied")
    notice = plan_notice(
        session,
        kind=ACK_FOR[intent],
        returnee=point.returnee,
        contact_point=point,
        channel=_answer_channel(message),
        due_at=now,
        now=now,
    )
    session.flush()
    return ReplyOutcome("applied", [notice.id])


def apply_review_item(
    session: Session,
    item_id: int,
    intent: Intent,
    *,
    now: datetime,
    actor: Actor,
    referral_id: int | None = None,
) -> ReplyOutcome:
    """A caseworker applies a queued message (a late reply, say) as `intent`, then resolves it.

    The returnee hears of it only when something changed (a status, re-orientation, consent),
    and never on a channel they opted out of or a number that stopped.

    The referral is the item's own unless `referral_id` picks one (a message that asked "which?").
    `TransitionRefused` leaves everything unchanged and the item open.
    """
    if intent not in ACK_FOR:  # satisfaction answers and feedback are not a caseworker's
        raise InvalidInput("intent", "choose one of the offered intents")
    item = open_review_item(session, item_id)
    message = item.message
    if message is None:  # a notice whose delivery is unknown: resend or mark sent instead
        raise InvalidInput("item_id", "this review item is about a notice, not a message")
    referral = session.get(Referral, referral_id or item.referral_id or message.referral_id or 0)
    if referral is None:
        raise InvalidInput("referral_id", "choose the referral this message answers")
    question = _latest_question(session, referral)
    asked = Question(question.question) if question and question.question else None
    status = STATUS_FOR.get((asked, intent)) if asked else STATUS_WITHOUT_QUESTION.get(intent)
    has_changed = False
    if status is not None and _changes(referral, status):
        change_status(
            session,
            referral,
            status,
            source=Source.CASEWORKER,
            now=now,
            actor=actor,
            message=message,
        )
        has_changed = True
    message.referral_id, message.intent = referral.id, intent
    if item.referral_id is None:  # decided about this referral: its timeline shows the decision
        item.referral_id = referral.id
    if question is not None and intent is not Intent.UNCLEAR:
        question.answered_at = now
        sync_tasks(session, referral, now=now)
    if asked is Question.FOLLOWUP and intent is Intent.ATTENDED_NO:
        has_changed = has_changed or not referral.needs_reorientation
        referral.needs_reorientation = True
    if (
        intent is Intent.OPT_IN
        and item.reason == STOPPED_BY_LIKENESS_REASON
        and suppressed_numbers(session, [message.phone_e164])
    ):
        # The stop was the service's reading (rule 7b), not the person's STOP, and the caseworker
        # found it was not meant: the number starts again as START would start it.
        record_opt_in(session, message.phone_e164, source="caseworker:review", now=now)
        has_changed = True
    if intent in (Intent.OPT_OUT, Intent.OPT_IN):
        has_changed = _set_consent(session, referral, message, intent, now, actor) or has_changed
    item.resolved_at = now
    item.resolved_by, item.resolved_by_user_id = actor_identity(actor)
    point = _point_of(session, message, referral) or referral.returnee.own_contact_point()
    channel = _answer_channel(message)
    if not has_changed or not _may_answer(session, referral.returnee, point, channel, intent):
        session.flush()
        return ReplyOutcome("applied")
    notice = plan_notice(
        session,
        kind=ACK_FOR[intent],
        returnee=referral.returnee,
        referral=referral,
        contact_point=point,
        channel=channel,
        due_at=now,
        now=now,
    )
    session.flush()
    return ReplyOutcome("applied", [notice.id])


def _was_stopped(session: Session, phone: str, points: list[ContactPoint]) -> bool:
    """Whether START from this number has something to lift (`record_opt_in`): the number
    stopped (STOP, 21610), or the one person whose own number it is opted out (a caseworker
    applied their request). A relative's START, or one from a shared phone, does not speak for
    a person's own opt-out."""
    if suppressed_numbers(session, [phone]):
        return True
    if any(point.reachability == OPTED_OUT for point in points):
        return True
    owner = person_of_number(points)
    return owner is not None and any(consent.is_opted_out for consent in owner.consents)


def _may_answer(
    session: Session, returnee: Returnee, point: ContactPoint | None, channel: str, intent: Intent
) -> bool:
    """Whether a caseworker's decision may be acknowledged: never to a number that stopped,
    nor to a returnee who opted out of the channel, except to confirm the opt-out just applied
    on the person's own number (as STOP is answered: the person learns it worked and how to
    start again; a relative's START would not)."""
    if point is None or suppressed_numbers(session, [point.phone_e164]):
        return False
    if intent is Intent.OPT_OUT:
        return not point.is_proxy
    return not is_opted_out(returnee, channel)


def _latest_question(session: Session, referral: Referral) -> Notice | None:
    """The last question sent to the returnee about this referral, answered or not."""
    return session.scalars(
        select(Notice)
        .where(
            Notice.referral_id == referral.id,
            # The satisfaction questions are not about the referral's status (smsgateway.feedback).
            Notice.question.in_([q.value for q in Question if q.value in _STATUS_QUESTIONS]),
            Notice.state == NoticeState.SENT,
        )
        .order_by(Notice.sent_at.desc(), Notice.id.desc())
        .limit(1)
    ).first()


def _point_of(session: Session, message: Message, referral: Referral) -> ContactPoint | None:
    """Answer on the number the message came from when it is one of the returnee's."""
    point = session.get(ContactPoint, message.contact_point_id or 0)
    return point if point is not None and point.returnee_id == referral.returnee_id else None


def _set_consent(
    session: Session,
    referral: Referral,
    message: Message,
    intent: Intent,
    now: datetime,
    actor: Actor,
) -> bool:
    """Record the opt-out (or opt-in) a message asked for, as a caseworker records one
    (`returnees.set_consent`); whether it changed anything."""
    is_out = intent is Intent.OPT_OUT
    returnee = referral.returnee
    if all(is_opted_out(returnee, channel) == is_out for channel in Channel):
        return False
    source = f"reply:{message.channel}"
    set_consent(session, returnee, is_opted_out=is_out, now=now, actor=actor, source=source)
    return True


def _acknowledge(
    session: Session, message: Message, question: Notice, kind: NoticeKind, now: datetime
) -> int:
    notice = _plan_acknowledgement(session, message, question, kind, now)
    session.flush()
    return notice.id


def _plan_acknowledgement(
    session: Session, message: Message, question: Notice, kind: NoticeKind, now: datetime
) -> Notice:
    returnee = question.returnee
    assert returnee is not None  # noqa: S101  (questions are always sent to a returnee)
    return plan_notice(
        session,
        kind=kind,
        returnee=returnee,
        referral=question.referral,
        contact_point=question.contact_point,
        channel=_answer_channel(message),
        due_at=now,
        now=now,
    )


def _insert_acknowledgement(
    session: Session, message: Message, question: Notice, kind: NoticeKind, now: datetime
) -> int:
    """What `_plan_acknowledgement` plans, written at once through Core; the notice's id."""
    returnee = question.returnee
    assert returnee is not None  # noqa: S101  (questions are always sent to a returnee)
    row = notice_row(
        kind=kind,
        returnee=returnee,
        referral_id=question.referral.id if question.referral is not None else None,
        contact_point=question.contact_point,
        channel=_answer_channel(message),
        due_at=now,
        now=now,
    )
    return insert_notice(session, row)


def _answer_channel(message: Message) -> str:
    """Answer on the channel the reply came in; a key press is confirmed by SMS as well."""
    return "sms" if message.channel == "voice" else message.channel
