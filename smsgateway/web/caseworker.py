"""The caseworker's pages: referrals, their history, the review queue, a form to add a referral.

Every action is recorded under the logged-in user (`acting_user()`), never a name from a form.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from smsgateway.errors import InvalidInput
from smsgateway.loop.standing import caseworker_tasks, flagged_referrals, referral_standing
from smsgateway.models import Message, Partner, Referral, Returnee, ReviewItem
from smsgateway.outbound_webhooks import failed_deliveries
from smsgateway.permissions import Action
from smsgateway.referrals import TransitionRefused, create_referral, move_appointment
from smsgateway.replies.apply import ACK_FOR, apply_review_item
from smsgateway.replies.intents import Intent
from smsgateway.runtime import get_runtime
from smsgateway.web.access import requires
from smsgateway.web.session import acting_user

caseworker = Blueprint("caseworker", __name__)


@caseworker.get("/referrals")
@requires(Action.VIEW_REFERRALS)
def index() -> str:
    runtime = get_runtime()
    with runtime.db.sessions() as session:
        referrals = session.scalars(select(Referral).order_by(Referral.id.desc()).limit(100)).all()
        counts = dict(
            session.execute(select(Referral.status, func.count()).group_by(Referral.status)).all()
        )
        reviews = session.scalars(
            select(ReviewItem)
            .where(ReviewItem.resolved_at.is_(None))
            .order_by(ReviewItem.id.desc())
            .limit(50)
        ).all()
        return render_template(
            "caseworker/index.html",
            referrals=referrals,
            counts=counts,
            reviews=reviews,
            returnees=session.scalars(select(Returnee).order_by(Returnee.case_reference)).all(),
            partners=session.scalars(select(Partner).order_by(Partner.name)).all(),
            simulator=runtime.settings.is_simulator_enabled,
            intents=[i.value for i in Intent if i in ACK_FOR],
            failed_webhooks=failed_deliveries(session),
            rebookings=caseworker_tasks(session),
            flagged=flagged_referrals(session)[:100],
        )


@caseworker.get("/referrals/<reference>")
@requires(Action.VIEW_REFERRALS)
def referral(reference: str) -> str:
    with get_runtime().db.sessions() as session:
        found = session.scalar(select(Referral).filter_by(reference=reference))
        if found is None:
            abort(404)
        messages = session.scalars(
            select(Message).filter_by(referral_id=found.id).order_by(Message.id)
        ).all()
        return render_template(
            "caseworker/referral.html",
            referral=found,
            messages=messages,
            standing=referral_standing(session, found),
        )


@caseworker.post("/referrals/<reference>/appointment")
@requires(Action.MOVE_APPOINTMENT)
def move_referral_appointment(reference: str) -> Response:
    """A caseworker gives the referral a new appointment; a rebooking task closes with it."""
    runtime = get_runtime()
    form = request.form
    try:
        with runtime.db.transaction() as session:
            found = session.scalar(select(Referral).filter_by(reference=reference))
            if found is None:
                abort(404)
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
        flash(str(error), "error")
        return redirect(url_for("caseworker.referral", reference=reference), 303)
    flash(gettext("Appointment moved."), "info")
    return redirect(url_for("caseworker.referral", reference=reference), 303)


@caseworker.post("/referrals")
@requires(Action.CREATE_REFERRAL)
def add_referral() -> Response:
    runtime = get_runtime()
    form = request.form
    try:
        with runtime.db.transaction() as session:
            returnee = session.get(Returnee, int(form.get("returnee_id") or 0))
            partner = session.get(Partner, int(form.get("partner_id") or 0))
            if returnee is None:
                raise InvalidInput("returnee_id", "choose a returnee")
            if partner is None:
                raise InvalidInput("partner_id", "choose a partner")
            created = create_referral(
                session,
                runtime.clock(),
                returnee=returnee,
                partner=partner,
                service_category=form.get("service_category", ""),
                created_by=acting_user(),
                programme=runtime.programme,
                is_sensitive=form.get("is_sensitive") == "on",
                appointment_at=_local_time(form.get("appointment_at", ""), returnee.time_zone),
                appointment_place=form.get("appointment_place", ""),
            )
            reference = created.reference
    except InvalidInput as error:
        flash(str(error), "error")
        return redirect(url_for("caseworker.index"), 303)
    flash(gettext("Referral %(reference)s recorded.", reference=reference), "info")
    return redirect(url_for("caseworker.referral", reference=reference), 303)


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


@caseworker.post("/reviews/<int:item_id>/apply")
@requires(Action.APPLY_REVIEW)
def apply_review(item_id: int) -> Response:
    """A caseworker decides what a queued message meant; the referral is updated as for a reply."""
    runtime = get_runtime()
    form = request.form
    try:
        intent = Intent(form.get("intent", ""))
    except ValueError:
        flash(gettext("Choose what the message means."), "error")
        return redirect(url_for("caseworker.index"), 303)
    try:
        with runtime.db.transaction() as session:
            apply_review_item(
                session,
                item_id,
                intent,
                now=runtime.clock(),
                actor=acting_user(),
                referral_id=int(form["referral_id"]) if form.get("referral_id") else None,
            )
    except (InvalidInput, TransitionRefused) as error:
        flash(str(error), "error")
        return redirect(url_for("caseworker.index"), 303)
    flash(gettext("Applied."), "info")
    return redirect(url_for("caseworker.index"), 303)
