"""The review queue: who sent a queued message, which referral it is about, and what a
caseworker may do with it (apply it as an intent, apply a partner's outcome, dismiss it).

Rules every face keeps (they live here and in `replies.apply`, not in a view):

- an action that changes nothing sends nothing;
- no acknowledgement goes to a contact that opted out or whose number is suppressed;
- an acknowledgement never names a sensitive service (the discreet templates);
- a partner's outcomes (enrolled, ineligible, no-show, dropped out) apply only to a message
  from a partner's point person, on that partner's referrals; returnee intents only to others;
- a referral is picked by its reference (`R1004`) as the console shows it, or by its id.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from smsgateway.channels import Channel
from smsgateway.content.voice import call_language, own_languages
from smsgateway.errors import InvalidInput
from smsgateway.models import ContactPoint, PointPerson, Referral, ReviewItem
from smsgateway.notices import NoticeKind, plan_notice, plan_notice_to_number
from smsgateway.partners import (
    RECORDED,
    STATUS_FOR_ACTION,
    CommandResult,
    is_already_recorded,
)
from smsgateway.reachability import suppressed_numbers
from smsgateway.referrals import CLOSED, Source, change_status
from smsgateway.replies.apply import (
    ACK_FOR,
    CANNOT_READ_REASON,
    STOPPED_BY_LIKENESS_REASON,
    ReplyOutcome,
    apply_review_item,
    open_review_item,
)
from smsgateway.replies.intents import Intent
from smsgateway.replies.partner_commands import PartnerAction
from smsgateway.returnees import is_opted_out, update_returnee
from smsgateway.users import Actor, actor_identity

#: The longest note a caseworker leaves on a review item.
NOTE_LENGTH = 1000


class SenderKind(StrEnum):
    """Who wrote a queued message."""

    RETURNEE = "returnee"
    PROXY = "proxy"  # a relative or friend whose number is one of the returnee's contact points
    PARTNER = "partner"  # a partner's point person
    UNKNOWN = "unknown"  # a number nobody registered
    NONE = "none"  # no message: a notice whose delivery is unknown, an opt-out report


class Resolution(StrEnum):
    APPLIED = "applied"
    DISMISSED = "dismissed"
    REPLIED = "replied"
    # A stop read by likeness (rule 7b), checked with the person: not meant, or meant.
    STOP_LIFTED = "stop_lifted"
    STOP_KEPT = "stop_kept"
    # Someone who cannot read: their notices go as voice calls from now on.
    VOICE_CHOSEN = "voice_chosen"
    # Someone who cannot read was called; the note says what the call gave.
    CALLED = "called"


#: Templates a caseworker may answer a returnee's (or proxy's) message with: none names a
#: referral, partner or service, so they are discreet on any phone.
REPLY_KINDS = (NoticeKind.ACK_HELP, NoticeKind.ACK_RECEIVED)


#: What a caseworker may apply a message as, by who sent it.
#: A returnee's meanings a caseworker may apply: satisfaction answers and feedback are not theirs.
_RETURNEE_INTENTS = tuple(intent.value for intent in Intent if intent in ACK_FOR)

INTENTS_FOR: dict[SenderKind, tuple[str, ...]] = {
    SenderKind.RETURNEE: _RETURNEE_INTENTS,
    SenderKind.PROXY: _RETURNEE_INTENTS,
    SenderKind.UNKNOWN: _RETURNEE_INTENTS,
    SenderKind.PARTNER: tuple(action.value for action in PartnerAction),
    SenderKind.NONE: (),
}


@dataclass(frozen=True)
class Sender:
    kind: SenderKind
    point_person: PointPerson | None = None
    contact_point: ContactPoint | None = None


def sender_of(session: Session, item: ReviewItem) -> Sender:
    """Who sent the item's message: a point person, the returnee, a proxy, or nobody known."""
    message = item.message
    if message is None:
        return Sender(SenderKind.NONE)
    if message.direction == "in":
        person = session.scalar(select(PointPerson).filter_by(phone_e164=message.phone_e164))
        if person is not None:
            return Sender(SenderKind.PARTNER, point_person=person)
    point = session.get(ContactPoint, message.contact_point_id or 0)
    if point is None and message.returnee_id is not None:
        point = session.scalar(
            select(ContactPoint).filter_by(
                returnee_id=message.returnee_id, phone_e164=message.phone_e164
            )
        )
    if point is None:
        return Sender(SenderKind.UNKNOWN)
    return Sender(SenderKind.PROXY if point.is_proxy else SenderKind.RETURNEE, contact_point=point)


_REFERENCE = re.compile(r"^r?\s*-?\s*(\d{1,9})$", re.IGNORECASE)


