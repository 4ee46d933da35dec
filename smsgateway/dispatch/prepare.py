"""Preparing claimed notices: render each in its recipient's language and time zone, and settle
those that must not go out now (expired, suppressed, opted out, quiet hours, unrenderable)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from sqlalchemy import Column, Table, select
from sqlalchemy.orm import Session, joinedload, object_session

from smsgateway.config import Settings
from smsgateway.content import voice
from smsgateway.content.languages import fallback_chain
from smsgateway.content.rendering import Rendered, render_message
from smsgateway.dispatch.report import DispatchReport
from smsgateway.escalation import record_step_unsent
from smsgateway.loop.partner_questions import partner_question_context, person_label
from smsgateway.models import ChannelConsent, ContactPoint, Notice, Partner, Referral, Returnee
from smsgateway.notices import IMMEDIATE_KINDS, NoticeKind, NoticeState
from smsgateway.planning import allowed_hours_for
from smsgateway.programme import programme_of
from smsgateway.questions import HELD, held_questions, is_pointless
from smsgateway.quiet_hours import AllowedHours, next_allowed_time
from smsgateway.reachability import open_whatsapp_sessions, suppressed_numbers
from smsgateway.returnees import is_opted_out
from smsgateway.transports.base import OutboundMessage
from smsgateway.transports.twilio import WHATSAPP_SESSION_OPEN

log = logging.getLogger(__name__)

# Answers to STOP and START still go out to a suppressed number.
UNSUPPRESSED_KINDS = frozenset({NoticeKind.ACK_OPTED_OUT, NoticeKind.ACK_OPTED_IN})


@dataclass(frozen=True)
class Prepared:
    """A rendered notice ready for the transport, detached from any session."""

    notice_id: int
    attempts: int
    due_at: datetime
    outbound: OutboundMessage
    rendered: Rendered
    contact_point_id: int | None
    returnee_id: int | None
    referral_id: int | None


def reference_of(notice_id: int) -> str:
    """Our reference for a notice's message, given to the transport."""
    return f"notice-{notice_id}"


# The columns of a notice's returnee, contact point, referral and partner that preparing and
# rendering read. Any other attribute still loads when touched (one query), so a rule that
# reads more stays right, only slower: add its column here.
RETURNEE_COLUMNS = (
    Returnee.first_name,
    Returnee.last_name,
    Returnee.preferred_language,
    Returnee.fallback_languages,
    Returnee.time_zone,
    Returnee.quiet_hours_start,
    Returnee.quiet_hours_end,
    Returnee.erased_at,
)
CONTACT_POINT_COLUMNS = (ContactPoint.phone_e164, ContactPoint.is_proxy)
REFERRAL_COLUMNS = (
    Referral.reference,
    Referral.partner_id,
    Referral.service_category,
    Referral.is_sensitive,
    Referral.status,
    Referral.appointment_at,
    Referral.appointment_place,
)
PARTNER_COLUMNS = (Partner.name, Partner.display_name)


def load_notices(session: Session, ids: list[int]) -> list[Notice]:
    """Notices with what rendering and settling need, loaded in two queries: the notices joined
    to their returnee, contact point, referral and partner (each notice has at most one of
    each, and only the columns above of each), then the returnees' consents."""
    return list(
        session.scalars(
            select(Notice)
            .where(Notice.id.in_(ids))
            .options(
                joinedload(Notice.returnee)
                .load_only(*RETURNEE_COLUMNS)
                .selectinload(Returnee.consents),
                joinedload(Notice.contact_point).load_only(*CONTACT_POINT_COLUMNS),
                joinedload(Notice.referral)
                .load_only(*REFERRAL_COLUMNS)
                .joinedload(Referral.partner)
                .load_only(*PARTNER_COLUMNS),
            )
            .order_by(Notice.id)
        )
    )


# The rows below take their fields in the order of the column tuples above (positional, for
# speed; tests/unit/test_dispatch_rows.py checks the names match).
@dataclass(slots=True)
class ReturneeRow:
    """The columns of a notice's returnee that preparing reads, as a plain row."""

    first_name: str
    last_name: str
    preferred_language: str
    fallback_languages: str
    time_zone: str
    quiet_hours_start: time | None
    quiet_hours_end: time | None
    erased_at: datetime | None

    @property
    def language_chain(self) -> list[str]:  # as Returnee.language_chain
        return [self.preferred_language, *filter(None, self.fallback_languages.split(","))]


