"""Escalation per person: one sequence per returnee at a time, moved on one step at a time.

A notice to a returnee that is not delivered starts a sequence, unless one is already open for
that person: then the failed notice is held, and planned again once the person is reached.
Each step of the policy plans exactly one follow-up notice (the step notice), and only the
outcome of that notice moves the sequence on, so a repeated or late report never plans a second
call or a second proxy request:

    open ──step notice delivered (retry, voice)──▶ reached (held notices planned again)
      ├──the person answers from their own number──▶ answered (held notices planned again)
      ├──proxy request planned, no answer by `answer_due_at`──▶ unreachable (flag set), or
      │     with `last_retry` next: the newest failed notice once more, whose outcome decides
      └──step notice failed and no step left──▶ unreachable (flag set)
      └──step notice settled unsent (out of date, no longer worth asking)──▶ lapsed (held
         notices planned again: the sequence has no verdict, a later failure starts a new one)
    unreachable ──the person answers, or a caseworker clears the flag──▶ cleared

Default steps: retry (same channel, `retry_after` later) → voice (a call now, only in a language
the person understands: `smsgateway.content.voice`; else the step is skipped) → proxy (one
discreet request to a proxy, then `proxy_answer_window` for the person to answer). A programme
may add `retry_later` (the same notice again `retry_later` after, e.g. two days: phones are often
off for a day or two, and a phone that comes back is reached without anyone's work; skipped when
the notice would be out of date by then) and `last_retry` after the proxy (the same notice once
more when the proxy's window ends, before the flag: a phone off for most of a week is back by
then), and choose the order (`[escalation] steps`). A provider error may jump ahead (a
landline goes straight to voice, a wrong number to the proxy; see smsgateway.delivery.errors).
A returnee who carries the unreachable flag gets no new sequence: the flag already puts them in
front of a caseworker, and their proxy is not asked again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.content import voice
from smsgateway.models import ContactPoint, Notice, Returnee
from smsgateway.models.reachability import Escalation
from smsgateway.notices import IMMEDIATE_KINDS, NoticeKind, NoticeState
from smsgateway.reachability import (
    FAILING,
    INVALID,
    OPTED_OUT,
    UNREACHABLE,
    clear_unreachable,
    flag_unreachable,
    is_flagged_unreachable,
    set_reachability,
)

log = logging.getLogger(__name__)


class EscalationState(StrEnum):
    OPEN = "open"
    REACHED = "reached"
    ANSWERED = "answered"
    UNREACHABLE = "unreachable"  # the returnee carries the flag
    CLEARED = "cleared"
    LAPSED = "lapsed"  # its step notice was never sent: no verdict


@dataclass(frozen=True)
class EscalationPolicy:
    """The steps tried, in order, after a failed delivery; a programme may define its own."""

    steps: tuple[str, ...] = ("retry", "voice", "proxy")
    retry_after: timedelta = timedelta(hours=4)
    retry_later: timedelta = timedelta(hours=48)
    voice_retries: int = 1  # calls again after an answering machine, before moving on
    proxy_answer_window: timedelta = timedelta(days=3)


DEFAULT_POLICY = EscalationPolicy()

#: The payload key of a proxy request that names the notice it stands for.
SOURCE_KEY = "escalated_notice_id"

#: A last retry is sent only when its notice stays worth sending this long after it.
LAST_RETRY_MARGIN = timedelta(hours=6)


def open_escalation(session: Session, returnee_id: int) -> Escalation | None:
    """The returnee's open sequence, if any (there is at most one)."""
    return session.scalars(
        select(Escalation)
        .where(Escalation.returnee_id == returnee_id, Escalation.state == EscalationState.OPEN)
        .order_by(Escalation.id)
        .limit(1)
    ).first()


