"""Where the content folders live: next to the package in a checkout, inside it when installed.

A wheel carries `locales/` and `templates/messages/` under `smsgateway/_content/` (see
pyproject.toml); a checkout or editable install finds them at the repository root. Settings may
point elsewhere (`SMSGATEWAY_LOCALES_DIR`, `SMSGATEWAY_MESSAGE_TEMPLATES_DIR`).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _content_dir(relative: str, env_var: str) -> Path:
    return _resolve(relative, os.environ.get(env_var) or "")


@cache  # asked for every rendered message: resolve each (folder, setting) once
def _resolve(relative: str, configured: str) -> Path:
    if configured:
        return Path(configured)
    installed = _PACKAGE / "_content" / relative
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / relative


def locales_dir() -> Path:
    """The folder holding `languages.toml`, the catalogs and the reply keywords."""
    return _content_dir("locales", "SMSGATEWAY_LOCALES_DIR")


def message_templates_dir() -> Path:
    """The folder holding one template per notice kind."""
    return _content_dir("templates/messages", "SMSGATEWAY_MESSAGE_TEMPLATES_DIR")
