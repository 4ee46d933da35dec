"""Console actions about delivery: notices in review (resend, mark sent, one or many), opt-outs
seen, the unreachable flag cleared, outbound webhook deliveries replayed. Thin views over the
domain functions; each redirects back to the page it came from."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from smsgateway.dispatch import mark_notices_sent, resend_notices
from smsgateway.errors import InvalidInput
from smsgateway.models import Returnee
from smsgateway.outbound_webhooks import replay_failed_deliveries
from smsgateway.reachability import acknowledge_opt_out, clear_unreachable
from smsgateway.runtime import get_runtime

delivery = Blueprint("delivery", __name__)


def _back(default: str = "console.index") -> Response:
    return redirect(request.referrer or url_for(default), 303)


def _actor() -> str:
    return request.form.get("actor") or "console"


def _item_ids() -> list[int]:
    return [int(value) for value in request.form.getlist("item_id") if value.isdigit()]


@delivery.post("/reviews/notices/resend")
def resend() -> Response:
    """Send the chosen notices in review again now."""
    return _resolve_notices(resend_notices, "sent again")


@delivery.post("/reviews/notices/mark-sent")
def mark_sent() -> Response:
    """Mark the chosen notices in review as sent."""
    return _resolve_notices(mark_notices_sent, "marked sent")


def _resolve_notices(action: Callable[..., int], done: str) -> Response:
    runtime = get_runtime()
    try:
        with runtime.db.transaction() as session:
            count = action(session, _item_ids(), now=runtime.clock(), actor=_actor())
    except InvalidInput as error:
        flash(str(error), "error")
        return _back()
    flash(f"{count} notice(s) {done}.", "info")
    return _back()


@delivery.post("/reviews/<int:item_id>/opt-out-seen")
def opt_out_seen(item_id: int) -> Response:
    """The caseworker has seen that a number stopped."""
    runtime = get_runtime()
    try:
        with runtime.db.transaction() as session:
            acknowledge_opt_out(session, item_id, now=runtime.clock(), actor=_actor())
    except InvalidInput as error:
        flash(str(error), "error")
    return _back()


@delivery.post("/returnees/<int:returnee_id>/clear-unreachable")
def clear_flag(returnee_id: int) -> Response:
    """A caseworker reached the person another way: clear the unreachable flag."""
    runtime = get_runtime()
    with runtime.db.transaction() as session:
        returnee = session.get(Returnee, returnee_id)
        if returnee is None or not clear_unreachable(
            session, returnee, now=runtime.clock(), actor=_actor()
        ):
            flash("This returnee carries no unreachable flag.", "error")
            return _back("console.unreachable")
    flash("Unreachable flag cleared.", "info")
    return _back("console.unreachable")


@delivery.post("/outbound-webhooks/replay")
def replay_webhooks() -> Response:
    """Put every failed outbound webhook delivery back in line."""
    runtime = get_runtime()
    with runtime.db.transaction() as session:
        count = replay_failed_deliveries(session, now=runtime.clock(), actor=_actor())
    flash(f"{count} webhook deliveries replayed.", "info")
    return _back()