def escalate_failure(
    session: Session,
    notice: Notice,
    action: str,
    reason: str,
    *,
    now: datetime,
    policy: EscalationPolicy = DEFAULT_POLICY,
) -> Notice | None:
    """A notice to a returnee was not delivered: move the person's sequence on, or hold it.

    `action` is the provider error's action (escalate, voice, proxy, voice_retry). Returns the
    follow-up notice planned, if any.
    """
    returnee = notice.returnee
    if returnee is None or notice.kind in IMMEDIATE_KINDS:
        return None
    _lock(session, returnee)
    if is_flagged_unreachable(returnee):
        log.info(
            "notice %d: returnee %d already flagged, no new escalation", notice.id, returnee.id
        )
        return None
    escalation = open_escalation(session, returnee.id)
    if escalation is None:
        escalation = _start(session, returnee, notice, reason, now=now)
    elif escalation.step_notice_id != notice.id:
        _hold(escalation, notice, now=now)
        return None
    follow = _next_step(session, escalation, notice, action, policy, now=now)
    if follow is None and _out_of_date_only(notice, escalation, action, policy):
        # The later steps were left out only because this notice would be out of date by then
        # (a reminder for tomorrow): a few hours of failures are no verdict on the person. The
        # sequence lapses; the person's next notice that fails starts a new one.
        _close(escalation, EscalationState.LAPSED, "notice out of date", now=now)
        _plan_held_again(session, escalation, now=now)
        log.info("returnee %d: escalation %d lapsed (out of date)", returnee.id, escalation.id)
        return None
    if follow is None:
        failed = notice.contact_point
        _flag(session, escalation, returnee, failed, reason="escalation_exhausted", now=now)
    return follow


def record_step_delivered(
    session: Session, notice: Notice, *, now: datetime, policy: EscalationPolicy = DEFAULT_POLICY
) -> None:
    """A notice was delivered: when it is a step of an open sequence, the person was reached.

    A delivered proxy request reached the proxy, not the person: the sequence waits for the
    person's answer until `answer_due_at`.
    """
    escalation = _stepped_by(session, notice)
    if escalation is None:
        return
    if _is_proxy_step(escalation, policy):
        return
    _close(escalation, EscalationState.REACHED, "delivered", now=now)
    _plan_held_again(session, escalation, now=now)


def record_answer(
    session: Session, returnee: Returnee, *, now: datetime, is_escalated: bool | None = None
) -> None:
    """The person answered from their own number: the sequence ends and the flag is cleared.

    `is_escalated` False: the caller knows no sequence is open, so none is looked for.
    """
    escalation = open_escalation(session, returnee.id) if is_escalated is not False else None
    if escalation is not None:
        step_notice = session.get(Notice, escalation.step_notice_id or 0)
        if (
            step_notice is not None
            and step_notice.kind == NoticeKind.PROXY_CONTACT_REQUEST
            and step_notice.state == NoticeState.PLANNED
        ):
            step_notice.state = NoticeState.CANCELLED
            step_notice.last_error = "the person answered"
        _close(escalation, EscalationState.ANSWERED, "answered", now=now)
        _plan_held_again(session, escalation, now=now)
    if returnee.unreachable_reason != OPTED_OUT:
        # A flag set because every own number stopped stays until START (`record_opt_in`):
        # a message from a stopped number is no way to send the person anything.
        clear_unreachable(session, returnee, now=now, actor="system", reason="answered")


def record_step_opted_out(session: Session, notice: Notice, *, now: datetime) -> None:
    """The step notice of an open sequence went to a number that has stopped (Twilio's 21610,
    after `reachability.record_opt_out`): the sequence ends there. A person left with no own
    number that works carries the flag (reason `opted_out`): the sequence ends with it, and
    START clears both; a person with another own number that works is no verdict yet: the
    sequence lapses and the notices it held go out again."""
    escalation = _stepped_by(session, notice)
    if escalation is None:
        return
    returnee = notice.returnee
    if returnee is not None and returnee.unreachable_reason == OPTED_OUT:
        _close(escalation, EscalationState.UNREACHABLE, OPTED_OUT, now=now)
        return
    _close(escalation, EscalationState.LAPSED, "number opted out", now=now)
    _plan_held_again(session, escalation, now=now)


