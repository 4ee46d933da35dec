"""Asking partners what became of a referral: one SMS per referral, or a daily digest.

A partner question is a notice of kind `partner_question` to the partner's first point person,
by SMS, in the point person's language. It lists one referral (answered with an option digit,
`1` enrolled, `2` did not come, `3` not eligible, `4` came, no decision yet, or a status word) or,
as a digest, several numbered ones (answered `1 ENROLLED, 2 ABSENT`, or by reference). The
programme's `[partner_questions] delivery` chooses; answers are read by `smsgateway.partners`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ScalarResult, select
from sqlalchemy.orm import Session

from smsgateway.content.languages import fallback_chain
from smsgateway.models import Notice, Partner, PointPerson, Referral, Returnee, Task
from smsgateway.notices import NoticeKind, NoticeState
from smsgateway.planning import at_local_time
from smsgateway.programme import Programme
from smsgateway.replies.keywords import load_keyword_file
from smsgateway.replies.partner_commands import PartnerAction

#: The `question` of a partner question notice (partners' answers are not returnee intents).
PARTNER_QUESTION = "partner_outcome"

#: At most this many referrals in one digest message; more go in a second one.
DIGEST_SIZE = 6

#: How long after it was sent a partner question still gives meaning to a line number or digit.
ANSWERS_FOR = timedelta(days=14)


def point_person_for(partner: Partner) -> PointPerson | None:
    """The point person a partner's questions go to: the first registered."""
    people = sorted(partner.point_persons, key=lambda person: person.id)
    return people[0] if people else None


def ask_partner_about(
    session: Session,
    referral: Referral,
    *,
    now: datetime,
    programme: Programme,
    is_reminder: bool = False,
) -> Notice | None:
    """Put the referral to its partner: in a question of its own, or in the next digest.

    A referral already waiting in a digest, or asked about within `min_days_between` and since
    its appointment (unless this is the reminder), is not asked again: that question is
    returned. None when the partner has no point person to ask.
    """
    person = point_person_for(referral.partner)
    if person is None:
        return None
    settings = programme.partner_questions
    since = now - (timedelta(0) if is_reminder else settings.min_between)
    appointment = referral.appointment_at
    if appointment is not None and since < appointment <= now:
        since = appointment  # a question about an earlier appointment does not count
    earlier = _asked_since(session, person.phone_e164, referral.id, since)
    if earlier is not None:
        return earlier
    if settings.delivery == "digest":
        return _add_to_digest(session, person, referral, now=now, programme=programme)
    notice = _question(session, person, now, due_at=now, programme=programme)
    notice.referral_id = referral.id
    notice.payload = {"referral_ids": [referral.id], "reminder": is_reminder}
    return notice


def _add_to_digest(
    session: Session,
    person: PointPerson,
    referral: Referral,
    *,
    now: datetime,
    programme: Programme,
) -> Notice:
    """Add the referral to the point person's next digest, or start one."""
    pending = session.scalars(
        select(Notice)
        .where(
            Notice.kind == NoticeKind.PARTNER_QUESTION,
            Notice.recipient_phone == person.phone_e164,
            Notice.state == NoticeState.PLANNED,
        )
        .order_by(Notice.id)
    ).all()
    for notice in pending:
        ids = list(notice.payload.get("referral_ids", []))
        if len(ids) < DIGEST_SIZE:
            notice.payload = {**notice.payload, "referral_ids": [*ids, referral.id]}
            notice.referral_id = None
            return notice
    due_at = next_digest_time(now, referral.returnee.time_zone, programme)
    notice = _question(session, person, now, due_at=due_at, programme=programme)
    notice.referral_id = referral.id
    notice.payload = {"referral_ids": [referral.id], "reminder": False}
    return notice


def next_digest_time(now: datetime, time_zone: str, programme: Programme) -> datetime:
    """The next `digest_local_time` in the partner's (the returnee's) time zone."""
    today = now.astimezone(ZoneInfo(time_zone)).date()
    clock = programme.partner_questions.digest_time
    due = at_local_time(today, clock, time_zone)
    return due if due >= now else at_local_time(today + timedelta(days=1), clock, time_zone)


def _question(
    session: Session, person: PointPerson, now: datetime, *, due_at: datetime, programme: Programme
) -> Notice:
    validity = programme.validity_of(NoticeKind.PARTNER_QUESTION)
    notice = Notice(
        kind=NoticeKind.PARTNER_QUESTION,
        recipient_phone=person.phone_e164,
        channel="sms",
        language=person.language,
        question=PARTNER_QUESTION,
        payload={},
        due_at=due_at,
        expires_at=due_at + validity if validity else None,
        state=NoticeState.PLANNED,
        attempts=0,
        created_at=now,
    )
    session.add(notice)
    return notice


