"""The table from provider error codes and call results to delivery outcomes."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException

from smsgateway.reachability import (
    ERROR_OUTCOMES,
    FAILING,
    INVALID,
    OPTED_OUT,
    call_outcome,
    outcome_of,
)
from smsgateway.transports.base import PermanentFailure, TemporaryFailure
from smsgateway.transports.twilio import map_rest_error


@pytest.mark.parametrize(
    ("code", "name", "state", "action"),
    [
        ("30003", "unreachable_handset", FAILING, "escalate"),
        ("30005", "unknown_number", INVALID, "proxy"),
        ("30006", "landline", FAILING, "voice"),
        ("30007", "carrier_filtered", FAILING, "voice"),
        ("21211", "invalid_number", INVALID, "proxy"),
        ("21614", "not_mobile", FAILING, "voice"),
        ("21610", "unsubscribed", OPTED_OUT, "suppress"),
        ("63016", "outside_whatsapp_session", FAILING, "sms"),
        ("63003", "not_on_whatsapp", FAILING, "sms"),
    ],
)
def test_error_code_maps_to_its_outcome(code: str, name: str, state: str, action: str) -> None:
    outcome = outcome_of(code)

    assert (outcome.name, outcome.state, outcome.action) == (name, state, action)
    assert outcome_of(int(code)) == outcome


@pytest.mark.parametrize("code", [None, "", "99999"])
def test_unknown_or_missing_code_escalates_as_undelivered(code: str | None) -> None:
    outcome = outcome_of(code)

    assert outcome.action == "escalate" and outcome.name == "undelivered"


def test_only_unsubscribed_suppresses() -> None:
    suppressing = [code for code, o in ERROR_OUTCOMES.items() if o.action == "suppress"]

    assert suppressing == ["21610"]


def test_a_call_answered_by_a_person_has_no_failure() -> None:
    assert call_outcome("completed", "human") is None
    assert call_outcome("completed") is None


@pytest.mark.parametrize("answered_by", ["machine_start", "machine_end_beep", "fax"])
def test_a_call_answered_by_a_machine_is_called_again(answered_by: str) -> None:
    outcome = call_outcome("completed", answered_by)

    assert outcome is not None and outcome.action == "voice_retry"


@pytest.mark.parametrize("status", ["busy", "no-answer", "failed", "canceled"])
def test_an_unanswered_call_escalates(status: str) -> None:
    outcome = call_outcome(status)

    assert outcome is not None and outcome.action == "escalate"


@pytest.mark.parametrize(
    ("status", "temporary"), [(429, True), (500, True), (503, True), (400, False)]
)
def test_rest_errors_split_into_temporary_and_permanent(status: int, temporary: bool) -> None:
    error = map_rest_error(TwilioRestException(status, "/Messages.json", "no", code=21211))

    assert isinstance(error, TemporaryFailure if temporary else PermanentFailure)
    assert error.code == "21211"
