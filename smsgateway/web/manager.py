"""The manager's pages: the dashboard (funnel, stalls, timeliness, delivery, workload, with
charts and CSV downloads), the loop's reach and flags, and who is unreachable."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as WerkzeugResponse

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
from smsgateway.errors import InvalidInput
from smsgateway.followups import (
    FollowupKind,
    FollowupOutcome,
    FollowupRow,
    assign_followup,
    assignable_users,
    followup_rows,
    record_followup_outcome,
    record_new_number,
    unreachable_definition,
)
from smsgateway.loop.standing import flag_counts, reach_report
from smsgateway.models import Partner, Referral, Returnee, User
from smsgateway.permissions import Action
from smsgateway.privacy.access_log import AccessEvent
from smsgateway.reachability import StoppedNumber, unreachable_contact_points
from smsgateway.referrals import OPEN
from smsgateway.runtime import get_runtime
from smsgateway.web.access import requires
from smsgateway.web.audit import note_access
from smsgateway.web.charts import bar_chart, line_chart
from smsgateway.web.session import acting_user

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
FOLLOWUP_LABELS = {
    FollowupKind.VISIT: lazy_gettext("home visit"),
    FollowupKind.CALL: lazy_gettext("call"),
    FollowupOutcome.REACHED: lazy_gettext("reached"),
    FollowupOutcome.NOT_FOUND: lazy_gettext("not found"),
    FollowupOutcome.MOVED: lazy_gettext("moved away"),
    FollowupOutcome.NO_ANSWER: lazy_gettext("no answer"),
    FollowupOutcome.REFUSED: lazy_gettext("does not want contact"),
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
    """Who could not be reached, what was tried, and the follow-up: a manager's list."""
    with get_runtime().db.sessions() as session:
        points = unreachable_contact_points(session)
        rows = followup_rows(session)
        people = {p.returnee_id for p in points}
        note_access("returnee", sorted(people | {row.returnee.id for row in rows}))
        references: dict[int, list[str]] = {}
        for returnee_id, reference in session.execute(
            select(Referral.returnee_id, Referral.reference).where(
                Referral.returnee_id.in_(people),
                Referral.status.in_([str(s) for s in OPEN]),
            )
        ):
            references.setdefault(returnee_id, []).append(reference or "")
        return render_template(
            "manager/unreachable.html",
            points=points,
            rows=rows,
            open_references={key: ", ".join(value) for key, value in references.items()},
            definition=unreachable_definition(),
            assignees=assignable_users(session),
            kinds=(FollowupKind.VISIT, FollowupKind.CALL),
            outcomes=list(FollowupOutcome),
            followup_labels=FOLLOWUP_LABELS,
        )


@manager.get("/unreachable.csv")
@requires(Action.VIEW_UNREACHABLE)
def unreachable_csv() -> Response:
    """The follow-up list as CSV (no phone numbers)."""
    with get_runtime().db.sessions() as session:
        rows = followup_rows(session)
        note_access("returnee", [row.returnee.id for row in rows], event=AccessEvent.EXPORT)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(UNREACHABLE_COLUMNS)
        for row in rows:
            writer.writerow(_unreachable_line(row))
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="unreachable.csv"'},
    )


UNREACHABLE_COLUMNS = (
    "case_reference",
    "flagged_at",
    "reason",
    "last_attempt_at",
    "channels_tried",
    "proxies",
    "open_referrals",
    "assigned_to",
    "last_followup",
    "last_followup_at",
)


def _unreachable_line(row: FollowupRow) -> list[str]:
    returnee, last = row.returnee, row.last_followup
    flagged = returnee.unreachable_flagged_at
    return [
        returnee.case_reference,
        flagged.isoformat() if flagged else "",
        returnee.unreachable_reason,
        row.last_attempt_at.isoformat() if row.last_attempt_at else "",
        ";".join(f"{c.channel}:{c.attempts}:{c.last_status}" for c in row.channels),
        ";".join(f"{p.proxy_relation or 'proxy'}:{p.reachability}" for p in row.proxies),
        ";".join(row.open_references),
        row.assigned_to,
        f"{last.kind}:{last.outcome}" if last else "",
        last.created_at.isoformat() if last else "",
    ]


def _returnee_or_404(session: Session, returnee_id: int) -> Returnee:
    returnee = session.get(Returnee, returnee_id)
    if returnee is None:
        abort(404)
    return returnee


def _back(message: str, category: str = "info") -> WerkzeugResponse:
    flash(message, category)
    return redirect(url_for("manager.unreachable"), 303)


@manager.post("/unreachable/<int:returnee_id>/assign")
@requires(Action.FOLLOW_UP_UNREACHABLE)
def assign(returnee_id: int) -> WerkzeugResponse:
    runtime = get_runtime()
    try:
        with runtime.db.transaction() as session:
            returnee = _returnee_or_404(session, returnee_id)
            assignee = session.get(User, _integer(request.form, "user_id", 0, 1, 2**31))
            if assignee is None:
                return _back(gettext("Choose a person."), "error")
            assign_followup(session, returnee, assignee, now=runtime.clock(), actor=acting_user())
    except InvalidInput:
        return _back(gettext("Choose a person."), "error")
    return _back(gettext("Assigned."))


@manager.post("/unreachable/<int:returnee_id>/outcome")
@requires(Action.FOLLOW_UP_UNREACHABLE)
def followup_outcome(returnee_id: int) -> WerkzeugResponse:
    runtime = get_runtime()
    form = request.form
    try:
        with runtime.db.transaction() as session:
            returnee = _returnee_or_404(session, returnee_id)
            record_followup_outcome(
                session,
                returnee,
                form.get("kind", ""),
                form.get("outcome", ""),
                now=runtime.clock(),
                actor=acting_user(),
                note=form.get("note", "")[:1000],
            )
    except InvalidInput:
        return _back(gettext("Choose a visit or a call, and what came of it."), "error")
    return _back(gettext("Recorded."))


@manager.post("/unreachable/<int:returnee_id>/new-number")
@requires(Action.FOLLOW_UP_UNREACHABLE)
def new_number(returnee_id: int) -> WerkzeugResponse:
    runtime = get_runtime()
    try:
        with runtime.db.transaction() as session:
            returnee = _returnee_or_404(session, returnee_id)
            record_new_number(
                session,
                returnee,
                request.form.get("number", "")[:40],
                region=runtime.settings.default_region,
                now=runtime.clock(),
                actor=acting_user(),
            )
            case = returnee.case_reference
    except StoppedNumber:
        return _back(
            gettext(
                "This number asked for no more messages (STOP). Only START sent from it lets "
                "the service write to it again."
            ),
            "error",
        )
    except InvalidInput:
        return _back(gettext("This is not a phone number the service can use."), "error")
    return _back(gettext("New number recorded: %(case)s is reachable again.", case=case))
