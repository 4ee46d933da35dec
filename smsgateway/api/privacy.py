"""API: subject access, everything held about one returnee as one JSON document."""

from __future__ import annotations

from typing import Any

from smsgateway.api import reads
from smsgateway.api.access import caller, needs
from smsgateway.api.blueprint import blp, documents
from smsgateway.permissions import Action
from smsgateway.privacy.access_log import AccessEvent
from smsgateway.privacy.subject_access import subject_access
from smsgateway.runtime import get_runtime
from smsgateway.web.audit import note_access

ID = "<int(min=1, max=2147483647):returnee_id>"


@blp.route(f"/returnees/{ID}/subject-access", methods=["GET"])
@blp.doc(tags=["returnees"])
@blp.response(200)
@documents(404)
@needs(Action.EXPORT_SUBJECT_DATA)
def get_subject_access(returnee_id: int) -> dict[str, Any]:
    """Everything held about one returnee: record, contact points, consents, referrals with
    their events, messages, notices (docs/privacy.md). Written to the access log."""
    runtime = get_runtime()
    with runtime.db.sessions() as session:
        returnee = reads.returnee(session, caller(), returnee_id)
        document = subject_access(session, returnee, now=runtime.clock())
    note_access("returnee", [returnee_id], event=AccessEvent.EXPORT)
    return document
