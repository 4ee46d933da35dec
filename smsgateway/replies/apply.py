"""Writing an understood reply back: status change + event + acknowledgement, or a review item.

One table says what each intent does to a referral; anything the table does not cover, or that
the transition rules refuse, goes to a caseworker's review queue instead of being guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from smsgateway.models import ContactPoint, Message, Notice, ReviewItem
from smsgateway.notices import NoticeKind, cancel_pending, plan_notice
from smsgateway.referrals import Source, Status, TransitionRefused, change_status
from smsgateway.replies.intents import Intent, Question
from smsgateway.returnees import set_opt_out

#: (question, intent) → the referral status it records. Absent pairs change no status.
STATUS_FOR: dict[tuple[Question, Intent], Status] = {
    (Question.APPOINTMENT_REMINDER, Intent.CONFIRM): Status.CONFIRMED,
    (Question.APPOINTMENT_REMINDER, Intent.DECLINE): Status.DECLINED,
    (Question.APPOINTMENT_REMINDER, Intent.RESCHEDULE): Status.RESCHEDULE_REQUESTED,
    (Question.ATTENDANCE_CHECK, Intent.ATTENDED_YES): Status.ATTENDED,
    (Question.ATTENDANCE_CHECK, Intent.ATTENDED_NO): Status.NO_SHOW,
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


@dataclass
class ReplyOutcome:
    outcome: str
    notice_ids: list[int] = field(default_factory=list)


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
    session: Session, message: Message, question: Notice, intent: Intent, *, now: datetime
) -> ReplyOutcome:
    """Apply `intent` as the answer to `question`; acknowledge it in the recipient's language."""
    referral = question.referral
    message.referral_id = question.referral_id
    outcome = ReplyOutcome("applied")
    new_status = STATUS_FOR.get((Question(question.question or ""), intent))
    if referral is not None and new_status is not None and referral.status != new_status:
        source = Source.VOICE_KEYPRESS if message.channel == "voice" else Source.RETURNEE_REPLY
        try:
            change_status(session, referral, new_status, source=source, now=now, message=message)
        except TransitionRefused:
            return queue_review(session, message, reason="transition_refused", now=now)
    if intent is not Intent.UNCLEAR:
        question.answered_at = now
    if question.question == Question.FOLLOWUP and intent is Intent.ATTENDED_NO and referral:
        referral.needs_reorientation = True
        queue_review(session, message, reason="reorientation", now=now)
    if intent in NEEDS_CASEWORKER:
        queue_review(session, message, reason=intent.value, now=now)
        outcome.outcome = "review" if intent is Intent.UNCLEAR else "applied"
    outcome.notice_ids.append(_acknowledge(session, message, question, ACK_FOR[intent], now))
    return outcome


def apply_global_intent(
    session: Session,
    message: Message,
    points: list[ContactPoint],
    intent: Intent,
    *,
    now: datetime,
) -> ReplyOutcome:
    """Opt-out, opt-in and help work whatever the question; opt-out stops every channel at once."""
    returnees = {point.returnee_id: point.returnee for point in points}
    if intent in (Intent.OPT_OUT, Intent.OPT_IN):
        for returnee in returnees.values():
            set_opt_out(
                session,
                returnee,
                is_opted_out=intent is Intent.OPT_OUT,
                source=f"reply:{message.channel}",
                now=now,
            )
            if intent is Intent.OPT_OUT:
                cancel_pending(session, returnee_id=returnee.id, reason="opted out")
    point = points[0]
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


def _acknowledge(
    session: Session, message: Message, question: Notice, kind: NoticeKind, now: datetime
) -> int:
    returnee = question.returnee
    assert returnee is not None  # noqa: S101  (questions are always sent to a returnee)
    notice = plan_notice(
        session,
        kind=kind,
        returnee=returnee,
        referral=question.referral,
        contact_point=question.contact_point,
        channel=_answer_channel(message),
        due_at=now,
        now=now,
    )
    session.flush()
    return notice.id


def _answer_channel(message: Message) -> str:
    """Answer on the channel the reply came in; a key press is confirmed by SMS as well."""
    return "sms" if message.channel == "voice" else message.channel
