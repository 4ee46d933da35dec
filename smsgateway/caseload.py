"""A caseworker's caseload: the lists of referrals and returnees (filters, search, pages) and
one referral's timeline. Read-only queries that take the session and `now`; the console shows
them, and the benchmark (`bench/console.py`) times them at 50,000 returnees.

Search reads what a caseworker has at hand: a referral's reference (`R1004`), a case
reference, a name, a phone number (any part of its digits) or a partner's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CompoundSelect, Select, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from smsgateway.loop.tasks import LIVE, TaskState
from smsgateway.models import (
    ContactPoint,
    Message,
    Notice,
    Partner,
    Referral,
    ReferralEvent,
    Returnee,
    ReviewItem,
    Task,
)
from smsgateway.notices import NoticeState
from smsgateway.reachability import INVALID, UNREACHABLE, unreachable_condition

#: Contact point states that mean the number does not reach the person.
LOST = (UNREACHABLE, INVALID)
_REFERENCE = re.compile(r"^[Rr]\d+$")


def _like(text: str) -> str:
    """A LIKE pattern for `text` anywhere, with LIKE's own characters taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


#: Above this many matching returnees a search stays a subquery instead of a list of ids.
ID_LIST_LIMIT = 2000


def _contains(column: Any, pattern: str, dialect: str) -> Any:
    """`column` LIKE `pattern`, whatever the case: SQLite's LIKE already ignores (ASCII) case,
    and its lower() knows no more than that, so there a plain LIKE says the same, faster."""
    if dialect == "sqlite":
        return column.like(pattern, escape="\\")
    return column.ilike(pattern, escape="\\")


def matching_returnee_ids(text: str, dialect: str = "") -> Select[Any]:
    """Returnees whose case reference, name or (4 digits or more) phone number has `text`.

    One LIKE over the three columns joined, so a search reads each returnee once.
    """
    pattern = _like(text.strip())
    joined = Returnee.case_reference + " " + Returnee.first_name + " " + Returnee.last_name
    conditions = [_contains(joined, pattern, dialect)]
    digits = _digits(text)
    if len(digits) >= 4 and len(digits) >= len(text.replace(" ", "").lstrip("+")) - 1:
        conditions.append(
            Returnee.id.in_(
                select(ContactPoint.returnee_id).where(ContactPoint.phone_e164.like(f"%{digits}%"))
            )
        )
    return select(Returnee.id).where(or_(*conditions))


def matching_partner_ids(text: str, dialect: str = "") -> Select[Any]:
    pattern = _like(text.strip())
    return select(Partner.id).where(
        or_(
            _contains(Partner.name, pattern, dialect),
            _contains(Partner.display_name, pattern, dialect),
        )
    )


@dataclass(frozen=True)
class ReferralQuery:
    """The console's filters of the referral list; empty values filter nothing."""

    search: str = ""
    status: str = ""
    partner_id: int | None = None
    service: str = ""
    is_due_this_week: bool = False
    is_stalled: bool = False
    is_unreachable: bool = False

    def apply(
        self, query: Select[Any], *, now: datetime, found: SearchIds | None = None
    ) -> Select[Any]:
        """Narrow a query of referrals; `found` is the search already run (`search_ids`)."""
        if self.status:
            query = query.where(Referral.status == self.status)
        if self.partner_id is not None:
            query = query.where(Referral.partner_id == self.partner_id)
        if self.service:
            query = query.where(Referral.service_category == self.service)
        if self.is_due_this_week:
            query = query.where(
                Referral.appointment_at >= now, Referral.appointment_at < now + timedelta(days=7)
            )
        if self.is_stalled:
            query = query.where(
                Referral.id.in_(
                    select(Task.referral_id).where(
                        or_(
                            Task.state == TaskState.FLAGGED,
                            (Task.state == TaskState.OPEN) & (Task.rule == "stalled"),
                        )
                    )
                )
            )
        if self.is_unreachable:
            query = query.where(Referral.returnee_id.in_(unreachable_returnees()))
        return self._search(query, found)

    def _search(self, query: Select[Any], found: SearchIds | None) -> Select[Any]:
        text = self.search.strip()
        if not text:
            return query
        if _REFERENCE.match(text):
            return query.where(Referral.reference == text.upper())
        returnees: Any = matching_returnee_ids(text)
        partners: Any = matching_partner_ids(text)
        if found is not None:
            returnees = found.returnee_ids if found.returnee_ids is not None else returnees
            partners = found.partner_ids
        return query.where(
            or_(Referral.returnee_id.in_(returnees), Referral.partner_id.in_(partners))
        )


@dataclass(frozen=True)
class SearchIds:
    """A search run ahead of the list: the matching ids, so the list reads the referrals by
    index; `returnee_ids` None when too many matched to be worth listing."""

    returnee_ids: tuple[int, ...] | None
    partner_ids: tuple[int, ...]


def search_ids(session: Session, text: str) -> SearchIds | None:
    text = text.strip()
    if not text or _REFERENCE.match(text):
        return None
    dialect = session.get_bind().dialect.name
    found = session.scalars(matching_returnee_ids(text, dialect).limit(ID_LIST_LIMIT + 1)).all()
    partners = tuple(session.scalars(matching_partner_ids(text, dialect)))
    return SearchIds(tuple(found) if len(found) <= ID_LIST_LIMIT else None, partners)


