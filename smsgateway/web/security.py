"""Cookie flags, security headers and trusted proxies for every response of the app.

The Content-Security-Policy allows scripts and styles from this origin only (no inline ones:
the stylesheet is `static/console.css`) and no framing. Production adds HSTS and `Secure`
cookies, since it is served over https (behind a proxy: set `SMSGATEWAY_TRUSTED_PROXIES`).
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

from smsgateway.config import Settings
from smsgateway.runtime import get_runtime

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def cookie_settings(settings: Settings) -> dict[str, object]:
    """Flask's and Flask-Login's cookie configuration for these settings."""
    return {
        "SESSION_COOKIE_NAME": "smsgateway_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": settings.is_production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": settings.is_production,
        "PERMANENT_SESSION_LIFETIME": timedelta(minutes=settings.session_idle_minutes),
        # A form's CSRF token lives as long as the login session that issued it.
        "WTF_CSRF_TIME_LIMIT": None,
    }


def add_security_headers(response: Response) -> Response:
    """The headers above, each unless the view set its own (one pass over the response's)."""
    headers = response.headers
    present = {name.lower() for name, _value in headers.items()}
    wanted = list(HEADERS.items())
    if get_runtime().settings.is_production:
        wanted.append(("Strict-Transport-Security", HSTS))
    if request.blueprint != "webhooks" and request.endpoint != "static":
        wanted.append(("Cache-Control", "no-store"))  # pages hold personal data
    headers.extend([(name, value) for name, value in wanted if name.lower() not in present])
    return response


def init_security(app: Flask) -> None:
    settings = get_runtime(app).settings
    app.config.update(cookie_settings(settings))
    if settings.trusted_proxies:
        hops = settings.trusted_proxies
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops
        )
    app.after_request(add_security_headers)
