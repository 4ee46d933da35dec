"""The managers' dashboard figures: reach, stalls, timeliness, delivery, opt-outs, workload.

Each figure is one function of the session and a `DashboardFilter` (a period of local days in a
time zone, a partner, a service), computed with grouped SQL so that it stays fast with a hundred
thousand referrals; nothing here reads a request. The words:

- **cohort**: the referrals recorded (`created_at`) in the period, of the partner and service;
- **funnel**: of the cohort, how many ever reached each stage of the usual path, each referral
  counted once, at its furthest stage (`referred` → `confirmed` → `attended` → `enrolled`;
  `completed` and `dropped_out` count as enrolled, since a partner's "dropped out" implies the
  enrolment), and how many now stand at each other end: `ineligible`, `declined`, `no_show`,
  `dropped_out`, and `unreachable` (no known outcome yet and the returnee carries the one
  unreachable flag, `reachability.unreachable_condition`);
- **time to enrolment**: from the referral to the first event that reached the enrolled stage,
  per partner: the median and the share within 30 days ("activities could begin within a
  month");
- **stalled**: referrals, whenever recorded, that are still open (not enrolled) and whose
  status has not changed for `stalled_days`, at `now`;
- **delivery** and **reply** rates, by channel and language: outbound messages to returnees
  sent in the period that were reported delivered (or read); questions sent in the period that
  were answered;
- **opt-outs**: numbers that stopped (STOP, or the provider's unsubscribed) in the period;
- **caseworker load**: review items still open at `now`, by reason and by age;
- **weekly reach**: per local week of the period, referrals recorded and distinct returnees
  reached (a delivered message or a reply).
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any, TypeVarTuple
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, select
from sqlalchemy.orm import Session

from smsgateway.models import (
    ContactPoint,
    Message,
    Notice,
    Partner,
    Referral,
    ReferralEvent,
    Returnee,
    ReviewItem,
)
from smsgateway.models.reachability import ReachabilityEvent
from smsgateway.reachability import OPTED_OUT, unreachable_condition
from smsgateway.referrals import SILENT, Status

Ts = TypeVarTuple("Ts")

#: The stages of the funnel, in order, and what counts as having reached each.
STAGES = ("referred", "confirmed", "attended", "enrolled")
_STAGE_OF = {
    Status.CONFIRMED: 1,
    Status.ATTENDED: 2,
    Status.ENROLLED: 3,
    Status.COMPLETED: 3,
    Status.DROPPED_OUT: 3,
}
#: The other ends a referral may stand at now, each counted once.
ENDS = ("ineligible", "declined", "no_show", "dropped_out", "unreachable")
#: Statuses in which a referral can stall: open, and not yet enrolled (enrolled referrals run
#: for months without news, as they should).
STALLABLE = frozenset(
    {
        Status.REFERRED,
        Status.CONFIRMED,
        Status.DECLINED,
        Status.RESCHEDULE_REQUESTED,
        Status.ATTENDED,
        Status.NO_SHOW,
        Status.NOT_STARTED,
    }
)
DEFAULT_STALLED_DAYS = 14
WITHIN = timedelta(days=30)
DELIVERED = ("delivered", "read")
FAILED = ("undelivered", "failed")
#: Ages of open review items, in days: [0, 1), [1, 3), [3, 7), 7 and more.
AGE_BUCKETS = (1, 3, 7)


@dataclass(frozen=True)
class Period:
    """Local days `start` to `end`, both included, in `time_zone`."""

    start: date
    end: date
    time_zone: str = "UTC"

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as UTC instants [from, to): local midnight of `start` and of `end` + 1."""
        zone = ZoneInfo(self.time_zone)
        begin = datetime.combine(self.start, time(0), tzinfo=zone)
        finish = datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=zone)
        return begin.astimezone(UTC), finish.astimezone(UTC)

    def weeks(self) -> list[date]:
        """The Mondays of the local weeks that meet the period."""
        monday = self.start - timedelta(days=self.start.weekday())
        found = []
        while monday <= self.end:
            found.append(monday)
            monday += timedelta(days=7)
        return found


