"""Every code the console shows has words: a value added to a vocabulary's enum without a label
would reach the caseworker as its code with spaces ("satisfaction question"), in English even
on the French console."""

from __future__ import annotations

from enum import StrEnum

import pytest

from smsgateway.channels import Channel
from smsgateway.loop.standing import Flag
from smsgateway.notices import NoticeKind, NoticeState
from smsgateway.referrals import Source, Status
from smsgateway.replies.intents import Intent
from smsgateway.reviews import SenderKind
from smsgateway.web.labels import VOCABULARIES

ENUMS: dict[str, type[StrEnum]] = {
    "notice_kind": NoticeKind,
    "notice_state": NoticeState,
    "status": Status,
    "source": Source,
    "intent": Intent,
    "sender": SenderKind,
    "channel": Channel,
    "flag": Flag,
}


@pytest.mark.parametrize("vocabulary", sorted(ENUMS))
def test_every_value_of_a_vocabulary_has_words(vocabulary: str) -> None:
    values = {member.value for member in ENUMS[vocabulary]}
    if vocabulary == "notice_kind":  # acknowledgements share one label, "Acknowledgement"
        values = {value for value in values if not value.startswith("ack_")}
    assert values - set(VOCABULARIES[vocabulary]) == set()
