"""Words for the console's codes: statuses, reasons, intents, sources, channels, states.

Every vocabulary value the console shows goes through `label(kind, value)`, so a caseworker
reads "Asked for another date", never `reschedule_requested`, in the console's language. An
unknown value is shown as it is, with its underscores turned into spaces.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask
from flask_babel import LazyString, format_date, format_time, lazy_gettext

_ = lazy_gettext

STATUS = {
    "referred": _("Referred"),
    "confirmed": _("Confirmed"),
    "declined": _("Declined"),
    "reschedule_requested": _("Asked for another date"),
    "attended": _("Attended"),
    "no_show": _("Did not come"),
    "enrolled": _("Enrolled"),
    "ineligible": _("Not eligible"),
    "dropped_out": _("Dropped out"),
    "completed": _("Completed"),
    "not_started": _("Has not started"),
    "cancelled": _("Cancelled"),
}

INTENT = {
    "confirm": _("Confirms the appointment"),
    "decline": _("Cannot come"),
    "reschedule": _("Asks for another date"),
    "attended_yes": _("Went / started"),
    "attended_no": _("Did not go / has not started"),
    "opt_out": _("Wants no more messages"),
    "opt_in": _("Wants messages again"),
    "help": _("Asks for help"),
    "satisfied": _("Satisfied with the help"),
    "partly_satisfied": _("Partly satisfied with the help"),
    "not_satisfied": _("Not satisfied with the help"),
    "reason": _("Says why"),
    "feedback": _("A message for the managers"),
    "wrong_number": _("Says it is the wrong number"),
    "unclear": _("Unclear"),
    # A partner's outcomes, for a point person's message.
    "enrolled": _("Partner: enrolled"),
    "ineligible": _("Partner: not eligible"),
    "no_show": _("Partner: did not come"),
    "dropped_out": _("Partner: dropped out"),
    "attended": _("Partner: attended"),
}

REVIEW_REASON = {
    "no_open_question": _("Wrote without being asked anything"),
    "late_reply": _("Answered after the reply window"),
    "several_open_questions": _("Several questions open: which one is answered?"),
    "unknown_sender": _("Unknown number"),
    "invalid_sender": _("The sender is not a phone number"),
    "partner_message": _("A partner's message not understood"),
    "ineligible": _("Partner reports: not eligible (re-orient)"),
    "reorientation": _("Has not started the service (re-orient)"),
    "transition_refused": _("The answer does not fit the referral's status"),
    "contradicts_record": _("From a shared phone, says the opposite of what was recorded"),
    "could_not_be_processed": _("Could not be processed"),
    "opted_out": _("The number stopped messages"),
    "opt_out_by_likeness": _("Stopped: reads like an opt-out, check it was meant"),
    "cannot_read": _("Cannot read: call them, or send their notices as voice calls"),
    "help_at_length": _("Asked for help at length: read what else it says"),
    "opt_in_nothing_stopped": _("Asks for the messages again, but nothing was stopped"),
    "delivery_unknown": _("Delivery unknown"),
    "decline": _("Cannot come"),
    "reschedule": _("Asks for another date"),
    "unclear": _("Unclear answer"),
    "unclear_about_the_messages": _("Unclear, speaks of the messages (may want them to stop)"),
    "question_beside_answer": _("Answered, and asks a question"),
}

SENDER = {
    "returnee": _("Returnee"),
    "proxy": _("Proxy (relative or friend)"),
    "partner": _("Partner point person"),
    "unknown": _("Unknown number"),
    "none": _("Nobody (a delivery or opt-out report)"),
}

SOURCE = {
    "returnee_reply": _("returnee's reply"),
    "voice_keypress": _("key press on a call"),
    "partner_sms": _("partner's SMS"),
    "partner_page": _("partner's page"),
    "caseworker": _("caseworker"),
    "api": _("case-management system"),
    "system": _("the service"),
}

CHANNEL = {"sms": _("SMS"), "whatsapp": _("WhatsApp"), "voice": _("Voice call")}

DELIVERY = {
    "accepted": _("accepted by the provider"),
    "queued": _("queued at the provider"),
    "scheduled": _("scheduled at the provider"),
    "sending": _("sending"),
    "sent": _("sent, not yet delivered"),
    "delivered": _("delivered"),
    "read": _("read"),
    "undelivered": _("not delivered"),
    "failed": _("failed"),
    "received": _("received"),
    # A call's statuses.
    "ringing": _("ringing"),
    "in-progress": _("in progress"),
    "completed": _("answered"),
    "busy": _("busy"),
    "no-answer": _("not answered"),
    "canceled": _("cancelled"),
}

NOTICE_STATE = {
    "planned": _("planned"),
    "claimed": _("being sent"),
    "sent": _("sent"),
    "failed": _("failed"),
    "cancelled": _("cancelled"),
    "expired": _("expired"),
    "review": _("delivery unknown"),
}

NOTICE_KIND = {
    "referral_created": _("You have been referred"),
    "appointment_reminder": _("Appointment reminder"),
    "attendance_check": _("Did you go?"),
    "referral_followup": _("Follow-up"),
    "call_announcement": _("Call announcement"),
    "proxy_contact_request": _("Request through a proxy"),
    "partner_question": _("Question to the partner"),
    "partner_date_request": _("Asking the partner for a new date"),
    "bulk_information": _("Bulk notice"),
    "satisfaction_question": _("Satisfaction question"),
    "satisfaction_reason": _("Asking why (satisfaction)"),
    "feedback_request": _("Asking for the feedback message"),
    "feedback_closed": _("Feedback closed"),
    "ack_partner_results": _("Answer to the partner"),
}

REACHABILITY = {
    "unknown": _("not tried yet"),
    "reachable": _("reachable"),
    "failing": _("failing"),
    "unreachable": _("unreachable"),
    "invalid": _("wrong number"),
    "opted_out": _("stopped messages"),
}

SERVICE = {
    "vocational_training": _("Vocational training"),
    "business_support": _("Business support"),
    "employment": _("Job placement"),
    "education": _("Education"),
    "housing": _("Housing"),
    "legal": _("Legal aid"),
    "documentation": _("Identity documents"),
    "financial": _("Financial support"),
    "medical": _("Medical care"),
    "mental_health": _("Mental health"),
    "psychosocial": _("Psychosocial support"),
    "protection": _("Protection"),
    "gbv": _("Gender-based violence support"),
    "trafficking": _("Support for victims of trafficking"),
}

#: Why a person was flagged unreachable (`reachability.flag_unreachable`'s reasons).
UNREACHABLE_REASON = {
    "escalation_exhausted": _("every step of the escalation failed"),
    "no_answer_after_proxy": _("no answer, even through the proxy"),
    "opted_out": _("stopped messages"),
    "all_numbers_failed": _("every number failed"),
}

FLAG = {
    "no_response": _("no response"),
    "awaiting_partner": _("waiting for the partner"),
    "awaiting_rebooking": _("waiting for a new date"),
    "unreachable": _("unreachable"),
}

TASK = {
    "partner_outcome": _("asking the partner what became of it"),
    "partner_decision": _("waiting for the partner's decision"),
    "stalled": _("no news: asking again"),
    "rebooking": _("a new date to give"),
}

ENCODING = {
    "GSM-7": _("plain text (GSM-7)"),
    "UCS-2": _("Unicode (UCS-2): fewer characters per segment"),
    "gsm7": _("plain text (GSM-7)"),
    "ucs2": _("Unicode (UCS-2): fewer characters per segment"),
    "voice": _("spoken"),
}

BULK_STATE = {
    "draft": _("draft"),
    "confirmed": _("scheduled"),
    "finished": _("finished"),  # confirmed, and nothing of it is left to send
    "cancelled": _("cancelled"),
}

EXCLUSION = {
    "no_referral": _("no matching referral"),
    "no_number": _("no phone number"),
    "opted_out": _("opted out"),
    "unreachable": _("unreachable"),
    "no_translation": _("no text in any of their languages"),
}

#: The steps of the escalation policy (`smsgateway.escalation`), as the Unreachable page names
#: them.
ESCALATION_STEP = {
    "retry": _("the same channel again"),
    "voice": _("a voice call"),
    "proxy": _("a discreet request to a proxy"),
    "last_retry": _("the same message once more"),
}

#: The fields whose refusals need their name to be understood ("Appointment: use the form
#: YYYY-MM-DDTHH:MM"); a refusal of any other field says what it is about by itself
#: (`web.i18n.refusal`).
FIELD = {
    "appointment_at": _("Appointment"),
    "appointment_place": _("Place"),
    "appointment_from": _("Appointments from"),
    "appointment_to": _("Appointments until"),
    "call_at": _("Time of the call"),
    "start_at": _("Send from"),
    "end_at": _("Send until"),
    "phone": _("Own phone"),
    "proxy_phone": _("Proxy's number"),
    "number": _("Phone number"),
    "point_person_phone": _("Point person's phone"),
    "quiet_hours": _("Quiet hours"),
    "case_reference": _("Case reference"),
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "relation": _("Relation"),
    "proxy_name": _("Proxy's name"),
    "time_zone": _("Time zone"),
    "language": _("Language"),
    "username": _("Username"),
    "password": _("Password"),
}

VOCABULARIES: dict[str, dict[str, LazyString]] = {
    "field": FIELD,
    "status": STATUS,
    "intent": INTENT,
    "reason": REVIEW_REASON,
    "sender": SENDER,
    "source": SOURCE,
    "channel": CHANNEL,
    "delivery": DELIVERY,
    "notice_state": NOTICE_STATE,
    "notice_kind": NOTICE_KIND,
    "reachability": REACHABILITY,
    "unreachable_reason": UNREACHABLE_REASON,
    "encoding": ENCODING,
    "service": SERVICE,
    "flag": FLAG,
    "task": TASK,
    "bulk_state": BULK_STATE,
    "exclusion": EXCLUSION,
    "escalation_step": ESCALATION_STEP,
}


def label(vocabulary: str, value: str | None) -> str:
    """The words for `value` of `vocabulary` in the console's language."""
    if not value:
        return ""
    found = VOCABULARIES[vocabulary].get(value)
    if found is not None:
        return str(found)
    if vocabulary == "notice_kind" and value.startswith("ack_"):
        return str(_("Acknowledgement"))
    return value.replace("_", " ")


