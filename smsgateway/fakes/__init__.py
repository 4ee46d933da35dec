"""Local fakes of outside services (the Twilio REST API) for tests, the demo and benchmarks."""

from __future__ import annotations

from smsgateway.fakes.twilio_api import FakeTwilio
from smsgateway.fakes.twilio_callbacks import CallbackResponse, signed_form, via_test_client
from smsgateway.fakes.twilio_cli import fake_twilio_cli
from smsgateway.fakes.twilio_state import RecordedCallback, RecordedRequest, StoredResource

__all__ = [
    "CallbackResponse",
    "FakeTwilio",
    "RecordedCallback",
    "RecordedRequest",
    "StoredResource",
    "fake_twilio_cli",
    "signed_form",
    "via_test_client",
]
