"""The lease sweep: settle notices whose worker died mid-batch, asking the provider first.

A notice claimed by a worker that stopped renewing its lease (killed, or a send that raised
something unexpected) is settled by one rule, once its lease has been over for `SETTLE_AFTER`:

    claimed, lease over ──its message was recorded──▶ sent
        ├──the provider lists a message to that number, in the claim's window, with the
        │  notice's text, that no recorded message accounts for──▶ sent (the message recorded,
        │  its parked status reports applied)
        ├──the provider lists nothing unaccounted for in the window──▶ planned, due now
        ├──the provider cannot be asked──▶ left claimed, asked again at the next sweep
        │  (for `ASK_AGAIN_FOR`, then review)
        └──anything else (an unaccounted message whose text cannot be compared, or differs)
           ──▶ review: a review item on the console, with "resend" and "mark sent"

The window runs from the claim (less `WINDOW_BEFORE` for clocks and the provider's
whole-second dates) to the end of the lease (plus `WINDOW_AFTER`): a live worker renews its
lease and records each message within a fraction of a second of the provider's answer, so a
message of another, live worker is recorded before the sweep looks, and one sent after the
lease ended is outside the window. Messages are listed per recipient, newest first, and read
back only as far as the window: Twilio's `DateSent` filter does not cover a message still
queued, so the time window is applied to `date_created` here instead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.config import Settings
from smsgateway.db import Database
from smsgateway.delivery.reports import apply_parked
from smsgateway.dispatch.complete import insert_messages, message_row
from smsgateway.dispatch.prepare import (
    Prepared,
    finish_notice,
    load_notices,
    prepare_one,
    recipient_phone,
    release_notice,
)
from smsgateway.errors import InvalidInput
from smsgateway.models import Message, Notice, ReviewItem
from smsgateway.notices import NoticeState
from smsgateway.reachability import open_whatsapp_sessions
from smsgateway.transports.base import LooksUpSent, ProviderRecord, Transport, TransportError
from smsgateway.users import Actor, actor_identity

log = logging.getLogger(__name__)

SETTLE_AFTER = timedelta(seconds=5)
WINDOW_BEFORE = timedelta(seconds=60)
WINDOW_AFTER = timedelta(seconds=2)
ASK_AGAIN_FOR = timedelta(hours=1)
BATCH = 500
#: Review item reason for a notice whose delivery nobody could establish.
DELIVERY_UNKNOWN = "delivery_unknown"


@dataclass
class SweepReport:
    sent: int = 0  # a message was recorded for it
    found: int = 0  # the provider had it
    released: int = 0  # it never left: planned again
    review: int = 0
    waiting: int = 0  # the provider could not be asked: next sweep

    @property
    def settled(self) -> int:
        return self.sent + self.found + self.released + self.review


@dataclass
class _Stale:
    """A claimed notice whose lease is over, as the sweep saw it."""

    notice_id: int
    claimed_by: str | None
    lease_expires_at: datetime
    since: datetime
    prepared: Prepared | None = None
    body: str | None = None
    records: list[ProviderRecord] | None = None  # None: the provider was not asked
    found: ProviderRecord | None = None


@dataclass
class _Group:
    """Stale notices to one recipient on one channel, and what the provider lists for it."""

    stale: list[_Stale] = field(default_factory=list)
    records: list[ProviderRecord] | None = None
    is_unanswered: bool = False  # asked, but the provider could not answer


def resolve_expired_leases(
    db: Database, transport: Transport, settings: Settings, *, now: datetime
) -> SweepReport:
    """Settle claimed notices whose lease is over, by the rule in this module's docstring."""
    report = SweepReport()
    with db.transaction() as session:
        groups = _collect(session, transport, settings, now=now, report=report)
    if not groups:
        return report
    for group in groups.values():
        _ask(transport, group)
    with db.transaction() as session:
        for group in groups.values():
            _decide(session, group, transport.slug, now=now, report=report)
    log.info(
        "lease sweep: sent=%d found=%d released=%d review=%d waiting=%d",
        report.sent,
        report.found,
        report.released,
        report.review,
        report.waiting,
    )
    return report


