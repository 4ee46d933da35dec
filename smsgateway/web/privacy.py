"""Data protection on the console: a returnee's data (page and JSON), erasure, the access log.

Every page here writes the access log (`web.audit`); erasure asks for the case reference typed
again and a reason, and is recorded without the erased data (`smsgateway.privacy.erasure`).
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as WerkzeugResponse
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from smsgateway.errors import InvalidInput
from smsgateway.models import Returnee
from smsgateway.permissions import Action
from smsgateway.privacy.access_log import AccessEvent, AccessFilter, Face, list_access
from smsgateway.privacy.erasure import REASON_LENGTH, erase_returnee
from smsgateway.privacy.subject_access import subject_access
from smsgateway.runtime import get_runtime
from smsgateway.web.access import requires
from smsgateway.web.audit import note_access
from smsgateway.web.i18n import refusal
from smsgateway.web.session import acting_user

privacy = Blueprint("privacy", __name__)


class ErasureForm(FlaskForm):
    confirmation = StringField(
        lazy_gettext("Type the case reference to confirm"),
        validators=[DataRequired(), Length(max=64)],
    )
    reason = TextAreaField(
        lazy_gettext("Reason (recorded with the erasure)"),
        validators=[DataRequired(), Length(max=REASON_LENGTH)],
    )


def _returnee(session: Session, returnee_id: int) -> Returnee:
    found = session.get(Returnee, returnee_id)
    if found is None:
        abort(404)
    return found


@privacy.get("/returnees/<int:returnee_id>/data")
@requires(Action.EXPORT_SUBJECT_DATA)
def data(returnee_id: int) -> str:
    runtime = get_runtime()
    with runtime.db.sessions() as session:
        document = subject_access(session, _returnee(session, returnee_id), now=runtime.clock())
    note_access("returnee", [returnee_id])
    return render_template("privacy/data.html", document=document, form=ErasureForm())


@privacy.get("/returnees/<int:returnee_id>/data.json")
@requires(Action.EXPORT_SUBJECT_DATA)
def data_json(returnee_id: int) -> Response:
    runtime = get_runtime()
    with runtime.db.sessions() as session:
        document = subject_access(session, _returnee(session, returnee_id), now=runtime.clock())
    note_access("returnee", [returnee_id], event=AccessEvent.EXPORT)
    return Response(
        json.dumps(document, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="returnee-{returnee_id}.json"'},
    )


@privacy.post("/returnees/<int:returnee_id>/erase")
@requires(Action.ERASE_RETURNEE)
def erase(returnee_id: int) -> WerkzeugResponse:
    runtime = get_runtime()
    form = ErasureForm()
    try:
        with runtime.db.transaction() as session:
            returnee = _returnee(session, returnee_id)
            if not form.validate_on_submit():
                raise InvalidInput("reason", gettext("Type the case reference and a reason."))
            if (form.confirmation.data or "").strip() != returnee.case_reference:
                raise InvalidInput("confirmation", gettext("The case reference does not match."))
            erase_returnee(
                session,
                returnee,
                now=runtime.clock(),
                actor=acting_user(),
                reason=form.reason.data or "",
                face=Face.CONSOLE,
            )
    except InvalidInput as error:
        flash(refusal(error), "error")
        return redirect(url_for("privacy.data", returnee_id=returnee_id), 303)
    flash(gettext("The returnee's personal data was erased."), "info")
    return redirect(url_for("privacy.data", returnee_id=returnee_id), 303)


@privacy.get("/access-log")
@requires(Action.VIEW_ACCESS_LOG)
def access_log() -> str:
    args = request.args
    filters = AccessFilter(
        returnee_id=_number(args.get("returnee_id", "")),
        referral_id=_number(args.get("referral_id", "")),
        username=args.get("username", "")[:100],
        event=args.get("event", "")[:16],
    )
    with get_runtime().db.sessions() as session:
        entries = list_access(session, filters, before_id=_number(args.get("before", "")))
        return render_template(
            "privacy/access_log.html",
            entries=entries,
            filters=filters,
            events=[event.value for event in AccessEvent],
        )


def _number(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 10 else None
