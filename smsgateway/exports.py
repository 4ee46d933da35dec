"""CSV export of referrals, with their messaging outcomes, and of their events.

Filtered like the lists (`referral_filters.ReferralFilter`) and narrowed to what the acting user
may see. Times are UTC in ISO 8601; spreadsheets read them as they are. The messaging outcomes
of each referral are computed with one grouped query per outcome, not per referral:

- `last_notice_*`: the latest notice planned for the referral (kind, state, when it was due or
  sent);
- `delivered`: whether any outbound message about it was reported delivered (or read), and when
  the last one was;
- `replied`: whether the returnee wrote back about it, and when last;
- `unreachable`: whether the returnee carries the unreachable flag
  (`reachability.unreachable_returnee_ids`);
- `flags`, `stalled`: the loop's explicit flags (no_response, awaiting_partner, ...) and whether
  its stalled task is under way (`loop.standing.standings`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from smsgateway.loop.standing import standings
from smsgateway.models import Message, Notice, Referral, ReferralEvent
from smsgateway.permissions import Action, Principal, scope_referrals
from smsgateway.reachability import unreachable_returnee_ids
from smsgateway.referral_filters import ReferralFilter

REFERRAL_COLUMNS = (
    "reference",
    "case_reference",
    "partner",
    "service_category",
    "sensitive",
    "status",
    "appointment_at",
    "appointment_place",
    "created_at",
    "updated_at",
    "last_notice_kind",
    "last_notice_state",
    "last_notice_at",
    "delivered",
    "last_delivered_at",
    "replied",
    "last_reply_at",
    "unreachable",
    "flags",
    "stalled",
)
EVENT_COLUMNS = (
    "event_id",
    "referral_reference",
    "case_reference",
    "partner",
    "old_status",
    "new_status",
    "source",
    "actor",
    "note",
    "created_at",
)
DELIVERED_STATUSES = ("delivered", "read")
CHUNK = 500


def _when(moment: datetime | None) -> str:
    return moment.isoformat() if moment is not None else ""


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def referral_rows(
    session: Session, filters: ReferralFilter, *, user: Principal | None = None
) -> Iterator[dict[str, str]]:
    """One row per referral (oldest first), filtered, within `user`'s scope (None: all)."""
    query = filters.apply(
        select(Referral).options(joinedload(Referral.returnee), joinedload(Referral.partner))
    )
    if user is not None:
        query = scope_referrals(query, user, Action.VIEW_REFERRALS)
    ids = list(session.scalars(filters.apply(_scoped_ids(user)).order_by(Referral.id)))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        referrals = list(
            session.scalars(query.where(Referral.id.in_(chunk)).order_by(Referral.id)).unique()
        )
        outcomes = _outcomes(session, chunk)
        for referral, standing in zip(referrals, standings(session, referrals), strict=True):
            row = _referral_row(referral, outcomes)
            row["flags"] = ";".join(standing.flags)
            row["stalled"] = _yes(standing.is_stalled)
            yield row


def _scoped_ids(user: Principal | None) -> Any:
    query = select(Referral.id)
    return scope_referrals(query, user, Action.VIEW_REFERRALS) if user is not None else query


def _referral_row(referral: Referral, outcomes: dict[str, dict[Any, Any]]) -> dict[str, str]:
    notice = outcomes["notice"].get(referral.id)
    delivered_at = outcomes["delivered"].get(referral.id)
    reply_at = outcomes["replied"].get(referral.id)
    return {
        "reference": referral.reference or "",
        "case_reference": referral.returnee.case_reference,
        "partner": referral.partner.name,
        "service_category": referral.service_category,
        "sensitive": _yes(referral.is_sensitive),
        "status": referral.status,
        "appointment_at": _when(referral.appointment_at),
        "appointment_place": referral.appointment_place,
        "created_at": _when(referral.created_at),
        "updated_at": _when(referral.updated_at),
        "last_notice_kind": notice.kind if notice else "",
        "last_notice_state": notice.state if notice else "",
        "last_notice_at": _when((notice.sent_at or notice.due_at) if notice else None),
        "delivered": _yes(delivered_at is not None),
        "last_delivered_at": _when(delivered_at),
        "replied": _yes(reply_at is not None),
        "last_reply_at": _when(reply_at),
        "unreachable": _yes(referral.returnee_id in outcomes["unreachable"]),
    }


def _outcomes(session: Session, referral_ids: list[int]) -> dict[str, dict[Any, Any]]:
    latest_notice = (
        select(func.max(Notice.id))
        .where(Notice.referral_id.in_(referral_ids))
        .group_by(Notice.referral_id)
    )
    notices = {
        n.referral_id: n
        for n in session.scalars(select(Notice).where(Notice.id.in_(latest_notice)))
    }
    delivered = dict(
        session.execute(
            select(Message.referral_id, func.max(Message.updated_at))
            .where(
                Message.referral_id.in_(referral_ids),
                Message.direction == "out",
                Message.delivery_status.in_(DELIVERED_STATUSES),
            )
            .group_by(Message.referral_id)
        ).all()
    )
    replied = dict(
        session.execute(
            select(Message.referral_id, func.max(Message.created_at))
            .where(Message.referral_id.in_(referral_ids), Message.direction == "in")
            .group_by(Message.referral_id)
        ).all()
    )
    returnees = session.scalars(
        select(Referral.returnee_id).where(Referral.id.in_(referral_ids))
    ).all()
    unreachable = unreachable_returnee_ids(session, returnees)
    return {
        "notice": notices,
        "delivered": delivered,
        "replied": replied,
        "unreachable": {returnee_id: True for returnee_id in unreachable},
    }


def event_rows(
    session: Session,
    filters: ReferralFilter,
    *,
    user: Principal | None = None,
    after: int = 0,
) -> Iterator[dict[str, str]]:
    """One row per referral event with an id above `after`, oldest first, filtered and scoped."""
    last = after
    while True:
        query = (
            select(ReferralEvent)
            .join(Referral, ReferralEvent.referral_id == Referral.id)
            .where(ReferralEvent.id > last, Referral.id.in_(_scoped_ids(user)))
            .options(joinedload(ReferralEvent.referral).joinedload(Referral.returnee))
            .options(joinedload(ReferralEvent.referral).joinedload(Referral.partner))
            .order_by(ReferralEvent.id)
            .limit(CHUNK)
        )
        events = list(session.scalars(filters.apply_to_events(query)).unique())
        if not events:
            return
        for event in events:
            referral = event.referral
            yield {
                "event_id": str(event.id),
                "referral_reference": referral.reference or "",
                "case_reference": referral.returnee.case_reference,
                "partner": referral.partner.name,
                "old_status": event.old_status or "",
                "new_status": event.new_status,
                "source": event.source,
                "actor": event.actor,
                "note": event.note,
                "created_at": _when(event.created_at),
            }
        last = events[-1].id


def write_csv(rows: Iterator[dict[str, str]], columns: tuple[str, ...], out: IO[str]) -> int:
    """Write the rows (a header first) to `out`; returns how many rows."""
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({key: _safe_cell(value) for key, value in row.items()})
        count += 1
    return count


def _safe_cell(value: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