def unreachable_returnees() -> CompoundSelect[Any]:
    """Returnees flagged unreachable, or with a number that does not reach them."""
    return (
        select(Returnee.id)
        .where(unreachable_condition())
        .union(select(ContactPoint.returnee_id).where(ContactPoint.reachability.in_(LOST)))
    )


@dataclass
class Listing:
    items: list[Any]
    total: int


def list_referrals(
    session: Session,
    filters: ReferralQuery,
    *,
    now: datetime,
    limit: int = 25,
    offset: int = 0,
    scope: Any = None,
) -> Listing:
    """One page of referrals, newest first, with the total that match.

    `scope` narrows the query (a partner account's own referrals: `permissions.scope_referrals`).
    """
    query = filters.apply(select(Referral), now=now, found=search_ids(session, filters.search))
    if scope is not None:
        query = scope(query)
    total = session.scalar(query.with_only_columns(func.count(Referral.id)).order_by(None)) or 0
    items = session.scalars(
        query.options(selectinload(Referral.returnee), selectinload(Referral.partner))
        .order_by(Referral.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return Listing(list(items), total)


def list_returnees(
    session: Session, search: str = "", *, limit: int = 25, offset: int = 0
) -> Listing:
    """One page of returnees, newest first, by case reference, name, phone or partner."""
    query = select(Returnee)
    found = search_ids(session, search)
    if found is not None:
        ids: Any = found.returnee_ids
        if ids is None:
            ids = matching_returnee_ids(search.strip(), session.get_bind().dialect.name)
        by_partner = select(Referral.returnee_id).where(Referral.partner_id.in_(found.partner_ids))
        query = query.where(or_(Returnee.id.in_(ids), Returnee.id.in_(by_partner)))
    total = session.scalar(query.with_only_columns(func.count(Returnee.id))) or 0
    items = session.scalars(
        query.options(selectinload(Returnee.contact_points), selectinload(Returnee.consents))
        .order_by(Returnee.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return Listing(list(items), total)


def referrals_to_reorient(session: Session, *, limit: int = 50) -> list[Referral]:
    """Referrals marked for re-orientation (found not eligible, or the person did not start)
    whose returnee has not been referred again since: a caseworker's to-do, newest first. It
    empties itself as the caseworker refers each person on."""
    later = aliased(Referral)
    referred_again = (
        select(later.id)
        .where(later.returnee_id == Referral.returnee_id, later.id > Referral.id)
        .exists()
    )
    query = (
        select(Referral)
        .where(Referral.needs_reorientation.is_(True), ~referred_again)
        .order_by(Referral.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def count_referrals_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(select(Referral.status, func.count()).group_by(Referral.status))
    return {status: int(count) for status, count in rows}


def services_in_use(session: Session) -> list[str]:
    return list(
        session.scalars(
            select(Referral.service_category).distinct().order_by(Referral.service_category)
        )
    )


# -- one referral's timeline ----------------------------------------------------------------------


@dataclass
class Entry:
    """One line of a referral's timeline: `kind` is notice, message, event or review."""

    at: datetime
    kind: str
    item: Any
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_future(self) -> bool:
        return bool(self.extra.get("is_future"))


PENDING = (NoticeState.PLANNED, NoticeState.CLAIMED, NoticeState.REVIEW)


def referral_timeline(session: Session, referral: Referral, *, now: datetime) -> list[Entry]:
    """Everything that happened to a referral and what is planned, oldest first: notices still
    to go (at their due time), messages out and in, status changes, review decisions."""
    entries: list[Entry] = []
    for notice in session.scalars(
        select(Notice).where(Notice.referral_id == referral.id, Notice.state.in_(PENDING))
    ):
        entries.append(Entry(notice.due_at, "notice", notice, {"is_future": notice.due_at > now}))
    for message in session.scalars(
        select(Message)
        .where(
            or_(
                Message.referral_id == referral.id,
                # a partner's SMS command about it (a message of the partner, not the referral)
                Message.id.in_(
                    select(ReferralEvent.message_id).where(
                        ReferralEvent.referral_id == referral.id,
                        ReferralEvent.message_id.is_not(None),
                    )
                ),
            )
        )
        .options(selectinload(Message.status_events))
    ):
        entries.append(Entry(message.created_at, "message", message))
    for event in session.scalars(
        select(ReferralEvent).where(ReferralEvent.referral_id == referral.id)
    ):
        entries.append(Entry(event.created_at, "event", event))
    for item in session.scalars(select(ReviewItem).where(ReviewItem.referral_id == referral.id)):
        entries.append(Entry(item.created_at, "review", item))
        if item.resolved_at is not None:
            entries.append(Entry(item.resolved_at, "decision", item))
    order = {"event": 0, "message": 1, "review": 2, "decision": 3, "notice": 4}
    entries.sort(key=lambda entry: (entry.at, order[entry.kind], getattr(entry.item, "id", 0)))
    return entries


def live_task_rules(session: Session, referral: Referral) -> list[str]:
    return list(
        session.scalars(
            select(Task.rule).where(Task.referral_id == referral.id, Task.state.in_(LIVE))
        )
    )
