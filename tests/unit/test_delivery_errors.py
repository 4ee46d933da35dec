"""The one table from provider error codes (and call results) to what the service does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from twilio.base.exceptions import TwilioRestException

from smsgateway.delivery.errors import (
    ERRORS,
    Action,
    call_outcome,
    error_of,
)
from smsgateway.reachability import FAILING, INVALID, OPTED_OUT
from smsgateway.transports.base import PermanentFailure, TemporaryFailure
from smsgateway.transports.twilio import map_rest_error

DOC = Path(__file__).parents[2] / "docs" / "delivery.md"


@pytest.mark.parametrize(
    ("code", "name", "state", "action"),
    [
        ("21610", "unsubscribed", OPTED_OUT, Action.SUPPRESS),
        ("21211", "invalid_number", INVALID, Action.PROXY),
        ("21217", "invalid_number", INVALID, Action.PROXY),
        ("21614", "not_mobile", FAILING, Action.VOICE),
        ("30003", "unreachable_handset", FAILING, Action.ESCALATE),
        ("30005", "unknown_number", FAILING, Action.ESCALATE),
        ("30006", "landline", FAILING, Action.VOICE),
        ("30008", "unknown_error", FAILING, Action.ESCALATE),
        ("63016", "outside_whatsapp_session", None, Action.SMS),
        ("63003", "not_on_whatsapp", None, Action.SMS),
        ("20429", "throttled", None, Action.RETRY),
    ],
)
def test_error_code_maps_to_its_outcome(
    code: str, name: str, state: str | None, action: Action
) -> None:
    error = error_of(code)

    assert (error.name, error.state, error.action) == (name, state, action)
    assert error_of(int(code)) == error


def test_30005_is_a_wrong_number_only_when_repeated() -> None:
    error = error_of("30005")

    assert error.invalid_after == 2
    assert (error.repeated().state, error.repeated().action) == (INVALID, Action.PROXY)


@pytest.mark.parametrize("code", [None, "", "99999"])
def test_unknown_or_missing_code_escalates_as_undelivered(code: str | None) -> None:
    error = error_of(code)

    assert error.action is Action.ESCALATE and error.name == "undelivered"


def test_only_unsubscribed_suppresses_and_only_provider_trouble_is_retried() -> None:
    assert [c for c, e in ERRORS.items() if e.action is Action.SUPPRESS] == ["21610"]
    assert sorted(c for c, e in ERRORS.items() if e.is_retried) == ["20429", "20500", "20503"]


def test_the_documented_table_is_the_table_in_the_code() -> None:
    rows = re.findall(
        r"^\| (\d+) \| (.+?) \| `(\w+)` \| (.+?) \| `(\w+)` \|", DOC.read_text(), re.M
    )
    documented = {
        code: (meaning, name, state.split(" ")[0].strip("`"), action, _repeats(state))
        for code, meaning, name, state, action in rows
    }
    in_code = {
        code: (e.meaning, e.name, e.state or "unchanged", e.action.value, e.invalid_after)
        for code, e in ERRORS.items()
    }

    assert documented == in_code


def _repeats(state: str) -> int:
    """N of "`failing` (`invalid` after N in a row)", else 0."""
    found = re.search(r"`invalid` after (\d+) in a row", state)
    return int(found.group(1)) if found else 0


def test_a_call_answered_by_a_person_has_no_failure() -> None:
    assert call_outcome("completed", "human") is None
    assert call_outcome("completed") is None


@pytest.mark.parametrize("answered_by", ["machine_start", "machine_end_beep", "fax"])
def test_a_call_answered_by_a_machine_is_called_again(answered_by: str) -> None:
    outcome = call_outcome("completed", answered_by)

    assert outcome is not None and outcome.action is Action.VOICE_RETRY


@pytest.mark.parametrize("status", ["busy", "no-answer", "failed", "canceled"])
def test_an_unanswered_call_escalates(status: str) -> None:
    outcome = call_outcome(status)

    assert outcome is not None and outcome.action is Action.ESCALATE


@pytest.mark.parametrize(
    ("status", "temporary"), [(429, True), (500, True), (503, True), (400, False)]
)
def test_rest_errors_split_into_temporary_and_permanent(status: int, temporary: bool) -> None:
    error = map_rest_error(TwilioRestException(status, "/Messages.json", "no", code=21211))

    assert isinstance(error, TemporaryFailure if temporary else PermanentFailure)
    assert error.code == "21211"
