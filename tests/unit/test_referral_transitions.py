"""The transition table, checked pair by pair against the vocabulary in DESIGN.md."""

from __future__ import annotations

import itertools

import pytest

from smsgateway.referrals import (
    CLOSED,
    OPEN,
    Status,
    is_allowed,
    is_superseded,
    is_worth_asking,
)

# Written out by hand so that a change to the table must change this spec too.
EXPECTED = {
    "referred": (
        "confirmed declined reschedule_requested attended no_show enrolled ineligible "
        "not_started cancelled"
    ),
    "confirmed": (
        "declined reschedule_requested attended no_show enrolled ineligible not_started cancelled"
    ),
    # People change their minds: the partner may still see them (or report the absence).
    "declined": (
        "confirmed reschedule_requested referred attended no_show enrolled ineligible "
        "not_started cancelled"
    ),
    "reschedule_requested": (
        "referred confirmed declined attended no_show enrolled ineligible not_started cancelled"
    ),
    "attended": "enrolled ineligible not_started dropped_out cancelled",
    "no_show": "referred reschedule_requested attended enrolled ineligible cancelled",
    "not_started": "referred attended no_show enrolled ineligible cancelled",
    "enrolled": "dropped_out completed cancelled",
    "ineligible": "",
    "dropped_out": "",
    "completed": "",
    "cancelled": "",
}
PAIRS = list(itertools.product(list(Status), repeat=2))


@pytest.mark.parametrize(("old", "new"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_each_transition_is_allowed_exactly_as_specified(old: Status, new: Status) -> None:
    assert is_allowed(old, new) is (new.value in EXPECTED[old.value].split())


def test_every_open_state_can_be_cancelled() -> None:
    assert all(is_allowed(status, Status.CANCELLED) for status in OPEN)


def test_closed_states_allow_nothing() -> None:
    assert {Status.INELIGIBLE, Status.DROPPED_OUT, Status.COMPLETED, Status.CANCELLED} == CLOSED
    assert not any(is_allowed(old, new) for old in CLOSED for new in Status)


def test_no_status_moves_to_itself() -> None:
    assert not any(is_allowed(status, status) for status in Status)


@pytest.mark.parametrize(
    ("current", "reported", "superseded"),
    [
        ("attended", "confirmed", True),  # a late "1" to the reminder after the partner's report
        ("enrolled", "attended", True),
        ("completed", "enrolled", True),
        ("no_show", "not_started", True),  # a no-show has not started either
        ("confirmed", "attended", False),
        ("declined", "confirmed", False),  # off the usual path: a real change of mind
        ("attended", "no_show", False),  # a contradiction, not something already known
        ("referred", "referred", False),
    ],
)
def test_a_status_the_referral_went_past_is_superseded(
    current: str, reported: str, superseded: bool
) -> None:
    assert is_superseded(current, reported) is superseded


@pytest.mark.parametrize(
    ("kind", "status", "worth"),
    [
        ("attendance_check", "declined", False),
        ("attendance_check", "cancelled", False),
        ("attendance_check", "reschedule_requested", False),
        ("attendance_check", "confirmed", True),
        ("appointment_reminder", "declined", False),
        ("appointment_reminder", "referred", True),
        ("referral_followup", "enrolled", False),
        ("referral_followup", "declined", True),
        ("partner_question", "attended", True),
        ("partner_question", "enrolled", False),
        ("referral_created", "declined", True),  # not a question: always worth sending
    ],
)
def test_questions_are_worth_asking_only_while_their_answer_is_unknown(
    kind: str, status: str, worth: bool
) -> None:
    assert is_worth_asking(kind, status) is worth