def record_step_unsent(session: Session, notice: Notice, *, now: datetime) -> None:
    """A notice was settled without being sent (expired, cancelled, unrenderable): when it is
    the step of an open sequence, the sequence lapses and the notices it held go out again."""
    if notice.escalation_step <= 0:
        return  # only an escalation's copies are steps
    escalation = _stepped_by(session, notice)
    if escalation is None:
        return
    _close(escalation, EscalationState.LAPSED, f"step notice {notice.state}", now=now)
    _plan_held_again(session, escalation, now=now)
    log.info("returnee %d: escalation %d lapsed", notice.returnee_id, escalation.id)


def flag_unanswered(
    session: Session, *, now: datetime, policy: EscalationPolicy = DEFAULT_POLICY
) -> int:
    """Set the flag for sequences whose proxy step got no answer in time (after one last retry
    when the policy has `last_retry` after the proxy); how many were flagged."""
    due = list(
        session.scalars(
            select(Escalation).where(
                Escalation.state == EscalationState.OPEN,
                Escalation.answer_due_at.is_not(None),
                Escalation.answer_due_at <= now,
            )
        )
    )
    flagged = 0
    for escalation in due:
        returnee = session.get(Returnee, escalation.returnee_id)
        if returnee is None:
            continue
        if _try_last(session, escalation, returnee, policy, now=now):
            continue
        _flag(session, escalation, returnee, None, reason="no_answer_after_proxy", now=now)
        flagged += 1
    return flagged


def _try_last(
    session: Session,
    escalation: Escalation,
    returnee: Returnee,
    policy: EscalationPolicy,
    *,
    now: datetime,
) -> bool:
    """The proxy's window passed without an answer: when `last_retry` follows the proxy step,
    the person's newest failed notice that is still worth sending goes once more to their own
    number, now, and that notice's outcome decides (delivered: reached; failed: the flag)."""
    index = escalation.step + 1
    if index >= len(policy.steps) or policy.steps[index] != "last_retry":
        return False
    proxy_request = session.get(Notice, escalation.step_notice_id or 0)
    source = (proxy_request.payload or {}).get(SOURCE_KEY) if proxy_request else None
    ids = [*(escalation.held_notice_ids or []), *([source] if source else [])]
    candidates = [session.get(Notice, int(notice_id)) for notice_id in ids]
    worth = [
        notice
        for notice in candidates
        if notice is not None
        and notice.contact_point is not None
        and notice.contact_point.reachability not in (INVALID, OPTED_OUT)
        and (notice.expires_at is None or notice.expires_at > now + LAST_RETRY_MARGIN)
    ]
    if not worth:
        return False
    failed = max(worth, key=lambda notice: notice.id)
    if failed.id in (escalation.held_notice_ids or []):
        escalation.held_notice_ids = [i for i in escalation.held_notice_ids if i != failed.id]
    channel = failed.channel
    if channel == "voice":
        channel = returnee.preferred_channel
    follow = _copy(session, failed, channel=channel, step=index + 1, due=now, now=now)
    escalation.answer_due_at = None
    _advance(escalation, follow, index, policy, now=now)
    log.info("returnee %d: escalation %d, last retry", returnee.id, escalation.id)
    return True


def follow_up_by_sms(session: Session, notice: Notice, *, now: datetime) -> Notice:
    """The same notice by SMS at once (WhatsApp could not carry it); the sequence, if this
    notice was its step, now waits on the SMS."""
    follow = _copy(session, notice, channel="sms", step=notice.escalation_step, due=now, now=now)
    if notice.returnee_id is not None:
        escalation = open_escalation(session, notice.returnee_id)
        if escalation is not None and escalation.step_notice_id == notice.id:
            escalation.step_notice_id = follow.id
            escalation.updated_at = now
    return follow


# -- the sequence ------------------------------------------------------------------------------


def _stepped_by(session: Session, notice: Notice) -> Escalation | None:
    """The open sequence whose current step is this notice, if any."""
    if notice.returnee_id is None:
        return None
    escalation = open_escalation(session, notice.returnee_id)
    if escalation is None or escalation.step_notice_id != notice.id:
        return None
    return escalation


def _lock(session: Session, returnee: Returnee) -> None:
    """Serialise escalation decisions per returnee (PostgreSQL row lock; SQLite has one writer)."""
    session.execute(select(Returnee.id).where(Returnee.id == returnee.id).with_for_update())


