"""What a step of a task does (`[tasks.<rule>] steps` in the programme file).

Each action returns whether it could run; a step that cannot (no point person, no proxy, no
question left to ask) passes to the next step at once, without waiting.

- `ask_partner`: put the referral to the partner's point person (one message or the digest),
  a question about it within `[partner_questions] min_days_between` counts as this one;
- `remind_partner`: the same, as a reminder, whenever it falls due;
- `ask_partner_date`: ask the partner's point person for a new appointment date, answered by
  SMS (`smsgateway.loop.partner_dates`);
- `remind_partner_date`: the same request again, as a reminder;
- `ask_again`: send the returnee's last unanswered question again, on another channel;
- `ask_proxy`: a discreet request to a proxy to have the returnee contact the office
  (`reachability.request_proxy_contact`);
- `caseworker`: nothing is sent; the task is on a caseworker's list until its wait ends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.content import voice
from smsgateway.loop.partner_dates import ask_partner_for_date
from smsgateway.loop.partner_questions import ask_partner_about
from smsgateway.loop.tasks import RETURNEE_QUESTION_KINDS
from smsgateway.models import Notice, Referral, Task
from smsgateway.notices import NoticeKind, NoticeState, plan_notice
from smsgateway.programme import Programme
from smsgateway.reachability import request_proxy_contact
from smsgateway.referrals import is_worth_asking


@dataclass(frozen=True)
class StepContext:
    """What a step's action works on."""

    session: Session
    task: Task
    referral: Referral
    now: datetime
    programme: Programme


def ask_partner(step: StepContext) -> bool:
    notice = ask_partner_about(step.session, step.referral, now=step.now, programme=step.programme)
    return notice is not None


def remind_partner(step: StepContext) -> bool:
    notice = ask_partner_about(
        step.session, step.referral, now=step.now, programme=step.programme, is_reminder=True
    )
    return notice is not None


def ask_partner_date(step: StepContext) -> bool:
    notice = ask_partner_for_date(
        step.session, step.referral, now=step.now, programme=step.programme
    )
    return notice is not None


def remind_partner_date(step: StepContext) -> bool:
    notice = ask_partner_for_date(
        step.session, step.referral, now=step.now, programme=step.programme, is_reminder=True
    )
    return notice is not None


def ask_again(step: StepContext) -> bool:
    """The last unanswered question about the referral, again, on the next channel that can
    carry it; valid until the step's wait ends."""
    question = _last_unanswered_question(step.session, step.referral, step.now)
    if question is None:
        return False
    channel = _other_channel(question, step.programme)
    rule = step.programme.rule(step.task.rule)
    wait = rule.steps[step.task.step - 1].wait if rule is not None else None
    plan_notice(
        step.session,
        kind=NoticeKind(question.kind),
        returnee=step.referral.returnee,
        referral=step.referral,
        contact_point=question.contact_point,
        channel=channel,
        due_at=step.now,
        expires_at=_expiry(question, step.now, wait),
        payload=dict(question.payload or {}),
        now=step.now,
    )
    return True


def ask_proxy(step: StepContext) -> bool:
    notice = request_proxy_contact(
        step.session, step.referral.returnee, now=step.now, referral=step.referral
    )
    return notice is not None


def caseworker(step: StepContext) -> bool:
    return True


#: Action names as the programme file writes them.
ACTIONS: dict[str, Callable[[StepContext], bool]] = {
    "ask_partner": ask_partner,
    "remind_partner": remind_partner,
    "ask_partner_date": ask_partner_date,
    "remind_partner_date": remind_partner_date,
    "ask_again": ask_again,
    "ask_proxy": ask_proxy,
    "caseworker": caseworker,
}


def _last_unanswered_question(session: Session, referral: Referral, now: datetime) -> Notice | None:
    """The referral's latest question to the returnee that is unanswered and still worth
    asking (a reminder of an appointment that has passed is not)."""
    question = session.scalars(
        select(Notice)
        .where(
            Notice.referral_id == referral.id,
            Notice.kind.in_(RETURNEE_QUESTION_KINDS),
            Notice.state == NoticeState.SENT,
            Notice.answered_at.is_(None),
        )
        .order_by(Notice.sent_at.desc(), Notice.id.desc())
        .limit(1)
    ).first()
    if question is None or not is_worth_asking(question.kind, referral.status):
        return None
    if question.kind == NoticeKind.APPOINTMENT_REMINDER:
        appointment = referral.appointment_at
        if appointment is None or appointment <= now:
            return None
    return question


def _other_channel(question: Notice, programme: Programme) -> str:
    """The first `ask_again_channels` entry unlike the question's channel that can carry it in
    the returnee's language; else the question's own channel."""
    languages = voice.own_languages(question.language, question.returnee)
    for channel in programme.questions.ask_again_channels:
        if channel == question.channel:
            continue
        if channel == "voice" and not voice.call_language(
            languages, question.kind, is_question=True
        ):
            continue
        return channel
    return question.channel


def _expiry(question: Notice, now: datetime, wait: timedelta | None) -> datetime | None:
    """A reminder's own expiry (the appointment); else the later of the original expiry and the
    end of the step's wait."""
    end = now + wait if wait is not None else None
    if question.kind == NoticeKind.APPOINTMENT_REMINDER:
        return question.expires_at
    if question.expires_at is not None and (end is None or question.expires_at > end):
        return question.expires_at
    return end
