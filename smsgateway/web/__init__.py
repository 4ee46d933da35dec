"""The web faces: one blueprint per audience or concern, all behind login and one permission table.

- `auth`: login, logout, one's account, each role's start page, the list of accounts;
- `caseworker`: the front page, the referral list, a referral's timeline and actions;
- `bulk`: the bulk notice composer (preview, schedule, progress, cancel);
- `reviews`: the review queue (apply as an intent, dismiss with a note);
- `returnees`: the returnee list, registering and editing, consent and reachability;
- `delivery`: actions on delivery (notices in review resent or marked sent, opt-outs seen, the
  unreachable flag cleared, outbound webhook deliveries replayed), buttons on the pages above;
- `manager`: the overview and the unreachable list;
- `partner`: a partner organisation's own referrals and its outcome reports;
- `feedback`: satisfaction per partner and service, complaints (managers only), a partner's
  own satisfaction totals;
- `simulator`: the demo's phone simulator (local transport, never in production);
- `import_export`: CSV upload of returnees and referrals, CSV export of referrals and events;
- `privacy`: a returnee's data (page and JSON), erasure, the access log (`audit` writes it);
- `webhooks` (in `smsgateway.webhooks`): public, authenticated by the provider's signature.

Templates live in `web/templates/<blueprint>/`, the stylesheet in `web/static/`. Each view
declares the action it needs (`web.access`); forms carry Flask-WTF's CSRF token.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext
from flask_wtf.csrf import CSRFProtect

from smsgateway.permissions import Role
from smsgateway.runtime import get_runtime
from smsgateway.web.access import init_access
from smsgateway.web.audit import init_audit
from smsgateway.web.auth import auth
from smsgateway.web.bulk import bulk
from smsgateway.web.caseworker import caseworker
from smsgateway.web.delivery import delivery
from smsgateway.web.errors import init_errors
from smsgateway.web.feedback import feedback
from smsgateway.web.i18n import init_i18n
from smsgateway.web.import_export import import_export
from smsgateway.web.labels import init_labels
from smsgateway.web.listing import page_args
from smsgateway.web.manager import manager
from smsgateway.web.partner import partner
from smsgateway.web.privacy import privacy
from smsgateway.web.returnees import returnees
from smsgateway.web.reviews import reviews
from smsgateway.web.security import init_security
from smsgateway.web.session import init_sessions
from smsgateway.web.simulator import simulator
from smsgateway.webhooks import webhooks

csrf = CSRFProtect()

ROLE_LABELS = {
    Role.ADMIN: lazy_gettext("administrator"),
    Role.MANAGER: lazy_gettext("manager"),
    Role.CASEWORKER: lazy_gettext("caseworker"),
    Role.PARTNER: lazy_gettext("partner"),
}


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(Role(role), role)) if role in set(Role) else role


def init_web(app: Flask) -> None:
    init_security(app)
    init_i18n(app)
    init_sessions(app)
    csrf.init_app(app)
    csrf.exempt(webhooks)  # providers authenticate with signatures, not session tokens
    init_errors(app)
    faces = (
        auth,
        caseworker,
        reviews,
        returnees,
        bulk,
        delivery,
        manager,
        partner,
        feedback,
        import_export,
    )
    for blueprint in (*faces, webhooks):
        app.register_blueprint(blueprint)
    init_labels(app)
    app.jinja_env.globals["page_args"] = page_args
    app.register_blueprint(privacy)
    enabled = get_runtime(app).settings.is_simulator_enabled
    app.jinja_env.globals["simulator_enabled"] = enabled
    app.jinja_env.globals["role_label"] = role_label
    if enabled:
        app.register_blueprint(simulator)
    init_access(app)
    init_audit(app)
