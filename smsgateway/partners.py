"""Partners, their point persons' registered numbers, and the commands they send by SMS."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from smsgateway.errors import InvalidInput
from smsgateway.inputs import reading_text
from smsgateway.loop.partner_dates import NewDate, apply_new_date, parse_new_date
from smsgateway.loop.partner_questions import (
    is_alone,
    last_partner_question,
    mark_answered,
    referral_ids_of,
)
from smsgateway.models import (
    Message,
    Notice,
    Partner,
    PointPerson,
    Referral,
    ReferralEvent,
    ReviewItem,
    User,
)
from smsgateway.notices import NoticeKind, plan_notice_to_number
from smsgateway.permissions import Action, may_act_on
from smsgateway.phones import parse_phone
from smsgateway.programme import current_programme
from smsgateway.referrals import (
    Source,
    Status,
    TransitionRefused,
    change_status,
    is_superseded,
)
from smsgateway.replies.apply import ReplyOutcome, queue_review
from smsgateway.replies.partner_commands import PartnerAction, PartnerCommand, parse_partner_message
from smsgateway.users import Actor


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


def find_partner(session: Session, reference: str) -> Partner | None:
    """The partner a person names: its number (id), its name, or the name its messages use.

    Names are compared without case or surrounding spaces, as the referral import does.
    """
    wanted = reference.strip()
    if wanted.isdigit():
        return session.get(Partner, int(wanted))
    lowered = wanted.lower()
    partners = list(session.scalars(select(Partner).order_by(Partner.id)))
    for partner in partners:
        if partner.name.strip().lower() == lowered:
            return partner
    for partner in partners:
        if partner.display_name and partner.display_name.strip().lower() == lowered:
            return partner
    return None


def find_point_person(session: Session, phone_e164: str) -> PointPerson | None:
    """The point person whose registered number this is, if any."""
    return session.scalar(select(PointPerson).filter_by(phone_e164=phone_e164))


#: What each partner command records.
STATUS_FOR_ACTION: dict[PartnerAction, Status] = {
    PartnerAction.ENROLLED: Status.ENROLLED,
    PartnerAction.INELIGIBLE: Status.INELIGIBLE,
    PartnerAction.NO_SHOW: Status.NO_SHOW,
    PartnerAction.DROPPED_OUT: Status.DROPPED_OUT,
    PartnerAction.ATTENDED: Status.ATTENDED,
}

#: Why a command was refused: a code, worded in the partner's language by `ack_partner_results`.
UNKNOWN_REFERENCE = "unknown_reference"
OTHER_PARTNER = "other_partner"
NOT_ALLOWED = "transition_not_allowed"
UNKNOWN_LINE = "unknown_line"
WHICH_REFERRAL = "which_referral"

RECORDED = "recorded"
ALREADY_RECORDED = "already_recorded"
REFUSED = "refused"


@dataclass(frozen=True)
class CommandResult:
    """One line of the reply to a point person: recorded, already recorded, or refused and why."""

    reference: str
    outcome: str  # recorded | already_recorded | refused
    reason: str = ""


def apply_partner_message(
    session: Session, message: Message, person: PointPerson, *, now: datetime, language: str
) -> ReplyOutcome:
    """Apply a point person's SMS commands to their own partner's referrals, then answer them.

    Each command is recorded or refused on its own; a line number reads the last digest the
    number received, a bare answer the last question about one referral (a bare answer that
    could mean several is answered with a request for the reference). `INELIGIBLE` puts the
    referral in front of a caseworker at once, and a message with words not understood or with
    a command refused for any other reason is queued for review too, so nothing a partner sends
    is lost. Reporting the
    status a referral already has is answered "already recorded".
    """
    parsed = parse_partner_message(reading_text(message.body))
    proposal = parse_new_date(reading_text(message.body)) if not parsed.commands else None
    if proposal is not None:  # "R1234 19/12 10:00": a new appointment date
        return _apply_new_date(session, message, person, proposal, now=now, language=language)
    asked = last_partner_question(session, person.phone_e164, now=now) if parsed.commands else None
    results = [
        _apply_command(session, message, person, command, asked, now) for command in parsed.commands
    ]
    settled = [result for result in results if result.outcome != REFUSED]
    outcome = ReplyOutcome("applied" if settled else "review")
    # A bare answer that could mean several referrals is answered with a request for the
    # reference; the partner's task asks again if none comes. Anything else unread is reviewed.
    asked_again = [result for result in results if result.reason == WHICH_REFERRAL]
    if parsed.unparsed or (not settled and len(asked_again) < len(results)) or not results:
        queue_review(session, message, reason="partner_message", now=now)
    elif not settled:
        outcome.outcome = WHICH_REFERRAL
    references = {result.reference for result in settled}
    answered = session.scalars(select(Referral.id).where(Referral.reference.in_(references)))
    mark_answered(session, person.phone_e164, set(answered), now=now)
    if results:
        outcome.notice_ids.append(_answer(session, message, person, results, now, language))
    return outcome


def _answer(
    session: Session,
    message: Message,
    person: PointPerson,
    results: list[CommandResult],
    now: datetime,
    language: str,
) -> int:
    """Plan the answer to a point person: one line per result, in their language."""
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
    return notice.id


def _apply_new_date(
    session: Session,
    message: Message,
    person: PointPerson,
    proposal: NewDate,
    *,
    now: datetime,
    language: str,
) -> ReplyOutcome:
    """Move the appointment as the point person proposes (`smsgateway.loop.partner_dates`) and
    answer them; a proposal that cannot be recorded goes to a caseworker as well."""
    referral, refusal = apply_new_date(session, person, proposal, now=now)
    if referral is not None and not refusal:
        message.referral_id = referral.id
        result = CommandResult(proposal.reference, RECORDED)
        outcome = ReplyOutcome("applied")
    else:
        result = CommandResult(proposal.reference, REFUSED, refusal)
        outcome = queue_review(session, message, reason="partner_message", now=now)
    outcome.notice_ids.append(_answer(session, message, person, [result], now, language))
    return outcome


def _apply_command(
    session: Session,
    message: Message,
    person: PointPerson,
    command: PartnerCommand,
    asked: Notice | None,
    now: datetime,
) -> CommandResult:
    referral, refusal = _referral_of(session, command, asked, now)
    if referral is None:
        return CommandResult(command.reference or _label(command), REFUSED, refusal)
    return record_partner_outcome(
        session,
        referral,
        command.action,
        partner_id=person.partner_id,
        now=now,
        actor=person.name or f"point person {person.id}",
        message=message,
        reason=command.reason,
    )


def _referral_of(
    session: Session, command: PartnerCommand, asked: Notice | None, now: datetime
) -> tuple[Referral | None, str]:
    """The referral a command is about: by reference, by a line of the last question received,
    or (a bare answer) the one referral of that question when nothing else could be meant."""
    if command.reference:
        found = session.scalar(select(Referral).filter_by(reference=command.reference))
        return found, UNKNOWN_REFERENCE
    listed = referral_ids_of(asked) if asked is not None else []
    if command.line is not None:
        if not 1 <= command.line <= len(listed):
            return None, UNKNOWN_LINE
        return session.get(Referral, listed[command.line - 1]), UNKNOWN_LINE
    if asked is None or not is_alone(session, asked, now=now):
        return None, WHICH_REFERRAL
    return session.get(Referral, listed[0]), WHICH_REFERRAL


def _label(command: PartnerCommand) -> str:
    return f"#{command.line}" if command.line is not None else "?"


def is_already_recorded(referral: Referral, action: PartnerAction) -> bool:
    """Whether the referral has the reported status already, or went past it: nothing to do,
    and the partner is told so rather than refused."""
    status = STATUS_FOR_ACTION[action]
    return referral.status == status or is_superseded(referral.status, status)


def record_partner_outcome(
    session: Session,
    referral: Referral,
    action: PartnerAction,
    *,
    partner_id: int,
    now: datetime,
    actor: Actor,
    source: Source = Source.PARTNER_SMS,
    message: Message | None = None,
    reason: str = "",
) -> CommandResult:
    """Record what a partner reports about one of its referrals: by SMS (a point person) or on
    its page and through the API (`report_outcome`, which checks the account's permission
    first). The same rules, event and caseworker alert whichever way it came.

    The status it already has (or one it went past) is "already recorded", not a refusal; a
    referral of another partner, or a change the transition table refuses, is refused and
    changes nothing. `ineligible` puts the referral in front of a caseworker at once
    (`alert_ineligible`).
    """
    reference = referral.reference or str(referral.id)
    if referral.partner_id != partner_id:
        return CommandResult(reference, REFUSED, OTHER_PARTNER)
    if is_already_recorded(referral, action):
        return CommandResult(reference, ALREADY_RECORDED)
    status = STATUS_FOR_ACTION[action]
    try:
        change_status(
            session,
            referral,
            status,
            source=source,
            now=now,
            actor=actor,
            message=message,
            note=reason.strip(),
        )
    except TransitionRefused:
        return CommandResult(reference, REFUSED, NOT_ALLOWED)
    if action is PartnerAction.INELIGIBLE:
        alert_ineligible(session, referral, now=now, message=message)
    return CommandResult(reference, RECORDED)


#: The review item reason that tells a caseworker a partner found a referral ineligible.
INELIGIBLE_REVIEW = "ineligible"


def alert_ineligible(
    session: Session, referral: Referral, *, now: datetime, message: Message | None = None
) -> None:
    """A partner found the returnee ineligible: the referral needs re-orientation, and, when the
    programme's `[replies] review` names "reorientation", a review item puts it in front of a
    caseworker (with the partner's message when it came by SMS)."""
    referral.needs_reorientation = True
    if "reorientation" not in current_programme().replies.review:
        return
    session.add(
        ReviewItem(
            message_id=message.id if message is not None else None,
            referral_id=referral.id,
            returnee_id=referral.returnee_id,
            reason=INELIGIBLE_REVIEW,
            created_at=now,
        )
    )
    session.flush()


class IneligibleReason(StrEnum):
    """Why a partner found a returnee ineligible, chosen from a list on the partner page (the
    page words each one); free text may follow. Stored at the start of the event's note."""

    AGE = "age"
    RESIDENCE = "residence"
    DOCUMENTS = "documents"
    ALREADY_ASSISTED = "already_assisted"
    SERVICE_FULL = "service_full"
    HEALTH = "health"
    OTHER = "other"


def ineligible_note(reason: str, text: str = "") -> str:
    """The event note of an ineligibility: the reason's code, then the free text."""
    code = IneligibleReason(reason).value if reason else ""
    text = text.strip()
    return f"{code}: {text}" if code and text else code or text


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
    source: Source = Source.PARTNER_PAGE,
) -> ReferralEvent | None:
    """A partner account reports on its page (or through the API) what a point person would
    send by SMS, through the same `record_partner_outcome`.

    Only the account's own organisation's referrals. The status the referral already has (or
    one it went past) is already recorded: None, nothing changes. `TransitionRefused` and
    `NotPermitted` change nothing.
    """
    if not may_act_on(actor, Action.REPORT_OUTCOME, referral):
        raise NotPermitted(f"{actor.username} may not report on referral {referral.reference}")
    old = referral.status
    result = record_partner_outcome(
        session,
        referral,
        action,
        partner_id=referral.partner_id,
        now=now,
        actor=actor,
        source=source,
        reason=note,
    )
    if result.outcome == REFUSED:
        raise TransitionRefused(result.reference, old, STATUS_FOR_ACTION[action])
    if result.outcome == ALREADY_RECORDED:
        return None
    return referral.events[-1]


@dataclass(frozen=True)
class PartnerMessage:
    """A message a point person sent (a command) or received (the answer), for the page."""

    message: Message
    point_person: str


def partner_messages(session: Session, partner_id: int, *, limit: int = 50) -> list[PartnerMessage]:
    """The SMS history of a partner's point persons, newest first: their commands and the
    service's answers (the partner page shows it; numbers are named by their point person)."""
    persons = dict(
        session.execute(
            select(PointPerson.phone_e164, PointPerson.name).filter_by(partner_id=partner_id)
        ).all()
    )
    if not persons:
        return []
    query = (
        select(Message)
        .where(Message.phone_e164.in_(list(persons)))
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(limit)
    )
    return [PartnerMessage(found, persons[found.phone_e164]) for found in session.scalars(query)]
