"""The API's schemas: they validate requests, shape responses and generate the OpenAPI document.

One schema per shape; field descriptions end up in the reference page. Vocabularies (status,
channel, language) come from the domain modules, so a new status appears here by itself.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate
from webargs.fields import DelimitedList

from smsgateway.api.fields import Id, Moment, Text
from smsgateway.api_tokens import TokenScope
from smsgateway.bulk import REFERRAL_KINDS
from smsgateway.channels import Channel
from smsgateway.content.languages import supported_codes
from smsgateway.notices import NoticeKind
from smsgateway.permissions import Role
from smsgateway.referrals import CLOSED, Status
from smsgateway.replies.partner_commands import PartnerAction

STATUSES = [status.value for status in Status]
CHANNELS = [channel.value for channel in Channel]
LANGUAGES = supported_codes()


def _one_of(values: list[str]) -> validate.OneOf:
    return validate.OneOf(values)


class Strict(Schema):
    """Unknown fields are refused (422), so a typo never passes silently."""


# Errors -------------------------------------------------------------------------------------


class ErrorSchema(Schema):
    code = fields.String(
        required=True,
        metadata={
            "description": "Stable: invalid_input, unauthorized, insufficient_scope, forbidden, "
            "not_found, precondition_required, precondition_failed, transition_refused, "
            "conflict, bad_request, method_not_allowed, server_error"
        },
    )
    message = fields.String(required=True)
    fields_ = fields.Dict(
        data_key="fields",
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Field name (nested: a.0.b) → what is wrong with it"},
    )


# Pages --------------------------------------------------------------------------------------


class PageArgs(Strict):
    page = fields.Integer(
        load_default=1, validate=validate.Range(min=1, max=100_000), metadata={"example": 1}
    )
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


def page_of(item: type[Schema]) -> type[Schema]:
    """A page of `item`: the items, the page number and size, and the total count."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item), required=True),
            "page": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
            "total": fields.Integer(required=True),
        },
        name=f"{item.__name__.removesuffix('Schema')}PageSchema",
    )


# Token ---------------------------------------------------------------------------------------


class TokenInfoSchema(Schema):
    username = fields.String(required=True)
    role = fields.String(required=True, validate=_one_of([r.value for r in Role]))
    partner_id = fields.Integer(allow_none=True)
    scope = fields.String(required=True, validate=_one_of([s.value for s in TokenScope]))


# Returnees ----------------------------------------------------------------------------------


class ContactPointSchema(Schema):
    id = fields.Integer(dump_only=True)
    number = fields.String(
        attribute="phone_e164", dump_only=True, metadata={"description": "E.164"}
    )
    is_proxy = fields.Boolean(dump_only=True)
    relation = fields.String(attribute="proxy_relation", dump_only=True)
    proxy_name = fields.String(dump_only=True)
    reachability = fields.String(dump_only=True)


class ContactPointInSchema(Strict):
    number = Text(
        required=True,
        max_length=40,
        metadata={"description": "Any usual writing; the programme's region is assumed"},
    )
    is_proxy = fields.Boolean(load_default=False)
    relation = Text(load_default="", max_length=64, metadata={"description": "Proxies only"})
    proxy_name = Text(load_default="", max_length=100, metadata={"description": "Proxies only"})


class ContactPointChangeSchema(Strict):
    number = Text(max_length=40)
    is_proxy = fields.Boolean()
    relation = Text(max_length=64)
    proxy_name = Text(max_length=100)


class ConsentSchema(Schema):
    channel = fields.String(required=True)
    opted_out = fields.Boolean(attribute="is_opted_out", required=True)
    source = fields.String()
    changed_at = fields.DateTime(required=True)


class ReturneeSchema(Schema):
    id = fields.Integer(required=True)
    case_reference = fields.String(required=True)
    first_name = fields.String()
    last_name = fields.String()
    language = fields.String(attribute="preferred_language", required=True)
    fallback_languages = fields.Method("_fallbacks")
    channel = fields.String(attribute="preferred_channel", required=True)
    time_zone = fields.String(required=True)
    opted_out = fields.Method("_opted_out", metadata={"type": "boolean"})
    unreachable_flagged_at = fields.DateTime(
        allow_none=True, metadata={"description": "Set when no channel reached the person"}
    )
    unreachable_reason = fields.String()
    contact_points = fields.List(fields.Nested(ContactPointSchema))
    consents = fields.List(fields.Nested(ConsentSchema))
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    version = fields.Integer(required=True, metadata={"description": "The ETag, unquoted"})

    def _fallbacks(self, returnee: Any) -> list[str]:
        return [code for code in returnee.fallback_languages.split(",") if code]

    def _opted_out(self, returnee: Any) -> bool:
        return any(consent.is_opted_out for consent in returnee.consents)