def labels(vocabulary: str, values: Iterable[str]) -> list[str]:
    """The words for each of `values`, in order (`label`)."""
    return [label(vocabulary, value) for value in values]


def when(moment: object, time_zone: str | None = None, form: str = "medium") -> str:
    """A UTC moment in the console's locale, in `time_zone` when given (the returnee's), else
    the programme's; the date in `form` (short, medium, full) and the time to the minute."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    if not isinstance(moment, datetime):
        return ""
    if not time_zone:
        from smsgateway.runtime import get_runtime

        time_zone = get_runtime().settings.default_time_zone
    local = moment.astimezone(ZoneInfo(time_zone))
    return f"{format_date(local, form, rebase=False)}, {format_time(local, 'short', rebase=False)}"


def service_label(code: str) -> str:
    return label("service", code)


def error_words(code: str | None) -> str:
    """What a provider's error code means (the provider's own words, in English)."""
    from smsgateway.delivery.errors import error_of

    return error_of(code).meaning if code else ""


def language_name(code: str) -> str:
    """A language's name in the console's language (Babel's CLDR names), else the list's."""
    from babel import Locale, UnknownLocaleError
    from flask_babel import get_locale

    from smsgateway.content.languages import load_languages

    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(get_locale())
    except (UnknownLocaleError, ValueError):
        name = None
    known = load_languages().get(code)
    return str(name or (known.name if known else code))


def colon() -> str:
    """What goes between a label and its value in the console's language ("Statut : 3")."""
    from flask_babel import pgettext

    return str(pgettext("between a label and its value", ": "))


def init_labels(app: Flask) -> None:
    app.jinja_env.globals["colon"] = colon
    app.jinja_env.globals["language_name"] = language_name
    app.jinja_env.globals["error_words"] = error_words
    app.jinja_env.globals["label"] = label
    app.jinja_env.globals["labels"] = labels
    app.jinja_env.globals["service_label"] = service_label
    app.jinja_env.filters["when"] = when
