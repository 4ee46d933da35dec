"""Limits on text that comes from outside (providers, the simulator): every rule in one place.

Each function takes the raw text and returns a value that fits where it goes: the column it is
stored in (`models/messages.py`), the parser it is handed to (`phonenumbers`, `int`), the
classifier. What cannot be made to fit raises `InvalidInput` naming the field, never the value:
values from outside may be personal data and are never logged.

- Text loses NUL and the other control characters except tab and line breaks (PostgreSQL
  refuses NUL in text; the rest are invisible and only ever an attack or a transmission error).
- Ids must look like ids: a provider's id fits its column, a Twilio SID is two capital letters
  and 32 hex digits, a notice reference is `notice-` and ASCII digits that fit the id column.
- A sender is kept whatever it is, bounded to its column; only a valid phone number (E.164,
  optionally `whatsapp:`) is ever answered.
- Digits are parsed only when ASCII and short: `"²".isdigit()` is true but `int("²")` fails, and
  Python refuses to convert more than 4,300 digits (`sys.get_int_max_str_digits`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from smsgateway.errors import InvalidInput

#: `messages.phone_e164` and `notices.recipient_phone` are String(20).
PHONE_COLUMN = 20
#: `messages.provider_id` is String(64).
PROVIDER_ID_COLUMN = 64
#: `messages.error_code` and `message_status_events.error_code` are String(16).
ERROR_CODE_COLUMN = 16
#: Longest body kept: WhatsApp allows 4,096 characters, a concatenated SMS 1,600.
BODY_LIMIT = 8_000
#: How much of a reply the classifier reads: a whole concatenated SMS.
READING_LIMIT = 1_600
#: Longest run of digits the classifier sees; no answer option or reference is longer.
DIGIT_RUN_LIMIT = 12
#: Key presses of one <Gather> (digits, `*` and `#`).
DIGITS_LIMIT = 20
#: Integer primary keys are 32-bit on PostgreSQL: a larger id is refused, not sent to the database.
ID_MAX = 2**31 - 1

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SID = re.compile(r"[A-Z]{2}[0-9a-fA-F]{32}")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,32}")
_KEYS = re.compile(rf"[0-9*#]{{0,{DIGITS_LIMIT}}}")
_NOTICE_REFERENCE = re.compile(rf"(?:notice-)?([0-9]{{1,{len(str(ID_MAX))}}})")
_ERROR_CODE = re.compile(rf"[0-9]{{1,{ERROR_CODE_COLUMN}}}")
_WHATSAPP = "whatsapp:"


def clean_text(value: str) -> str:
    """`value` without NUL and other control characters (tab and line breaks stay)."""
    return _CONTROL.sub("", value)


def body_text(value: str, field: str = "Body") -> str:
    """A message body, cleaned; longer than any provider sends is refused."""
    text = clean_text(value)
    if len(text) > BODY_LIMIT:
        raise InvalidInput(field, "longer than %(count)s characters", count=BODY_LIMIT)
    return text


def sid(value: str, field: str, prefixes: tuple[str, ...]) -> str:
    """A Twilio SID with one of `prefixes` (`SM…`, `CA…`, `AC…`): 34 characters, nothing else."""
    if _SID.fullmatch(value) is None or not value.startswith(prefixes):
        raise InvalidInput(
            field, "not a SID starting with %(prefixes)s", prefixes=" or ".join(prefixes)
        )
    return value


def optional_sid(value: str, field: str, prefixes: tuple[str, ...]) -> str:
    """A SID as `sid`, or the empty string when absent."""
    return sid(value, field, prefixes) if value else ""


def provider_id(value: str, field: str = "provider_id") -> str:
    """A provider's message id: printable ASCII that fits `messages.provider_id`."""
    if not value or len(value) > PROVIDER_ID_COLUMN or not value.isascii():
        raise InvalidInput(
            field, "an id of 1 to %(count)s ASCII characters", count=PROVIDER_ID_COLUMN
        )
    if not value.isprintable():
        raise InvalidInput(field, "an id has no control characters")
    return value


def token(value: str, field: str) -> str:
    """A provider's status word (`delivered`, `machine_end_beep`), or empty."""
    if value and _TOKEN.fullmatch(value) is None:
        raise InvalidInput(field, "a word of at most 32 letters, digits, '_' or '-'")
    return value