@dataclass(slots=True)
class ContactPointRow:
    phone_e164: str
    is_proxy: bool


@dataclass(slots=True)
class PartnerRow:
    name: str
    display_name: str

    @property
    def message_name(self) -> str:  # as Partner.message_name
        return self.display_name or self.name


@dataclass(slots=True)
class ReferralRow:
    reference: str
    partner_id: int
    service_category: str
    is_sensitive: bool
    status: str
    appointment_at: datetime | None
    appointment_place: str
    partner: PartnerRow


@dataclass(slots=True)
class NoticeRow:
    """A claimed notice with what rendering reads, read as plain rows (no ORM objects): what an
    ordinary notice needs to be rendered and sent. Anything else goes through `Notice`."""

    id: int
    kind: str
    channel: str
    language: str
    question: str | None
    payload: dict[str, Any]
    due_at: datetime
    expires_at: datetime | None
    state: str
    attempts: int
    claimed_by: str | None
    recipient_phone: str | None
    contact_point_id: int | None
    returnee_id: int | None
    referral_id: int | None
    returnee: ReturneeRow | None
    contact_point: ContactPointRow | None
    referral: ReferralRow | None


NOTICE_ROW_COLUMNS = (
    Notice.id,
    Notice.kind,
    Notice.channel,
    Notice.language,
    Notice.question,
    Notice.payload,
    Notice.due_at,
    Notice.expires_at,
    Notice.state,
    Notice.attempts,
    Notice.claimed_by,
    Notice.recipient_phone,
    Notice.contact_point_id,
    Notice.returnee_id,
    Notice.referral_id,
)


def _table(model: type[Any]) -> Table:
    return model.metadata.tables[model.__tablename__]


def _column(attribute: Any) -> Column[Any]:
    """The table's own column of a mapped attribute (Core: no ORM work on the rows)."""
    return _table(attribute.class_).c[attribute.key]


_ROW_SELECT = tuple(
    _column(attribute)
    for attribute in (
        *NOTICE_ROW_COLUMNS,
        Returnee.id,
        *RETURNEE_COLUMNS,
        ContactPoint.id,
        *CONTACT_POINT_COLUMNS,
        Referral.id,
        *REFERRAL_COLUMNS,
        Partner.id,
        *PARTNER_COLUMNS,
    )
)
_N = len(NOTICE_ROW_COLUMNS)
_R = _N + 1 + len(RETURNEE_COLUMNS)
_C = _R + 1 + len(CONTACT_POINT_COLUMNS)
_F = _C + 1 + len(REFERRAL_COLUMNS)


def load_notice_rows(session: Session, ids: list[int]) -> list[NoticeRow]:
    """The notices `ids` with their returnee, contact point, referral and partner columns (those
    `load_notices` loads), in one query returning tuples: no identity map, no instance state."""
    if session.autoflush:
        session.flush()  # as session.execute would, before reading
    statement = (
        select(*_ROW_SELECT)
        .select_from(_table(Notice))
        .outerjoin(_table(Returnee), _column(Returnee.id) == _column(Notice.returnee_id))
        .outerjoin(
            _table(ContactPoint), _column(ContactPoint.id) == _column(Notice.contact_point_id)
        )
        .outerjoin(_table(Referral), _column(Referral.id) == _column(Notice.referral_id))
        .outerjoin(_table(Partner), _column(Partner.id) == _column(Referral.partner_id))
        .where(_column(Notice.id).in_(ids))
        .order_by(_column(Notice.id))
    )
    # Through the connection: plain result rows, without the ORM's row processing; fetched at
    # once for the batch, not one row at a time.
    rows = session.connection().execute(statement).all()
    loaded = []
    for values in rows:
        # Read by position (_N, _R, _C, _F); mypy cannot tell a slice's length (call-arg).
        row: tuple[Any, ...] = values
        returnee = ReturneeRow(*row[_N + 1 : _R]) if row[_N] is not None else None
        point = ContactPointRow(*row[_R + 1 : _C]) if row[_R] is not None else None
        referral = None
        if row[_C] is not None:
            # A referral always has its partner (a foreign key); a missing one is sent to the
            # rules by `_goes_as_loaded`, as the relationship would give None.
            partner = PartnerRow(*row[_F + 1 :]) if row[_F] is not None else None
            referral = ReferralRow(*row[_C + 1 : _F], partner)  # type: ignore[call-arg]
        loaded.append(NoticeRow(*row[:_N], returnee, point, referral))  # type: ignore[call-arg]
    return loaded


