"""Twilio's JSON shapes for the fake API: SIDs, dates, errors, message and call resources, pages."""

from __future__ import annotations

import math
import re
import secrets
from datetime import UTC, date, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode

API_VERSION = "2010-04-01"
ERROR_DOCS = "https://www.twilio.com/docs/errors/"

# Messages Twilio answers for the codes the fake produces (https://www.twilio.com/docs/api/errors).
ERROR_MESSAGES = {
    20003: "Authenticate",
    20404: "The requested resource was not found",
    20429: "Too Many Requests",
    20500: "An internal server error has occurred",
    20503: "Service unavailable",
    21201: "No 'To' number is specified",
    21205: "Url parameter is required.",
    21211: "Invalid 'To' Phone Number",
    21213: "No 'From' number is specified",
    21408: "Permission to send an SMS has not been enabled for the region indicated by the 'To'",
    21602: "Message body is required.",
    21603: "A 'From' phone number is required.",
    21604: "A 'To' phone number is required.",
    21610: "Attempt to send to unsubscribed recipient",
    21612: "The 'To' phone number is not currently reachable via SMS",
    21614: "'To' number is not a valid mobile number",
    21617: "The concatenated message body exceeds the 1600 character limit.",
    21624: "Invalid validity period value",
    63003: "Channel could not find To address",
    63016: "Failed to send freeform message because you are outside the allowed window.",
}

_E164 = re.compile(r"^\+[1-9]\d{7,14}$")
_GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENDED = "^{}\\[~]|€\f"
MAX_BODY = 1600
#: ValidityPeriod, in seconds, that Twilio accepts (error 21624 outside it).
VALIDITY_RANGE = range(1, 36_001)


def new_sid(prefix: str) -> str:
    """Return a Twilio-style SID: a two-letter prefix and 32 hex digits."""
    return prefix + secrets.token_hex(16)


def rfc2822(moment: datetime) -> str:
    """Format a UTC moment as Twilio does in resource dates (RFC 2822, +0000)."""
    return format_datetime(moment.astimezone(UTC))


def now_utc() -> datetime:
    """Return the current UTC time, whole seconds as Twilio reports it."""
    return datetime.now(UTC).replace(microsecond=0)


def strip_channel(address: str) -> tuple[str, str]:
    """Split `whatsapp:+33...` into (`whatsapp`, `+33...`); plain numbers have channel ``""``."""
    channel, sep, number = address.partition(":")
    return (channel, number) if sep else ("", address)


def is_e164(address: str) -> bool:
    """Tell whether an address (with or without a channel prefix) is an E.164 number."""
    return bool(_E164.match(strip_channel(address)[1]))


def is_valid_validity(value: str | None) -> bool:
    """Whether a ValidityPeriod form value is absent or a whole number Twilio accepts."""
    if value is None:
        return True
    return value.isdigit() and int(value) in VALIDITY_RANGE


def count_segments(body: str) -> int:
    """Count SMS segments as carriers do: GSM-7 160/153 characters, otherwise UCS-2 70/67."""
    if not body:
        return 1
    if all(c in _GSM7_BASIC or c in _GSM7_EXTENDED for c in body):
        septets = sum(2 if c in _GSM7_EXTENDED else 1 for c in body)
        return 1 if septets <= 160 else math.ceil(septets / 153)
    units = len(body.encode("utf-16-le")) // 2
    return 1 if units <= 70 else math.ceil(units / 67)


def error_body(code: int, status: int, message: str | None = None) -> dict[str, Any]:
    """Build Twilio's error JSON for a code and HTTP status."""
    return {
        "code": code,
        "message": message or ERROR_MESSAGES.get(code, f"Error {code}"),
        "more_info": f"{ERROR_DOCS}{code}",
        "status": status,
    }


def account_base(account_sid: str) -> str:
    """Return the path prefix of an account's resources."""
    return f"/{API_VERSION}/Accounts/{account_sid}"


