"""The caseworker's returnees: the list with search, registering and editing a returnee (languages,
channel, numbers and proxies, time zone, quiet hours, sensitivity), their reachability and
consent with its history, and recording consent again.

Thin views over `smsgateway.returnees` (the same functions as the API and the CSV import).
"""

from __future__ import annotations

from datetime import datetime, time

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from smsgateway.caseload import list_returnees
from smsgateway.content.languages import load_languages
from smsgateway.errors import InvalidInput
from smsgateway.models import ContactPoint, Referral, Returnee
from smsgateway.models.reachability import ReachabilityEvent
from smsgateway.permissions import Action
from smsgateway.returnees import (
    PhoneInput,
    add_contact_point,
    record_consent_again,
    record_proxy_consent,
    register_returnee,
    set_consent,
    set_quiet_hours,
    set_sensitive,
    update_contact_point,
    update_returnee,
)
from smsgateway.runtime import get_runtime
from smsgateway.users import Actor
from smsgateway.web.access import requires
from smsgateway.web.audit import note_access
from smsgateway.web.i18n import refusal
from smsgateway.web.listing import Page, page_number
from smsgateway.web.session import acting_user

returnees = Blueprint("returnees", __name__, url_prefix="/returnees")
PER_PAGE = 25
#: Time zones offered first; any IANA name may be typed.
COMMON_TIME_ZONES = (
    "Africa/Dakar",
    "Africa/Bamako",
    "Africa/Abidjan",
    "Africa/Conakry",
    "Africa/Lagos",
    "Africa/Niamey",
    "Africa/Casablanca",
    "Africa/Addis_Ababa",
    "Asia/Kabul",
    "Asia/Dhaka",
    "Asia/Tbilisi",
    "Europe/Tirane",
)


