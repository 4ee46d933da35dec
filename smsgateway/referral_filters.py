"""The filters of every list of referrals: the API's lists, the events feed and the CSV exports.

One definition, so "filtered like the lists" means the same thing everywhere: by status (any
of several), partner, returnee case reference, and changed since a moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select

from smsgateway.models import Referral, ReferralEvent, Returnee


@dataclass(frozen=True)
class ReferralFilter:
    statuses: tuple[str, ...] = ()
    partner_id: int | None = None
    updated_since: datetime | None = None
    case_reference: str = ""

    def apply(self, query: Select[Any]) -> Select[Any]:
        """Narrow a query that selects from `Referral`."""
        if self.statuses:
            query = query.where(Referral.status.in_(self.statuses))
        if self.partner_id is not None:
            query = query.where(Referral.partner_id == self.partner_id)
        if self.updated_since is not None:
            query = query.where(Referral.updated_at >= self.updated_since)
        if self.case_reference:
            query = query.where(
                Referral.returnee_id.in_(
                    Returnee.__table__.select()
                    .with_only_columns(Returnee.id)
                    .where(Returnee.case_reference == self.case_reference)
                )
            )
        return query

    def apply_to_events(self, query: Select[Any]) -> Select[Any]:
        """Narrow a query of `ReferralEvent` joined to `Referral`: status is the event's new one,
        `updated_since` the event's time."""
        if self.statuses:
            query = query.where(ReferralEvent.new_status.in_(self.statuses))
        if self.partner_id is not None:
            query = query.where(Referral.partner_id == self.partner_id)
        if self.updated_since is not None:
            query = query.where(ReferralEvent.created_at >= self.updated_since)
        if self.case_reference:
            query = query.where(
                Referral.returnee_id.in_(
                    Returnee.__table__.select()
                    .with_only_columns(Returnee.id)
                    .where(Returnee.case_reference == self.case_reference)
                )
            )
        return query
