"""Console actions about delivery: notices in review (resend, mark sent, one or many), opt-outs
seen, the unreachable flag cleared, outbound webhook deliveries replayed.

Thin views over domain functions, recorded under the logged-in user; the buttons sit on the
caseworker's review queue, the referral page and the unreachable list, and each view goes back
to the page it came from.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from smsgateway.dispatch import mark_notices_sent, resend_notices
from smsgateway.errors import InvalidInput
from smsgateway.models import Returnee
from smsgateway.outbound_webhooks import replay_failed_deliveries
from smsgateway.permissions import Action
from smsgateway.reachability import acknowledge_opt_out, clear_unreachable
from smsgateway.runtime import get_runtime
from smsgateway.web.access import requires
from smsgateway.web.i18n import refusal
from smsgateway.web.session import acting_user

delivery = Blueprint("delivery", __name__)


def _back(default: str) -> Response:
    """Back to the console page the form was on (same site only), else `default`."""
    referrer = request.referrer or ""
    if referrer.startswith(request.host_url):
        return redirect(referrer, 303)
    return redirect(url_for(default), 303)


def _item_ids() -> list[int]:
    return [int(value) for value in request.form.getlist("item_id") if value.isdigit()]


@delivery.post("/reviews/notices/resend")
@requires(Action.APPLY_REVIEW)
def resend() -> Response:
    """Send the chosen notices in review again now."""
    return _resolve_notices(resend_notices, gettext("Notices sent again: %(count)s."))


@delivery.post("/reviews/notices/mark-sent")
@requires(Action.APPLY_REVIEW)
def mark_sent() -> Response:
    """Mark the chosen notices in review as sent."""
    return _resolve_notices(mark_notices_sent, gettext("Notices marked sent: %(count)s."))


def _resolve_notices(action: Callable[..., int], done: str) -> Response:
    runtime = get_runtime()
    try:
        with runtime.db.transaction() as session:
            count = action(session, _item_ids(), now=runtime.clock(), actor=acting_user())
    except InvalidInput as error:
        flash(refusal(error), "error")
        return _back("caseworker.index")
    flash(done % {"count": count}, "info")
    return _back("caseworker.index")


@delivery.post("/reviews/<int:item_id>/opt-out-seen")
@requires(Action.APPLY_REVIEW)
def opt_out_seen(item_id: int) -> Response:
    """The caseworker has seen that a number stopped."""
    runtime = get_runtime()
    try:
        with runtime.db.transaction() as session:
            acknowledge_opt_out(session, item_id, now=runtime.clock(), actor=acting_user())
    except InvalidInput as error:
        flash(refusal(error), "error")
    return _back("caseworker.index")


@delivery.post("/returnees/<int:returnee_id>/clear-unreachable")
@requires(Action.APPLY_REVIEW)
def clear_flag(returnee_id: int) -> Response:
    """A caseworker reached the person another way: clear the unreachable flag."""
    runtime = get_runtime()
    with runtime.db.transaction() as session:
        returnee = session.get(Returnee, returnee_id)
        if returnee is None or not clear_unreachable(
            session, returnee, now=runtime.clock(), actor=acting_user()
        ):
            flash(gettext("This returnee carries no unreachable flag."), "error")
            return _back("manager.unreachable")
    flash(gettext("Unreachable flag cleared."), "info")
    return _back("manager.unreachable")


@delivery.post("/outbound-webhooks/replay")
@requires(Action.REPLAY_WEBHOOKS)
def replay_webhooks() -> Response:
    """Put every failed outbound webhook delivery back in line."""
    runtime = get_runtime()
    with runtime.db.transaction() as session:
        count = replay_failed_deliveries(session, now=runtime.clock(), actor=acting_user())
    flash(gettext("Webhook deliveries replayed: %(count)s.", count=count), "info")
    return _back("caseworker.index")
