"""Phone numbers: parsed with `phonenumbers`, stored in E.164 (and never logged)."""

from __future__ import annotations

import phonenumbers

from smsgateway.errors import InvalidInput


def parse_phone(raw: str, region: str, field: str = "phone", row: int | None = None) -> str:
    """E.164 for a number typed in any usual way; `InvalidInput` naming the field otherwise."""
    text = (raw or "").strip()
    if text.lower().startswith("whatsapp:"):
        text = text[len("whatsapp:") :]
    if not text:
        raise InvalidInput(field, "a phone number is required", row)
    try:
        number = phonenumbers.parse(text, region.upper())
    except phonenumbers.NumberParseException:
        raise InvalidInput(field, "this is not a phone number", row) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput(field, "this phone number does not exist in its country", row)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
