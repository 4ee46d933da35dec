"""The console's forms (Flask-WTF: fields, validation and the CSRF token of every form)."""

from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from smsgateway.partners import IneligibleReason
from smsgateway.replies.partner_commands import PartnerAction
from smsgateway.web.i18n import CONSOLE_LANGUAGES


class LoginForm(FlaskForm):
    username = StringField(lazy_gettext("Username"), validators=[DataRequired(), Length(max=100)])
    password = PasswordField(
        lazy_gettext("Password"), validators=[DataRequired(), Length(max=1000)]
    )


class LogoutForm(FlaskForm):
    """No fields: the CSRF token alone, so no other site can log a user out."""


class LanguageForm(FlaskForm):
    language = SelectField(
        lazy_gettext("Console language"),
        choices=[
            SelectChoice("", lazy_gettext("As my browser asks")),
            *(SelectChoice(code, name) for code, name in CONSOLE_LANGUAGES.items()),
        ],
    )


OUTCOME_LABELS = {
    PartnerAction.ENROLLED: lazy_gettext("Enrolled"),
    PartnerAction.INELIGIBLE: lazy_gettext("Not eligible"),
    PartnerAction.NO_SHOW: lazy_gettext("Did not come"),
    PartnerAction.DROPPED_OUT: lazy_gettext("Dropped out"),
}


INELIGIBLE_LABELS = {
    IneligibleReason.AGE: lazy_gettext("Age"),
    IneligibleReason.RESIDENCE: lazy_gettext("Place of residence"),
    IneligibleReason.DOCUMENTS: lazy_gettext("Missing documents"),
    IneligibleReason.ALREADY_ASSISTED: lazy_gettext("Already assisted"),
    IneligibleReason.SERVICE_FULL: lazy_gettext("No place left"),
    IneligibleReason.HEALTH: lazy_gettext("Health"),
    IneligibleReason.OTHER: lazy_gettext("Other (say why in the note)"),
}


class OutcomeForm(FlaskForm):
    """A partner reports what became of a referral, as its point person would by SMS."""

    outcome = SelectField(
        lazy_gettext("Outcome"),
        choices=[
            SelectChoice("", lazy_gettext("Choose…")),
            *(SelectChoice(action.value, label) for action, label in OUTCOME_LABELS.items()),
        ],
        validators=[DataRequired()],
    )
    reason = SelectField(
        lazy_gettext("Why not eligible"),
        choices=[
            SelectChoice("", lazy_gettext("Choose…")),
            *(SelectChoice(reason.value, label) for reason, label in INELIGIBLE_LABELS.items()),
        ],
        validate_choice=False,  # checked below, and only for "not eligible"
    )
    note = TextAreaField(lazy_gettext("Note (for not eligible: why)"), validators=[Length(max=500)])

    def validate_reason(self, field: SelectField) -> None:
        """Not eligible needs a reason from the list, so caseworkers can re-orient by it."""
        if self.outcome.data != PartnerAction.INELIGIBLE:
            return
        if field.data not in {reason.value for reason in IneligibleReason}:
            raise ValidationError(lazy_gettext("Choose why the person is not eligible."))
