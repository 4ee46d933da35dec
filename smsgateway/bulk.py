"""Bulk notices: one message to a cohort of returnees, previewed, confirmed, followed and cancelled.

    draft ──confirm──▶ confirmed (one notice per recipient) ──cancel──▶ cancelled (unsent ones)

A preview renders once per (language chain, channel, sensitivity) group rather than once per
recipient, so it stays fast for thousands; its figures are an estimate (names differ in length).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from smsgateway.config import Settings
from smsgateway.content.languages import fallback_chain
from smsgateway.content.rendering import NOTICE_KINDS, Rendered, RenderError, render_message
from smsgateway.errors import InvalidInput
from smsgateway.models import BulkSend, ContactPoint, Message, Notice, Referral, Returnee
from smsgateway.notices import NoticeKind, NoticeState, cancel_pending, insert_notices, notice_row
from smsgateway.planning import allowed_hours_for
from smsgateway.programme import Programme, current_programme, programme_of
from smsgateway.quiet_hours import next_allowed_time
from smsgateway.reachability import INVALID, OPTED_OUT, UNREACHABLE
from smsgateway.returnees import is_opted_out

#: Template kinds a bulk notice may use besides free text; each needs the returnee's referral.
REFERRAL_KINDS = frozenset(
    {NoticeKind.REFERRAL_CREATED, NoticeKind.APPOINTMENT_REMINDER, NoticeKind.REFERRAL_FOLLOWUP}
)
DRAFT, CONFIRMED, CANCELLED = "draft", "confirmed", "cancelled"
#: Numbers known not to reach the person: a bulk notice leaves them out.
LOST = (UNREACHABLE, INVALID)


@dataclass(frozen=True)
class Cohort:
    """Who receives a bulk notice; filters combine with AND, an empty filter matches everyone."""

    partner_id: int | None = None
    service_category: str = ""
    statuses: tuple[str, ...] = ()
    language: str = ""
    place: str = ""  # a substring of the appointment place
    case_references: tuple[str, ...] = ()
    everyone: bool = False  # must be set to send to all returnees without any filter
    # Referrals whose appointment falls in [from, to) (UTC; either may be left open).
    appointment_from: datetime | None = None
    appointment_to: datetime | None = None

    @property
    def filters_referrals(self) -> bool:
        return bool(
            self.partner_id
            or self.service_category
            or self.statuses
            or self.place
            or self.appointment_from
            or self.appointment_to
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("appointment_from", "appointment_to"):
            data[name] = data[name].isoformat() if data[name] else None
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Cohort:
        return cls(
            partner_id=data.get("partner_id"),
            service_category=data.get("service_category", ""),
            statuses=tuple(data.get("statuses", ())),
            language=data.get("language", ""),
            place=data.get("place", ""),
            case_references=tuple(data.get("case_references", ())),
            everyone=bool(data.get("everyone", False)),
            appointment_from=_moment(data.get("appointment_from")),
            appointment_to=_moment(data.get("appointment_to")),
        )


def _moment(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


@dataclass(frozen=True)
class Content:
    """What a bulk notice says: free text per language, or a template kind."""

    kind: str = NoticeKind.BULK_INFORMATION
    texts: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "texts": dict(self.texts)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Content:
        return cls(kind=data.get("kind", NoticeKind.BULK_INFORMATION), texts=data.get("texts", {}))


@dataclass
class BulkPreview:
    """The figures a manager sees before confirming a bulk notice."""

    recipients: int = 0
    excluded: Counter[str] = field(default_factory=Counter)  # no_number, opted_out, ...
    languages: Counter[str] = field(default_factory=Counter)
    channels: Counter[str] = field(default_factory=Counter)
    encodings: Counter[str] = field(default_factory=Counter)
    segments: int = 0
    cost: float = 0.0
    currency: str = ""
    #: One row per (language, channel) group: what they receive and what it costs.
    groups: list[PreviewGroup] = field(default_factory=list)
    #: Recipients in their quiet hours at the start: their notice waits for the allowed hour.
    waiting: int = 0


@dataclass(frozen=True)
class PreviewGroup:
    language: str
    channel: str
    is_sensitive: bool
    recipients: int
    encoding: str
    segments: int  # per message
    cost: float
    text: str  # as the group's first member receives it


@dataclass(frozen=True)
class Recipient:
    returnee: Returnee
    referral: Referral | None


def validate(cohort: Cohort, content: Content) -> None:
    """Refuse a cohort without any filter (unless `everyone`) and content that cannot render."""
    has_filter = cohort.filters_referrals or cohort.language or cohort.case_references
    if not has_filter and not cohort.everyone:
        raise InvalidInput("cohort", "choose at least one filter, or everyone")
    if content.kind == NoticeKind.BULK_INFORMATION:
        if not any(text.strip() for text in content.texts.values()):
            raise InvalidInput("texts", "write the message in at least one language")
    elif content.kind not in REFERRAL_KINDS or content.kind not in NOTICE_KINDS:
        raise InvalidInput("kind", "%(kind)s cannot be sent in bulk", kind=content.kind)


def select_recipients(
    session: Session, cohort: Cohort, content: Content
) -> tuple[list[Recipient], Counter[str]]:
    """The cohort's returnees (with their latest matching referral) and who was left out, why."""
    excluded: Counter[str] = Counter()
    candidates = _candidates(session, cohort)
    recipients = []
    for returnee, referral in candidates:
        if content.kind in REFERRAL_KINDS and referral is None:
            excluded["no_referral"] += 1
        elif (point := returnee.own_contact_point()) is None:
            excluded["no_number"] += 1
        elif is_opted_out(returnee, returnee.preferred_channel) or point.reachability == OPTED_OUT:
            excluded["opted_out"] += 1  # the returnee's choice, or STOP from that number
        elif returnee.unreachable_flagged_at is not None or point.reachability in LOST:
            excluded["unreachable"] += 1  # flagged, or their number does not reach them
        else:
            recipients.append(Recipient(returnee, referral))
    return recipients, excluded