def _asked_since(session: Session, phone: str, referral_id: int, since: datetime) -> Notice | None:
    """A partner question about the referral still planned, or created since `since`."""
    recent = session.scalars(
        select(Notice)
        .where(
            Notice.kind == NoticeKind.PARTNER_QUESTION,
            Notice.recipient_phone == phone,
            (Notice.state == NoticeState.PLANNED) | (Notice.created_at >= since),
        )
        .order_by(Notice.id.desc())
    )
    for notice in recent:
        if referral_id in notice.payload.get("referral_ids", []):
            return notice
    return None


#: Step actions that put a referral to its partner.
PARTNER_ACTIONS = frozenset({"ask_partner", "remind_partner"})


def referrals_awaiting_partner(
    session: Session, partner_id: int, *, programme: Programme
) -> list[Referral]:
    """The partner's referrals the loop has asked it about and still waits for (its page).

    A referral is listed once a task has taken a step that asks the partner, until the task ends
    (the partner's answer, on this page or by SMS, ends it: `partners.record_partner_outcome`).
    """
    first_ask = {
        rule.name: min(i for i, step in enumerate(rule.steps) if step.action in PARTNER_ACTIONS)
        for rule in programme.tasks
        if any(step.action in PARTNER_ACTIONS for step in rule.steps)
    }
    tasks = session.scalars(
        select(Task)
        .join(Referral, Referral.id == Task.referral_id)
        .where(Referral.partner_id == partner_id, Task.state.in_(("open", "flagged")))
        .order_by(Task.referral_id)
    )
    asked = [
        task.referral
        for task in tasks
        if task.rule in first_ask and (task.state == "flagged" or task.step > first_ask[task.rule])
    ]
    return list(dict.fromkeys(asked))


def last_partner_question(session: Session, phone: str, *, now: datetime) -> Notice | None:
    """The last partner question this number received, while its numbers still mean something."""
    return _sent_to(session, phone, now=now).first()


def is_alone(session: Session, question: Notice, *, now: datetime) -> bool:
    """Whether a bare answer ("1", "INSCRIT") can only mean this question: it lists one referral,
    is unanswered, and no question about another referral to the number is still unanswered
    (several questions sent together leave a bare answer ambiguous, and so does a late answer to
    an earlier one)."""
    if len(referral_ids_of(question)) != 1 or question.answered_at is not None:
        return False
    asked = set(referral_ids_of(question))
    for other in _sent_to(session, question.recipient_phone or "", now=now):
        if other.answered_at is None and set(referral_ids_of(other)) - asked:
            return False  # a reminder about the same referral leaves no doubt
    return True


def mark_answered(session: Session, phone: str, referral_ids: set[int], *, now: datetime) -> None:
    """Partner questions to this number about these referrals now have their answer."""
    for question in _sent_to(session, phone, now=now):
        if question.answered_at is None and referral_ids & set(referral_ids_of(question)):
            question.answered_at = now


def _sent_to(session: Session, phone: str, *, now: datetime) -> ScalarResult[Notice]:
    """Partner questions sent to this number within `ANSWERS_FOR`, the last first."""
    return session.scalars(
        select(Notice)
        .where(
            Notice.kind == NoticeKind.PARTNER_QUESTION,
            Notice.recipient_phone == phone,
            Notice.state == NoticeState.SENT,
            Notice.sent_at >= now - ANSWERS_FOR,
        )
        .order_by(Notice.sent_at.desc(), Notice.id.desc())
    )


def referral_ids_of(notice: Notice) -> list[int]:
    """The referrals a partner question lists, in their numbered order."""
    return [int(i) for i in notice.payload.get("referral_ids", [])]


def partner_words(languages: list[str]) -> dict[str, dict[str, str]]:
    """Per language of a chain, the status word a partner writes for each answer: the first
    word of each `[partner]` section of its keyword file, or of its fallback's."""
    words: dict[str, dict[str, str]] = {}
    for code in languages:
        chosen: dict[str, str] = {}
        for candidate in fallback_chain(code):
            for action, listed in load_keyword_file(candidate).partner.items():
                if listed:
                    chosen.setdefault(action, listed[0])
        words[code] = {action.value: chosen.get(action.value, "") for action in PartnerAction}
    return words


def person_label(returnee: Returnee) -> str:
    """How a partner question names the person: first name and initial ("Awa D.")."""
    initial = f"{returnee.last_name.strip()[:1]}." if returnee.last_name.strip() else ""
    return " ".join(part for part in (returnee.first_name.strip(), initial) if part)


def partner_question_context(notice: Notice, languages: list[str]) -> dict[str, Any]:
    """What a partner question's template needs besides the listed referrals."""
    return {
        "reminder": bool(notice.payload.get("reminder")),
        "partner_words": partner_words(languages),
    }