def find_referral(session: Session, typed: str) -> Referral | None:
    """The referral a caseworker typed: its reference (`R1004`, `r1004`, `1004`), else an id.

    Bare digits are read as a reference first (the console shows references), then as an id.
    Anything else finds nothing; None, never an error.
    """
    text = typed.strip()
    found = session.scalar(select(Referral).where(func.upper(Referral.reference) == text.upper()))
    if found is not None or not text:
        return found
    match = _REFERENCE.match(text)
    if match is None:
        return None
    digits = match.group(1)
    found = session.scalar(select(Referral).filter_by(reference=f"R{digits}"))
    if found is None and not text[0].isalpha():
        found = session.get(Referral, int(digits))
    return found


class UnknownReferral(InvalidInput):
    """No referral has the reference (or id) typed in a review form."""

    def __init__(self, typed: str) -> None:
        self.typed = typed.strip()[:20]
        super().__init__(
            "referral", "no referral '%(typed)s': type its reference", typed=self.typed
        )


def referral_from_form(session: Session, typed: str) -> Referral | None:
    """The referral typed in a review form (empty: the item's own); `InvalidInput` if unknown."""
    if not typed.strip():
        return None
    found = find_referral(session, typed)
    if found is None:
        raise UnknownReferral(typed)
    return found


def only_open_referral(session: Session, returnee_id: int | None) -> Referral | None:
    """The returnee's one open referral, when they have exactly one: what a message without a
    question can only be about."""
    if returnee_id is None:
        return None
    found = session.scalars(
        select(Referral)
        .where(Referral.returnee_id == returnee_id, Referral.status.not_in(CLOSED))
        .limit(2)
    ).all()
    return found[0] if len(found) == 1 else None


def referral_of_item(session: Session, item: ReviewItem) -> Referral | None:
    """The referral an item is about: its own, its message's, else the sender's only open one
    (what applying it without typing a reference would use)."""
    referral_id = item.referral_id or (item.message.referral_id if item.message else None)
    if referral_id:
        return session.get(Referral, referral_id)
    if item.message is not None and item.notice_id is None:
        return only_open_referral(session, item.message.returnee_id)
    return None


def open_referrals_of(session: Session, returnee_id: int | None, limit: int = 5) -> list[str]:
    """References of a returnee's open referrals, newest first (a hint for the reviewer)."""
    if returnee_id is None:
        return []
    return [
        str(reference)
        for reference in session.scalars(
            select(Referral.reference)
            .where(Referral.returnee_id == returnee_id, Referral.status.not_in(CLOSED))
            .order_by(Referral.id.desc())
            .limit(limit)
        )
    ]


def apply_review(
    session: Session,
    item_id: int,
    meaning: str,
    *,
    now: datetime,
    actor: Actor,
    referral: Referral | None = None,
) -> ReplyOutcome:
    """Apply a queued message as `meaning`: a returnee intent, or a partner outcome for a point
    person's message. `InvalidInput` or `TransitionRefused` leave everything unchanged."""
    item = open_review_item(session, item_id)
    sender = sender_of(session, item)
    if meaning not in INTENTS_FOR[sender.kind]:
        if sender.kind is SenderKind.PARTNER:
            raise InvalidInput("intent", "a partner's message is applied as a partner's outcome")
        raise InvalidInput("intent", "this meaning does not fit who sent the message")
    if sender.kind is SenderKind.PARTNER:
        assert sender.point_person is not None  # noqa: S101  (a partner sender has its person)
        return _apply_partner_outcome(
            session, item, sender.point_person, PartnerAction(meaning), now, actor, referral
        )
    message = item.message
    if referral is None and item.referral_id is None and message is not None:
        referral = only_open_referral(session, message.returnee_id)
    if (
        referral is not None
        and message is not None
        and message.returnee_id is not None
        and referral.returnee_id != message.returnee_id
    ):
        raise InvalidInput("referral", "this referral is another returnee's")
    outcome = apply_review_item(
        session,
        item_id,
        Intent(meaning),
        now=now,
        actor=actor,
        referral_id=referral.id if referral is not None else None,
    )
    item.resolution = Resolution.APPLIED
    return outcome


def _apply_partner_outcome(
    session: Session,
    item: ReviewItem,
    person: PointPerson,
    action: PartnerAction,
    now: datetime,
    actor: Actor,
    referral: Referral | None,
) -> ReplyOutcome:
    """What the point person meant, recorded as the caseworker's reading of their message."""
    target = referral or session.get(Referral, item.referral_id or 0)
    if target is None:
        raise InvalidInput("referral", "type the reference of the referral the partner means")
    if target.partner_id != person.partner_id:
        raise InvalidInput("referral", "this referral is another partner's")
    outcome = ReplyOutcome("applied")
    if not is_already_recorded(target, action):
        change_status(
            session,
            target,
            STATUS_FOR_ACTION[action],
            source=Source.CASEWORKER,
            now=now,
            actor=actor,
            message=item.message,
        )
        if action is PartnerAction.INELIGIBLE:
            target.needs_reorientation = True
        outcome.notice_ids += _tell_partner(session, item, person, target, now)
    _resolve(item, Resolution.APPLIED, now, actor)
    session.flush()
    return outcome


