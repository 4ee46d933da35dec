"""Console pages: referrals, their history, the review queue, and a form to add a referral."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from smsgateway.errors import InvalidInput
from smsgateway.models import Message, Partner, Referral, Returnee, ReviewItem
from smsgateway.outbound_webhooks import failed_deliveries
from smsgateway.reachability import flagged_unreachable_returnees, unreachable_contact_points
from smsgateway.referrals import OPEN, TransitionRefused, create_referral
from smsgateway.replies.apply import apply_review_item
from smsgateway.replies.intents import Intent
from smsgateway.runtime import get_runtime

console = Blueprint("console", __name__, template_folder="templates")


@console.get("/")
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
            "index.html",
            referrals=referrals,
            counts=counts,
            reviews=reviews,
            returnees=session.scalars(select(Returnee).order_by(Returnee.case_reference)).all(),
            partners=session.scalars(select(Partner).order_by(Partner.name)).all(),
            simulator=runtime.settings.is_simulator_enabled,
            intents=[i.value for i in Intent],
            failed_webhooks=failed_deliveries(session),
        )


@console.get("/referrals/<reference>")
def referral(reference: str) -> str:
    with get_runtime().db.sessions() as session:
        found = session.scalar(select(Referral).filter_by(reference=reference))
        if found is None:
            abort(404)
        messages = session.scalars(
            select(Message).filter_by(referral_id=found.id).order_by(Message.id)
        ).all()
        return render_template("referral.html", referral=found, messages=messages)


@console.post("/referrals")
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
                created_by=form.get("created_by") or "console",
                programme=runtime.programme,
                is_sensitive=form.get("is_sensitive") == "on",
                appointment_at=_local_time(form.get("appointment_at", ""), returnee.time_zone),
                appointment_place=form.get("appointment_place", ""),
            )
            reference = created.reference
    except InvalidInput as error:
        flash(str(error), "error")
        return redirect(url_for("console.index"), 303)
    flash(f"Referral {reference} recorded.", "info")
    return redirect(url_for("console.referral", reference=reference), 303)


def _local_time(value: str, time_zone: str) -> datetime | None:
    """A datetime-local form value, read in the returnee's time zone."""
    if not value:
        return None
    try:
        naive = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput("appointment_at", "use the form YYYY-MM-DDTHH:MM") from None
    return naive.replace(tzinfo=ZoneInfo(time_zone))


@console.get("/unreachable")
def unreachable() -> str:
    """Returnees the service could not reach on any channel: a manager's follow-up list."""
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
            "unreachable.html", points=points, flagged=flagged, open_references=open_references
        )


@console.post("/reviews/<int:item_id>/apply")
def apply_review(item_id: int) -> Response:
    """A caseworker decides what a queued message meant; the referral is updated as for a reply."""
    runtime = get_runtime()
    form = request.form
    try:
        intent = Intent(form.get("intent", ""))
    except ValueError:
        flash("field 'intent': choose what the message means", "error")
        return redirect(url_for("console.index"), 303)
    try:
        with runtime.db.transaction() as session:
            apply_review_item(
                session,
                item_id,
                intent,
                now=runtime.clock(),
                actor=form.get("actor") or "console",
                referral_id=int(form["referral_id"]) if form.get("referral_id") else None,
            )
    except (InvalidInput, TransitionRefused) as error:
        flash(str(error), "error")
        return redirect(url_for("console.index"), 303)
    flash("Applied.", "info")
    return redirect(url_for("console.index"), 303)
