"""Partners, their point persons' registered numbers, and the commands they send by SMS."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.errors import InvalidInput
from smsgateway.models import Message, Partner, PointPerson, Referral, ReferralEvent, User
from smsgateway.notices import NoticeKind, plan_notice_to_number
from smsgateway.permissions import Action, may_act_on
from smsgateway.phones import parse_phone
from smsgateway.referrals import Source, Status, TransitionRefused, change_status
from smsgateway.replies.apply import ReplyOutcome, queue_review
from smsgateway.replies.partner_commands import PartnerAction, PartnerCommand, parse_partner_message


def register_partner(
    session: Session,
    now: datetime,
    *,
    name: str,
    service_categories: Sequence[str],
    region: str,
    display_name: str = "",
    point_persons: Sequence[tuple[str, str]] = (),
) -> Partner:
    """Add a partner with its point persons given as (name, phone) pairs."""
    if not name.strip():
        raise InvalidInput("name", "a partner needs a name")
    if session.scalar(select(Partner.id).filter_by(name=name.strip())) is not None:
        raise InvalidInput("name", "a partner with this name already exists")
    numbers = [parse_phone(phone, region, "point_person_phone") for _, phone in point_persons]
    partner = Partner(
        name=name.strip(),
        display_name=display_name.strip(),
        service_categories=list(service_categories),
        created_at=now,
    )
    for (person, _), number in zip(point_persons, numbers, strict=True):
        partner.point_persons.append(PointPerson(name=person, phone_e164=number, created_at=now))
    session.add(partner)
    session.flush()
    return partner


def find_point_person(session: Session, phone_e164: str) -> PointPerson | None:
    """The point person whose registered number this is, if any."""
    return session.scalar(select(PointPerson).filter_by(phone_e164=phone_e164))


#: What each partner command records.
STATUS_FOR_ACTION: dict[PartnerAction, Status] = {
    PartnerAction.ENROLLED: Status.ENROLLED,
    PartnerAction.INELIGIBLE: Status.INELIGIBLE,
    PartnerAction.NO_SHOW: Status.NO_SHOW,
    PartnerAction.DROPPED_OUT: Status.DROPPED_OUT,
}

#: Why a command was refused: a code, worded in the partner's language by `ack_partner_results`.
UNKNOWN_REFERENCE = "unknown_reference"
OTHER_PARTNER = "other_partner"
NOT_ALLOWED = "transition_not_allowed"


@dataclass(frozen=True)
class CommandResult:
    """One line of the reply to a point person: recorded, or refused and why."""

    reference: str
    outcome: str  # recorded | refused
    reason: str = ""


def apply_partner_message(
    session: Session, message: Message, person: PointPerson, *, now: datetime, language: str
) -> ReplyOutcome:
    """Apply a point person's SMS commands to their own partner's referrals, then answer them.

    Each command is recorded or refused on its own; `INELIGIBLE` puts the referral in front of a
    caseworker at once, and a message with nothing recorded or with words not understood is
    queued for review too, so nothing a partner sends is lost.
    """
    parsed = parse_partner_message(message.body)
    results = [
        _apply_command(session, message, person, command, now) for command in parsed.commands
    ]
    recorded = [result for result in results if result.outcome == "recorded"]
    outcome = ReplyOutcome("applied" if recorded else "review")
    if not recorded or parsed.unparsed:
        queue_review(session, message, reason="partner_message", now=now)
    if results:
        notice = plan_notice_to_number(
            session,
            kind=NoticeKind.ACK_PARTNER_RESULTS,
            phone_e164=person.phone_e164,
            channel="sms" if message.channel == "voice" else message.channel,
            language=person.language or language,
            now=now,
        )
        notice.payload = {"results": [asdict(result) for result in results]}
        session.flush()
        outcome.notice_ids.append(notice.id)
    return outcome


def _apply_command(
    session: Session,
    message: Message,
    person: PointPerson,
    command: PartnerCommand,
    now: datetime,
) -> CommandResult:
    referral = session.scalar(select(Referral).filter_by(reference=command.reference))
    if referral is None:
        return CommandResult(command.reference, "refused", UNKNOWN_REFERENCE)
    if referral.partner_id != person.partner_id:
        return CommandResult(command.reference, "refused", OTHER_PARTNER)
    try:
        change_status(
            session,
            referral,
            STATUS_FOR_ACTION[command.action],
            source=Source.PARTNER_SMS,
            now=now,
            actor=person.name or f"point person {person.id}",
            message=message,
            note=command.reason,
        )
    except TransitionRefused:
        return CommandResult(command.reference, "refused", NOT_ALLOWED)
    if command.action is PartnerAction.INELIGIBLE:
        queue_review(session, message, reason="ineligible", now=now, referral_id=referral.id)
    return CommandResult(command.reference, "recorded")


class NotPermitted(PermissionError):
    """The acting user may not do this to this referral; nothing was changed."""


def report_outcome(
    session: Session,
    referral: Referral,
    action: PartnerAction,
    *,
    now: datetime,
    actor: User,
    note: str = "",
) -> ReferralEvent:
    """A partner account reports on its page what a point person would send by SMS.

    Only the account's own organisation's referrals; `ineligible` flags the referral for
    re-orientation by a caseworker. `TransitionRefused` and `NotPermitted` change nothing.
    """
    if not may_act_on(actor, Action.REPORT_OUTCOME, referral):
        raise NotPermitted(f"{actor.username} may not report on referral {referral.reference}")
    event = change_status(
        session,
        referral,
        STATUS_FOR_ACTION[action],
        source=Source.PARTNER_PAGE,
        now=now,
        actor=actor,
        note=note.strip(),
    )
    if action is PartnerAction.INELIGIBLE:
        referral.needs_reorientation = True
    return event
