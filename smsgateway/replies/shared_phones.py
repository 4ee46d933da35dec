"""An "ok" on a shared phone, or from a proxy, confirms nothing by itself (locales/KEYWORDS.md).

"ok" often means "received", and on a family phone the person who read the reminder may not be
the person it is for. So an answer to an appointment reminder whose only positive word is an
`ack` keyword ("ok", "d'accord", 👌), from a number that is a proxy's, is marked shared, or is a
contact point of several returnees, is not a confirmation: the reply is acknowledged with a
request for the digit, and the question stays open. A "yes", a "1" or "I will come" still
confirms: those are answers, not receipts.
"""

from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from smsgateway.models import ContactPoint
from smsgateway.replies.keywords import Signal, reply_lexicon, scan
from smsgateway.replies.normalize import matching_tokens, remove_reference_codes

_ANSWERS = frozenset({Signal.YES, Signal.CONFIRM})


def is_bare_acknowledgement(text: str, language: str | None) -> bool:
    """Whether a reply's positive meaning rests only on "ok"-style words: no yes, no digit, no
    "I will come"."""
    matches = scan(matching_tokens(remove_reference_codes(text)), reply_lexicon(language))
    signals = {match.signal for match in matches}
    has_digit = any(match.signal is None and match.text.isdigit() for match in matches)
    return Signal.ACK in signals and not has_digit and not signals & _ANSWERS


_CHATTER = frozenset({Signal.ACK, Signal.PRAISE, Signal.POLITENESS, Signal.NEUTRAL})


def is_chatter(text: str, language: str | None) -> bool:
    """Whether a reply is only "ok", thanks or praise ("ok merci", "d'accord", 🙏): a receipt
    that answers nothing, not a message for a caseworker to read."""
    matches = scan(matching_tokens(remove_reference_codes(text)), reply_lexicon(language))
    if not matches:
        return False
    signals = {match.signal for match in matches}
    return None not in signals and signals <= _CHATTER


def is_shared_phone(session: Session, phone: str) -> bool:
    """Whether a number is a proxy's, is marked shared, or reaches several returnees."""
    rows = session.execute(
        select(
            func.count(func.distinct(ContactPoint.returnee_id)),
            func.max(case((ContactPoint.is_proxy, 1), else_=0)),
            func.max(case((ContactPoint.is_shared, 1), else_=0)),
        ).where(ContactPoint.phone_e164 == phone)
    ).one()
    returnees, any_proxy, any_shared = rows
    return bool(returnees and (returnees > 1 or any_proxy or any_shared))