class ReturneeInSchema(Strict):
    case_reference = Text(required=True, max_length=64, min_length=1)
    first_name = Text(load_default="", max_length=100)
    last_name = Text(load_default="", max_length=100)
    language = Text(
        required=True,
        max_length=35,
        metadata={"description": f"A supported code ({', '.join(LANGUAGES)}) or BCP 47 tag"},
    )
    fallback_languages = fields.List(Text(max_length=35), load_default=list)
    channel = fields.String(load_default=Channel.SMS, validate=_one_of(CHANNELS))
    time_zone = Text(max_length=64, metadata={"description": "IANA name; default: the programme's"})
    contact_points = fields.List(
        fields.Nested(ContactPointInSchema),
        required=True,
        validate=validate.Length(min=1, max=10),
    )


class ReturneeChangeSchema(Strict):
    first_name = Text(max_length=100)
    last_name = Text(max_length=100)
    language = Text(max_length=35)
    fallback_languages = fields.List(Text(max_length=35), validate=validate.Length(max=10))
    channel = fields.String(validate=_one_of(CHANNELS))
    time_zone = Text(max_length=64)


class ConsentInSchema(Strict):
    opted_out = fields.Boolean(
        required=True, metadata={"description": "true: no more messages on any channel"}
    )


class ReturneeListArgs(PageArgs):
    updated_since = Moment()
    case_reference = Text(max_length=64)


# Referrals ----------------------------------------------------------------------------------


class ReferralSchema(Schema):
    id = fields.Integer(required=True)
    reference = fields.String(required=True)
    returnee_id = fields.Integer(required=True)
    case_reference = fields.Function(lambda r: r.returnee.case_reference, required=True)
    partner_id = fields.Integer(required=True)
    partner_name = fields.Function(lambda r: r.partner.name)
    service_category = fields.String(required=True)
    is_sensitive = fields.Boolean(required=True)
    status = fields.String(required=True, validate=_one_of(STATUSES))
    appointment_at = fields.DateTime(allow_none=True)
    appointment_place = fields.String()
    needs_reorientation = fields.Boolean()
    created_by = fields.String()
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    version = fields.Integer(required=True, metadata={"description": "The ETag, unquoted"})


class ReferralInSchema(Strict):
    case_reference = Text(
        max_length=64, metadata={"description": "The returnee (or give returnee_id)"}
    )
    returnee_id = Id()
    partner_id = Id(required=True)
    service_category = Text(required=True, max_length=64, min_length=1)
    is_sensitive = fields.Boolean(load_default=False)
    appointment_at = Moment(allow_none=True, load_default=None)
    appointment_place = Text(load_default="", max_length=200)


class ReferralListArgs(PageArgs):
    status = DelimitedList(
        fields.String(validate=_one_of(STATUSES)),
        metadata={"description": "One or more statuses, comma-separated"},
    )
    partner_id = Id(in_query=True)
    updated_since = Moment()
    case_reference = Text(max_length=64)


class AppointmentInSchema(Strict):
    appointment_at = Moment(required=True, metadata={"description": "In the future"})
    appointment_place = Text(max_length=200)


class StatusInSchema(Strict):
    status = fields.String(
        required=True,
        validate=_one_of(STATUSES),
        metadata={
            "description": "By the transition table; partner tokens: "
            + ", ".join(STATUS.value for STATUS in PartnerAction)
        },
    )
    note = Text(load_default="", max_length=500)


class CloseInSchema(Strict):
    status = fields.String(
        load_default=Status.CANCELLED, validate=_one_of(sorted(str(s) for s in CLOSED))
    )
    note = Text(load_default="", max_length=500)


