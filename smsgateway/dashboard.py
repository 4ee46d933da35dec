"""The managers' dashboard figures: reach, stalls, timeliness, delivery, opt-outs, workload.

Each figure is one function of the session and a `DashboardFilter` (a period of local days in a
time zone, a partner, a service), computed with grouped SQL so that it stays fast with a hundred
thousand referrals; nothing here reads a request. The words:

- **cohort**: the referrals recorded (`created_at`) in the period, of the partner and service;
- **funnel**: of the cohort, how many ever reached each stage of the usual path, each referral
  counted once, at its furthest stage (`referrals.FUNNEL_STAGES`: `completed` and `dropped_out`
  count as enrolled, since a partner's "dropped out" implies the enrolment), and how many now
  stand at each other end: `ineligible`, `declined`, `no_show`, `dropped_out`, and
  `unreachable` (no known outcome yet and the returnee carries the one unreachable flag,
  `reachability.unreachable_condition`). The milestones are kept on the referral row by
  `referrals.change_status`, so the counts need one grouped pass over the referrals;
- **time to enrolment**: from the referral to its first enrolment (`Referral.enrolled_at`),
  per partner: the median and the share within 30 days ("activities could begin within a
  month");
- **stalled**: referrals, whenever recorded, that are still open (not enrolled) and whose
  status has not changed for `stalled_days`, at `now`;
- **delivery** and **reply** rates, by channel and language: outbound messages to returnees
  sent in the period that were reported delivered (or read); questions sent in the period that
  were answered;
- **opt-outs**: numbers that stopped (STOP, or the provider's unsubscribed) in the period;
- **caseworker load**: review items still open at `now`, by reason and by age;
- **weekly reach**: per local week of the period, referrals recorded and how many of them
  have a known outcome or an explicit flag now (the loop's reach, `loop.standing`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any, TypeVarTuple
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, case, func, literal, select
from sqlalchemy.orm import Session

from smsgateway.loop.tasks import TaskState
from smsgateway.models import (
    ContactPoint,
    Message,
    Notice,
    Partner,
    Referral,
    Returnee,
    ReviewItem,
    Task,
)
from smsgateway.models.reachability import ReachabilityEvent
from smsgateway.reachability import OPTED_OUT, unreachable_condition
from smsgateway.referrals import FUNNEL_STAGES, SILENT, Status

Ts = TypeVarTuple("Ts")

#: The stages of the funnel, in order, and what counts as having reached each.
STAGES = tuple(stage.value for stage in FUNNEL_STAGES)
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


# -- the cohort: funnel and weekly reach ------------------------------------------------------


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


@dataclass(frozen=True)
class WeekRow:
    """One local week of the period: referrals recorded, and how many of them have a known
    outcome or an explicit flag by now (the loop's reach, `loop.standing`)."""

    week: date  # the local Monday
    referred: int
    settled: int

    @property
    def reach(self) -> float:
        return self.settled / self.referred if self.referred else 0.0


@dataclass
class Cohort:
    funnel: list[FunnelRow]
    weeks: list[WeekRow]


def cohort(session: Session, filters: DashboardFilter) -> Cohort:
    """The funnel and the weekly reach of the cohort, each referral counted once by its
    milestones (`Referral.furthest_stage`). Four grouped queries that an index covers
    (`ix_referrals_funnel`), rather than one wider one that SQLite must sort."""
    names = _partner_names(session)
    found: dict[tuple[str, str], FunnelRow] = {}

    def row_of(partner_id: int, service: str) -> FunnelRow:
        name = names.get(partner_id, "")
        return found.setdefault((name, service), FunnelRow(name, service))

    columns = (Referral.partner_id, Referral.service_category, Referral.status)
    query = select(*columns, Referral.furthest_stage, func.count())
    query = filters.cohort(query).group_by(*columns, Referral.furthest_stage)
    for partner_id, service, status, stage, count in session.execute(query):
        row = row_of(partner_id, service)
        for reached in STAGES[: int(stage or 0) + 1]:
            row.stages[reached] += count
        if status in ENDS:
            row.ends[status] += count
    silent = [status.value for status in SILENT]
    unreachable = select(Referral.partner_id, Referral.service_category, func.count()).where(
        Referral.status.in_(silent), Referral.returnee_id.in_(_flagged_returnees())
    )
    by_service = filters.cohort(unreachable).group_by(
        Referral.partner_id, Referral.service_category
    )
    for partner_id, service, count in session.execute(by_service):
        row_of(partner_id, service).ends["unreachable"] += count
    funnel = [found[key] for key in sorted(found)]
    return Cohort(funnel, _weeks(session, filters))


def _flagged_returnees() -> Select[int]:
    """The returnees flagged unreachable (the one rule), as a sub-query: they are few, and their
    referrals are found by index."""
    return select(Returnee.id).where(unreachable_condition())


def _weeks(session: Session, filters: DashboardFilter) -> list[WeekRow]:
    """Referrals per local week; settled unless silent with no flag of any kind. Two grouped
    queries: every referral of the cohort (covered by `ix_referrals_funnel`), and the few
    silent ones that carry a flag (found from the flags' side)."""
    week = _week_of(Referral.created_at, filters)
    silent = [status.value for status in SILENT]
    is_silent = case((Referral.status.in_(silent), 1), else_=0)
    query = filters.cohort(select(week, func.count(), func.sum(is_silent))).group_by(week)
    counts = {index: (total, int(quiet or 0)) for index, total, quiet in session.execute(query)}
    flagged_tasks = select(Task.referral_id).where(Task.state == TaskState.FLAGGED)
    flagged_query = select(week, func.count()).where(
        Referral.status.in_(silent),
        Referral.returnee_id.in_(_flagged_returnees()) | Referral.id.in_(flagged_tasks),
    )
    flagged_query = filters.cohort(flagged_query).group_by(week)
    flagged = {index: count for index, count in session.execute(flagged_query)}
    rows = []
    for index, monday in enumerate(filters.period.weeks()):
        total, quiet = counts.get(index, (0, 0))
        rows.append(WeekRow(monday, total, total - quiet + flagged.get(index, 0)))
    return rows


def funnel(session: Session, filters: DashboardFilter) -> list[FunnelRow]:
    """The cohort's funnel per partner and service, each referral counted once (see above)."""
    return cohort(session, filters).funnel


def weekly_reach(session: Session, filters: DashboardFilter) -> list[WeekRow]:
    """Per local week of the period: referrals recorded, and of them those with a known
    outcome or an explicit flag now."""
    return cohort(session, filters).weeks


def _week_of(column: Any, filters: DashboardFilter) -> ColumnElement[int]:
    """The index of the local week of the period a UTC time falls in (-1 before the first),
    as a binary search of nested CASEs: a handful of comparisons per row, not one per week."""
    zone = ZoneInfo(filters.period.time_zone)
    starts = [
        datetime.combine(monday, time(0), tzinfo=zone).astimezone(UTC)
        for monday in filters.period.weeks()
    ]

    def search(low: int, high: int) -> ColumnElement[int]:
        """The week among [low, high) for a time at or after starts[low] (or -1 for low -1)."""
        if high - low <= 1:
            return literal(low)
        middle = (low + high) // 2
        return case((column >= starts[middle], search(middle, high)), else_=search(low, middle))

    return case((column >= starts[0], search(0, len(starts))), else_=literal(-1))


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
    """Per partner, for the cohort's referrals that reached enrolment: median days (to the
    nearest tenth of a day) and share within 30 days (exact) from the referral to its first
    enrolment (`Referral.enrolled_at`). Counted per tenth of a day in SQL, so a partner with
    thousands of enrolments costs a few hundred rows."""
    days = _days_between(session, Referral.enrolled_at, Referral.created_at)
    tenth = func.round(days * 10)
    within = func.sum(case((days <= WITHIN / timedelta(days=1), 1), else_=0))
    query = select(Referral.partner_id, tenth, func.count(), within)
    query = filters.cohort(query.where(Referral.enrolled_at.is_not(None)))
    per_partner: dict[int, list[tuple[float, int, int]]] = {}
    for partner_id, tenths, count, early in session.execute(
        query.group_by(Referral.partner_id, tenth)
    ):
        per_partner.setdefault(partner_id, []).append((float(tenths) / 10, count, int(early)))
    names = _partner_names(session)
    found = []
    for partner_id, counts in per_partner.items():
        enrolled = sum(count for _, count, _ in counts)
        found.append(
            EnrolmentTime(
                partner=names.get(partner_id, ""),
                enrolled=enrolled,
                median_days=_median(sorted((value, count) for value, count, _ in counts)),
                within_30_days=sum(early for _, _, early in counts) / enrolled,
            )
        )
    return sorted(found, key=lambda row: row.partner)


def _median(counted: list[tuple[float, int]]) -> float:
    """The median of values given with how many times each occurs, in increasing order."""
    total = sum(count for _, count in counted)
    middle = ((total - 1) // 2, total // 2)
    found, seen = [], 0
    for value, count in counted:
        found += [value for position in middle if seen <= position < seen + count]
        seen += count
    return sum(found) / 2


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
    """How many referrals are stalled at `now`, and the `limit` longest stalled of them: a
    count and, per status, a short range of `ix_referrals_stalled`, merged."""
    cutoff = now - timedelta(days=filters.stalled_days)
    statuses = sorted(status.value for status in STALLABLE)
    stalled = (Referral.status.in_(statuses), Referral.status_changed_at < cutoff)
    count = int(session.scalar(filters.narrow(select(func.count()).where(*stalled))) or 0)
    columns = (
        Referral.reference,
        Referral.partner_id,
        Referral.service_category,
        Referral.status,
        Referral.status_changed_at,
    )
    rows: list[Any] = []
    for status in statuses:
        query = select(*columns).where(
            Referral.status == status, Referral.status_changed_at < cutoff
        )
        query = filters.narrow(query).order_by(Referral.status_changed_at).limit(limit)
        rows.extend(session.execute(query).all())
    rows.sort(key=lambda row: (row[4], row[0] or ""))
    names = _partner_names(session)
    return count, [
        StalledReferral(reference or "", names.get(partner_id, ""), service, status, _utc(at))
        for reference, partner_id, service, status, at in rows[:limit]
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
    figures = cohort(session, filters)
    return Dashboard(
        filters=filters,
        funnel=figures.funnel,
        enrolment_times=enrolment_times(session, filters),
        stalled_count=count,
        stalled=stalled,
        delivery=delivery_rates(session, filters),
        replies=reply_rates(session, filters),
        opt_outs=opt_outs(session, filters),
        load=caseworker_load(session, filters, now=now),
        weeks=figures.weeks,
    )


def service_categories(session: Session) -> list[str]:
    """Every service category referred to, for the filter."""
    query = select(Referral.service_category).distinct().order_by(Referral.service_category)
    return list(session.scalars(query))


# -- the figures as tables (the page and the CSV downloads) ---------------------------------


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


TABLES = ("funnel", "enrolment", "stalled", "delivery", "replies", "opt_outs", "load", "weeks")


def _percent(share: float) -> float:
    return round(100 * share, 1)


def dashboard_tables(board: Dashboard) -> dict[str, Table]:
    """Every figure of `board` as a table of plain values, in the order of `TABLES`."""
    total = board.total
    funnel_rows = [
        (row.partner, row.service, *(row.stages[s] for s in STAGES), *(row.ends[e] for e in ENDS))
        for row in [*board.funnel, FunnelRow("", "", total.stages, total.ends)]
    ]
    load = board.load
    return {
        "funnel": Table(("partner", "service", *STAGES, *ENDS), funnel_rows),
        "enrolment": Table(
            ("partner", "enrolled", "median_days", "within_30_days_percent"),
            [
                (r.partner, r.enrolled, round(r.median_days, 1), _percent(r.within_30_days))
                for r in board.enrolment_times
            ],
        ),
        "stalled": Table(
            ("reference", "partner", "service", "status", "last_change_at"),
            [
                (
                    r.reference,
                    r.partner,
                    r.service,
                    r.status,
                    r.last_change_at.isoformat("T", "minutes"),
                )
                for r in board.stalled
            ],
        ),
        "delivery": _rate_table(board.delivery, ("sent", "delivered", "delivery_rate_percent")),
        "replies": _rate_table(board.replies, ("questions", "answered", "reply_rate_percent")),
        "opt_outs": Table(("language", "numbers"), list(board.opt_outs.items())),
        "load": Table(
            ("group", "value", "open_items"),
            [("reason", reason, count) for reason, count in sorted(load.by_reason.items())]
            + [("age_days", label, count) for label, count in load.by_age.items()],
        ),
        "weeks": Table(
            ("week", "referred", "settled", "reach_percent"),
            [(w.week.isoformat(), w.referred, w.settled, _percent(w.reach)) for w in board.weeks],
        ),
    }


def _rate_table(rows: list[RateRow], names: tuple[str, str, str]) -> Table:
    return Table(
        ("channel", "language", *names),
        [(r.channel, r.language, r.total, r.done, _percent(r.rate)) for r in rows],
    )
