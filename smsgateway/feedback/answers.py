"""A returnee's answer to the satisfaction question, its "why", and the feedback keyword.

    satisfaction_question ──1──▶ answer recorded, thanks (ack_satisfaction)
            │ ──2 / 3──▶ answer recorded, "in a few words, why?" (satisfaction_reason)
            │ ──unclear──▶ review queue, "we did not understand"; the question stays open
    satisfaction_reason / feedback_request ──words──▶ feedback item, ack_feedback
            │ ──"ok", "no"──▶ thanks; no item
    FEEDBACK <words> ──▶ feedback item, ack_feedback;   FEEDBACK alone ──▶ feedback_request

An answer from a proxy's number, or from a number that is not the returnee's own, is kept but
never counted as the returnee's (`SatisfactionAnswer.is_proxy`). None of these messages is
linked to the referral: the referral's history, which caseworkers and the API read, never
shows a complaint.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from smsgateway.models import (
    ContactPoint,
    FeedbackItem,
    Message,
    Notice,
    Returnee,
    SatisfactionAnswer,
)
from smsgateway.notices import NoticeKind, plan_notice
from smsgateway.programme import current_programme
from smsgateway.questions import release_held_questions
from smsgateway.replies.apply import ABOUT_THE_MESSAGES_REASON, ReplyOutcome, queue_review
from smsgateway.replies.intents import Intent, Question

#: The questions whose answers this module applies instead of `replies.apply`.
FEEDBACK_QUESTIONS = frozenset({Question.SATISFACTION, Question.SATISFACTION_REASON})
ANSWERS = (Intent.SATISFIED, Intent.PARTLY_SATISFIED, Intent.NOT_SATISFIED)

OPEN, CLOSED = "open", "closed"
FROM_REASON, FROM_KEYWORD = "satisfaction_reason", "feedback_keyword"


def apply_feedback_answer(
    session: Session,
    message: Message,
    question: Notice,
    intent: Intent,
    *,
    now: datetime,
    about_the_messages: bool = False,
) -> ReplyOutcome:
    """Apply an answer to the satisfaction question or to a free-text question.

    `about_the_messages`: the reply speaks of the messages (`replies.apply.apply_answer`): an
    unclear answer to the satisfaction question is then answered with how to stop.
    """
    message.returnee_id = question.returnee_id
    if question.question == Question.SATISFACTION:
        return _satisfaction(session, message, question, intent, now, about_the_messages)
    return _free_text(session, message, question, intent, now)


def _satisfaction(
    session: Session,
    message: Message,
    question: Notice,
    intent: Intent,
    now: datetime,
    about_the_messages: bool,
) -> ReplyOutcome:
    referral = question.referral
    if intent not in ANSWERS or referral is None:
        about = intent is Intent.UNCLEAR and about_the_messages
        outcome = queue_review(
            session,
            message,
            reason=ABOUT_THE_MESSAGES_REASON if about else Intent.UNCLEAR.value,
            now=now,
            referral_id=question.referral_id,
        )
        kind = NoticeKind.ACK_UNCLEAR_STOP if about else NoticeKind.ACK_UNCLEAR
        outcome.notice_ids.append(_answer(session, message, question, kind, now))
        return outcome
    answer = SatisfactionAnswer(
        notice_id=question.id,
        referral_id=referral.id,
        partner_id=referral.partner_id,
        service_category=referral.service_category,
        message_id=message.id,
        answer=intent.value,
        is_proxy=not _is_own_number(session, message, referral.returnee),
        asked_at=question.sent_at or question.due_at,
        answered_at=now,
    )
    session.add(answer)
    _answered(session, message, question, now)
    session.flush()
    if intent is Intent.SATISFIED:
        return ReplyOutcome(
            "applied", [_answer(session, message, question, NoticeKind.ACK_SATISFACTION, now)]
        )
    why = _answer(
        session,
        message,
        question,
        NoticeKind.SATISFACTION_REASON,
        now,
        payload={"satisfaction_answer_id": answer.id},
    )
    return ReplyOutcome("applied", [why])


def _free_text(
    session: Session, message: Message, question: Notice, intent: Intent, now: datetime
) -> ReplyOutcome:
    """ "Why?" or "write your message": words open an item; "ok" or "no" only get thanks."""
    _answered(session, message, question, now)
    if intent is not Intent.REASON:
        ack = _answer(session, message, question, NoticeKind.ACK_SATISFACTION, now)
        return ReplyOutcome("applied", [ack])
    answer_id = (question.payload or {}).get("satisfaction_answer_id")
    answer = session.get(SatisfactionAnswer, int(answer_id)) if answer_id else None
    item = open_item(
        session,
        message,
        returnee=question.returnee,
        source=FROM_REASON if answer is not None else FROM_KEYWORD,
        answer=answer,
        now=now,
    )
    ack = _answer(session, message, question, NoticeKind.ACK_FEEDBACK, now)
    return ReplyOutcome("applied" if item else "review", [ack])


def apply_feedback_keyword(
    session: Session, message: Message, points: list[ContactPoint], *, now: datetime, text: str
) -> ReplyOutcome:
    """FEEDBACK with words opens an item at once; alone, it asks for the message."""
    point = points[0]
    returnee = point.returnee if len({p.returnee_id for p in points}) == 1 else None
    kind = NoticeKind.ACK_FEEDBACK if has_words_beyond_keyword(text, point) else None
    if kind is not None:
        open_item(session, message, returnee=returnee, source=FROM_KEYWORD, answer=None, now=now)
    notice = plan_notice(
        session,
        kind=kind or NoticeKind.FEEDBACK_REQUEST,
        returnee=point.returnee,
        contact_point=point,
        channel=_channel(message),
        due_at=now,
        now=now,
    )
    session.flush()
    return ReplyOutcome("applied", [notice.id])


def has_words_beyond_keyword(text: str, point: ContactPoint) -> bool:
    """Whether a FEEDBACK message says something besides the keyword and politeness."""
    from smsgateway.replies.keywords import Signal
    from smsgateway.replies.reading import FILLER, read_reply

    reading = read_reply(text, point.returnee.preferred_language)
    return any(
        m.signal not in FILLER and m.signal is not Signal.FEEDBACK and m.text != "?"
        for m in reading.matches
    )


def open_item(
    session: Session,
    message: Message,
    *,
    returnee: Returnee | None,
    source: str,
    answer: SatisfactionAnswer | None,
    now: datetime,
) -> FeedbackItem:
    """A feedback item for the managers, about the answer's referral and partner if any."""
    point = session.get(ContactPoint, message.contact_point_id or 0)
    is_own = returnee is not None and _is_own_number(session, message, returnee)
    item = FeedbackItem(
        message_id=message.id,
        returnee_id=returnee.id if returnee is not None else None,
        contact_point_id=point.id if point is not None else None,
        referral_id=answer.referral_id if answer is not None else None,
        partner_id=answer.partner_id if answer is not None else None,
        satisfaction_answer_id=answer.id if answer is not None else None,
        source=source,
        is_proxy=not is_own,
        language=returnee.preferred_language if returnee is not None else "",
        state=OPEN,
        created_at=now,
    )
    session.add(item)
    session.flush()
    return item


def _is_own_number(session: Session, message: Message, returnee: Returnee) -> bool:
    """Whether the message came from the returnee's own number (not a proxy's)."""
    point = session.get(ContactPoint, message.contact_point_id or 0)
    return point is not None and point.returnee_id == returnee.id and not point.is_proxy


def _answered(session: Session, message: Message, question: Notice, now: datetime) -> None:
    question.answered_at = now
    release_held_questions(session, message.phone_e164, now=now, programme=current_programme())


def _answer(
    session: Session,
    message: Message,
    question: Notice,
    kind: NoticeKind,
    now: datetime,
    *,
    payload: dict[str, object] | None = None,
) -> int:
    """A notice back to where the question went, tied to no referral (nothing on its page)."""
    returnee = question.returnee
    assert returnee is not None  # noqa: S101  (questions are always sent to a returnee)
    notice = plan_notice(
        session,
        kind=kind,
        returnee=returnee,
        contact_point=question.contact_point,
        channel=_channel(message),
        due_at=now,
        now=now,
        payload=payload,
    )
    session.flush()
    return notice.id


def _channel(message: Message) -> str:
    """Answer on the channel the reply came in; a key press is answered by SMS (free text)."""
    return "sms" if message.channel == "voice" else message.channel