def last_days(now: datetime, days: int, time_zone: str) -> Period:
    """The `days` local days up to and including today in `time_zone`."""
    today = now.astimezone(ZoneInfo(time_zone)).date()
    return Period(today - timedelta(days=days - 1), today, time_zone)


@dataclass(frozen=True)
class DashboardFilter:
    period: Period
    partner_id: int | None = None
    service: str = ""
    stalled_days: int = DEFAULT_STALLED_DAYS

    def narrow(self, query: Select[*Ts]) -> Select[*Ts]:
        """Narrow a query from `Referral` to the partner and service (not the period)."""
        if self.partner_id is not None:
            query = query.where(Referral.partner_id == self.partner_id)
        if self.service:
            query = query.where(Referral.service_category == self.service)
        return query

    def cohort(self, query: Select[*Ts]) -> Select[*Ts]:
        """Narrow a query from `Referral` to the referrals recorded in the period."""
        begin, finish = self.period.bounds()
        query = query.where(Referral.created_at >= begin, Referral.created_at < finish)
        return self.narrow(query)

    @property
    def is_narrowed(self) -> bool:
        return self.partner_id is not None or bool(self.service)


# -- the funnel -------------------------------------------------------------------------------


@dataclass
class FunnelRow:
    """One partner and service: referrals per stage reached and per end."""

    partner: str
    service: str
    stages: Counter[str] = field(default_factory=Counter)
    ends: Counter[str] = field(default_factory=Counter)

    @property
    def referred(self) -> int:
        return self.stages["referred"]


def _stage() -> ColumnElement[int]:
    whens = [
        (ReferralEvent.new_status == status.value, stage) for status, stage in _STAGE_OF.items()
    ]
    return case(*whens, else_=0)


def funnel(session: Session, filters: DashboardFilter) -> list[FunnelRow]:
    """The cohort's funnel per partner and service, each referral counted once (see above)."""
    unreachable = case((unreachable_condition(), 1), else_=0)
    per_referral = filters.cohort(
        select(
            Referral.partner_id.label("partner_id"),
            Referral.service_category.label("service"),
            Referral.status.label("status"),
            unreachable.label("unreachable"),
            func.max(_stage()).label("stage"),
        )
        .join(ReferralEvent, ReferralEvent.referral_id == Referral.id)
        .join(Returnee, Returnee.id == Referral.returnee_id)
        .group_by(Referral.id, Referral.partner_id, Referral.service_category, Referral.status)
        .group_by(unreachable)
    ).subquery()
    rows = session.execute(
        select(
            per_referral.c.partner_id,
            per_referral.c.service,
            per_referral.c.status,
            per_referral.c.unreachable,
            per_referral.c.stage,
            func.count(),
        ).group_by(*per_referral.c)
    ).all()
    names = _partner_names(session)
    found: dict[tuple[str, str], FunnelRow] = {}
    for partner_id, service, status, is_unreachable, stage, count in rows:
        row = found.setdefault(
            (names.get(partner_id, ""), service),
            FunnelRow(names.get(partner_id, ""), service),
        )
        for reached in STAGES[: int(stage) + 1]:
            row.stages[reached] += count
        end = _end_of(status, bool(is_unreachable))
        if end:
            row.ends[end] += count
    return [found[key] for key in sorted(found)]


def _end_of(status: str, is_unreachable: bool) -> str:
    if status in ENDS:
        return status
    if is_unreachable and status in SILENT:
        return "unreachable"
    return ""


def funnel_total(rows: list[FunnelRow]) -> FunnelRow:
    """All partners and services together."""
    total = FunnelRow("", "")
    for row in rows:
        total.stages.update(row.stages)
        total.ends.update(row.ends)
    return total