def _tell_partner(
    session: Session, item: ReviewItem, person: PointPerson, referral: Referral, now: datetime
) -> list[int]:
    """The point person hears that their report was recorded (not when the number stopped)."""
    if suppressed_numbers(session, [person.phone_e164]):
        return []
    message = item.message
    channel = message.channel if message is not None and message.channel != "voice" else "sms"
    notice = plan_notice_to_number(
        session,
        kind=NoticeKind.ACK_PARTNER_RESULTS,
        phone_e164=person.phone_e164,
        channel=channel,
        language=person.language or (message.language if message else "") or "fr",
        now=now,
    )
    notice.payload = {"results": [asdict(CommandResult(referral.reference or "", RECORDED))]}
    session.flush()
    return [notice.id]


def reply_to_review_item(
    session: Session, item_id: int, kind: str, *, now: datetime, actor: Actor
) -> ReplyOutcome:
    """Answer the sender with a template (how replies work, or "your message reached us") and
    resolve the item; nothing changes on the referral. Refused for a partner or an unknown
    number, and for a contact that stopped messages."""
    item = open_review_item(session, item_id)
    sender = sender_of(session, item)
    point = sender.contact_point
    if kind not in REPLY_KINDS:
        raise InvalidInput("template", "choose one of the reply templates")
    if point is None or item.message is None:
        raise InvalidInput("template", "only a returnee's or a proxy's message gets a template")
    returnee = point.returnee
    channel = "sms" if item.message.channel == "voice" else item.message.channel
    if is_opted_out(returnee, channel) or suppressed_numbers(session, [point.phone_e164]):
        raise InvalidInput("template", "this contact stopped messages: nothing can be sent")
    notice = plan_notice(
        session,
        kind=NoticeKind(kind),
        returnee=returnee,
        contact_point=point,
        channel=channel,
        due_at=now,
        now=now,
    )
    _resolve(item, Resolution.REPLIED, now, actor)
    session.flush()
    return ReplyOutcome("replied", [notice.id])


def dismiss_review_item(
    session: Session, item_id: int, *, note: str, now: datetime, actor: Actor
) -> ReviewItem:
    """Close an item without acting on it; the note says why. Nothing is sent to anyone."""
    item = open_review_item(session, item_id)
    item.note = _note(note)
    _resolve(item, Resolution.DISMISSED, now, actor)
    session.flush()
    return item


def lift_likeness_stop(
    session: Session,
    item_id: int,
    *,
    now: datetime,
    actor: Actor,
    referral: Referral | None = None,
) -> ReplyOutcome:
    """A stop read by likeness (rule 7b) was not meant: the number starts again as START would
    start it and the person is told. The message was no opt-out, and what it meant instead is
    for the caseworker to follow up: it is recorded as `unclear`, never as a wish to start."""
    item = _likeness_item(session, item_id)
    outcome = apply_review(
        session, item_id, Intent.OPT_IN.value, now=now, actor=actor, referral=referral
    )
    assert item.message is not None  # noqa: S101  (a likeness item always has its message)
    item.message.intent = Intent.UNCLEAR
    item.resolution = Resolution.STOP_LIFTED
    session.flush()
    return outcome


def keep_likeness_stop(
    session: Session, item_id: int, *, now: datetime, actor: Actor
) -> ReviewItem:
    """A stop read by likeness (rule 7b) was meant: it stays, nobody is sent anything, and the
    decision shows on the referral's timeline when the referral is known."""
    item = _likeness_item(session, item_id)
    referral = referral_of_item(session, item)
    if referral is not None:
        # The message that stopped the number joins the referral's timeline with the decision.
        item.referral_id = item.referral_id or referral.id
        assert item.message is not None  # noqa: S101  (a likeness item always has its message)
        item.message.referral_id = item.message.referral_id or referral.id
    _resolve(item, Resolution.STOP_KEPT, now, actor)
    session.flush()
    return item


