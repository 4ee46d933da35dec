"""Demo data: a few partners, returnees and referrals, so the loop can be watched at once."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.models import Partner, Returnee, User
from smsgateway.partners import register_partner
from smsgateway.programme import Programme
from smsgateway.referrals import create_referral
from smsgateway.returnees import PhoneInput, register_returnee
from smsgateway.users import create_user

# Numbers from the ranges the numbering plans keep for drama and documentation where they
# exist; they belong to nobody.
DEMO_RETURNEES = [
    ("SN-2026-0001", "Awa", "wo", "Africa/Dakar", "+221771234567", None),
    ("SN-2026-0002", "Moussa", "fr", "Africa/Dakar", "+221781234568", None),
    ("NG-2026-0003", "Blessing", "pcm", "Africa/Lagos", "+2348031234567", None),
    ("SN-2026-0004", "Fatou", "fr", "Africa/Dakar", "+221701234569", ("sister", "+221761234560")),
    ("MA-2026-0005", "Youssef", "ar", "Africa/Casablanca", "+212612345678", None),
]


#: One account per role, for the demo only: (username, password, role). The partner account
#: belongs to the training centre.
DEMO_USERS = [
    ("admin", "demo-admin", "admin"),
    ("manager", "demo-manager", "manager"),
    ("caseworker", "demo-caseworker", "caseworker"),
    ("partner", "demo-partner", "partner"),
]
DEMO_PARTNER_NAME = "Centre de Formation Professionnelle de Pikine"


def seed_demo_users(session: Session, now: datetime) -> int:
    """Add the demo accounts unless accounts exist; returns the number added."""
    if session.scalar(select(User.id).limit(1)) is not None:
        return 0
    partner_id = session.scalar(select(Partner.id).filter_by(name=DEMO_PARTNER_NAME))
    for username, password, role in DEMO_USERS:
        create_user(
            session,
            now,
            username=username,
            role=role,
            password=password,
            partner_id=partner_id if role == "partner" else None,
        )
    return len(DEMO_USERS)


def seed_demo(session: Session, now: datetime, *, programme: Programme) -> int:
    """Add the demo data unless it is there already; returns the number of referrals added."""
    if session.scalar(select(Returnee.id).limit(1)) is not None:
        return 0
    training = register_partner(
        session,
        now,
        name=DEMO_PARTNER_NAME,
        display_name="CFP Pikine",
        service_categories=["vocational_training"],
        region="SN",
        point_persons=[("Mme Ndiaye", "+221771112233")],
    )
    clinic = register_partner(
        session,
        now,
        name="Clinique de Santé Mentale Fann",
        display_name="Centre Fann",
        service_categories=["mental_health", "medical"],
        region="SN",
        point_persons=[("Dr Diallo", "+221771112244")],
    )
    added = 0
    for index, (case, name, lang, zone, phone, proxy) in enumerate(DEMO_RETURNEES):
        phones = [PhoneInput(phone)]
        if proxy:
            phones.append(PhoneInput(proxy[1], is_proxy=True, relation=proxy[0]))
        returnee = register_returnee(
            session,
            now,
            case_reference=case,
            first_name=name,
            language=lang,
            time_zone=zone,
            region="SN",
            phones=phones,
        )
        # Demo phones take messages at any hour, so the loop can be watched whenever the demo
        # runs: an empty quiet period (00:00 to 00:00) leaves every hour allowed.
        returnee.quiet_hours_start = returnee.quiet_hours_end = time(0, 0)
        sensitive = index == 3
        create_referral(
            session,
            now,
            returnee=returnee,
            partner=clinic if sensitive else training,
            service_category="mental_health" if sensitive else "vocational_training",
            created_by="demo",
            programme=programme,
            # Within two hours: the short-notice reminder is due at once, so the demo shows it.
            appointment_at=now.replace(second=0, microsecond=0)
            + timedelta(minutes=60 + 10 * index),
            appointment_place="Pikine, Rue 10" if not sensitive else "",
        )
        added += 1
    return added