def opted_out_channels(session: Session, returnee_ids: set[int]) -> set[tuple[int, str]]:
    """(returnee, channel) pairs among `returnee_ids` that opted out (as `is_opted_out`)."""
    if not returnee_ids:
        return set()
    opted_out = session.execute(
        select(ChannelConsent.returnee_id, ChannelConsent.channel).where(
            ChannelConsent.returnee_id.in_(returnee_ids), ChannelConsent.is_opted_out
        )
    )
    return {(returnee_id, channel) for returnee_id, channel in opted_out}


def prepare_notices(
    session: Session,
    ids: list[int],
    settings: Settings,
    *,
    worker: str,
    now: datetime,
    report: DispatchReport,
) -> list[Prepared]:
    """Render claimed notices; settle those that must not go out now (expired, opted out,
    quiet hours, unrenderable) without calling the transport.

    The batch is read as plain rows. A notice that simply goes out now (none of the rules below
    settles, defers or changes it, and it renders) is prepared from its row; every other one is
    loaded as a `Notice` and goes through the rules, which settle it through the session.
    """
    rows = [row for row in load_notice_rows(session, ids) if row.claimed_by == worker]
    phones = [recipient_phone(row) for row in rows]
    suppressed = suppressed_numbers(session, phones)
    sessions_open = open_whatsapp_sessions(session, phones, now=now)
    opted_out = opted_out_channels(session, {r.returnee_id for r in rows if r.returnee_id})
    allowed_at: dict[tuple[str, AllowedHours], datetime] = {}
    prepared: list[Prepared] = []
    others: list[int] = []
    for row in rows:
        if row.state != NoticeState.CLAIMED:
            continue  # as below: a notice no longer claimed is left as it is
        item = None
        if _goes_as_loaded(row, settings, now, suppressed, opted_out, allowed_at):
            item = _prepare_row(row, settings, now, sessions_open)
        if item is None:
            others.append(row.id)
        else:
            prepared.append(item)
    if others:
        notices = load_notices(session, others)
        prepared += _prepare_loaded(
            session, notices, settings, now, report, suppressed, sessions_open
        )
        prepared.sort(key=lambda item: item.notice_id)
    return prepared


def _prepare_row(
    row: NoticeRow, settings: Settings, now: datetime, sessions_open: set[str]
) -> Prepared | None:
    """`prepare_one` on a row; None when it raised: the notice is then loaded and rendered
    again through the rules, which log the error and settle the notice as failed."""
    try:
        return prepare_one(row, settings, now=now, sessions_open=sessions_open)
    except Exception:  # see above: handled where the notice is loaded
        return None


def _goes_as_loaded(
    row: NoticeRow,
    settings: Settings,
    now: datetime,
    suppressed: set[str],
    opted_out: set[tuple[int, str]],
    allowed_at: dict[tuple[str, AllowedHours], datetime],
) -> bool:
    """Whether a claimed notice goes out now as it is: none of the rules of `_prepare_loaded`
    would settle, defer, hold or change it. False sends it through them."""
    if row.channel == "voice" or row.question is not None:
        return False  # the call-or-SMS rule; questions (pointless, held, partner questions)
    if row.kind == NoticeKind.PARTNER_QUESTION or "referral_ids" in (row.payload or {}):
        return False
    if row.referral is not None and row.referral.partner is None:
        return False
    if recipient_phone(row) in suppressed:
        return False
    if row.returnee is not None and row.returnee.erased_at is not None:
        return False
    if row.expires_at is not None and row.expires_at <= now:
        return False
    if row.kind in IMMEDIATE_KINDS:
        return True
    if row.returnee_id is not None and (row.returnee_id, row.channel) in opted_out:
        return False
    hours = recipient_hours(row, settings)
    allowed = allowed_at.get(hours)
    if allowed is None:
        allowed = allowed_at[hours] = next_allowed_time(now, *hours)
    return allowed <= now


