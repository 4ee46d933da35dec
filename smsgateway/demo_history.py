"""Demo history: a few hundred referrals over the past months, so every dashboard figure and
list has something in it.

Made by the domain functions, at the times they would have happened: returnees registered,
referrals recorded (`create_referral`), their first notice rendered and recorded as the
dispatcher records it (`render_notice`, `insert_messages`), delivered or failed
(`apply_delivered`, `set_reachability`), answered by the returnee (`change_status`), reported on
by the partner's point person (`record_partner_outcome`, which alerts the caseworker of an
ineligibility), messages nobody could read (`queue_review`), numbers that stopped
(`record_opt_out`) and people flagged unreachable
(`flag_unreachable`). The loop's sweep runs weekly through those months (`advance_tasks`), so
silent referrals carry the flags they would by now; what the past left planned is cancelled,
so the phone simulator shows the live demo, not months of backlog. Deterministic (seeded).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.config import Settings
from smsgateway.delivery.outcomes import apply_delivered
from smsgateway.dispatch.complete import insert_messages
from smsgateway.dispatch.prepare import render_notice
from smsgateway.loop.tasks import advance_tasks
from smsgateway.models import Message, Notice, Partner, Referral, Returnee
from smsgateway.notices import NoticeKind, NoticeState, cancel_pending
from smsgateway.partners import record_partner_outcome, register_partner
from smsgateway.programme import Programme
from smsgateway.reachability import FAILING, flag_unreachable, record_opt_out, set_reachability
from smsgateway.referrals import Source, Status, change_status, create_referral
from smsgateway.replies.apply import queue_review
from smsgateway.replies.partner_commands import PartnerAction
from smsgateway.returnees import PhoneInput, register_returnee

HISTORY_PREFIX = "HIST-"
DAYS = 150
SWEEP_DAYS = 7
LANGUAGES = (
    ("wo", "Africa/Dakar"),
    ("fr", "Africa/Dakar"),
    ("pcm", "Africa/Lagos"),
    ("ff", "Africa/Dakar"),
    ("en", "Africa/Lagos"),
    ("ar", "Africa/Casablanca"),
)
CHANNELS = ("sms", "sms", "whatsapp", "voice")
NAMES = ("Aminata", "Ousmane", "Chidi", "Mariama", "Ibrahima", "Khady", "Samuel", "Rokhaya")
PARTNERS = (
    ("Agence pour l'Emploi des Jeunes", "AEJ", ("vocational_training", "business_support"), "01"),
    ("Caritas Dakar", "Caritas", ("housing", "psychosocial"), "02"),
    ("Hôpital de Pikine", "Centre de santé", ("medical",), "03"),
)
#: (weight, story): what becomes of a referral.
STORIES: Sequence[tuple[int, str]] = (
    (30, "enrolled"),
    (8, "dropped_out"),
    (10, "ineligible"),
    (8, "declined"),
    (8, "no_show"),
    (9, "unreachable"),
    (15, "stalled"),
    (12, "silent"),
)
INELIGIBLE_REASONS = ("age: over 35", "residence: lives outside the region", "documents", "")


def seed_demo_history(
    session: Session,
    now: datetime,
    *,
    programme: Programme,
    settings: Settings,
    count: int = 250,
    seed: int = 15,
) -> int:
    """Add `count` past referrals unless they are there; returns how many were added."""
    if session.scalar(
        select(Returnee.id).where(Returnee.case_reference.startswith(HISTORY_PREFIX)).limit(1)
    ):
        return 0
    rng = random.Random(seed)  # noqa: S311 -- demo data, not secrets
    partners = [_partner(session, now - timedelta(days=DAYS + 1), *spec) for spec in PARTNERS]
    moments = sorted(now - timedelta(days=rng.uniform(1, DAYS)) for _ in range(count))
    referrals = []
    for index, created in enumerate(moments):
        referral = _refer(session, rng, index, created, partners, programme)
        _tell(session, rng, referral, settings, now)
        referrals.append(referral)
    ids = [r.id for r in referrals]
    cancel_pending(session, referral_ids=ids, reason="demo history")
    for days in range(DAYS, 0, -SWEEP_DAYS):  # the loop's weekly sweeps of the past
        advance_tasks(session, now=now - timedelta(days=days), programme=programme)
        cancel_pending(session, referral_ids=ids, reason="demo history")
    session.flush()
    return len(referrals)


def _partner(
    session: Session,
    now: datetime,
    name: str,
    display: str,
    services: tuple[str, ...],
    line: str,
) -> Partner:
    found = session.scalar(select(Partner).filter_by(name=name))
    if found is not None:
        return found
    number = f"+2217711133{line}"
    return register_partner(
        session,
        now,
        name=name,
        display_name=display,
        service_categories=list(services),
        region="SN",
        point_persons=[(f"Point {display}", number)],
    )


def _refer(
    session: Session,
    rng: random.Random,
    index: int,
    created: datetime,
    partners: list[Partner],
    programme: Programme,
) -> Referral:
    language, zone = rng.choice(LANGUAGES)
    phones = [PhoneInput(f"+22178{index:07d}")]
    if rng.random() < 0.3:
        phones.append(PhoneInput(f"+22176{index:07d}", is_proxy=True, relation="brother"))
    returnee = register_returnee(
        session,
        created,
        case_reference=f"{HISTORY_PREFIX}{index + 1:04d}",
        first_name=rng.choice(NAMES),
        language=language,
        time_zone=zone,
        region="SN",
        phones=phones,
        channel=rng.choice(CHANNELS),
    )
    partner = rng.choice(partners)
    return create_referral(
        session,
        created,
        returnee=returnee,
        partner=partner,
        service_category=rng.choice(partner.service_categories),
        created_by="demo",
        programme=programme,
        appointment_at=created + timedelta(days=rng.randint(5, 15), hours=2),
        appointment_place="",
    )


def _tell(
    session: Session, rng: random.Random, referral: Referral, settings: Settings, now: datetime
) -> None:
    story = rng.choices([s for _, s in STORIES], weights=[w for w, _ in STORIES])[0]
    created = referral.created_at
    appointment = referral.appointment_at or created
    if story == "unreachable":
        for hours in (1, 5, 9):
            _send(session, referral, settings, created + timedelta(hours=hours), delivered=False)
        flag_unreachable(
            session, referral.returnee, reason="escalation_exhausted", now=created + timedelta(4)
        )
        return
    _send(session, referral, settings, created + timedelta(hours=1), delivered=rng.random() < 0.9)
    if rng.random() < 0.03:
        phone = referral.returnee.contact_points[0].phone_e164
        record_opt_out(session, phone, source="stop", now=created + timedelta(hours=3))
        return
    _send(
        session,
        referral,
        settings,
        created + timedelta(hours=2),
        delivered=True,
        kind=NoticeKind.APPOINTMENT_REMINDER,
    )
    answer_at = created + timedelta(hours=rng.randint(3, 30))
    if story in ("silent",) or answer_at > now:
        return
    if story == "declined":
        _answer(session, referral, Status.DECLINED, answer_at)
        return
    _answer(session, referral, Status.CONFIRMED, answer_at)
    outcome_at = appointment + timedelta(days=rng.uniform(1, 25))
    if story == "stalled" and answer_at + timedelta(days=2) < now and rng.random() < 0.3:
        # A message nobody could read: in front of a caseworker (the review queue's load).
        _unclear_message(session, referral, answer_at + timedelta(days=2))
    if story == "stalled" or outcome_at > now:
        return
    action = {
        "enrolled": PartnerAction.ENROLLED,
        "dropped_out": PartnerAction.ENROLLED,
        "ineligible": PartnerAction.INELIGIBLE,
        "no_show": PartnerAction.NO_SHOW,
    }[story]
    reason = rng.choice(INELIGIBLE_REASONS) if action is PartnerAction.INELIGIBLE else ""
    _partner_reports(session, referral, action, outcome_at, reason)
    dropped_at = outcome_at + timedelta(days=rng.uniform(10, 40))
    if story == "dropped_out" and dropped_at < now:
        _partner_reports(session, referral, PartnerAction.DROPPED_OUT, dropped_at, "")


def _send(
    session: Session,
    referral: Referral,
    settings: Settings,
    at: datetime,
    *,
    delivered: bool,
    kind: str = NoticeKind.REFERRAL_CREATED,
) -> None:
    """Record the referral's planned notice of `kind` as sent at `at`, as the dispatcher
    would, and what the provider reported."""
    notice = session.scalar(
        select(Notice)
        .where(
            Notice.referral_id == referral.id,
            Notice.kind == kind,
            Notice.state == NoticeState.PLANNED,
        )
        .order_by(Notice.id)
        .limit(1)
    )
    if notice is None:
        return
    rendered = render_notice(notice, settings)
    point = notice.contact_point
    row = {
        "direction": "out",
        "channel": notice.channel,
        "phone_e164": point.phone_e164 if point else "",
        "contact_point_id": notice.contact_point_id,
        "returnee_id": notice.returnee_id,
        "referral_id": referral.id,
        "notice_id": notice.id,
        "kind": notice.kind,
        "provider": "local",
        "provider_id": None,
        "body": rendered.text,
        "language": rendered.language,
        "encoding": rendered.encoding,
        "segments": rendered.segments,
        "delivery_status": "delivered" if delivered else "undelivered",
        "error_code": "" if delivered else "30003",
        "intent": None,
        "created_at": at,
        "updated_at": at,
    }
    (message_id,) = insert_messages(session, [row], at)
    notice.state, notice.sent_at = NoticeState.SENT, at
    message = session.get(Message, message_id)
    if message is not None and delivered:
        apply_delivered(session, message, now=at)
    elif not delivered and point is not None:
        set_reachability(session, point, FAILING, "unreachable", now=at, message_id=message_id)


def _answer(session: Session, referral: Referral, status: Status, at: datetime) -> None:
    change_status(session, referral, status, source=Source.RETURNEE_REPLY, now=at)
    for notice in session.scalars(
        select(Notice).where(
            Notice.referral_id == referral.id,
            Notice.state == NoticeState.SENT,
            Notice.question.is_not(None),
        )
    ):
        notice.answered_at = at


def _unclear_message(session: Session, referral: Referral, at: datetime) -> None:
    returnee = referral.returnee
    message = Message(
        direction="in",
        channel="sms",
        phone_e164=returnee.contact_points[0].phone_e164,
        returnee_id=returnee.id,
        referral_id=referral.id,
        contact_point_id=returnee.contact_points[0].id,
        provider="local",
        body="je ne sais pas encore, on verra",
        language=returnee.preferred_language,
        intent="unclear",
        delivery_status="received",
        created_at=at,
        updated_at=at,
    )
    session.add(message)
    session.flush()
    queue_review(session, message, reason="unclear", now=at)


def _partner_reports(
    session: Session, referral: Referral, action: PartnerAction, at: datetime, reason: str
) -> None:
    person = referral.partner.point_persons[0]
    record_partner_outcome(
        session,
        referral,
        action,
        partner_id=referral.partner_id,
        now=at,
        actor=person.name,
        reason=reason,
    )
