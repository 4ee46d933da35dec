"""Subject access: everything the service holds about one returnee, as one document.

The same document is the CLI's and the API's JSON and the console's readable page: the
returnee's record, contact points (with their reachability history), consents, referrals with
their events, messages (to or from the returnee, their referrals or their numbers), notices,
tasks, escalations, satisfaction answers, complaints with the managers' notes, review items,
follow-ups and erasures. Datetimes are ISO 8601 in UTC.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from smsgateway.models import (
    Erasure,
    Escalation,
    FeedbackItem,
    Followup,
    Message,
    Notice,
    ReachabilityEvent,
    Referral,
    ReferralEvent,
    Returnee,
    ReviewItem,
    SatisfactionAnswer,
    Task,
)

FORMAT_VERSION = 1


def subject_access(session: Session, returnee: Returnee, *, now: datetime) -> dict[str, Any]:
    """What is held about `returnee`, at `now`."""
    referrals = list(
        session.scalars(select(Referral).filter_by(returnee_id=returnee.id).order_by(Referral.id))
    )
    referral_ids = [referral.id for referral in referrals]
    numbers = [point.phone_e164 for point in returnee.contact_points]
    point_ids = [point.id for point in returnee.contact_points]
    messages = list(
        session.scalars(
            select(Message)
            .where(
                or_(
                    Message.returnee_id == returnee.id,
                    Message.referral_id.in_(referral_ids),
                    Message.phone_e164.in_(numbers) & Message.returnee_id.is_(None),
                )
            )
            .order_by(Message.id)
        )
    )
    message_ids = [message.id for message in messages]
    feedback = session.scalars(
        select(FeedbackItem)
        .where(
            or_(FeedbackItem.returnee_id == returnee.id, FeedbackItem.message_id.in_(message_ids))
        )
        .order_by(FeedbackItem.id)
    )
    return {
        "format_version": FORMAT_VERSION,
        "generated_at": _value(now),
        "returnee": _row(
            returnee,
            "id case_reference first_name last_name preferred_language fallback_languages "
            "preferred_channel time_zone quiet_hours_start quiet_hours_end "
            "unreachable_flagged_at unreachable_reason erased_at created_at updated_at",
        ),
        "contact_points": [
            _row(
                point,
                "id phone_e164 is_proxy proxy_relation proxy_name is_shared reachability "
                "reachability_changed_at created_at",
            )
            for point in returnee.contact_points
        ],
        "reachability_events": _rows(
            session.scalars(
                select(ReachabilityEvent)
                .where(ReachabilityEvent.contact_point_id.in_(point_ids))
                .order_by(ReachabilityEvent.id)
            ),
            "id contact_point_id state reason message_id created_at",
        ),
        "consents": _rows(returnee.consents, "channel is_opted_out source changed_at"),
        "referrals": [_referral(session, referral) for referral in referrals],
        "messages": _rows(
            messages,
            "id direction channel phone_e164 referral_id kind body language segments "
            "delivery_status error_code intent created_at updated_at",
        ),
        "notices": _rows(
            session.scalars(select(Notice).filter_by(returnee_id=returnee.id).order_by(Notice.id)),
            "id kind referral_id channel language due_at expires_at state sent_at answered_at "
            "created_at",
        ),
        "escalations": _rows(
            session.scalars(
                select(Escalation).filter_by(returnee_id=returnee.id).order_by(Escalation.id)
            ),
            "id state step reason started_at ended_at",
        ),
        "satisfaction_answers": _rows(
            session.scalars(
                select(SatisfactionAnswer)
                .where(SatisfactionAnswer.referral_id.in_(referral_ids))
                .order_by(SatisfactionAnswer.id)
            ),
            "id referral_id service_category answer is_proxy asked_at answered_at",
        ),
        "feedback": [
            {
                **_row(item, "id message_id referral_id source theme state created_at closed_at"),
                "notes": _rows(item.notes, "author text created_at"),
            }
            for item in feedback
        ],
        "review_items": _rows(
            session.scalars(
                select(ReviewItem)
                .where(
                    or_(
                        ReviewItem.returnee_id == returnee.id,
                        ReviewItem.message_id.in_(message_ids),
                    )
                )
                .order_by(ReviewItem.id)
            ),
            "id message_id referral_id reason resolution note resolved_by created_at resolved_at",
        ),
        "followups": _rows(
            session.scalars(
                select(Followup).filter_by(returnee_id=returnee.id).order_by(Followup.id)
            ),
            "id kind outcome note actor created_at",
        ),
        "erasures": _rows(
            session.scalars(select(Erasure).filter_by(returnee_id=returnee.id)),
            "actor reason created_at",
        ),
    }


def _referral(session: Session, referral: Referral) -> dict[str, Any]:
    row = _row(
        referral,
        "id reference service_category is_sensitive status appointment_at appointment_place "
        "needs_reorientation created_by created_at updated_at",
    )
    row["partner"] = referral.partner.name
    row["events"] = _rows(
        session.scalars(
            select(ReferralEvent).filter_by(referral_id=referral.id).order_by(ReferralEvent.id)
        ),
        "old_status new_status source actor note created_at",
    )
    row["tasks"] = _rows(
        session.scalars(select(Task).filter_by(referral_id=referral.id).order_by(Task.id)),
        "rule state flag due_at flagged_at resolved_at resolution",
    )
    return row


def _rows(objects: Any, names: str) -> list[dict[str, Any]]:
    return [_row(item, names) for item in objects]


def _row(item: Any, names: str) -> dict[str, Any]:
    return {name: _value(getattr(item, name)) for name in names.split()}


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value