def _prepare_loaded(
    session: Session,
    notices: list[Notice],
    settings: Settings,
    now: datetime,
    report: DispatchReport,
    suppressed: set[str],
    sessions_open: set[str],
) -> list[Prepared]:
    """The rules, on claimed notices loaded as `Notice`: settle, defer or hold those that must
    not go out now, render the others."""
    candidates: list[Notice] = []
    claimed = {n for n in notices if n.state == NoticeState.CLAIMED}
    for notice in notices:
        if notice.state != NoticeState.CLAIMED:
            continue
        if recipient_phone(notice) in suppressed and notice.kind not in UNSUPPRESSED_KINDS:
            finish_notice(notice, NoticeState.CANCELLED, "suppressed")  # STOP or error 21610
            report.cancelled += 1
            continue
        if _settle_without_sending(notice, settings, now, report):
            continue
        if is_pointless(session, notice):
            finish_notice(notice, NoticeState.CANCELLED, "no longer worth asking")
            report.cancelled += 1
            continue
        if notice.channel == "voice" and not voice.can_call(notice):
            # No recording or voice in a language the person understands: no call, an SMS.
            log.info(
                "dispatch: notice %d goes by SMS: no voice in the person's languages", notice.id
            )
            notice.channel = "sms"
        candidates.append(notice)
    for notice in notices:
        if notice.state in (NoticeState.EXPIRED, NoticeState.CANCELLED) and notice in claimed:
            record_step_unsent(session, notice, now=now)  # a sequence must not wait on it
    held = held_questions(session, candidates, now=now, programme=programme_of(settings))
    prepared: list[Prepared] = []
    for notice in candidates:
        if notice.id in held:  # one open question per number (smsgateway.questions)
            release_notice(notice, due_at=held[notice.id], reason=HELD)
            report.deferred += 1
            continue
        try:
            prepared.append(prepare_one(notice, settings, now=now, sessions_open=sessions_open))
        except Exception as exc:  # a template bug must not block the rest of the batch
            log.exception("dispatch: notice %d failed to render", notice.id)
            finish_notice(notice, NoticeState.FAILED, f"render error: {type(exc).__name__}")
            report.failed += 1
            record_step_unsent(session, notice, now=now)
    return prepared


def prepare_one(
    notice: Notice | NoticeRow, settings: Settings, *, now: datetime, sessions_open: set[str]
) -> Prepared:
    """Render one notice into what the transport is given."""
    rendered = render_notice(notice, settings)
    phone = recipient_phone(notice)
    extra = {WHATSAPP_SESSION_OPEN: "1"} if phone in sessions_open else {}
    valid_for = None
    if notice.expires_at is not None:
        valid_for = max(int((notice.expires_at - now).total_seconds()), 1)
    outbound = OutboundMessage(
        to=phone,
        channel=notice.channel,
        body=rendered.text,
        kind=notice.kind,
        language=rendered.language,
        reference=reference_of(notice.id),
        extra=extra,
        valid_for=valid_for,
    )
    return Prepared(
        notice_id=notice.id,
        attempts=notice.attempts,
        due_at=notice.due_at,
        outbound=outbound,
        rendered=rendered,
        contact_point_id=notice.contact_point_id,
        returnee_id=notice.returnee_id,
        referral_id=notice.referral_id,
    )


def _settle_without_sending(
    notice: Notice, settings: Settings, now: datetime, report: DispatchReport
) -> bool:
    """Expire, cancel or defer a notice that must not go out now; True when it was settled."""
    if notice.returnee is not None and notice.returnee.erased_at is not None:
        finish_notice(notice, NoticeState.CANCELLED, "erased")  # smsgateway.privacy.erasure
        report.cancelled += 1
        return True
    if notice.expires_at is not None and notice.expires_at <= now:
        finish_notice(notice, NoticeState.EXPIRED, "too late to be useful")
        report.expired += 1
        return True
    if notice.kind in IMMEDIATE_KINDS:
        return False  # the person just wrote: answer whatever the hour and their consent
    if notice.returnee is not None and is_opted_out(notice.returnee, notice.channel):
        finish_notice(notice, NoticeState.CANCELLED, "opted out")
        report.cancelled += 1
        return True
    allowed = next_allowed_time(now, *recipient_hours(notice, settings))
    if allowed > now:
        release_notice(notice, due_at=allowed, reason="quiet hours")
        report.deferred += 1
        return True
    return False


