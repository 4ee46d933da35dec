"""The partner's page: its own organisation's referrals, their history, and outcome reports.

Everything is narrowed to the account's partner (`permissions.scope_referrals`): another
partner's referral answers 404, as if it did not exist, and a form posted for it changes nothing.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from smsgateway.loop.partner_questions import referrals_awaiting_partner
from smsgateway.models import Message, Partner, Referral
from smsgateway.partners import ineligible_note, partner_messages, report_outcome
from smsgateway.permissions import Action, scope_referrals
from smsgateway.referrals import TransitionRefused
from smsgateway.replies.partner_commands import PartnerAction
from smsgateway.runtime import get_runtime
from smsgateway.web.access import requires
from smsgateway.web.audit import note_access
from smsgateway.web.forms import OutcomeForm
from smsgateway.web.session import acting_user

partner = Blueprint("partner", __name__, url_prefix="/partner")


def _scoped_referral(session: Session, reference: str, action: Action) -> Referral:
    query = select(Referral).filter_by(reference=reference)
    found = session.scalar(scope_referrals(query, acting_user(), action))
    if found is None:
        abort(404)
    return found


@partner.get("/")
@requires(Action.VIEW_PARTNER_REFERRALS)
def home() -> str:
    with get_runtime().db.sessions() as session:
        query = select(Referral).order_by(Referral.id.desc()).limit(200)
        referrals = session.scalars(
            scope_referrals(query, acting_user(), Action.VIEW_PARTNER_REFERRALS)
        ).all()
        organisation = session.get(Partner, acting_user().partner_id or 0)
        asked = (
            referrals_awaiting_partner(session, organisation.id, programme=get_runtime().programme)
            if organisation is not None
            else []
        )
        messages = partner_messages(session, organisation.id) if organisation is not None else []
        return render_template(
            "partner/home.html",
            referrals=referrals,
            organisation=organisation,
            asked=asked,
            messages=messages,
        )


@partner.get("/referrals/<reference>")
@requires(Action.VIEW_PARTNER_REFERRALS)
def referral(reference: str) -> str:
    with get_runtime().db.sessions() as session:
        found = _scoped_referral(session, reference, Action.VIEW_PARTNER_REFERRALS)
        note_access("referral", [found.id], returnee_id=found.returnee_id)
        ids = [event.message_id for event in found.events if event.message_id is not None]
        messages = {
            message.id: message
            for message in session.scalars(select(Message).where(Message.id.in_(ids)))
        }
        return render_template(
            "partner/referral.html", referral=found, form=OutcomeForm(), messages=messages
        )


@partner.post("/referrals/<reference>/outcome")
@requires(Action.REPORT_OUTCOME)
def outcome(reference: str) -> Response | tuple[str, int]:
    runtime = get_runtime()
    form = OutcomeForm()
    try:
        with runtime.db.transaction() as session:
            found = _scoped_referral(session, reference, Action.REPORT_OUTCOME)
            if not form.validate_on_submit():
                errors = form.reason.errors or [gettext("Choose an outcome.")]
                flash(str(errors[0]), "error")
                return redirect(url_for("partner.referral", reference=reference), 303)
            action = PartnerAction(form.outcome.data)
            note = form.note.data or ""
            if action is PartnerAction.INELIGIBLE:
                note = ineligible_note(form.reason.data, note)
            event = report_outcome(
                session, found, action, now=runtime.clock(), actor=acting_user(), note=note
            )
    except TransitionRefused as error:
        flash(
            gettext(
                "This referral is %(old)s: it cannot become %(new)s.", old=error.old, new=error.new
            ),
            "error",
        )
    else:
        flash(gettext("Recorded.") if event else gettext("Already recorded."), "info")
    return redirect(url_for("partner.referral", reference=reference), 303)