def preview_bulk(
    session: Session,
    cohort: Cohort,
    content: Content,
    *,
    settings: Settings,
    now: datetime,
    programme: Programme | None = None,
    window_start: datetime | None = None,
) -> BulkPreview:
    """Counts per language, channel and encoding, segments and estimated cost of a bulk notice,
    and how many recipients would wait for the end of their quiet hours at `window_start`."""
    validate(cohort, content)
    programme = programme or programme_of(settings)
    recipients, excluded = select_recipients(session, cohort, content)
    preview = BulkPreview(excluded=excluded, currency=programme.currency)
    groups: dict[tuple[Any, ...], list[Recipient]] = {}
    for recipient in recipients:
        groups.setdefault(_group_key(recipient, settings), []).append(recipient)
    for (chain, channel, sensitive), members in groups.items():
        try:
            rendered = _render(content, members[0], chain, channel, sensitive, settings)
        except RenderError:
            preview.excluded["no_translation"] += len(members)
            continue
        count = len(members)
        preview.recipients += count
        preview.languages[rendered.language] += count
        preview.channels[channel] += count
        preview.encodings[rendered.encoding or "voice"] += count
        units = rendered.segments if channel != "voice" else 1
        preview.segments += rendered.segments * count
        cost = units * count * programme.price_of(channel)
        preview.cost += cost
        _add_group(
            preview,
            PreviewGroup(
                rendered.language,
                channel,
                sensitive,
                count,
                rendered.encoding or "voice",
                rendered.segments,
                round(cost, 2),
                rendered.text,
            ),
        )
    start = max(window_start or now, now)
    preview.waiting = sum(
        1
        for r in recipients
        if next_allowed_time(start, r.returnee.time_zone, allowed_hours_for(r.returnee, programme))
        > start
    )
    preview.cost = round(preview.cost, 2)
    preview.groups.sort(key=lambda group: (-group.recipients, group.language, group.channel))
    return preview


def _add_group(preview: BulkPreview, new: PreviewGroup) -> None:
    """One row per message actually sent: groups that render the same text are merged."""
    for n, group in enumerate(preview.groups):
        if (group.language, group.channel, group.text) == (new.language, new.channel, new.text):
            preview.groups[n] = replace(
                group,
                recipients=group.recipients + new.recipients,
                cost=round(group.cost + new.cost, 2),
            )
            return
    preview.groups.append(new)