@returnees.get("/")
@requires(Action.VIEW_RETURNEES)
def index() -> str:
    search = request.args.get("q", "")[:100]
    with get_runtime().db.sessions() as session:
        number = page_number()
        found = list_returnees(session, search, limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
        note_access("returnee", [returnee.id for returnee in found.items])
        return render_template(
            "returnees/index.html",
            returnees=found.items,
            page=Page(number, PER_PAGE, found.total),
            search=search,
        )


@returnees.get("/new")
@requires(Action.EDIT_RETURNEES)
def new() -> str:
    return render_template("returnees/form.html", returnee=None, **_choices())


@returnees.post("/")
@requires(Action.EDIT_RETURNEES)
def create() -> Response | tuple[str, int]:
    runtime = get_runtime()
    form = request.form
    settings = runtime.settings
    try:
        with runtime.db.transaction() as session:
            now, actor = runtime.clock(), acting_user()
            returnee = register_returnee(
                session,
                now,
                case_reference=form.get("case_reference", ""),
                first_name=form.get("first_name", ""),
                last_name=form.get("last_name", ""),
                language=form.get("language", ""),
                fallback_languages=_fallbacks(form),
                channel=form.get("channel", "sms"),
                time_zone=form.get("time_zone") or settings.default_time_zone,
                region=settings.default_region,
                phones=_phones(form),
            )
            _set_extras(session, returnee, form, now=now, actor=actor)
            returnee_id = returnee.id
    except InvalidInput as error:
        return _form_again(None, error)
    flash(gettext("Returnee registered."), "info")
    return redirect(url_for("returnees.show", returnee_id=returnee_id), 303)


@returnees.get("/<int:returnee_id>")
@requires(Action.VIEW_RETURNEES)
def show(returnee_id: int) -> str:
    with get_runtime().db.sessions() as session:
        returnee = _returnee(session, returnee_id)
        note_access("returnee", [returnee.id], returnee_id=returnee.id)
        history = session.scalars(
            select(ReachabilityEvent)
            .where(ReachabilityEvent.contact_point_id.in_([p.id for p in returnee.contact_points]))
            .order_by(ReachabilityEvent.created_at.desc(), ReachabilityEvent.id.desc())
            .limit(50)
        ).all()
        referrals = session.scalars(
            select(Referral).where(Referral.returnee_id == returnee.id).order_by(Referral.id.desc())
        ).all()
        points = {point.id: point for point in returnee.contact_points}
        return render_template(
            "returnees/show.html",
            returnee=returnee,
            history=history,
            points=points,
            referrals=referrals,
            opted_out=sorted(c.channel for c in returnee.consents if c.is_opted_out),
            languages=load_languages(),
        )


@returnees.get("/<int:returnee_id>/edit")
@requires(Action.EDIT_RETURNEES)
def edit(returnee_id: int) -> str:
    with get_runtime().db.sessions() as session:
        returnee = _returnee(session, returnee_id)
        note_access("returnee", [returnee.id], returnee_id=returnee.id)  # the form shows it all
        return render_template("returnees/form.html", returnee=returnee, **_choices())


@returnees.post("/<int:returnee_id>")
@requires(Action.EDIT_RETURNEES)
def update(returnee_id: int) -> Response | tuple[str, int]:
    runtime = get_runtime()
    form = request.form
    try:
        with runtime.db.transaction() as session:
            returnee = _returnee(session, returnee_id)
            now, actor = runtime.clock(), acting_user()
            update_returnee(
                session,
                returnee,
                now=now,
                actor=actor,
                first_name=form.get("first_name", ""),
                last_name=form.get("last_name", ""),
                language=form.get("language", ""),
                fallback_languages=_fallbacks(form),
                channel=form.get("channel", "sms"),
                time_zone=form.get("time_zone", ""),
            )
            _update_points(session, returnee, form, now=now, actor=actor)
            _set_extras(session, returnee, form, now=now, actor=actor)
    except InvalidInput as error:
        with runtime.db.sessions() as session:
            return _form_again(_returnee(session, returnee_id), error)
    flash(gettext("Changes saved."), "info")
    return redirect(url_for("returnees.show", returnee_id=returnee_id), 303)


@returnees.post("/<int:returnee_id>/consent")
@requires(Action.EDIT_RETURNEES)
def consent(returnee_id: int) -> Response:
    """Record consent again (the person asked by other means), or an opt-out they asked for."""
    runtime = get_runtime()
    with runtime.db.transaction() as session:
        returnee = _returnee(session, returnee_id)
        now, actor = runtime.clock(), acting_user()
        if request.form.get("consent") == "out":
            set_consent(session, returnee, is_opted_out=True, now=now, actor=actor)
            flash(gettext("Opt-out recorded: no more notices will be sent."), "info")
        else:
            record_consent_again(session, returnee, now=now, actor=actor)
            flash(gettext("Consent recorded: notices will be sent again."), "info")
    return redirect(url_for("returnees.show", returnee_id=returnee_id), 303)


# ---------------------------------------------------------------------------------------------


def _returnee(session: Session, returnee_id: int) -> Returnee:
    found = session.get(Returnee, returnee_id)
    if found is None:
        abort(404)
    return found


def _choices() -> dict[str, object]:
    return {"languages": load_languages(), "time_zones": COMMON_TIME_ZONES, "form": request.form}


def _form_again(returnee: Returnee | None, error: InvalidInput) -> tuple[str, int]:
    return (
        render_template(
            "returnees/form.html", returnee=returnee, refused=refusal(error), **_choices()
        ),
        422,
    )


def _fallbacks(form: MultiDict[str, str]) -> list[str]:
    chosen = [code for code in form.getlist("fallback_language") if code]
    return list(dict.fromkeys(code for code in chosen if code != form.get("language")))


def _phones(form: MultiDict[str, str]) -> list[PhoneInput]:
    phones = []
    if form.get("phone", "").strip():
        phones.append(PhoneInput(form["phone"], is_shared=form.get("is_shared") == "on"))
    if form.get("proxy_phone", "").strip():
        phones.append(
            PhoneInput(
                form["proxy_phone"],
                is_proxy=True,
                relation=form.get("proxy_relation", ""),
                proxy_name=form.get("proxy_name", ""),
                has_consent=form.get("proxy_consent") == "on",
            )
        )
    return phones


def _clock(value: str, field: str) -> time | None:
    if not value:
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise InvalidInput(field, "use the form HH:MM") from None


def _set_extras(
    session: Session, returnee: Returnee, form: MultiDict[str, str], *, now: datetime, actor: Actor
) -> None:
    """Quiet hours and sensitivity, which registering does not take."""
    start = _clock(form.get("quiet_start", ""), "quiet_hours")
    end = _clock(form.get("quiet_end", ""), "quiet_hours")
    set_quiet_hours(session, returnee, start, end, now=now, actor=actor)
    set_sensitive(session, returnee, form.get("is_sensitive") == "on", now=now, actor=actor)


def _update_points(
    session: Session, returnee: Returnee, form: MultiDict[str, str], *, now: datetime, actor: Actor
) -> None:
    """Changed numbers and proxy details of the existing contact points; a new one if given."""
    region = get_runtime().settings.default_region
    for point in list(returnee.contact_points):
        _update_point(session, point, form, region=region, now=now, actor=actor)
    for phone in _phones(form):
        add_contact_point(session, returnee, phone, region=region, now=now, actor=actor)


def _update_point(
    session: Session,
    point: ContactPoint,
    form: MultiDict[str, str],
    *,
    region: str,
    now: datetime,
    actor: Actor,
) -> None:
    prefix = f"point-{point.id}-"
    number = form.get(prefix + "number")
    if number is None:
        return
    update_contact_point(
        session,
        point,
        region=region,
        now=now,
        actor=actor,
        number=number or None,
        relation=form.get(prefix + "relation") if point.is_proxy else None,
        proxy_name=form.get(prefix + "proxy_name") if point.is_proxy else None,
    )
    if point.is_proxy:
        has_consent = form.get(prefix + "consent") == "on"
        if has_consent != (point.proxy_consented_at is not None):
            record_proxy_consent(session, point, has_consent=has_consent, now=now, actor=actor)