def error_code(value: str, field: str = "ErrorCode") -> str:
    """A provider's error code: empty or ASCII digits that fit the error-code column."""
    if value and _ERROR_CODE.fullmatch(value) is None:
        raise InvalidInput(field, "at most %(count)s ASCII digits", count=ERROR_CODE_COLUMN)
    return value


def keys(value: str, field: str = "Digits") -> str:
    """Keys pressed on a call: digits, `*` and `#`, a few of them."""
    if _KEYS.fullmatch(value) is None:
        raise InvalidInput(field, "at most %(count)s keys (0-9, * and #)", count=DIGITS_LIMIT)
    return value


def notice_id(value: str, field: str = "notice") -> int:
    """The id in a notice reference (`notice-42`, or `42`), parsed from ASCII digits only."""
    found = _NOTICE_REFERENCE.fullmatch(value)
    if found is None or int(found.group(1)) > ID_MAX:
        raise InvalidInput(
            field, "a notice reference looks like notice-42 (at most %(max)s)", max=ID_MAX
        )
    return int(found.group(1))


@dataclass(frozen=True)
class Sender:
    """Who wrote: the number in E.164 when it is one, else the raw text, bounded to the column."""

    phone: str
    channel: str  # "whatsapp" when the address carried the prefix, else "sms"
    is_valid: bool  # only a valid phone number is ever answered


def sender(value: str, region: str) -> Sender:
    """The sender of an inbound message (`+221…`, `whatsapp:+221…`, or anything at all)."""
    text = clean_text(value).strip()
    channel = "sms"
    if text[: len(_WHATSAPP)].lower() == _WHATSAPP:
        channel, text = "whatsapp", text[len(_WHATSAPP) :].strip()
    phone = valid_phone(text, region)
    if phone is None:
        return Sender(text[:PHONE_COLUMN], channel, is_valid=False)
    return Sender(phone, channel, is_valid=True)


@lru_cache(maxsize=256)
def valid_phone(text: str, region: str) -> str | None:
    """`text` in E.164 when it is a valid phone number, else None.

    Remembered for the last few numbers: a reply's sender is parsed three times (the webhook's
    form, storing the message, whether it may be answered), 4 % of a reply's CPU under the
    profiler (docs/benchmarks.md, "Webhooks", round 3). The cache is small on purpose: it only
    needs to span one request, and keeps no more numbers in memory than that.
    """
    if not text or len(text) > 2 * PHONE_COLUMN:
        return None
    try:
        number = phonenumbers.parse(text, region.upper())
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_answerable(phone: str, region: str) -> bool:
    """Whether a stored sender is a valid number, so that a message may be sent back to it."""
    return valid_phone(phone, region) == phone


def reading_text(text: str) -> str:
    """What the classifier reads of a reply: its first characters, with no digit run too long.

    The classifier turns runs of digits into numbers (options 1, 2, 3) after Unicode
    normalisation, which also turns `²`, `٢` or `⑳` into ASCII digits and drops invisible
    joiners between them. Runs are counted the same way and cut at `DIGIT_RUN_LIMIT` digits, and
    the text at `READING_LIMIT` characters, so no number it parses can reach Python's limit.
    """
    kept: list[str] = []
    run = 0
    for char in text[:READING_LIMIT]:
        run, is_kept = _digit_run_after(char, run)
        if is_kept:
            kept.append(char)
    return "".join(kept)


def _digit_run_after(char: str, run: int) -> tuple[int, bool]:
    """The digit run's length after `char`, and whether `char` is kept (a dropped one leaves
    the run as it was)."""
    if char.isascii():
        if not char.isdigit():
            return 0, True
        return (run + 1, True) if run < DIGIT_RUN_LIMIT else (run, False)
    after, peak = run, 0
    for part in unicodedata.normalize("NFKC", char):
        if part.isdigit():
            after += 1
            peak = max(peak, after)
        elif not _is_joiner(part):
            after = 0
    return (after, True) if peak <= DIGIT_RUN_LIMIT else (run, False)


def _is_joiner(char: str) -> bool:
    """Characters that normalisation drops or attaches, so they do not end a run of digits."""
    return unicodedata.category(char) in ("Mn", "Mc", "Me", "Cf") or char == "\u0640"