def create_bulk(
    session: Session,
    cohort: Cohort,
    content: Content,
    *,
    window_start: datetime,
    now: datetime,
    created_by: str,
    window_end: datetime | None = None,
) -> BulkSend:
    """A draft bulk notice: nothing is planned until it is confirmed."""
    validate(cohort, content)
    if window_start.tzinfo is None or (window_end is not None and window_end.tzinfo is None):
        raise InvalidInput("window", "the send window needs a time zone")
    if window_end is not None and window_end <= max(window_start, now):
        raise InvalidInput("window", "the send window must end after it starts, in the future")
    bulk = BulkSend(
        state=DRAFT,
        cohort=cohort.to_dict(),
        content=content.to_dict(),
        window_start_at=window_start,
        window_end_at=window_end,
        created_by=created_by,
        created_at=now,
    )
    session.add(bulk)
    session.flush()
    return bulk


def confirm_bulk(
    session: Session,
    bulk: BulkSend,
    *,
    now: datetime,
    programme: Programme | None = None,
) -> int:
    """Plan one notice per recipient in their language and channel, written by one INSERT over
    all rows (`notices.insert_notices`); returns how many."""
    if bulk.state != DRAFT:
        raise InvalidInput(
            "bulk", "bulk notice %(id)s is %(state)s, not a draft", id=bulk.id, state=bulk.state
        )
    programme = programme or current_programme()
    content = Content.from_dict(bulk.content)
    recipients, _ = select_recipients(session, Cohort.from_dict(bulk.cohort), content)
    start = max(bulk.window_start_at, now)
    payload = {"texts": content.texts} if content.kind == NoticeKind.BULK_INFORMATION else {}
    kind = NoticeKind(content.kind)
    rows = []
    for recipient in recipients:
        returnee = recipient.returnee
        due = next_allowed_time(start, returnee.time_zone, allowed_hours_for(returnee, programme))
        referral_id = recipient.referral.id if recipient.referral is not None else None
        rows.append(
            notice_row(
                kind=kind,
                returnee=returnee,
                referral_id=referral_id,
                due_at=due,
                expires_at=bulk.window_end_at,
                payload=payload,
                now=now,
                bulk_send_id=bulk.id,
            )
        )
    insert_notices(session, rows)  # one INSERT over all rows, however large the cohort
    bulk.state = CONFIRMED
    bulk.confirmed_at = now
    session.flush()
    return len(recipients)


def bulk_progress(session: Session, bulk: BulkSend) -> dict[str, int]:
    """How many of the bulk notice's notices are in each state, plus `total`."""
    rows = session.execute(
        select(Notice.state, func.count())
        .where(Notice.bulk_send_id == bulk.id)
        .group_by(Notice.state)
    )
    counts = dict.fromkeys(NoticeState, 0) | {state: int(n) for state, n in rows}
    counts["total"] = sum(counts.values())
    return {str(state): n for state, n in counts.items()}


def bulk_outcomes(session: Session, bulk: BulkSend) -> dict[str, int]:
    """What became of the bulk notice's messages: delivered, failed, and replies received from
    its recipients' numbers since it was confirmed."""
    rows = session.execute(
        select(Message.delivery_status, func.count())
        .join(Notice, Message.notice_id == Notice.id)
        .where(Notice.bulk_send_id == bulk.id, Message.direction == "out")
        .group_by(Message.delivery_status)
    ).all()
    by_status = {status: int(n) for status, n in rows}
    recipients = (
        select(ContactPoint.phone_e164)
        .join(Notice, Notice.contact_point_id == ContactPoint.id)
        .where(Notice.bulk_send_id == bulk.id, Notice.state == NoticeState.SENT)
    )
    replies = 0
    if bulk.confirmed_at is not None:
        replies = int(
            session.scalar(
                select(func.count(Message.id)).where(
                    Message.direction == "in",
                    Message.created_at >= bulk.confirmed_at,
                    Message.phone_e164.in_(recipients),
                )
            )
            or 0
        )
    return {
        "delivered": sum(by_status.get(s, 0) for s in ("delivered", "read")),
        "failed": sum(by_status.get(s, 0) for s in ("undelivered", "failed")),
        "replies": replies,
    }