def _partner_names(session: Session) -> dict[int, str]:
    return {row[0]: row[1] for row in session.execute(select(Partner.id, Partner.name))}


# -- time from referral to enrolment ----------------------------------------------------------


@dataclass(frozen=True)
class EnrolmentTime:
    partner: str
    enrolled: int
    median_days: float
    within_30_days: float  # share, 0 to 1


def _days_between(session: Session, later: Any, earlier: Any) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return func.extract("epoch", later - earlier) / 86400.0


def enrolment_times(session: Session, filters: DashboardFilter) -> list[EnrolmentTime]:
    """Per partner, for the cohort's referrals that reached enrolment: median days and share
    within 30 days from the referral to the first enrolled-stage event."""
    enrolled_statuses = [status.value for status, stage in _STAGE_OF.items() if stage == 3]
    first = (
        select(
            ReferralEvent.referral_id.label("referral_id"),
            func.min(ReferralEvent.created_at).label("enrolled_at"),
        )
        .where(ReferralEvent.new_status.in_(enrolled_statuses))
        .group_by(ReferralEvent.referral_id)
        .subquery()
    )
    days = _days_between(session, first.c.enrolled_at, Referral.created_at)
    rows = session.execute(
        filters.cohort(
            select(Referral.partner_id, days).join(first, first.c.referral_id == Referral.id)
        )
    ).all()
    per_partner: dict[int, list[float]] = {}
    for partner_id, value in rows:
        per_partner.setdefault(partner_id, []).append(float(value))
    names = _partner_names(session)
    limit = WITHIN / timedelta(days=1)
    found = [
        EnrolmentTime(
            partner=names.get(partner_id, ""),
            enrolled=len(values),
            median_days=statistics.median(values),
            within_30_days=sum(1 for value in values if value <= limit + 1e-9) / len(values),
        )
        for partner_id, values in per_partner.items()
    ]
    return sorted(found, key=lambda row: row.partner)


# -- stalled ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StalledReferral:
    reference: str
    partner: str
    service: str
    status: str
    last_change_at: datetime


def stalled_referrals(
    session: Session, filters: DashboardFilter, *, now: datetime, limit: int = 500
) -> tuple[int, list[StalledReferral]]:
    """How many referrals are stalled at `now`, and the `limit` longest stalled of them."""
    last_change = func.max(ReferralEvent.created_at)
    query = filters.narrow(
        select(
            Referral.reference,
            Referral.partner_id,
            Referral.service_category,
            Referral.status,
            last_change.label("last_change_at"),
        )
        .join(ReferralEvent, ReferralEvent.referral_id == Referral.id)
        .where(Referral.status.in_([status.value for status in STALLABLE]))
        .group_by(Referral.id, Referral.reference, Referral.partner_id)
        .group_by(Referral.service_category, Referral.status)
        .having(last_change < now - timedelta(days=filters.stalled_days))
    ).subquery()
    count = int(session.scalar(select(func.count()).select_from(query)) or 0)
    rows = session.execute(
        select(query).order_by(query.c.last_change_at, query.c.reference).limit(limit)
    ).all()
    names = _partner_names(session)
    return count, [
        StalledReferral(reference or "", names.get(partner_id, ""), service, status, _utc(at))
        for reference, partner_id, service, status, at in rows
    ]


def _utc(moment: datetime) -> datetime:
    """A time read from a subquery, which SQLite hands back without its zone."""
    if isinstance(moment, str):  # SQLite's max() of a column loses the column's type
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# -- delivery and replies ---------------------------------------------------------------------


@dataclass(frozen=True)
class RateRow:
    channel: str
    language: str
    total: int
    done: int  # delivered, or answered

    @property
    def rate(self) -> float:
        return self.done / self.total if self.total else 0.0


def _message_scope(filters: DashboardFilter) -> ColumnElement[bool]:
    if not filters.is_narrowed:
        return Message.returnee_id.is_not(None)
    return Message.referral_id.in_(filters.narrow(select(Referral.id)))


