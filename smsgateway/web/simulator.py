"""The phone simulator: see what each contact's phone received and answer as that contact.

Registered only with the local transport outside production. A reply typed here enters through
`accept_message`, the same inbound path the provider webhooks use.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from smsgateway.dispatch import dispatch_due_notices
from smsgateway.errors import InvalidInput
from smsgateway.models import ContactPoint, Message
from smsgateway.permissions import Action
from smsgateway.replies.inbound import InboundMessage, accept_message
from smsgateway.runtime import get_runtime
from smsgateway.web.access import requires
from smsgateway.web.i18n import refusal

simulator = Blueprint("simulator", __name__, url_prefix="/simulator")


@simulator.get("/")
@requires(Action.USE_SIMULATOR)
def phones() -> str:
    with get_runtime().db.sessions() as session:
        points = session.scalars(select(ContactPoint).order_by(ContactPoint.id)).all()
        selected = session.get(ContactPoint, request.args.get("contact", type=int) or 0)
        if selected is None and points:
            selected = points[0]
        thread: list[Message] = []
        if selected is not None:
            thread = list(
                session.scalars(
                    select(Message).filter_by(phone_e164=selected.phone_e164).order_by(Message.id)
                )
            )
        return render_template(
            "simulator/phones.html", points=points, selected=selected, thread=thread
        )


@simulator.post("/<int:contact_id>/reply")
@requires(Action.USE_SIMULATOR)
def reply(contact_id: int) -> Response:
    runtime = get_runtime()
    body = request.form.get("body", "")
    if not body.strip():
        return redirect(url_for("simulator.phones", contact=contact_id), 303)
    with runtime.db.sessions() as session:
        point = session.get(ContactPoint, contact_id)
        if point is None:
            abort(404)
        inbound = InboundMessage(sender=point.phone_e164, body=body, channel="sms")
    try:
        accept_message(runtime.db, inbound, now=runtime.clock(), settings=runtime.settings)
    except InvalidInput as error:
        abort(400, refusal(error))
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=runtime.clock())
    return redirect(url_for("simulator.phones", contact=contact_id), 303)


@simulator.post("/dispatch")
@requires(Action.USE_SIMULATOR)
def dispatch_now() -> Response:
    """Send every due notice now instead of waiting for the next scheduler tick."""
    runtime = get_runtime()
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=runtime.clock())
    return redirect(request.referrer or url_for("simulator.phones"), 303)