def case_references_of(text: str) -> tuple[str, ...]:
    """The case references of an uploaded CSV file: its `case_reference` column, else its
    first column; a header row, blank lines and repeats are left out."""
    rows = [row for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) if any(row)]
    if not rows:
        return ()
    header = [cell.strip().lower() for cell in rows[0]]
    column = header.index("case_reference") if "case_reference" in header else 0
    body = rows[1:] if "case_reference" in header or "case reference" in header else rows
    found = (row[column].strip() for row in body if len(row) > column)
    return tuple(dict.fromkeys(ref for ref in found if ref))


def cancel_bulk(session: Session, bulk: BulkSend, *, now: datetime) -> int:
    """Cancel the notices not yet sent (sent ones stay); returns how many were cancelled."""
    if bulk.state == CANCELLED:
        return 0
    session.flush()
    cancelled = cancel_pending(session, bulk_send_id=bulk.id, reason="bulk notice cancelled")
    bulk.state = CANCELLED
    bulk.cancelled_at = now
    session.flush()
    return cancelled


def _candidates(session: Session, cohort: Cohort) -> Iterable[tuple[Returnee, Referral | None]]:
    """Each matching returnee once, with their latest matching referral (if any)."""
    returnees = select(Returnee).options(
        selectinload(Returnee.contact_points), selectinload(Returnee.consents)
    )
    if cohort.language:
        returnees = returnees.where(Returnee.preferred_language == cohort.language)
    if cohort.case_references:
        returnees = returnees.where(Returnee.case_reference.in_(cohort.case_references))
    referrals = select(Referral)
    if cohort.partner_id:
        referrals = referrals.where(Referral.partner_id == cohort.partner_id)
    if cohort.service_category:
        referrals = referrals.where(Referral.service_category == cohort.service_category)
    if cohort.statuses:
        referrals = referrals.where(Referral.status.in_(cohort.statuses))
    if cohort.place:
        referrals = referrals.where(Referral.appointment_place.contains(cohort.place))
    if cohort.appointment_from:
        referrals = referrals.where(Referral.appointment_at >= cohort.appointment_from)
    if cohort.appointment_to:
        referrals = referrals.where(Referral.appointment_at < cohort.appointment_to)
    if cohort.filters_referrals:
        returnees = returnees.where(
            Returnee.id.in_(referrals.with_only_columns(Referral.returnee_id))
        )
    found = list(session.scalars(returnees.order_by(Returnee.id)))
    latest: dict[int, Referral] = {}
    ids = [returnee.id for returnee in found]
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        query = referrals.where(Referral.returnee_id.in_(chunk)).order_by(Referral.created_at)
        for referral in session.scalars(query.options(selectinload(Referral.partner))):
            latest[referral.returnee_id] = referral
    return [(returnee, latest.get(returnee.id)) for returnee in found]


def _group_key(recipient: Recipient, settings: Settings) -> tuple[Any, ...]:
    returnee = recipient.returnee
    chain = tuple(
        fallback_chain(
            returnee.preferred_language,
            returnee.language_chain[1:],
            default=settings.default_language,
        )
    )
    sensitive = bool(recipient.referral and recipient.referral.is_sensitive)
    return chain, returnee.preferred_channel, sensitive


def _render(
    content: Content,
    sample: Recipient,
    chain: tuple[str, ...],
    channel: str,
    sensitive: bool,
    settings: Settings,
) -> Rendered:
    """One group's message, rendered for its first member as the dispatcher would."""
    context: dict[str, object] = {
        "office_phone": settings.office_phone,
        "first_name": sample.returnee.first_name,
    }
    referral = sample.referral
    if referral is not None and content.kind != NoticeKind.BULK_INFORMATION:
        context.update(
            reference=referral.reference,
            partner_name=referral.partner.message_name,
            place=referral.appointment_place,
            appointment_at=referral.appointment_at,
        )
        if not referral.is_sensitive:
            context["service"] = referral.service_category
    if content.kind == NoticeKind.BULK_INFORMATION:
        context["texts"] = content.texts
    return render_message(
        content.kind,
        channel=channel,
        languages=chain,
        time_zone=sample.returnee.time_zone,
        is_sensitive=sensitive,
        context=context,
    )