def message_resource(account_sid: str, form: dict[str, str], media: list[str]) -> dict[str, Any]:
    """Build the resource Twilio answers when it accepts a new outbound message."""
    sid = new_sid("SM")
    created = rfc2822(now_utc())
    service = form.get("MessagingServiceSid") or None
    body = form.get("Body", "")
    uri = f"{account_base(account_sid)}/Messages/{sid}"
    return {
        "account_sid": account_sid,
        "api_version": API_VERSION,
        "body": body,
        "date_created": created,
        "date_sent": None,
        "date_updated": created,
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": form.get("From") or None,
        "messaging_service_sid": service,
        "num_media": str(len(media)),
        # With a Messaging Service no sender is chosen yet, so Twilio reports 0 segments.
        "num_segments": "0" if service else str(count_segments(body)),
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": "accepted" if service else "queued",
        "subresource_uris": {"media": f"{uri}/Media.json", "feedback": f"{uri}/Feedback.json"},
        "to": form["To"],
        "uri": f"{uri}.json",
    }


def call_resource(account_sid: str, form: dict[str, str]) -> dict[str, Any]:
    """Build the resource Twilio answers when it accepts a new outbound call."""
    sid = new_sid("CA")
    created = rfc2822(now_utc())
    uri = f"{account_base(account_sid)}/Calls/{sid}"
    return {
        "account_sid": account_sid,
        "annotation": None,
        "answered_by": None,
        "api_version": API_VERSION,
        "caller_name": None,
        "date_created": created,
        "date_updated": created,
        "direction": "outbound-api",
        "duration": None,
        "end_time": None,
        "forwarded_from": None,
        "from": form["From"],
        "from_formatted": form["From"],
        "group_sid": None,
        "parent_call_sid": None,
        "phone_number_sid": new_sid("PN"),
        "price": None,
        "price_unit": "USD",
        "queue_time": "0",
        "sid": sid,
        "start_time": None,
        "status": "queued",
        "subresource_uris": {
            "notifications": f"{uri}/Notifications.json",
            "recordings": f"{uri}/Recordings.json",
        },
        "to": form["To"],
        "to_formatted": form["To"],
        "trunk_sid": None,
        "uri": f"{uri}.json",
    }


def page_body(
    key: str, records: list[dict[str, Any]], path: str, query: dict[str, str]
) -> dict[str, Any]:
    """Cut one page out of `records` and wrap it in Twilio's list envelope."""
    page_size = max(1, min(1000, int(query.get("PageSize") or 50)))
    page = max(0, int(query.get("Page") or 0))
    start = page * page_size
    chunk = records[start : start + page_size]
    filters = {k: v for k, v in query.items() if k not in ("Page", "PageSize", "PageToken")}

    def page_uri(number: int) -> str:
        params = {**filters, "PageSize": str(page_size), "Page": str(number)}
        if number > 0:
            params["PageToken"] = f"PA{number * page_size}"
        return f"{path}?{urlencode(params)}"

    has_next = start + page_size < len(records)
    return {
        key: chunk,
        "end": start + max(len(chunk) - 1, 0),
        "first_page_uri": page_uri(0),
        "next_page_uri": page_uri(page + 1) if has_next else None,
        "page": page,
        "page_size": page_size,
        "previous_page_uri": page_uri(page - 1) if page > 0 else None,
        "start": start,
        "uri": page_uri(page),
    }


def _filter_moment(value: str) -> datetime | date:
    """Read a DateSent filter value: a date (YYYY-MM-DD) or an ISO 8601 UTC datetime."""
    if "T" not in value:
        return date.fromisoformat(value)
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def _compare(moment: datetime, bound: datetime | date) -> int:
    """Compare a resource moment with a filter bound at the bound's precision (-1, 0, 1)."""
    left: datetime | date = moment if isinstance(bound, datetime) else moment.date()
    return (left > bound) - (left < bound)


def matches_message_filters(resource: dict[str, Any], query: dict[str, str]) -> bool:
    """Tell whether a message passes the list filters To, From, DateSent, DateSent< and DateSent>.

    A message not yet sent has no date_sent; its creation date stands in, so a sender asking
    "did this go out?" also sees what is still queued.
    """
    for field, key in (("to", "To"), ("from", "From")):
        if key in query and resource.get(field) != query[key]:
            return False
    stamp = resource.get("date_sent") or resource["date_created"]
    moment = parsedate_to_datetime(stamp).astimezone(UTC)
    tests = (("DateSent", (0,)), ("DateSent<", (-1, 0)), ("DateSent>", (0, 1)))
    return all(
        _compare(moment, _filter_moment(query[key])) in allowed
        for key, allowed in tests
        if query.get(key)
    )
