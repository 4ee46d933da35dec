"""Typed ORM models, one module per aggregate. Importing this package registers every table."""

from smsgateway.models.api_tokens import ApiToken
from smsgateway.models.bulk import BulkSend
from smsgateway.models.feedback import FeedbackItem, FeedbackNote, SatisfactionAnswer
from smsgateway.models.followups import Followup
from smsgateway.models.jobs import apscheduler_jobs
from smsgateway.models.messages import Message, MessageStatusEvent, ParkedCallback
from smsgateway.models.notices import Notice
from smsgateway.models.partners import Partner, PointPerson
from smsgateway.models.privacy import AccessLogEntry, Erasure
from smsgateway.models.reachability import Escalation, ReachabilityEvent, Suppression
from smsgateway.models.referrals import Referral, ReferralEvent
from smsgateway.models.returnees import ChannelConsent, ContactPoint, Returnee
from smsgateway.models.reviews import ReviewItem
from smsgateway.models.send_windows import SendWindow
from smsgateway.models.tasks import Task
from smsgateway.models.users import LoginAttempt, User
from smsgateway.models.webhooks import WebhookDelivery

__all__ = [
    "AccessLogEntry",
    "ApiToken",
    "BulkSend",
    "ChannelConsent",
    "ContactPoint",
    "Erasure",
    "Escalation",
    "FeedbackItem",
    "FeedbackNote",
    "Followup",
    "LoginAttempt",
    "Message",
    "MessageStatusEvent",
    "Notice",
    "ParkedCallback",
    "Partner",
    "PointPerson",
    "ReachabilityEvent",
    "Referral",
    "ReferralEvent",
    "Returnee",
    "ReviewItem",
    "SatisfactionAnswer",
    "SendWindow",
    "Suppression",
    "Task",
    "User",
    "WebhookDelivery",
    "apscheduler_jobs",
]