def send_notices_by_voice(
    session: Session, item_id: int, *, now: datetime, actor: Actor
) -> ReviewItem:
    """A returnee wrote from their own number that they cannot read (`CANNOT_READ_REASON`):
    their notices go as voice calls, those already planned to their own numbers and those
    planned from now on (a notice in a language no call can carry still goes as an SMS,
    `smsgateway.dispatch`). Nothing is sent now; the item is decided. A relative who cannot
    read is no reason to change how the returnee is reached: refused."""
    item = open_review_item(session, item_id)
    returnee = item.returnee
    if item.reason != CANNOT_READ_REASON or returnee is None:
        raise InvalidInput("item_id", "this review item is not from someone who cannot read")
    why = why_no_voice(session, item)
    if why is NoVoice.NOT_THEIR_OWN_NUMBER:
        raise InvalidInput("item_id", "written from another number than the returnee's own")
    if why is NoVoice.NO_LANGUAGE:
        raise InvalidInput("item_id", "no call can carry the returnee's languages")
    if why is NoVoice.STOPPED:
        raise InvalidInput("item_id", "the returnee's number stopped calls")
    update_returnee(session, returnee, now=now, actor=actor, channel=Channel.VOICE)
    _resolve(item, Resolution.VOICE_CHOSEN, now, actor)
    session.flush()
    return item


class NoVoice(StrEnum):
    """Why a cannot-read item may not switch the returnee's notices to calls."""

    # A relative's or friend's number, or a phone others use too: whoever cannot read may not
    # be the returnee.
    NOT_THEIR_OWN_NUMBER = "not_their_own_number"
    # No recording or voice in a language the person understands: calls would go as SMS.
    NO_LANGUAGE = "no_language"
    # Voice calls stopped, or the number is on the suppression list.
    STOPPED = "stopped"


def why_no_voice(session: Session, item: ReviewItem) -> NoVoice | None:
    """Why the notices of a cannot-read item's returnee cannot go as calls, or None."""
    point = sender_of(session, item).contact_point
    returnee = item.returnee
    if point is None or point.is_proxy or point.is_shared or returnee is None:
        return NoVoice.NOT_THEIR_OWN_NUMBER
    languages = own_languages(returnee.preferred_language, returnee)
    if call_language(languages, NoticeKind.APPOINTMENT_REMINDER, is_question=True) is None:
        return NoVoice.NO_LANGUAGE
    if is_opted_out(returnee, Channel.VOICE) or suppressed_numbers(session, [point.phone_e164]):
        return NoVoice.STOPPED
    return None


def record_call(
    session: Session, item_id: int, *, note: str, now: datetime, actor: Actor
) -> ReviewItem:
    """Someone who cannot read (`CANNOT_READ_REASON`) was called: the note says what the call
    gave, and the item is decided. Nothing is sent to anyone."""
    item = open_review_item(session, item_id)
    if item.reason != CANNOT_READ_REASON:
        raise InvalidInput("item_id", "this review item is not from someone who cannot read")
    item.note = _note(note, of_a_call=True)
    _resolve(item, Resolution.CALLED, now, actor)
    session.flush()
    return item


def _note(note: str, *, of_a_call: bool = False) -> str:
    """A caseworker's note, stripped: what a call gave, or why an item needs nothing."""
    text = note.strip()
    if not text and of_a_call:
        raise InvalidInput("note", "say in a few words what the call gave")
    if not text:
        raise InvalidInput("note", "say in a few words why it needs nothing")
    if len(text) > NOTE_LENGTH:
        raise InvalidInput("note", "use at most %(count)s characters", count=NOTE_LENGTH)
    return text


def _likeness_item(session: Session, item_id: int) -> ReviewItem:
    item = open_review_item(session, item_id)
    if item.reason != STOPPED_BY_LIKENESS_REASON or item.message is None:
        raise InvalidInput("item_id", "this review item is not a stop read by likeness")
    return item


def _resolve(item: ReviewItem, resolution: Resolution, now: datetime, actor: Actor) -> None:
    item.resolved_at = now
    item.resolved_by, item.resolved_by_user_id = actor_identity(actor)
    item.resolution = resolution


def open_review_items(session: Session, *, limit: int = 50, offset: int = 0) -> list[ReviewItem]:
    """The open items, newest first."""
    return list(
        session.scalars(
            select(ReviewItem)
            .where(ReviewItem.resolved_at.is_(None))
            .order_by(ReviewItem.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def count_open_review_items(session: Session) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(ReviewItem).where(ReviewItem.resolved_at.is_(None))
        )
        or 0
    )


def review_items_of_referral(session: Session, referral: Referral) -> list[ReviewItem]:
    """Every review item about a referral, resolved or not (for its timeline)."""
    return list(
        session.scalars(
            select(ReviewItem).where(ReviewItem.referral_id == referral.id).order_by(ReviewItem.id)
        )
    )


def is_message_item(item: ReviewItem) -> bool:
    return item.message is not None and item.notice_id is None
