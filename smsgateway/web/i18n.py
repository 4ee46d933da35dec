"""The console's language (Flask-Babel, catalog domain `console`): the user's choice, else the
browser's, else English. Notices have their own catalogs (domain `messages`, in every language).
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import Babel, get_locale, gettext
from flask_login import current_user

from smsgateway.content.console_catalogs import CONSOLE_LANGUAGES, DOMAIN, SOURCE_LANGUAGE
from smsgateway.errors import InvalidInput
from smsgateway.paths import locales_dir
from smsgateway.web.labels import FIELD

__all__ = ["CONSOLE_LANGUAGES", "init_i18n", "refusal", "select_locale"]


def select_locale() -> str:
    """The logged-in user's stored choice, else the best match of Accept-Language, else English."""
    chosen = getattr(current_user, "language", "")
    if chosen in CONSOLE_LANGUAGES:
        return str(chosen)
    return request.accept_languages.best_match(list(CONSOLE_LANGUAGES)) or SOURCE_LANGUAGE


def refusal(error: InvalidInput) -> str:
    """Why an input was refused, in the console's language: the domain's message (extracted
    into the console's catalog), after the field's name where the message needs it
    ("Appointment: use the form YYYY-MM-DDTHH:MM") and the row of a file when there is one."""
    message = error.translated(gettext)
    field = FIELD.get(error.field)
    if field is not None:
        message = gettext("%(field)s: %(message)s", field=field, message=message)
    else:
        message = message[:1].upper() + message[1:]
    if error.row is not None:
        return gettext("Row %(row)s: %(message)s", row=error.row, message=message)
    return message


def current_locale() -> str:
    return str(get_locale() or SOURCE_LANGUAGE)


def init_i18n(app: Flask) -> None:
    Babel(
        app,
        locale_selector=select_locale,
        default_locale=SOURCE_LANGUAGE,
        default_domain=DOMAIN,
        default_translation_directories=str(locales_dir()),
    )
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.globals["current_locale"] = current_locale
