"""The caseworker's pages: the front page (where to start today), the referral list with its
filters, recording a referral, one referral with its timeline and actions.

Every action is recorded under the logged-in user (`acting_user()`), never a name from a form.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from smsgateway.caseload import (
    ReferralQuery,
    count_referrals_by_status,
    list_referrals,
    referral_timeline,
    referrals_to_reorient,
)
from smsgateway.errors import InvalidInput
from smsgateway.loop.standing import (
    Flag,
    caseworker_tasks,
    flagged_referrals,
    partners_awaited,
    referral_standing,
)
from smsgateway.models import Partner, Referral, Returnee
from smsgateway.outbound_webhooks import failed_deliveries
from smsgateway.permissions import Action
from smsgateway.referrals import (
    CLOSED,
    TRANSITIONS,
    Source,
    Status,
    TransitionRefused,
    change_status,
    check_service_offered,
    close_referral,
    create_referral,
    move_appointment,
    schedule_call,
)
from smsgateway.reviews import (
    INTENTS_FOR,
    count_open_review_items,
    open_referrals_of,
    open_review_items,
    referral_of_item,
    sender_of,
)
from smsgateway.runtime import get_runtime
from smsgateway.web.access import requires
from smsgateway.web.audit import note_access
from smsgateway.web.i18n import refusal
from smsgateway.web.labels import service_label
from smsgateway.web.listing import Page, page_number
from smsgateway.web.session import acting_user

caseworker = Blueprint("caseworker", __name__)
PER_PAGE = 25
FRONT_REVIEWS = 10


@caseworker.get("/referrals")
@requires(Action.VIEW_REFERRALS)
def index() -> str:
    """The front page: what waits for a caseworker today, and where to start."""
    runtime = get_runtime()
    with runtime.db.sessions() as session:
        items = open_review_items(session, limit=FRONT_REVIEWS)
        return render_template(
            "caseworker/index.html",
            counts=count_referrals_by_status(session),
            review_total=count_open_review_items(session),
            rows=[(item, sender_of(session, item)) for item in items],
            referrals={item.id: referral_of_item(session, item) for item in items},
            hints={item.id: open_referrals_of(session, item.returnee_id) for item in items},
            intents_for=INTENTS_FOR,
            returnee_total=session.scalar(select(func.count(Returnee.id))) or 0,
            due_this_week=list_referrals(
                session, ReferralQuery(is_due_this_week=True), now=runtime.clock(), limit=0
            ).total,
            simulator=runtime.settings.is_simulator_enabled,
            failed_webhooks=failed_deliveries(session),
            rebookings=caseworker_tasks(session, programme=runtime.programme),
            flagged=flagged_referrals(session, besides=Flag.AWAITING_PARTNER)[:100],
            partner_waits=partners_awaited(session),
            to_reorient=referrals_to_reorient(session),
        )


@caseworker.get("/referrals/list")
@requires(Action.VIEW_REFERRALS)
def listing() -> str:
    """Every referral, newest first, filtered and searched."""
    runtime = get_runtime()
    args = request.args
    filters = ReferralQuery(
        search=args.get("q", "")[:100],
        status=args.get("status", "") if args.get("status", "") in set(Status) else "",
        partner_id=int(args["partner"]) if args.get("partner", "").isdigit() else None,
        service=args.get("service", "")[:64],
        is_due_this_week=args.get("due") == "week",
        is_stalled=args.get("stalled") == "on",
        is_unreachable=args.get("unreachable") == "on",
    )
    with runtime.db.sessions() as session:
        number = page_number()
        found = list_referrals(
            session, filters, now=runtime.clock(), limit=PER_PAGE, offset=(number - 1) * PER_PAGE
        )
        note_access("referral", [referral.id for referral in found.items])
        return render_template(
            "caseworker/list.html",
            referrals=found.items,
            page=Page(number, PER_PAGE, found.total),
            filters=filters,
            statuses=list(Status),
            partners=session.scalars(select(Partner).order_by(Partner.name)).all(),
            services=runtime.programme.services,
            is_filtered=filters != ReferralQuery(),
        )


@caseworker.get("/referrals/new")
@requires(Action.CREATE_REFERRAL)
def new_referral() -> str:
    return _referral_form(request.args.get("returnee", ""), {})


def _referral_form(chosen: str, typed: Mapping[str, str]) -> str:
    """The new-referral form, for `chosen` returnee (an id) and with what was `typed` before a
    refusal, so that nothing has to be typed again."""
    runtime = get_runtime()
    with runtime.db.sessions() as session:
        returnee = session.get(Returnee, int(chosen)) if chosen.isdigit() else None
        return render_template(
            "caseworker/new.html",
            returnee=returnee,
            partners=session.scalars(select(Partner).order_by(Partner.name)).all(),
            services=runtime.programme.services,
            typed=typed,
        )


@caseworker.post("/referrals")
@requires(Action.CREATE_REFERRAL)
def add_referral() -> Response | tuple[str, int]:
    runtime = get_runtime()
    form = request.form
    try:
        with runtime.db.transaction() as session:
            returnee = _chosen_returnee(session)
            partner = session.get(Partner, int(form.get("partner_id") or 0))
            if partner is None:
                raise InvalidInput("partner_id", "choose a partner")
            service = check_service_offered(
                partner, form.get("service_category", ""), runtime.programme
            )
            created = create_referral(
                session,
                runtime.clock(),
                returnee=returnee,
                partner=partner,
                service_category=service,
                created_by=acting_user(),
                programme=runtime.programme,
                is_sensitive=form.get("is_sensitive") == "on",
                appointment_at=_local_time(form.get("appointment_at", ""), returnee.time_zone),
                appointment_place=form.get("appointment_place", ""),
            )
            reference = created.reference
    except InvalidInput as error:
        flash(refusal(_with_service_labels(error)), "error")
        return _referral_form(form.get("returnee_id") or "", form), 422
    flash(gettext("Referral %(reference)s recorded.", reference=reference), "info")
    return redirect(url_for("caseworker.referral", reference=reference), 303)


def _with_service_labels(error: InvalidInput) -> InvalidInput:
    """A refused service named as the console names services ("Soins médicaux", not
    `medical`)."""
    if error.field != "service_category" or "code" not in error.values:
        return error
    values = dict(error.values)
    values["code"] = service_label(str(values["code"]))
    if "offered" in values:
        offered = str(values["offered"]).split(", ")
        values["offered"] = ", ".join(service_label(code) for code in offered)
    return InvalidInput(error.field, error.template, error.row, **values)


def _chosen_returnee(session: Session) -> Returnee:
    """The returnee by id (a link from their page) or by the case reference typed."""
    form = request.form
    typed = form.get("returnee", "").strip()
    if typed:
        found = session.scalar(select(Returnee).filter_by(case_reference=typed))
    else:
        found = session.get(Returnee, int(form.get("returnee_id") or 0))
    if found is None:
        raise InvalidInput("returnee", "no returnee with this case reference")
    return found


@caseworker.get("/referrals/<reference>")
@requires(Action.VIEW_REFERRALS)
def referral(reference: str) -> str:
    runtime = get_runtime()
    with runtime.db.sessions() as session:
        found = _referral(session, reference)
        now = runtime.clock()
        note_access("referral", [found.id], returnee_id=found.returnee_id)
        return render_template(
            "caseworker/referral.html",
            referral=found,
            timeline=referral_timeline(session, found, now=now),
            standing=referral_standing(session, found),
            transitions=sorted(TRANSITIONS[Status(found.status)] - {Status.CANCELLED}),
            is_closed=found.status in CLOSED,
            now=now,
        )


def _referral(session: Session, reference: str) -> Referral:
    found = session.scalar(select(Referral).filter_by(reference=reference))
    if found is None:
        abort(404)
    return found


@caseworker.post("/referrals/<reference>/appointment")
@requires(Action.MOVE_APPOINTMENT)
def move_referral_appointment(reference: str) -> Response:
    """A caseworker gives the referral a new appointment; its notices are planned again."""
    runtime = get_runtime()
    form = request.form
    try:
        with runtime.db.transaction() as session:
            found = _referral(session, reference)
            move_appointment(
                session,
                found,
                _required_time(form.get("appointment_at", ""), found.returnee.time_zone),
                now=runtime.clock(),
                actor=acting_user(),
                place=form.get("appointment_place"),
                programme=runtime.programme,
            )
    except InvalidInput as error:
        return _refused(reference, error)
    flash(gettext("Appointment moved; its notices are planned again."), "info")
    return _to_referral(reference)


@caseworker.post("/referrals/<reference>/status")
@requires(Action.UPDATE_REFERRAL)
def set_status(reference: str) -> Response:
    """A status set by hand, with the reason; only what the transition table allows."""
    runtime = get_runtime()
    form = request.form
    reason = form.get("note", "").strip()
    try:
        if not reason:
            raise InvalidInput("note", "say why the status changes")
        status = Status(form.get("status", ""))
        with runtime.db.transaction() as session:
            found = _referral(session, reference)
            change = close_referral if status in CLOSED else change_status
            change(
                session,
                found,
                status,
                source=Source.CASEWORKER,
                now=runtime.clock(),
                actor=acting_user(),
                note=reason[:1000],
            )
    except ValueError as error:  # InvalidInput, TransitionRefused, an unknown status
        # The status form comes back with its status chosen; the reason stays out of the
        # address, where it would be logged.
        chosen = form.get("status", "") if form.get("form") == "status" else ""
        return _refused(reference, error, status=chosen)
    flash(gettext("Status changed."), "info")
    return _to_referral(reference)


@caseworker.post("/referrals/<reference>/call")
@requires(Action.UPDATE_REFERRAL)
def schedule_referral_call(reference: str) -> Response:
    """Announce a caseworker's call: the returnee is told the day and time."""
    runtime = get_runtime()
    try:
        with runtime.db.transaction() as session:
            found = _referral(session, reference)
            call_at = _local_time(request.form.get("call_at", ""), found.returnee.time_zone)
            if call_at is None:
                raise InvalidInput("call_at", "give the time of the call")
            schedule_call(session, found, call_at, now=runtime.clock(), programme=runtime.programme)
    except InvalidInput as error:
        return _refused(reference, error)
    flash(gettext("Call announced to the returnee."), "info")
    return _to_referral(reference)


def _to_referral(reference: str, *, status: str = "") -> Response:
    """The referral page; `status` is chosen again in its status form."""
    if status:
        return redirect(url_for("caseworker.referral", reference=reference, status=status), 303)
    return redirect(url_for("caseworker.referral", reference=reference), 303)


def _refused(reference: str, error: Exception, *, status: str = "") -> Response:
    if isinstance(error, TransitionRefused):
        flash(gettext("The rules do not allow this change; nothing was changed."), "error")
    elif isinstance(error, InvalidInput):
        flash(refusal(error), "error")
    else:  # a status the form does not offer
        flash(gettext("Choose one of the statuses offered."), "error")
    return _to_referral(reference, status=status)


def _required_time(value: str, time_zone: str) -> datetime:
    moment = _local_time(value, time_zone)
    if moment is None:
        raise InvalidInput("appointment_at", "give the new appointment time")
    return moment


def _local_time(value: str, time_zone: str) -> datetime | None:
    """A datetime-local form value, read in the returnee's time zone."""
    if not value:
        return None
    try:
        naive = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput("appointment_at", "use the form YYYY-MM-DDTHH:MM") from None
    return naive.replace(tzinfo=ZoneInfo(time_zone))
