"""Accountability pages: satisfaction per partner and service, complaints, a partner's totals.

Their own routes, beside the manager's overview: `/manager/satisfaction` (and its CSV),
`/manager/feedback` (managers only: complaints never reach partners or caseworkers) and
`/partner/satisfaction` (a partner's own totals, shown from `partner_minimum_answers`
returnees).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as BaseResponse

from smsgateway.errors import InvalidInput
from smsgateway.feedback.aggregates import (
    ANSWER_ORDER,
    partner_totals,
    rows_csv,
    satisfaction_rows,
    theme_counts,
    totals_by,
)
from smsgateway.feedback.items import add_note, close_item, get_item, list_items
from smsgateway.models import Partner
from smsgateway.permissions import Action
from smsgateway.runtime import get_runtime
from smsgateway.web.access import requires
from smsgateway.web.audit import note_access
from smsgateway.web.session import acting_user

feedback = Blueprint("feedback", __name__)


@feedback.get("/manager/satisfaction")
@requires(Action.VIEW_SATISFACTION)
def satisfaction() -> str:
    runtime = get_runtime()
    with runtime.db.sessions() as session:
        rows = satisfaction_rows(session)
        themes, still_open = theme_counts(session)
    return render_template(
        "feedback/satisfaction.html",
        rows=rows,
        by_partner=totals_by(rows, "partner"),
        by_service=totals_by(rows, "service"),
        answers=ANSWER_ORDER,
        themes=themes,
        still_open=still_open,
        minimum=runtime.programme.satisfaction.partner_minimum_answers,
    )


@feedback.get("/manager/satisfaction.csv")
@requires(Action.VIEW_SATISFACTION)
def satisfaction_csv() -> Response:
    runtime = get_runtime()
    with runtime.db.sessions() as session:
        rows = satisfaction_rows(session)
    body = rows_csv(rows, minimum=runtime.programme.satisfaction.partner_minimum_answers)
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=satisfaction.csv"},
    )


@feedback.get("/manager/feedback")
@requires(Action.HANDLE_FEEDBACK)
def items() -> str:
    state = request.args.get("state", "open")
    with get_runtime().db.sessions() as session:
        found = list_items(session, state=None if state == "all" else state)
        note_access("returnee", sorted({i.returnee_id for i in found if i.returnee_id}))
        return render_template("feedback/items.html", items=found, state=state)


@feedback.get("/manager/feedback/<int:feedback_id>")
@requires(Action.HANDLE_FEEDBACK)
def item(feedback_id: int) -> str:
    runtime = get_runtime()
    with runtime.db.sessions() as session:
        try:
            found = get_item(session, feedback_id)
        except InvalidInput:
            abort(404)
        if found.returnee_id is not None:
            note_access("returnee", [found.returnee_id])
        return render_template(
            "feedback/item.html", item=found, themes=runtime.programme.satisfaction.themes
        )


@feedback.post("/manager/feedback/<int:feedback_id>/notes")
@requires(Action.HANDLE_FEEDBACK)
def note(feedback_id: int) -> BaseResponse:
    runtime = get_runtime()
    try:
        with runtime.db.transaction() as session:
            add_note(
                session,
                feedback_id,
                request.form.get("note", ""),
                now=runtime.clock(),
                actor=acting_user(),
            )
    except InvalidInput as error:
        flash(_refusal(error), "error")
    else:
        flash(gettext("Note added."), "info")
    return redirect(url_for("feedback.item", feedback_id=feedback_id), 303)


@feedback.post("/manager/feedback/<int:feedback_id>/close")
@requires(Action.HANDLE_FEEDBACK)
def close(feedback_id: int) -> BaseResponse:
    runtime = get_runtime()
    try:
        with runtime.db.transaction() as session:
            close_item(
                session,
                feedback_id,
                theme=request.form.get("theme", ""),
                note=request.form.get("note", ""),
                now=runtime.clock(),
                actor=acting_user(),
                programme=runtime.programme,
            )
    except InvalidInput as error:
        flash(_refusal(error), "error")
    else:
        flash(gettext("Closed: the sender is told their message was dealt with."), "info")
    return redirect(url_for("feedback.item", feedback_id=feedback_id), 303)


@feedback.get("/partner/satisfaction")
@requires(Action.VIEW_OWN_SATISFACTION)
def partner_satisfaction() -> str:
    runtime = get_runtime()
    minimum = runtime.programme.satisfaction.partner_minimum_answers
    with runtime.db.sessions() as session:
        organisation = session.get(Partner, acting_user().partner_id or 0)
        if organisation is None:
            abort(404)
        tally = partner_totals(session, organisation.id, minimum=minimum)
        return render_template(
            "feedback/partner.html",
            organisation=organisation,
            tally=tally,
            answers=ANSWER_ORDER,
            minimum=minimum,
        )


def _refusal(error: InvalidInput) -> str:
    """The console's words for a refused note or closing."""
    if error.field == "note":
        return gettext("Write a note of at most 2000 characters.")
    if error.field == "theme":
        return gettext("Choose a theme.")
    return gettext("This message is already closed.")