def recipient_hours(notice: Notice | NoticeRow, settings: Settings) -> tuple[str, AllowedHours]:
    """The recipient's time zone and allowed hours: the returnee's own, else the programme's."""
    programme = programme_of(settings)
    returnee = notice.returnee
    if returnee is None:
        return settings.default_time_zone, programme.allowed_hours
    return returnee.time_zone, allowed_hours_for(returnee, programme)


def recipient_phone(notice: Notice | NoticeRow) -> str:
    """The number a notice goes to: its contact point, or the number it was planned for."""
    if notice.contact_point is not None:
        return notice.contact_point.phone_e164
    return notice.recipient_phone or ""


def render_notice(notice: Notice | NoticeRow, settings: Settings) -> Rendered:
    """Render a notice in its recipient's language chain and time zone."""
    returnee = notice.returnee
    referral = notice.referral
    if notice.channel == "voice" and returnee is not None and voice.can_call(notice):
        # A call speaks only a language the person understands (smsgateway.content.voice); a
        # notice that cannot be a call is sent by SMS (`prepare_notices`) and reads as before.
        languages = voice.own_languages(notice.language, returnee)
    else:
        languages = fallback_chain(
            notice.language,
            returnee.language_chain[1:] if returnee else (),
            default=settings.default_language,
        )
    context: dict[str, object] = {"office_phone": settings.office_phone}
    if returnee is not None and not (notice.contact_point and notice.contact_point.is_proxy):
        context["first_name"] = returnee.first_name
    if returnee is not None and notice.contact_point is not None and notice.contact_point.is_proxy:
        context["proxy_for"] = returnee.first_name
    if referral is not None:
        context.update(
            reference=referral.reference,
            partner_name=referral.partner.message_name,
            place=referral.appointment_place,
            appointment_at=referral.appointment_at,
        )
        if not referral.is_sensitive:
            context["service"] = referral.service_category
    context.update(_payload_context(notice))
    if notice.kind == NoticeKind.PARTNER_QUESTION:
        context.update(partner_question_context(_loaded(notice), languages))
    return render_message(
        notice.kind,
        channel=notice.channel,
        languages=languages,
        time_zone=returnee.time_zone if returnee else settings.default_time_zone,
        is_sensitive=bool(referral and referral.is_sensitive),
        context=context,
    )


def _payload_context(notice: Notice | NoticeRow) -> dict[str, object]:
    """The notice's own content, with referral ids turned into what a message may show.

    JSON keeps no datetimes: `call_at` is stored as ISO 8601 and read back here.
    """
    payload = dict(notice.payload or {})
    if isinstance(payload.get("call_at"), str):
        payload["call_at"] = datetime.fromisoformat(payload["call_at"])
    ids = payload.pop("referral_ids", None)
    if ids:
        session = notice_session(_loaded(notice))
        rows = [r for r in (session.get(Referral, i) for i in ids) if r]
        payload["referrals"] = [
            {
                "reference": r.reference,
                "partner_name": r.partner.message_name,
                "appointment_at": r.appointment_at,
                "person": person_label(r.returnee),
            }
            for r in rows
        ]
    return payload


def _loaded(notice: Notice | NoticeRow) -> Notice:
    """The notice as a `Notice`: what reads more than its row (`_goes_as_loaded` sends those)."""
    if not isinstance(notice, Notice):
        raise TypeError(f"notice {notice.id} needs its Notice, not its row")
    return notice


def notice_session(notice: Notice) -> Session:
    session = object_session(notice)
    if session is None:
        raise RuntimeError("notice is not attached to a session")
    return session


def finish_notice(notice: Notice, state: NoticeState, reason: str) -> None:
    """Settle a notice for good (sent, failed, cancelled, expired, review)."""
    notice.state = state
    notice.last_error = reason[:200]
    notice.lease_expires_at = None
    notice.claimed_by = None


def release_notice(notice: Notice, *, due_at: datetime, reason: str) -> None:
    """Back to planned for a later round (quiet hours, or a send that never left)."""
    notice.state = NoticeState.PLANNED
    notice.due_at = due_at
    notice.claimed_by = None
    notice.lease_expires_at = None
    notice.last_error = reason[:200]