class MessageSchema(Schema):
    id = fields.Integer(required=True)
    direction = fields.String(required=True, metadata={"description": "in | out"})
    channel = fields.String(required=True)
    number = fields.String(attribute="phone_e164", metadata={"description": "The other party"})
    kind = fields.String()
    body = fields.String()
    language = fields.String()
    segments = fields.Integer()
    delivery_status = fields.String()
    error_code = fields.String()
    intent = fields.String(allow_none=True)
    notice_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class EventSchema(Schema):
    id = fields.Integer(required=True, metadata={"description": "Also the feed's cursor"})
    referral_id = fields.Integer(required=True)
    referral_reference = fields.Function(lambda e: e.referral.reference, required=True)
    case_reference = fields.Function(lambda e: e.referral.returnee.case_reference)
    partner_id = fields.Function(lambda e: e.referral.partner_id, required=True)
    old_status = fields.String(allow_none=True)
    new_status = fields.String(required=True)
    source = fields.String(required=True)
    actor = fields.String()
    note = fields.String()
    message_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime(required=True)


class EventFeedArgs(Strict):
    after = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, max=2**63 - 1),
        metadata={"description": "The cursor: the id of the last event already read"},
    )
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    partner_id = Id(in_query=True)
    status = DelimitedList(
        fields.String(validate=_one_of(STATUSES)),
        metadata={"description": "Events into these statuses only"},
    )


class EventFeedSchema(Schema):
    events = fields.List(fields.Nested(EventSchema), required=True)
    next_after = fields.Integer(
        required=True, metadata={"description": "Pass as `after` to read on"}
    )
    has_more = fields.Boolean(required=True)


# Partners and services ----------------------------------------------------------------------


class PointPersonSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String()
    number = fields.String(attribute="phone_e164")
    language = fields.String()


class PartnerSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    display_name = fields.String()
    service_categories = fields.List(fields.String())
    point_persons = fields.List(fields.Nested(PointPersonSchema))
    created_at = fields.DateTime(required=True)


class ServiceSchema(Schema):
    code = fields.String(required=True)
    is_sensitive = fields.Boolean(
        required=True, metadata={"description": "Messages never name a sensitive service"}
    )
    partner_ids = fields.List(fields.Integer(), required=True)


class ServiceListSchema(Schema):
    items = fields.List(fields.Nested(ServiceSchema), required=True)


# Bulk notices -------------------------------------------------------------------------------

BULK_KINDS = sorted([NoticeKind.BULK_INFORMATION.value, *(str(kind) for kind in REFERRAL_KINDS)])


class CohortSchema(Strict):
    partner_id = Id(allow_none=True, load_default=None)
    service_category = Text(load_default="", max_length=64)
    statuses = fields.List(
        fields.String(validate=_one_of(STATUSES)),
        load_default=list,
        validate=validate.Length(max=20),
    )
    language = fields.String(load_default="", validate=_one_of(["", *LANGUAGES]))
    place = Text(load_default="", max_length=200)
    case_references = fields.List(
        Text(max_length=64), load_default=list, validate=validate.Length(max=5000)
    )
    everyone = fields.Boolean(load_default=False)


class ContentSchema(Strict):
    kind = fields.String(load_default=NoticeKind.BULK_INFORMATION, validate=_one_of(BULK_KINDS))
    texts = fields.Dict(
        keys=fields.String(validate=_one_of(LANGUAGES)),
        values=Text(max_length=1600),
        load_default=dict,
        metadata={"description": "Language code → the text (bulk_information only)"},
    )


class BulkInSchema(Strict):
    cohort = fields.Nested(CohortSchema, required=True)
    content = fields.Nested(ContentSchema, required=True)


class BulkCreateSchema(BulkInSchema):
    window_start = Moment(metadata={"description": "Default: now"})
    window_end = Moment(metadata={"description": "Notices not sent by then expire"})


class BulkPreviewSchema(Schema):
    recipients = fields.Integer(required=True)
    excluded = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    languages = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    channels = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    encodings = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    segments = fields.Integer(required=True)
    cost = fields.Float(required=True)
    currency = fields.String(required=True)


class BulkSchema(Schema):
    id = fields.Integer(required=True)
    state = fields.String(required=True, metadata={"description": "draft | confirmed | cancelled"})
    cohort = fields.Dict(required=True)
    content = fields.Dict(required=True)
    window_start_at = fields.DateTime(required=True)
    window_end_at = fields.DateTime(allow_none=True)
    created_by = fields.String()
    created_at = fields.DateTime(required=True)
    confirmed_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)
    progress = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "Notices per state, and total"},
    )