def _collect(
    session: Session,
    transport: Transport,
    settings: Settings,
    *,
    now: datetime,
    report: SweepReport,
) -> dict[tuple[str, str], _Group]:
    """Settle what the database alone can tell; group the rest by recipient for the provider."""
    ids = list(
        session.scalars(
            select(Notice.id)
            .where(
                Notice.state == NoticeState.CLAIMED, Notice.lease_expires_at < now - SETTLE_AFTER
            )
            .order_by(Notice.id)
            .limit(BATCH)
        )
    )
    if not ids:
        return {}
    recorded = set(
        session.scalars(
            select(Message.notice_id).where(Message.notice_id.in_(ids), Message.direction == "out")
        )
    )
    notices = load_notices(session, ids)
    sessions_open = open_whatsapp_sessions(session, map(recipient_phone, notices), now=now)
    groups: dict[tuple[str, str], _Group] = {}
    for notice in notices:
        if notice.id in recorded:
            finish_notice(notice, NoticeState.SENT, "")
            report.sent += 1
            continue
        stale = _Stale(
            notice.id,
            notice.claimed_by,
            notice.lease_expires_at or now,
            notice.claimed_at or notice.lease_expires_at or now,
        )
        try:
            stale.prepared = prepare_one(notice, settings, now=now, sessions_open=sessions_open)
        except Exception:  # it cannot be rendered again: nobody can compare it
            log.exception("lease sweep: notice %d cannot be rendered to compare", notice.id)
        if stale.prepared is not None and isinstance(transport, LooksUpSent):
            stale.body = transport.visible_body(stale.prepared.outbound)
        key = (notice.channel, recipient_phone(notice))
        groups.setdefault(key, _Group()).stale.append(stale)
    return groups


def _ask(transport: Transport, group: _Group) -> None:
    """What the provider holds for the group's recipient since the earliest claim."""
    if not isinstance(transport, LooksUpSent):
        return
    described = [stale for stale in group.stale if stale.prepared is not None]
    if not described:
        return
    since = min(stale.since for stale in described) - WINDOW_BEFORE
    outbound = described[0].prepared.outbound  # type: ignore[union-attr]  # filtered above
    try:
        group.records = transport.find_sent(outbound, since=since)
    except TransportError as exc:
        group.is_unanswered = True
        log.warning("lease sweep: the provider cannot be asked (%s)", type(exc).__name__)


def _decide(
    session: Session, group: _Group, provider: str, *, now: datetime, report: SweepReport
) -> None:
    if group.records is None:
        for stale in group.stale:
            _not_asked(session, stale, group.is_unanswered, now=now, report=report)
        return
    known = _recorded_ids(session, [record.provider_id for record in group.records])
    pool = sorted(
        (r for r in group.records if r.provider_id not in known), key=lambda r: r.created_at
    )
    comparable = [s for s in group.stale if s.prepared is not None and s.body is not None]
    blind = [s for s in group.stale if s.prepared is not None and s.body is None]
    for stale in comparable:
        match = next((r for r in _in_window(pool, stale) if r.body == stale.body), None)
        if match is not None:
            stale.found = match
            pool.remove(match)
    unmatched_blind = [s for s in blind if s.found is None]
    candidates = [r for r in pool if any(_within(r, s) for s in unmatched_blind)]
    if unmatched_blind and len(candidates) == len(unmatched_blind):
        for stale, record in zip(unmatched_blind, candidates, strict=True):
            stale.found = record
            pool.remove(record)
    for stale in group.stale:
        _settle(session, stale, pool, provider, now=now, report=report)


def _settle(
    session: Session,
    stale: _Stale,
    pool: list[ProviderRecord],
    provider: str,
    *,
    now: datetime,
    report: SweepReport,
) -> None:
    notice = _still_stale(session, stale)
    if notice is None:
        return
    if stale.found is not None and stale.prepared is not None:
        _record_found(session, notice, stale.prepared, stale.found, provider, now=now)
        report.found += 1
    elif stale.prepared is not None and not list(_in_window(pool, stale)):
        release_notice(notice, due_at=now, reason="the worker stopped before the provider had it")
        report.released += 1
    else:
        send_to_review(session, notice, "the worker stopped; the provider's list cannot tell", now)
        report.review += 1


def _not_asked(
    session: Session, stale: _Stale, is_unanswered: bool, *, now: datetime, report: SweepReport
) -> None:
    """The provider was not asked (it cannot list) or did not answer (ask again, for a time)."""
    notice = _still_stale(session, stale)
    if notice is None:
        return
    if is_unanswered and stale.lease_expires_at > now - ASK_AGAIN_FOR:
        report.waiting += 1
        return
    send_to_review(session, notice, "the worker stopped; the provider could not be asked", now)
    report.review += 1


