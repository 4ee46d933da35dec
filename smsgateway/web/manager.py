"""The manager's pages: the dashboard (funnel, stalls, timeliness, delivery, workload, with
charts and CSV downloads), the loop's reach and flags, and who is unreachable."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import lazy_gettext
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from smsgateway.dashboard import (
    DEFAULT_STALLED_DAYS,
    ENDS,
    STAGES,
    TABLES,
    DashboardFilter,
    Period,
    build_dashboard,
    dashboard_tables,
    last_days,
    service_categories,
)
from smsgateway.loop.standing import flag_counts, reach_report
from smsgateway.models import Partner, Referral
from smsgateway.permissions import Action
from smsgateway.reachability import flagged_unreachable_returnees, unreachable_contact_points
from smsgateway.referrals import OPEN
from smsgateway.runtime import get_runtime
from smsgateway.web.access import requires
from smsgateway.web.charts import bar_chart, line_chart

manager = Blueprint("manager", __name__)

DEFAULT_DAYS = 90
LABELS = {
    "partner": lazy_gettext("Partner"),
    "service": lazy_gettext("Service"),
    "referred": lazy_gettext("referred"),
    "confirmed": lazy_gettext("confirmed"),
    "attended": lazy_gettext("attended"),
    "enrolled": lazy_gettext("enrolled"),
    "ineligible": lazy_gettext("not eligible"),
    "declined": lazy_gettext("declined"),
    "no_show": lazy_gettext("did not come"),
    "dropped_out": lazy_gettext("dropped out"),
    "unreachable": lazy_gettext("unreachable"),
    "median_days": lazy_gettext("Median (days)"),
    "within_30_days_percent": lazy_gettext("Within 30 days (%)"),
    "reference": lazy_gettext("Reference"),
    "status": lazy_gettext("Status"),
    "last_change_at": lazy_gettext("Last change (UTC)"),
    "channel": lazy_gettext("Channel"),
    "language": lazy_gettext("Language"),
    "sent": lazy_gettext("Sent"),
    "delivered": lazy_gettext("Delivered"),
    "delivery_rate_percent": lazy_gettext("Delivered (%)"),
    "questions": lazy_gettext("Questions"),
    "answered": lazy_gettext("Answered"),
    "reply_rate_percent": lazy_gettext("Answered (%)"),
    "numbers": lazy_gettext("Numbers stopped"),
    "group": lazy_gettext("By"),
    "value": lazy_gettext("Value"),
    "open_items": lazy_gettext("Open items"),
    "reason": lazy_gettext("reason"),
    "age_days": lazy_gettext("age (days)"),
    "week": lazy_gettext("Week of"),
    "settled": lazy_gettext("Known outcome or flag"),
    "reach_percent": lazy_gettext("Reach (%)"),
}
TITLES = {
    "funnel": lazy_gettext("Referral funnel"),
    "enrolment": lazy_gettext("Time from referral to enrolment"),
    "stalled": lazy_gettext("Stalled referrals"),
    "delivery": lazy_gettext("Delivery rate by channel and language"),
    "replies": lazy_gettext("Reply rate by channel and language"),
    "opt_outs": lazy_gettext("Opt-outs"),
    "load": lazy_gettext("Caseworker load"),
    "weeks": lazy_gettext("Weekly reach"),
}


def _integer(args: MultiDict[str, str], name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(args.get(name, default))
    except ValueError:
        return default
    return value if low <= value <= high else default


def _day(args: MultiDict[str, str], name: str) -> date | None:
    try:
        return date.fromisoformat(args.get(name, ""))
    except ValueError:
        return None


def read_filters(args: MultiDict[str, str], *, now: datetime, time_zone: str) -> DashboardFilter:
    """The dashboard's filters from the query string; a value out of range is left out."""
    period = last_days(now, _integer(args, "days", DEFAULT_DAYS, 1, 3660), time_zone)
    start, end = _day(args, "start"), _day(args, "end")
    if start is not None and end is not None and start <= end:
        period = Period(start, end, time_zone)
    partner = _integer(args, "partner", 0, 1, 2**31)
    return DashboardFilter(
        period=period,
        partner_id=partner or None,
        service=args.get("service", "")[:64],
        stalled_days=_integer(args, "stalled_days", DEFAULT_STALLED_DAYS, 1, 3660),
    )


