"""The transition table, checked pair by pair against the vocabulary in DESIGN.md."""

from __future__ import annotations

import itertools

import pytest

from smsgateway.referrals import CLOSED, OPEN, Status, is_allowed

# Written out by hand so that a change to the table must change this spec too.
EXPECTED = {
    "referred": (
        "confirmed declined reschedule_requested attended no_show enrolled ineligible cancelled"
    ),
    "confirmed": "declined reschedule_requested attended no_show enrolled ineligible cancelled",
    "declined": "confirmed reschedule_requested referred cancelled",
    "reschedule_requested": (
        "referred confirmed declined attended no_show enrolled ineligible cancelled"
    ),
    "attended": "enrolled ineligible cancelled",
    "no_show": "referred reschedule_requested attended enrolled ineligible cancelled",
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
