"""Typed ORM models, one module per aggregate. Importing this package registers every table."""

from smsgateway.models.messages import Message, MessageStatusEvent
from smsgateway.models.notices import Notice
from smsgateway.models.partners import Partner, PointPerson
from smsgateway.models.referrals import Referral, ReferralEvent
from smsgateway.models.returnees import ChannelConsent, ContactPoint, Returnee
from smsgateway.models.reviews import ReviewItem

__all__ = [
    "ChannelConsent",
    "ContactPoint",
    "Message",
    "MessageStatusEvent",
    "Notice",
    "Partner",
    "PointPerson",
    "Referral",
    "ReferralEvent",
    "Returnee",
    "ReviewItem",
]