def _start(
    session: Session, returnee: Returnee, notice: Notice, reason: str, *, now: datetime
) -> Escalation:
    escalation = Escalation(
        returnee_id=returnee.id,
        state=EscalationState.OPEN,
        # A notice planned as a later step (escalation_step > 0) starts the sequence there.
        step=notice.escalation_step - 1,
        step_notice_id=notice.id,
        held_notice_ids=[],
        reason=reason[:64],
        started_at=now,
        updated_at=now,
    )
    session.add(escalation)
    session.flush()
    log.info("returnee %d: escalation %d started (%s)", returnee.id, escalation.id, reason)
    return escalation


def _hold(escalation: Escalation, notice: Notice, *, now: datetime) -> None:
    """Another notice of the same person failed meanwhile: keep it for when they are reached."""
    held = list(escalation.held_notice_ids or [])
    if notice.id not in held:
        escalation.held_notice_ids = [*held, notice.id]
        escalation.updated_at = now


def _next_step(
    session: Session,
    escalation: Escalation,
    notice: Notice,
    action: str,
    policy: EscalationPolicy,
    *,
    now: datetime,
) -> Notice | None:
    if action == "voice_retry" and notice.channel == "voice":
        retries = int((notice.payload or {}).get("voice_retry", 0))
        if retries < policy.voice_retries:
            later = now + policy.retry_after
            again = _copy(
                session,
                notice,
                channel="voice",
                step=notice.escalation_step,
                due=later,
                now=now,
                payload={"voice_retry": retries + 1},
            )
            return _advance(escalation, again, escalation.step, policy, now=now)
    start = escalation.step + 1
    if action in ("voice", "proxy") and action in policy.steps:
        start = max(start, policy.steps.index(action))
    for index in range(max(start, 0), len(policy.steps)):
        follow = _take_step(session, notice, policy.steps[index], index + 1, policy, now=now)
        if follow is not None:
            return _advance(escalation, follow, index, policy, now=now)
    return None


def _advance(
    escalation: Escalation,
    follow: Notice,
    index: int,
    policy: EscalationPolicy,
    *,
    now: datetime,
) -> Notice:
    escalation.step = index
    escalation.step_notice_id = follow.id
    escalation.updated_at = now
    if _is_proxy_step(escalation, policy):
        escalation.answer_due_at = follow.due_at + policy.proxy_answer_window
    return follow


def _take_step(
    session: Session,
    notice: Notice,
    action: str,
    next_step: int,
    policy: EscalationPolicy,
    *,
    now: datetime,
) -> Notice | None:
    point = notice.contact_point
    usable = point is not None and point.reachability not in (INVALID, OPTED_OUT)
    if action == "retry" and usable:
        due = now + policy.retry_after
        return _copy(session, notice, channel=notice.channel, step=next_step, due=due, now=now)
    if action == "retry_later" and usable:
        due = now + policy.retry_later
        if notice.expires_at is None or notice.expires_at > due:
            # After a call nobody answered, the notice again as the person prefers to receive it.
            channel = notice.channel
            if channel == "voice" and notice.returnee is not None:
                channel = notice.returnee.preferred_channel
            return _copy(session, notice, channel=channel, step=next_step, due=due, now=now)
    if action == "last_retry" and notice.kind == NoticeKind.PROXY_CONTACT_REQUEST:
        # The proxy's number failed: the last try is the notice the person did not get.
        source = (notice.payload or {}).get(SOURCE_KEY)
        original = session.get(Notice, int(source)) if source else None
        if original is None:
            return None
        notice, point = original, original.contact_point
        usable = point is not None and point.reachability not in (INVALID, OPTED_OUT)
    if action == "last_retry" and usable:
        # Reached here when the step before could not run or failed (no proxy to ask, or the
        # proxy's number failed): the last try comes after the proxy's window all the same.
        due = now + policy.proxy_answer_window
        if notice.expires_at is None or notice.expires_at > due + LAST_RETRY_MARGIN:
            channel = notice.channel
            if channel == "voice" and notice.returnee is not None:
                channel = notice.returnee.preferred_channel
            return _copy(session, notice, channel=channel, step=next_step, due=due, now=now)
    if action == "voice" and usable and notice.channel != "voice" and voice.can_call(notice):
        return _copy(session, notice, channel="voice", step=next_step, due=now, now=now)
    if action == "proxy":
        proxy = _proxy_of(notice)
        if proxy is not None:
            follow = _copy(session, notice, channel="sms", step=next_step, due=now, now=now)
            follow.kind = NoticeKind.PROXY_CONTACT_REQUEST
            follow.question = None
            # The notice the person did not get, for a `last_retry` after the proxy's window.
            follow.payload = {**(follow.payload or {}), SOURCE_KEY: notice.id}
            follow.contact_point = proxy
            session.flush()
            return follow
    return None


