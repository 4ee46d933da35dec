"""No inbound message is ever dropped: a mix of 1,000 replies, every one accounted for."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsgateway.dispatch import dispatch_due_notices
from smsgateway.models import Message, Partner, Referral, ReferralEvent, ReviewItem
from smsgateway.replies.inbound import InboundMessage, receive_message
from smsgateway.runtime import Runtime

RETURNEE_TEXTS = [
    "1", "2", "3", "oui", "ok merci", "non", "je ne peux pas", "peut-être", "1 2",
    "STOP", "START", "HELP", "👍", "Bonjour, j'ai une question", "???", "", "٢",
]  # fmt: skip
GIBBERISH = ["asdf qwer", "🤷", "R", "123456789", "ENROLLED", "...", "x" * 300]
APPLIED_WITHOUT_EVENT = {"opt_out", "opt_in", "help"}
#: Outcomes that change no status but answer the sender: a status already recorded (or gone
#: past), an "ok" that needs the digit, a thanks, a bare "ok" asked for the digit, a partner's
#: bare answer asked for the reference.
ANSWERED_WITHOUT_EVENT = {
    "applied",
    "needs_confirmation",
    "received",
    "asked_again",
    "which_referral",
}


def build_mix(
    rng: random.Random, returnees: list[str], partners: list[str], references: list[str]
) -> list[InboundMessage]:
    """1,000 replies: returnees, partners, unknown and malformed senders, provider retries."""
    mix: list[InboundMessage] = []
    for n in range(1000):
        if mix and rng.random() < 0.1:
            mix.append(rng.choice(mix))  # the provider delivers the same message again
            continue
        roll = rng.random()
        if roll < 0.55:
            sender, body = rng.choice(returnees), rng.choice(RETURNEE_TEXTS)
            if rng.random() < 0.1:
                body = f"{body} {rng.choice(references)}"
        elif roll < 0.7:
            action = rng.choice(["ENROLLED", "INELIGIBLE", "NOSHOW", "DROPPED", "INSCRIT"])
            sender = rng.choice(partners)
            body = f"{action} {' '.join(rng.sample(references, rng.randint(1, 3)))} loin"
        elif roll < 0.85:
            sender, body = f"+2217755{rng.randint(0, 99999):05d}", rng.choice(RETURNEE_TEXTS)
        else:
            sender = rng.choice([*returnees, "not a number", "+1"])
            body = rng.choice(GIBBERISH)
        channel = rng.choice(["sms", "sms", "whatsapp"])
        mix.append(InboundMessage(sender, body, channel=channel, provider_id=f"SM{n:06d}"))
    return mix


def test_every_one_of_a_thousand_replies_is_stored_once_and_applied_or_queued(
    runtime: Runtime,
    session: Session,
    now: datetime,
    make_partner: Callable[..., Partner],
    make_referral: Callable[..., Referral],
) -> None:
    partners = [make_partner() for _ in range(3)]
    referrals = [
        make_referral(partner=partners[i % 3], appointment_at=now + timedelta(hours=10))
        for i in range(30)
    ]
    at = now + timedelta(hours=9)
    dispatch_due_notices(runtime.db, runtime.transport, runtime.settings, now=at)
    mix = build_mix(
        random.Random(6),
        [r.returnee.contact_points[0].phone_e164 for r in referrals],
        [p.point_persons[0].phone_e164 for p in partners],
        [r.reference or "" for r in referrals] + ["R99999"],
    )
    first_id: dict[str, int] = {}
    answered: set[int] = set()

    for offset, inbound in enumerate(mix):
        with runtime.db.transaction() as tx:
            result = receive_message(
                tx, inbound, now=at + timedelta(seconds=offset), settings=runtime.settings
            )
        assert inbound.provider_id is not None
        assert first_id.setdefault(inbound.provider_id, result.message_id) == result.message_id
        # A thanks is a receipt, and the answer already recorded sent again a repeat: both are
        # acknowledged at most once in a while, never reviewed, and the repeat keeps its referral.
        receipt = result.outcome == "received"
        if result.outcome == "repeated":
            kept = session.get(Message, result.message_id)
            assert kept is not None and kept.referral_id is not None and kept.intent
            receipt = True
        if receipt or (result.outcome in ANSWERED_WITHOUT_EVENT and result.notice_ids):
            answered.add(result.message_id)

    session.expire_all()
    stored = session.scalars(select(Message).filter_by(direction="in")).all()
    assert len(stored) == len(first_id) == len({m.provider_id for m in mix})
    assert {m.id for m in stored} == set(first_id.values())
    evented = set(
        session.scalars(
            select(ReferralEvent.message_id).where(ReferralEvent.message_id.is_not(None))
        )
    )
    queued = set(session.scalars(select(ReviewItem.message_id)))
    unaccounted = [
        m.id
        for m in stored
        if m.id not in evented | queued | answered and m.intent not in APPLIED_WITHOUT_EVENT
    ]
    assert unaccounted == []
    assert evented and queued, "the mix exercises both outcomes"
    bodies = {m.provider_id: m.body for m in mix}
    assert all(bodies[m.provider_id] == m.body for m in stored)
    assert session.scalar(  # a partner's "not eligible" marks the referral for re-orientation
        select(func.count()).select_from(Referral).filter_by(needs_reorientation=True)
    )