def delivery_rates(session: Session, filters: DashboardFilter) -> list[RateRow]:
    """Outbound messages to returnees in the period, by channel and language: how many were
    reported delivered (or read)."""
    begin, finish = filters.period.bounds()
    delivered = func.sum(case((Message.delivery_status.in_(DELIVERED), 1), else_=0))
    rows = session.execute(
        select(Message.channel, Message.language, func.count(), delivered)
        .where(
            Message.direction == "out",
            Message.created_at >= begin,
            Message.created_at < finish,
            _message_scope(filters),
        )
        .group_by(Message.channel, Message.language)
        .order_by(Message.channel, Message.language)
    ).all()
    return [
        RateRow(channel, language, total, int(done or 0)) for channel, language, total, done in rows
    ]


def reply_rates(session: Session, filters: DashboardFilter) -> list[RateRow]:
    """Questions to returnees sent in the period, by channel and language: how many were
    answered."""
    begin, finish = filters.period.bounds()
    answered = func.sum(case((Notice.answered_at.is_not(None), 1), else_=0))
    scope: ColumnElement[bool] = Notice.returnee_id.is_not(None)
    if filters.is_narrowed:
        scope = Notice.referral_id.in_(filters.narrow(select(Referral.id)))
    rows = session.execute(
        select(Notice.channel, Notice.language, func.count(), answered)
        .where(
            Notice.question.is_not(None),
            Notice.sent_at >= begin,
            Notice.sent_at < finish,
            scope,
        )
        .group_by(Notice.channel, Notice.language)
        .order_by(Notice.channel, Notice.language)
    ).all()
    return [
        RateRow(channel, language, total, int(done or 0)) for channel, language, total, done in rows
    ]


# -- opt-outs ---------------------------------------------------------------------------------


def opt_outs(session: Session, filters: DashboardFilter) -> dict[str, int]:
    """Numbers of returnees that stopped in the period, by the returnee's language."""
    begin, finish = filters.period.bounds()
    query = (
        select(Returnee.preferred_language, func.count(func.distinct(ContactPoint.phone_e164)))
        .select_from(ReachabilityEvent)
        .join(ContactPoint, ContactPoint.id == ReachabilityEvent.contact_point_id)
        .join(Returnee, Returnee.id == ContactPoint.returnee_id)
        .where(
            ReachabilityEvent.state == OPTED_OUT,
            ReachabilityEvent.created_at >= begin,
            ReachabilityEvent.created_at < finish,
        )
        .group_by(Returnee.preferred_language)
        .order_by(Returnee.preferred_language)
    )
    if filters.is_narrowed:
        query = query.where(Returnee.id.in_(filters.narrow(select(Referral.returnee_id))))
    return {row[0]: row[1] for row in session.execute(query)}


# -- caseworker load --------------------------------------------------------------------------


@dataclass
class CaseworkerLoad:
    open_items: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)
    by_age: dict[str, int] = field(default_factory=dict)  # "0-1", "1-3", "3-7", "7+" days
    oldest_at: datetime | None = None


def age_labels() -> list[str]:
    edges = (0, *AGE_BUCKETS)
    labels = [f"{low}-{high}" for low, high in pairwise(edges)]
    return [*labels, f"{AGE_BUCKETS[-1]}+"]


