"""Questions at send time: one open question per number, and none no longer worth asking.

Two rules the dispatcher applies to the notices it is about to send:

- **One open question per number.** A question to a number that has another question open
  (sent, unanswered, not expired, sent less than `[questions] wait_for_answer_hours` ago) waits
  until that one is answered, or its wait is over; two questions due at once go one after the
  other. An answer releases the next question `after_answer_minutes` later. So a bare "1"
  answers the question the person last received, and every question names its referral.
  A question that would be left less than that wait to be answered (a reminder the day before
  the appointment) waits a shorter while (until `short_wait_hours` after the earlier question
  went, and never into its own last `short_wait_hours`), so that two reminders for the same day
  still come one after the other.
- **Nothing pointless.** A question whose referral moved on (`referrals.ASKED_WHILE`: no "did you
  go?" after a decline) is cancelled; a partner digest drops the referrals answered meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from smsgateway.models import ContactPoint, Notice, Referral
from smsgateway.notices import NoticeKind, NoticeState
from smsgateway.programme import Programme
from smsgateway.referrals import is_worth_asking

#: The reason a held question carries while it waits (`Notice.last_error`).
HELD = "waiting for an answer to an earlier question"


def is_pointless(session: Session, notice: Notice) -> bool:
    """Whether a question is no longer worth sending; a digest loses its answered referrals."""
    if notice.kind == NoticeKind.PARTNER_QUESTION:
        ids = [int(i) for i in notice.payload.get("referral_ids", [])]
        kept = [i for i in ids if _still_asked(session.get(Referral, i), notice.kind)]
        if kept != ids:
            notice.payload = {**notice.payload, "referral_ids": kept}
        return not kept
    if notice.question is None or notice.referral is None:
        return False
    return not is_worth_asking(notice.kind, notice.referral.status)


def _still_asked(referral: Referral | None, kind: str) -> bool:
    return referral is not None and is_worth_asking(kind, referral.status)


def held_questions(
    session: Session, notices: Iterable[Notice], *, now: datetime, programme: Programme
) -> dict[int, datetime]:
    """The returnee questions among `notices` that must wait, with the time each may go.

    Only a question about another referral makes one wait: the same question asked again (an
    escalation's retry, the second reminder) replaces the first rather than adding one.
    """
    wait = programme.questions.wait_for_answer
    short = programme.questions.short_wait
    asking = sorted(
        # A question asked the moment the person answered ("why?") belongs to that exchange.
        (n for n in notices if n.question and n.contact_point is not None and not _is_follow_up(n)),
        key=_urgency,
    )
    if not asking or not wait:
        return {}
    phones = {n.contact_point.phone_e164 for n in asking if n.contact_point is not None}
    busy = _open_since(session, phones, now - wait, now)
    held: dict[int, datetime] = {}
    for notice in asking:
        assert notice.contact_point is not None  # noqa: S101  (filtered above)
        open_ones = busy.setdefault(notice.contact_point.phone_e164, {})
        others = [sent for referral, sent in open_ones.items() if referral != notice.referral_id]
        until = max(others) + wait if others else None
        if until is not None and notice.expires_at is not None and notice.expires_at - until < wait:
            # After the whole wait too little time would be left to answer it (a reminder the
            # day before): it waits a shorter while, until `short_wait` after the earlier
            # question went and never into its own last `short_wait`; then it goes, the
            # person's last question.
            until = min(until, max(others) + short, notice.expires_at - short)
        if until is None or until <= now:
            # Nothing else open, or no time left to wait: it goes now, naming its referral,
            # and the next one waits for it.
            open_ones[notice.referral_id] = now
            continue
        held[notice.id] = until
    return held


def _urgency(notice: Notice) -> tuple[bool, datetime, datetime, int]:
    """The question that can wait least goes first: the one that expires first (the reminder the
    day before an appointment), then the one due first. Otherwise a question that could have
    waited would go with one that could not, and a bare "1" would answer neither."""
    expires = notice.expires_at or notice.due_at
    return (notice.expires_at is None, expires, notice.due_at, notice.id)


def _is_follow_up(notice: Notice) -> bool:
    return notice.kind in (NoticeKind.SATISFACTION_REASON, NoticeKind.FEEDBACK_REQUEST)


def _open_since(
    session: Session, phones: set[str], since: datetime, now: datetime
) -> dict[str, dict[int | None, datetime]]:
    """Per number and referral, when its latest question still open was sent (since `since`)."""
    if not phones:
        return {}
    rows = session.execute(
        select(ContactPoint.phone_e164, Notice.referral_id, func.max(Notice.sent_at))
        .join(Notice, Notice.contact_point_id == ContactPoint.id)
        .where(
            ContactPoint.phone_e164.in_(sorted(phones)),
            Notice.question.is_not(None),
            Notice.state == NoticeState.SENT,
            Notice.answered_at.is_(None),
            Notice.sent_at > since,
            (Notice.expires_at.is_(None)) | (Notice.expires_at > now),
        )
        .group_by(ContactPoint.phone_e164, Notice.referral_id)
    ).all()
    found: dict[str, dict[int | None, datetime]] = {}
    for phone, referral_id, sent_at in rows:
        if sent_at is not None:
            found.setdefault(phone, {})[referral_id] = sent_at
    return found


def release_held_questions(
    session: Session, phone: str, *, now: datetime, programme: Programme
) -> int:
    """After an answer from `phone`, its waiting questions go `after_answer_minutes` later."""
    due = now + programme.questions.after_answer
    points = select(ContactPoint.id).where(ContactPoint.phone_e164 == phone)
    result = session.execute(
        update(Notice)
        .where(
            Notice.state == NoticeState.PLANNED,
            Notice.last_error == HELD,
            Notice.contact_point_id.in_(points),
            Notice.due_at > due,
        )
        .values(due_at=due),
        execution_options={"synchronize_session": False},
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]  # CursorResult has rowcount
