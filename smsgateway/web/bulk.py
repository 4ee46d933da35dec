"""The bulk notice composer: a cohort (filters, or a CSV file of case references) and a text per
language → a preview per language and channel (encoding, segments, exclusions, cost) → send now
or at a time → live progress → cancel. The same domain functions as the `bulk` commands.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from smsgateway.bulk import (
    DRAFT,
    Cohort,
    Content,
    bulk_outcomes,
    bulk_progress,
    cancel_bulk,
    case_references_of,
    confirm_bulk,
    create_bulk,
    preview_bulk,
)
from smsgateway.content.languages import load_languages
from smsgateway.errors import InvalidInput
from smsgateway.models import BulkSend, Partner
from smsgateway.permissions import Action
from smsgateway.referrals import Status
from smsgateway.runtime import get_runtime
from smsgateway.web.access import requires
from smsgateway.web.i18n import refusal
from smsgateway.web.session import acting_user

bulk = Blueprint("bulk", __name__, url_prefix="/bulk")
#: Languages offered a text box at first; the others are a click away (a `details` element).
FIRST_LANGUAGES = ("fr", "en", "wo")
MAX_UPLOAD = 2_000_000  # bytes: 100,000 case references fit easily


@bulk.get("/")
@requires(Action.SEND_BULK)
def index() -> str:
    runtime = get_runtime()
    with runtime.db.sessions() as session:
        recent = session.scalars(select(BulkSend).order_by(BulkSend.id.desc()).limit(20)).all()
        return render_template(
            "bulk/index.html",
            recent=recent,
            partners=session.scalars(select(Partner).order_by(Partner.name)).all(),
            services=runtime.programme.services,
            statuses=list(Status),
            languages=load_languages(),
            first_languages=FIRST_LANGUAGES,
            zone=runtime.settings.default_time_zone,
        )


@bulk.post("/")
@requires(Action.SEND_BULK)
def compose() -> Response:
    """Save the composed notice as a draft and show its preview (nothing is sent yet)."""
    runtime = get_runtime()
    try:
        cohort, content = _composed()
        zone = runtime.settings.default_time_zone
        start = _moment(request.form.get("start_at", ""), zone, "start_at")
        with runtime.db.transaction() as session:
            draft = create_bulk(
                session,
                cohort,
                content,
                window_start=start or runtime.clock(),
                window_end=_moment(request.form.get("end_at", ""), zone, "end_at"),
                now=runtime.clock(),
                created_by=acting_user().username,
            )
            draft_id = draft.id
    except InvalidInput as error:
        flash(refusal(error), "error")
        return redirect(url_for("bulk.index"), 303)
    return redirect(url_for("bulk.show", bulk_id=draft_id), 303)


@bulk.get("/<int:bulk_id>")
@requires(Action.SEND_BULK)
def show(bulk_id: int) -> str:
    """A draft's preview, or a sent notice's progress (the page refreshes while it runs)."""
    runtime = get_runtime()
    with runtime.db.sessions() as session:
        found = _bulk(session, bulk_id)
        preview = None
        if found.state == DRAFT:
            preview = preview_bulk(
                session,
                Cohort.from_dict(found.cohort),
                Content.from_dict(found.content),
                settings=runtime.settings,
                now=runtime.clock(),
                programme=runtime.programme,
                window_start=found.window_start_at,
            )
        progress = bulk_progress(session, found)
        return render_template(
            "bulk/show.html",
            bulk=found,
            cohort=Cohort.from_dict(found.cohort),
            preview=preview,
            progress=progress,
            outcomes=bulk_outcomes(session, found),
            is_running=progress["planned"] + progress["claimed"] > 0,
            languages=load_languages(),
            zone=runtime.settings.default_time_zone,
        )


@bulk.post("/<int:bulk_id>/confirm")
@requires(Action.SEND_BULK)
def confirm(bulk_id: int) -> Response:
    runtime = get_runtime()
    try:
        with runtime.db.transaction() as session:
            planned = confirm_bulk(
                session, _bulk(session, bulk_id), now=runtime.clock(), programme=runtime.programme
            )
    except InvalidInput as error:
        flash(refusal(error), "error")
        return redirect(url_for("bulk.show", bulk_id=bulk_id), 303)
    flash(gettext("Scheduled: %(count)s notices.", count=planned), "info")
    return redirect(url_for("bulk.show", bulk_id=bulk_id), 303)


@bulk.post("/<int:bulk_id>/cancel")
@requires(Action.SEND_BULK)
def cancel(bulk_id: int) -> Response:
    runtime = get_runtime()
    with runtime.db.transaction() as session:
        cancelled = cancel_bulk(session, _bulk(session, bulk_id), now=runtime.clock())
    flash(gettext("Cancelled: %(count)s notices not sent.", count=cancelled), "info")
    return redirect(url_for("bulk.show", bulk_id=bulk_id), 303)


# ---------------------------------------------------------------------------------------------


def _bulk(session: Session, bulk_id: int) -> BulkSend:
    found = session.get(BulkSend, bulk_id)
    if found is None:
        abort(404)
    return found


def _composed() -> tuple[Cohort, Content]:
    form = request.form
    zone = get_runtime().settings.default_time_zone
    upload = request.files.get("case_file")
    references: tuple[str, ...] = ()
    if upload is not None and upload.filename:
        raw = upload.read(MAX_UPLOAD + 1)
        if len(raw) > MAX_UPLOAD:
            raise InvalidInput("case_file", "the file is too large (2 MB at most)")
        try:
            references = case_references_of(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise InvalidInput("case_file", "save the file as CSV in UTF-8") from None
        if not references:
            raise InvalidInput("case_file", "the file lists no case reference")
    partner = form.get("partner", "")
    cohort = Cohort(
        partner_id=int(partner) if partner.isdigit() else None,
        service_category=form.get("service", ""),
        statuses=tuple(s for s in form.getlist("status") if s),
        language=form.get("language", ""),
        case_references=references,
        everyone=form.get("everyone") == "on",
        appointment_from=_moment(form.get("appointment_from", ""), zone, "appointment_from"),
        appointment_to=_moment(form.get("appointment_to", ""), zone, "appointment_to"),
    )
    texts = {
        code: form.get(f"text-{code}", "").strip()
        for code in load_languages()
        if form.get(f"text-{code}", "").strip()
    }
    return cohort, Content(texts=texts)


def _moment(value: str, zone: str, field: str) -> datetime | None:
    """A datetime-local value in the programme's time zone, as UTC."""
    if not value:
        return None
    try:
        local = datetime.fromisoformat(value).replace(tzinfo=ZoneInfo(zone))
    except ValueError:
        raise InvalidInput(field, "use the form YYYY-MM-DDTHH:MM") from None
    return local.astimezone(UTC)