def _still_stale(session: Session, stale: _Stale) -> Notice | None:
    """The notice, if nothing settled it while the provider was being asked (row locked)."""
    notice = session.get(Notice, stale.notice_id, with_for_update=True)
    if (
        notice is None
        or notice.state != NoticeState.CLAIMED
        or notice.claimed_by != stale.claimed_by
        or notice.lease_expires_at != stale.lease_expires_at
    ):
        return None
    return notice


def _in_window(pool: Iterable[ProviderRecord], stale: _Stale) -> Iterable[ProviderRecord]:
    return (record for record in pool if _within(record, stale))


def _within(record: ProviderRecord, stale: _Stale) -> bool:
    return stale.since - WINDOW_BEFORE <= record.created_at <= stale.lease_expires_at + WINDOW_AFTER


def _recorded_ids(session: Session, provider_ids: list[str]) -> set[str]:
    if not provider_ids:
        return set()
    return {
        pid
        for pid in session.scalars(
            select(Message.provider_id).where(Message.provider_id.in_(provider_ids))
        )
        if pid
    }


def _record_found(
    session: Session,
    notice: Notice,
    prepared: Prepared,
    record: ProviderRecord,
    provider: str,
    *,
    now: datetime,
) -> None:
    """The provider had it: record the message, apply what was parked for it, notice sent."""
    finish_notice(notice, NoticeState.SENT, "found at the provider after the worker stopped")
    notice.sent_at = now
    notice.attempts += 1
    session.flush()
    insert_messages(
        session, [message_row(prepared, provider, record.provider_id, record.status, now)], now
    )
    apply_parked(session, provider, [record.provider_id], now=now)


# -- review items: what nobody could establish, and the caseworker's two answers ---------------


def send_to_review(session: Session, notice: Notice, reason: str, now: datetime) -> ReviewItem:
    """Settle a notice as `review` and put it on the caseworkers' review queue."""
    finish_notice(notice, NoticeState.REVIEW, reason)
    item = ReviewItem(
        notice_id=notice.id,
        referral_id=notice.referral_id,
        returnee_id=notice.returnee_id,
        reason=DELIVERY_UNKNOWN,
        created_at=now,
    )
    session.add(item)
    session.flush()
    return item


def resend_notices(session: Session, item_ids: Iterable[int], *, now: datetime, actor: str) -> int:
    """A caseworker decides these notices did not arrive: send each again now; how many."""
    return _resolve(session, item_ids, now=now, actor=actor, is_sent=False)


def mark_notices_sent(
    session: Session, item_ids: Iterable[int], *, now: datetime, actor: Actor
) -> int:
    """A caseworker knows these notices arrived (the person confirmed): mark them sent."""
    return _resolve(session, item_ids, now=now, actor=actor, is_sent=True)


def _resolve(
    session: Session, item_ids: Iterable[int], *, now: datetime, actor: Actor, is_sent: bool
) -> int:
    wanted = sorted(set(item_ids))
    if not wanted:
        raise InvalidInput("item_ids", "choose at least one review item")
    items = list(
        session.scalars(
            select(ReviewItem).where(
                ReviewItem.id.in_(wanted),
                ReviewItem.reason == DELIVERY_UNKNOWN,
                ReviewItem.resolved_at.is_(None),
            )
        )
    )
    if len(items) != len(wanted):
        raise InvalidInput("item_ids", "some items are not open delivery review items")
    name, user_id = actor_identity(actor)
    for item in items:
        notice = session.get(Notice, item.notice_id or 0)
        if notice is not None and notice.state == NoticeState.REVIEW:
            if is_sent:
                finish_notice(notice, NoticeState.SENT, f"marked sent by {name}")
                notice.sent_at = notice.sent_at or now
            else:
                release_notice(notice, due_at=now, reason=f"sent again by {name}")
        item.resolved_at, item.resolved_by, item.resolved_by_user_id = now, name[:100], user_id
    session.flush()
    log.info(
        "review: %d notice(s) %s by a caseworker",
        len(items),
        "marked sent" if is_sent else "resent",
    )
    return len(items)
