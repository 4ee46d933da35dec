"""Claim due notices, render, send through the transport, complete; settle what a dead worker left.

Claim, send, complete (DESIGN.md): a batch of notices is claimed (state + lease) in its own
committed transaction before any provider call; its lease is renewed while it is sent; each
message is recorded a fraction of a second after the provider answers. A worker that dies leaves
claimed notices whose lease runs out; the lease sweep (`settle`) asks the provider what left:

    planned ──claim──▶ claimed ──provider accepted──▶ sent (message recorded)
                          ├──refused, retryable──▶ planned (later, attempts + 1)
                          ├──refused──▶ failed (message recorded as failed; one outcome path)
                          └──lease over──▶ sweep: sent | planned (never left) | review

Modules: `claim` (claiming, lease renewal), `prepare` (rendering, settling what must not go
now), `send` (concurrent, rate-limited provider calls), `complete` (recording outcomes),
`settle` (the lease sweep, review items and the caseworker's answers), `rounds` (a round).
"""

from smsgateway.dispatch.claim import claim_due_notices, claim_limit, renew_leases
from smsgateway.dispatch.complete import MAX_ATTEMPTS, complete_notices, retry_delay
from smsgateway.dispatch.prepare import (
    Prepared,
    prepare_notices,
    recipient_phone,
    reference_of,
    render_notice,
)
from smsgateway.dispatch.report import DispatchReport
from smsgateway.dispatch.rounds import dispatch_due_notices, dispatch_until_idle
from smsgateway.dispatch.send import Outcome, send_all
from smsgateway.dispatch.settle import (
    DELIVERY_UNKNOWN,
    SweepReport,
    mark_notices_sent,
    resend_notices,
    resolve_expired_leases,
    send_to_review,
)

__all__ = [
    "DELIVERY_UNKNOWN",
    "MAX_ATTEMPTS",
    "DispatchReport",
    "Outcome",
    "Prepared",
    "SweepReport",
    "claim_due_notices",
    "claim_limit",
    "complete_notices",
    "dispatch_due_notices",
    "dispatch_until_idle",
    "mark_notices_sent",
    "prepare_notices",
    "recipient_phone",
    "reference_of",
    "render_notice",
    "renew_leases",
    "resend_notices",
    "resolve_expired_leases",
    "retry_delay",
    "send_all",
    "send_to_review",
]