def _charts(board: Any) -> dict[str, Any]:
    total = board.total
    bars = [(str(LABELS[s]), total.stages[s]) for s in STAGES]
    bars += [(str(LABELS[e]), total.ends[e]) for e in ENDS]
    weeks = [(w.week.isoformat(), w.reach) for w in board.weeks]
    rates = [(f"{r.channel} · {r.language}", round(100 * r.rate, 1)) for r in board.delivery]
    return {
        "funnel": bar_chart(str(TITLES["funnel"]), bars, chart_id="chart-funnel"),
        "weeks": line_chart(str(TITLES["weeks"]), weeks, chart_id="chart-weeks", percent=True),
        "delivery": bar_chart(str(TITLES["delivery"]), rates, chart_id="chart-delivery"),
    }


@manager.get("/manager/")
@requires(Action.VIEW_OVERVIEW)
def home() -> str:
    """The dashboard, filtered by period, partner and service."""
    runtime = get_runtime()
    now, zone = runtime.clock(), runtime.settings.default_time_zone
    filters = read_filters(request.args, now=now, time_zone=zone)
    with runtime.db.sessions() as session:
        board = build_dashboard(session, filters, now=now)
        partners = session.execute(select(Partner.id, Partner.name).order_by(Partner.name)).all()
        services = service_categories(session)
    return render_template(
        "manager/dashboard.html",
        board=board,
        filters=filters,
        tables=dashboard_tables(board),
        order=TABLES,
        charts=_charts(board),
        labels=LABELS,
        titles=TITLES,
        partners=partners,
        services=services,
        query=request.args.to_dict(),
    )


@manager.get("/manager/dashboard/<name>.csv")
@requires(Action.VIEW_OVERVIEW)
def dashboard_csv(name: str) -> Response:
    """One figure of the dashboard as CSV, with the page's filters."""
    if name not in TABLES:
        abort(404)
    runtime = get_runtime()
    now = runtime.clock()
    filters = read_filters(request.args, now=now, time_zone=runtime.settings.default_time_zone)
    with runtime.db.sessions() as session:
        table = dashboard_tables(build_dashboard(session, filters, now=now))[name]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    period = filters.period
    filename = f"{name}_{period.start.isoformat()}_{period.end.isoformat()}.csv"
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@manager.get("/manager/loop")
@requires(Action.VIEW_OVERVIEW)
def loop() -> str:
    """Closing the loop: referrals by status and partner, reach at 30 days, the loop's flags."""
    runtime = get_runtime()
    with runtime.db.sessions() as session:
        reach = reach_report(session, now=runtime.clock())
        flags = flag_counts(session)
        counts = dict(
            session.execute(select(Referral.status, func.count()).group_by(Referral.status)).all()
        )
        per_partner = session.execute(
            select(Partner.name, Referral.status, func.count())
            .join(Referral, Referral.partner_id == Partner.id)
            .group_by(Partner.name, Referral.status)
            .order_by(Partner.name)
        ).all()
    partners: dict[str, dict[str, int]] = {}
    for name, status, count in per_partner:
        partners.setdefault(name, {})[status] = count
    open_statuses = {str(status) for status in OPEN}
    return render_template(
        "manager/home.html",
        counts=counts,
        partners=partners,
        open_statuses=open_statuses,
        reach=reach,
        flags=flags,
    )


@manager.get("/unreachable")
@requires(Action.VIEW_UNREACHABLE)
def unreachable() -> str:
    """Returnees flagged unreachable and numbers that failed: a manager's follow-up list."""
    with get_runtime().db.sessions() as session:
        points = unreachable_contact_points(session)
        flagged = flagged_unreachable_returnees(session)
        people = {p.returnee_id for p in points} | {r.id for r in flagged}
        rows = session.execute(
            select(Referral.returnee_id, Referral.reference).where(
                Referral.returnee_id.in_(people),
                Referral.status.in_([str(s) for s in OPEN]),
            )
        ).all()
        references: dict[int, list[str]] = {}
        for returnee_id, reference in rows:
            references.setdefault(returnee_id, []).append(reference or "")
        open_references = {key: ", ".join(value) for key, value in references.items()}
        return render_template(
            "manager/unreachable.html",
            points=points,
            flagged=flagged,
            open_references=open_references,
        )