def caseworker_load(session: Session, filters: DashboardFilter, *, now: datetime) -> CaseworkerLoad:
    """Review items open at `now`: how many, why, how old (days)."""
    labels = age_labels()
    whens = [
        (ReviewItem.created_at > now - timedelta(days=days), literal(label))
        for days, label in zip(AGE_BUCKETS, labels, strict=False)
    ]
    bucket = case(*whens, else_=literal(labels[-1]))
    query = select(ReviewItem.reason, bucket, func.count(), func.min(ReviewItem.created_at)).where(
        ReviewItem.resolved_at.is_(None)
    )
    if filters.is_narrowed:
        query = query.where(ReviewItem.referral_id.in_(filters.narrow(select(Referral.id))))
    load = CaseworkerLoad(by_age=dict.fromkeys(labels, 0))
    for reason, label, count, oldest in session.execute(query.group_by(ReviewItem.reason, bucket)):
        load.open_items += count
        load.by_reason[reason] = load.by_reason.get(reason, 0) + count
        load.by_age[label] += count
        oldest = _utc(oldest)
        if load.oldest_at is None or oldest < load.oldest_at:
            load.oldest_at = oldest
    return load


# -- weekly reach -----------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekRow:
    week: date  # the local Monday
    referred: int
    reached: int


def _week_of(column: Any, filters: DashboardFilter) -> ColumnElement[int]:
    """The index of the local week of the period a UTC time falls in (-1 before the first)."""
    zone = ZoneInfo(filters.period.time_zone)
    mondays = filters.period.weeks()
    whens = []
    for index in reversed(range(len(mondays))):
        starts = datetime.combine(mondays[index], time(0), tzinfo=zone).astimezone(UTC)
        whens.append((column >= starts, index))
    return case(*whens, else_=-1)


def weekly_reach(session: Session, filters: DashboardFilter) -> list[WeekRow]:
    """Per local week of the period: referrals recorded, and distinct returnees reached (an
    outbound message reported delivered or read, or a message from them)."""
    begin, finish = filters.period.bounds()
    week = _week_of(Referral.created_at, filters)
    referred_query = filters.cohort(select(week, func.count()).select_from(Referral))
    referred = {row[0]: row[1] for row in session.execute(referred_query.group_by(week))}
    message_week = _week_of(Message.created_at, filters)
    was_reached = (Message.direction == "in") | Message.delivery_status.in_(DELIVERED)
    query = (
        select(message_week, func.count(func.distinct(Message.returnee_id)))
        .where(
            Message.created_at >= begin,
            Message.created_at < finish,
            and_(Message.returnee_id.is_not(None), was_reached),
        )
        .group_by(message_week)
    )
    if filters.is_narrowed:
        query = query.where(Message.returnee_id.in_(filters.narrow(select(Referral.returnee_id))))
    reached = {row[0]: row[1] for row in session.execute(query)}
    return [
        WeekRow(monday, int(referred.get(index, 0)), int(reached.get(index, 0)))
        for index, monday in enumerate(filters.period.weeks())
    ]


# -- everything -------------------------------------------------------------------------------


@dataclass
class Dashboard:
    filters: DashboardFilter
    funnel: list[FunnelRow]
    enrolment_times: list[EnrolmentTime]
    stalled_count: int
    stalled: list[StalledReferral]
    delivery: list[RateRow]
    replies: list[RateRow]
    opt_outs: dict[str, int]
    load: CaseworkerLoad
    weeks: list[WeekRow]

    @property
    def total(self) -> FunnelRow:
        return funnel_total(self.funnel)


def build_dashboard(session: Session, filters: DashboardFilter, *, now: datetime) -> Dashboard:
    """Every figure of the dashboard for `filters` at `now`."""
    count, stalled = stalled_referrals(session, filters, now=now, limit=50)
    return Dashboard(
        filters=filters,
        funnel=funnel(session, filters),
        enrolment_times=enrolment_times(session, filters),
        stalled_count=count,
        stalled=stalled,
        delivery=delivery_rates(session, filters),
        replies=reply_rates(session, filters),
        opt_outs=opt_outs(session, filters),
        load=caseworker_load(session, filters, now=now),
        weeks=weekly_reach(session, filters),
    )


def service_categories(session: Session) -> list[str]:
    """Every service category referred to, for the filter."""
    query = select(Referral.service_category).distinct().order_by(Referral.service_category)
    return list(session.scalars(query))
