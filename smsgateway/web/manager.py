"""The manager's pages: referrals counted per status and per partner, and who is unreachable."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import func, select

from smsgateway.loop.standing import flag_counts, reach_report
from smsgateway.models import Partner, Referral
from smsgateway.permissions import Action
from smsgateway.reachability import flagged_unreachable_returnees, unreachable_contact_points
from smsgateway.referrals import OPEN
from smsgateway.runtime import get_runtime
from smsgateway.web.access import requires
from smsgateway.web.audit import note_access

manager = Blueprint("manager", __name__)


@manager.get("/manager/")
@requires(Action.VIEW_OVERVIEW)
def home() -> str:
    runtime = get_runtime()
    with runtime.db.sessions() as session:
        reach = reach_report(session, now=runtime.clock())
        flags = flag_counts(session)
        counts = dict(
            session.execute(select(Referral.status, func.count()).group_by(Referral.status)).all()
        )
        per_partner = session.execute(
            select(Partner.name, Referral.status, func.count())
            .join(Referral, Referral.partner_id == Partner.id)
            .group_by(Partner.name, Referral.status)
            .order_by(Partner.name)
        ).all()
    partners: dict[str, dict[str, int]] = {}
    for name, status, count in per_partner:
        partners.setdefault(name, {})[status] = count
    open_statuses = {str(status) for status in OPEN}
    return render_template(
        "manager/home.html",
        counts=counts,
        partners=partners,
        open_statuses=open_statuses,
        reach=reach,
        flags=flags,
    )


@manager.get("/unreachable")
@requires(Action.VIEW_UNREACHABLE)
def unreachable() -> str:
    """Returnees flagged unreachable and numbers that failed: a manager's follow-up list."""
    with get_runtime().db.sessions() as session:
        points = unreachable_contact_points(session)
        flagged = flagged_unreachable_returnees(session)
        people = {p.returnee_id for p in points} | {r.id for r in flagged}
        note_access("returnee", sorted(people))
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
            "manager/unreachable.html",
            points=points,
            flagged=flagged,
            open_references=open_references,
        )
