"""The review queue on the console: each item with its message, sender, referral and reason;
apply it as what it means, or dismiss it with a note (rules: `smsgateway.reviews`)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from smsgateway.errors import InvalidInput
from smsgateway.permissions import Action
from smsgateway.referrals import TransitionRefused
from smsgateway.replies.apply import CANNOT_READ_REASON, ReviewItemClosed
from smsgateway.reviews import (
    INTENTS_FOR,
    UnknownReferral,
    apply_review,
    count_open_review_items,
    dismiss_review_item,
    keep_likeness_stop,
    lift_likeness_stop,
    open_referrals_of,
    open_review_items,
    record_call,
    referral_from_form,
    referral_of_item,
    reply_to_review_item,
    send_notices_by_voice,
    sender_of,
    why_no_voice,
)
from smsgateway.runtime import get_runtime
from smsgateway.web.access import requires
from smsgateway.web.audit import note_access
from smsgateway.web.i18n import refusal
from smsgateway.web.listing import Page, page_number
from smsgateway.web.session import acting_user

reviews = Blueprint("reviews", __name__)
PER_PAGE = 25


@reviews.get("/reviews")
@requires(Action.VIEW_REFERRALS)
def queue() -> str:
    with get_runtime().db.sessions() as session:
        page = Page(page_number(), PER_PAGE, count_open_review_items(session))
        items = open_review_items(session, limit=PER_PAGE, offset=page.offset)
        rows = [(item, sender_of(session, item)) for item in items]
        # For someone who cannot read: why their notices cannot go as calls, if they cannot.
        no_voice = {
            item.id: why_no_voice(session, item)
            for item in items
            if item.reason == CANNOT_READ_REASON
        }
        referrals = {item.id: referral_of_item(session, item) for item in items}
        hints = {item.id: open_referrals_of(session, item.returnee_id) for item in items}
        note_access("returnee", sorted({i.returnee_id for i in items if i.returnee_id}))
        return render_template(
            "reviews/queue.html",
            rows=rows,
            referrals=referrals,
            hints=hints,
            intents_for=INTENTS_FOR,
            no_voice=no_voice,
            page=page,
        )


@reviews.post("/reviews/<int:item_id>/apply")
@requires(Action.APPLY_REVIEW)
def apply(item_id: int) -> Response:
    """A caseworker decides what a queued message meant; the referral is updated as for a reply."""
    runtime = get_runtime()
    meaning = request.form.get("intent", "")
    typed = request.form.get("referral", "") or request.form.get("referral_id", "")
    if not meaning:
        flash(gettext("Choose what the message means."), "error")
        return _back()
    try:
        with runtime.db.transaction() as session:
            apply_review(
                session,
                item_id,
                meaning,
                now=runtime.clock(),
                actor=acting_user(),
                referral=referral_from_form(session, typed),
            )
    except (InvalidInput, TransitionRefused) as error:
        flash(_refusal(error), "error")
        return _back()
    flash(gettext("Applied."), "info")
    return _back()


@reviews.post("/reviews/<int:item_id>/reply")
@requires(Action.APPLY_REVIEW)
def reply(item_id: int) -> Response:
    """Answer the sender with a template; nothing changes on the referral."""
    runtime = get_runtime()
    try:
        with runtime.db.transaction() as session:
            reply_to_review_item(
                session,
                item_id,
                request.form.get("template", ""),
                now=runtime.clock(),
                actor=acting_user(),
            )
    except InvalidInput as error:
        flash(_refusal(error), "error")
        return _back()
    flash(gettext("Answer sent."), "info")
    return _back()


@reviews.post("/reviews/<int:item_id>/dismiss")
@requires(Action.APPLY_REVIEW)
def dismiss(item_id: int) -> Response:
    """Close an item that needs nothing; the note says why, nobody is sent anything."""
    runtime = get_runtime()
    try:
        with runtime.db.transaction() as session:
            dismiss_review_item(
                session,
                item_id,
                note=request.form.get("note", ""),
                now=runtime.clock(),
                actor=acting_user(),
            )
    except InvalidInput as error:
        flash(_refusal(error), "error")
        return _back()
    flash(gettext("Dismissed."), "info")
    return _back()


@reviews.post("/reviews/<int:item_id>/lift-stop")
@requires(Action.APPLY_REVIEW)
def lift_stop(item_id: int) -> Response:
    """A stop read by likeness was not meant: the number starts again and the person is told."""
    runtime = get_runtime()
    typed = request.form.get("referral", "")
    try:
        with runtime.db.transaction() as session:
            lift_likeness_stop(
                session,
                item_id,
                now=runtime.clock(),
                actor=acting_user(),
                referral=referral_from_form(session, typed),
            )
    except (InvalidInput, TransitionRefused) as error:
        flash(_refusal(error), "error")
        return _back()
    flash(gettext("The number starts again; the person is told."), "info")
    return _back()


@reviews.post("/reviews/<int:item_id>/keep-stop")
@requires(Action.APPLY_REVIEW)
def keep_stop(item_id: int) -> Response:
    """A stop read by likeness was meant: it stays, nobody is sent anything."""
    runtime = get_runtime()
    try:
        with runtime.db.transaction() as session:
            keep_likeness_stop(session, item_id, now=runtime.clock(), actor=acting_user())
    except InvalidInput as error:
        flash(_refusal(error), "error")
        return _back()
    flash(gettext("The number stays stopped."), "info")
    return _back()


@reviews.post("/reviews/<int:item_id>/voice")
@requires(Action.APPLY_REVIEW)
def voice(item_id: int) -> Response:
    """Someone who cannot read: their notices go as voice calls from now on."""
    runtime = get_runtime()
    try:
        with runtime.db.transaction() as session:
            send_notices_by_voice(session, item_id, now=runtime.clock(), actor=acting_user())
    except InvalidInput as error:
        flash(_refusal(error), "error")
        return _back()
    flash(gettext("Their notices now go as voice calls."), "info")
    return _back()


@reviews.post("/reviews/<int:item_id>/called")
@requires(Action.APPLY_REVIEW)
def called(item_id: int) -> Response:
    """Someone who cannot read was called: the note says what the call gave."""
    runtime = get_runtime()
    try:
        with runtime.db.transaction() as session:
            record_call(
                session,
                item_id,
                note=request.form.get("note", ""),
                now=runtime.clock(),
                actor=acting_user(),
            )
    except InvalidInput as error:
        if getattr(error, "field", "") == "note" and not request.form.get("note", "").strip():
            flash(gettext("Say in a few words what the call gave."), "error")
        elif getattr(error, "field", "") == "note":
            flash(refusal(error), "error")  # too long
        else:
            flash(_refusal(error), "error")
        return _back()
    flash(gettext("The call is noted."), "info")
    return _back()


def _refusal(error: Exception) -> str:
    """The reason in the console's language where the console knows it."""
    if isinstance(error, TransitionRefused):
        return gettext("The referral's status does not allow this answer; nothing was changed.")
    if isinstance(error, ReviewItemClosed):
        # A second tab, or a colleague, decided it first.
        return gettext("This item was already decided; nothing was changed.")
    if isinstance(error, UnknownReferral):
        return gettext(
            "No referral %(typed)s: type its reference, as shown on the console (R1004).",
            typed=error.typed,
        )
    field = getattr(error, "field", "")
    if field == "note":
        return gettext("Say in a few words why the message needs nothing.")
    if field == "intent":
        return gettext("That meaning does not fit who sent the message.")
    return refusal(error) if isinstance(error, InvalidInput) else str(error)


def _back() -> Response:
    referrer = request.referrer or ""
    if referrer.startswith(request.host_url):
        return redirect(referrer, 303)
    return redirect(url_for("reviews.queue"), 303)
