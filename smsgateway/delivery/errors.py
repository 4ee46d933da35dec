"""The one table of provider errors: what each code means and what the service does about it.

Every provider error goes through this table, whether Twilio returned it on the API call (the
message was refused) or reported it later in a status callback (the message was not delivered):
the contact point's reachability, the suppression list, the escalation step and whether the same
notice is tried again all come from the entry of its code. docs/delivery.md shows the same
table for people; a test keeps the two equal.

Actions:

    retry        the provider's own trouble: the same notice later, with backoff; nothing else
    escalate     the next step of the person's escalation sequence (smsgateway.escalation)
    voice        straight to a call: the number takes no SMS
    proxy        straight to the proxy step: the number is wrong
    voice_retry  call again later (an answering machine), then escalate
    sms          the same notice by SMS at once: WhatsApp cannot carry it
    suppress     the number opted out: suppression list, contact point `opted_out`
    expire       too late to be useful: the notice expires, nothing else
    none         our request or configuration is wrong: the notice fails, an error is logged
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from smsgateway.reachability import FAILING, INVALID, OPTED_OUT


class Action(StrEnum):
    RETRY = "retry"
    ESCALATE = "escalate"
    VOICE = "voice"
    PROXY = "proxy"
    VOICE_RETRY = "voice_retry"
    SMS = "sms"
    SUPPRESS = "suppress"
    EXPIRE = "expire"
    NONE = "none"


@dataclass(frozen=True)
class ProviderError:
    """One code: Twilio's meaning, our short name, the contact point's state after it, the action.

    `state` None leaves the contact point's reachability as it was (the number is not at
    fault). `invalid_after` > 0: only that many reports in a row (no delivery in between) make
    the number invalid, as Twilio's advice for 30005 says; before that it is a failure like any.
    """

    code: str
    meaning: str
    name: str
    state: str | None
    action: Action
    invalid_after: int = 0

    @property
    def is_retried(self) -> bool:
        """Whether the same notice goes out again later (with backoff)."""
        return self.action is Action.RETRY

    def repeated(self) -> ProviderError:
        """The outcome once the code has come `invalid_after` times in a row: a wrong number."""
        return replace(self, state=INVALID, action=Action.PROXY, name=f"{self.name}_repeated")


def _entry(
    code: int, meaning: str, name: str, state: str | None, action: Action, **kw: int
) -> tuple[str, ProviderError]:
    return str(code), ProviderError(str(code), meaning, name, state, action, **kw)


#: Twilio error codes (https://www.twilio.com/docs/api/errors), messages and calls.
ERRORS: dict[str, ProviderError] = dict(
    [
        _entry(20429, "Too Many Requests", "throttled", None, Action.RETRY),
        _entry(20500, "Internal server error", "provider_error", None, Action.RETRY),
        _entry(20503, "Service unavailable", "provider_error", None, Action.RETRY),
        _entry(21211, "Invalid 'To' Phone Number", "invalid_number", INVALID, Action.PROXY),
        _entry(
            21214, "'To' phone number cannot be reached", "unreachable", FAILING, Action.ESCALATE
        ),
        _entry(
            21215,
            "Geo permission configuration is not permitting call",
            "region",
            None,
            Action.NONE,
        ),
        _entry(
            21217,
            "Phone number does not appear to be valid",
            "invalid_number",
            INVALID,
            Action.PROXY,
        ),
        _entry(
            21408,
            "Permission to send an SMS has not been enabled for the region",
            "region",
            None,
            Action.NONE,
        ),
        _entry(21602, "Message body is required", "empty_body", None, Action.NONE),
        _entry(
            21606,
            "The 'From' phone number is not a valid, SMS-capable number",
            "sender",
            None,
            Action.NONE,
        ),
        _entry(
            21610,
            "Attempt to send to unsubscribed recipient",
            "unsubscribed",
            OPTED_OUT,
            Action.SUPPRESS,
        ),
        _entry(
            21612,
            "The 'To' phone number is not currently reachable via SMS",
            "no_sms",
            FAILING,
            Action.VOICE,
        ),
        _entry(
            21614, "'To' number is not a valid mobile number", "not_mobile", FAILING, Action.VOICE
        ),
        _entry(
            21617,
            "The concatenated message body exceeds the 1600 character limit",
            "too_long",
            None,
            Action.NONE,
        ),
        _entry(
            30003,
            "Unreachable destination handset",
            "unreachable_handset",
            FAILING,
            Action.ESCALATE,
        ),
        _entry(30004, "Message blocked", "blocked", FAILING, Action.VOICE),
        _entry(
            30005,
            "Unknown destination handset",
            "unknown_number",
            FAILING,
            Action.ESCALATE,
            invalid_after=2,
        ),
        _entry(30006, "Landline or unreachable carrier", "landline", FAILING, Action.VOICE),
        _entry(30007, "Message filtered", "carrier_filtered", FAILING, Action.VOICE),
        _entry(30008, "Unknown error", "unknown_error", FAILING, Action.ESCALATE),
        _entry(30036, "Validity period expired", "validity_expired", None, Action.EXPIRE),
        _entry(63003, "Channel could not find To address", "not_on_whatsapp", None, Action.SMS),
        _entry(
            63016,
            "Failed to send freeform message outside the allowed window",
            "outside_whatsapp_session",
            None,
            Action.SMS,
        ),
    ]
)

#: A failure without a code, or with a code the table does not know.
UNEXPLAINED = ProviderError(
    "", "Undelivered, no reason given", "undelivered", FAILING, Action.ESCALATE
)
#: Call results, which come as call statuses rather than error codes.
NO_ANSWER = ProviderError(
    "", "Call busy, not answered, failed or cancelled", "no_answer", FAILING, Action.ESCALATE
)
ANSWERING_MACHINE = ProviderError(
    "", "Call answered by a machine or fax", "answering_machine", FAILING, Action.VOICE_RETRY
)


def error_of(code: str | int | None) -> ProviderError:
    """The entry for a provider error code; unknown or missing codes: undelivered, escalate."""
    return ERRORS.get(str(code or "").strip(), UNEXPLAINED)


def call_outcome(status: str, answered_by: str = "") -> ProviderError | None:
    """The outcome of a finished call: None when a person answered, else why it failed."""
    if answered_by.startswith("machine") or answered_by == "fax":
        return ANSWERING_MACHINE
    if status == "completed":
        return None
    return NO_ANSWER