def _out_of_date_only(
    notice: Notice, escalation: Escalation, action: str, policy: EscalationPolicy
) -> bool:
    """Whether the policy's later retry (`retry_later`, days after) was still to come and was
    left out only because the notice would be out of date: the person's own number, not known
    invalid, not a provider error that says the number is wrong. After the later retry failed
    too, days apart, the flag stands."""
    point = notice.contact_point
    if point is None or point.is_proxy or point.reachability in (INVALID, OPTED_OUT):
        return False
    if action == "proxy" or notice.kind == NoticeKind.PROXY_CONTACT_REQUEST:
        return False
    later = policy.steps[max(escalation.step + 1, 0) :]
    return "retry_later" in later


def _is_proxy_step(escalation: Escalation, policy: EscalationPolicy) -> bool:
    return 0 <= escalation.step < len(policy.steps) and policy.steps[escalation.step] == "proxy"


def _close(escalation: Escalation, state: EscalationState, reason: str, *, now: datetime) -> None:
    escalation.state = state
    escalation.reason = reason[:64]
    escalation.answer_due_at = None
    escalation.ended_at = now
    escalation.updated_at = now


def _flag(
    session: Session,
    escalation: Escalation,
    returnee: Returnee,
    failed_point: ContactPoint | None,
    *,
    reason: str,
    now: datetime,
) -> None:
    """End the sequence with the unreachable flag; the numbers that failed become unreachable."""
    _close(escalation, EscalationState.UNREACHABLE, reason, now=now)
    points = [failed_point] if failed_point is not None else []
    points += [p for p in returnee.contact_points if p.reachability == FAILING and p not in points]
    for point in points:
        set_reachability(session, point, UNREACHABLE, reason, now=now)
    flag_unreachable(session, returnee, reason=reason, now=now)


def _plan_held_again(session: Session, escalation: Escalation, *, now: datetime) -> None:
    """Notices that failed while the sequence ran go out again, unless they are out of date."""
    for notice_id in escalation.held_notice_ids or []:
        held = session.get(Notice, int(notice_id))
        if held is None or (held.expires_at is not None and held.expires_at <= now):
            continue
        _copy(session, held, channel=held.channel, step=0, due=now, now=now)
    escalation.held_notice_ids = []


def _proxy_of(notice: Notice) -> ContactPoint | None:
    """A proxy contact point of the returnee that is not known to fail."""
    if notice.returnee is None:
        return None
    for point in notice.returnee.contact_points:
        usable = point.reachability not in (UNREACHABLE, INVALID, OPTED_OUT)
        if point.is_proxy and point.id != notice.contact_point_id and usable:
            return point
    return None


def _copy(
    session: Session,
    notice: Notice,
    *,
    channel: str,
    step: int,
    due: datetime,
    now: datetime,
    payload: dict[str, object] | None = None,
) -> Notice:
    """A copy of the notice on another channel or later, at an escalation step."""
    follow = Notice(
        kind=notice.kind,
        referral_id=notice.referral_id,
        returnee_id=notice.returnee_id,
        contact_point_id=notice.contact_point_id,
        recipient_phone=notice.recipient_phone,
        channel=channel,
        language=notice.language,
        question=notice.question,
        payload={**(notice.payload or {}), **(payload or {})},
        due_at=due,
        expires_at=notice.expires_at,
        state=NoticeState.PLANNED,
        attempts=0,
        escalation_step=step,
        created_at=now,
    )
    session.add(follow)
    session.flush()
    session.refresh(follow)
    return follow
