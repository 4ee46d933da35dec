"""Who may do what: the roles, the actions, and the one table joining them.

Every face asks this module: each console route declares the action it needs
(`smsgateway.web.access`), and the JSON API and the commands are to do the same. A role has an
action everywhere (`Scope.ALL`), only on its own partner organisation's referrals
(`Scope.OWN_PARTNER`), or not at all. `docs/permissions.md` shows this table; a test keeps the
two in agreement.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Protocol, TypeVar

from sqlalchemy import Select, false

from smsgateway.models import Partner, Referral

Row = TypeVar("Row", bound=Any)


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    CASEWORKER = "caseworker"
    PARTNER = "partner"  # bound to one partner organisation


class Action(StrEnum):
    VIEW_REFERRALS = "view_referrals"  # every referral, its history and its messages
    CREATE_REFERRAL = "create_referral"
    MOVE_APPOINTMENT = "move_appointment"  # a new time; closes a rebooking task
    APPLY_REVIEW = "apply_review"  # decide what a queued message (or notice) means; clear flags
    VIEW_OVERVIEW = "view_overview"  # counts per status and per partner
    VIEW_UNREACHABLE = "view_unreachable"
    USE_SIMULATOR = "use_simulator"  # the demo's phone simulator (local transport only)
    VIEW_PARTNER_REFERRALS = "view_partner_referrals"  # the partner page: referrals and history
    REPORT_OUTCOME = "report_outcome"  # enrolled, ineligible, no-show, dropped out
    MANAGE_USERS = "manage_users"
    REPLAY_WEBHOOKS = "replay_webhooks"  # outbound webhook deliveries given up, sent again
    VIEW_RETURNEES = "view_returnees"  # returnees, their contact points and consent
    EDIT_RETURNEES = "edit_returnees"  # register returnees, change their contact points, consent
    UPDATE_REFERRAL = "update_referral"  # change the status by the table, close
    VIEW_PARTNERS = "view_partners"  # partners, their point persons and services
    SEND_BULK = "send_bulk"  # preview, send, follow and cancel bulk notices
    IMPORT_DATA = "import_data"  # CSV import of returnees and referrals
    EXPORT_DATA = "export_data"  # CSV export of referrals and their events
    USE_ACCOUNT = "use_account"  # one's own account: language, log out
    VIEW_SATISFACTION = "view_satisfaction"  # satisfaction per partner and service, CSV
    HANDLE_FEEDBACK = "handle_feedback"  # read complaints, add notes, close them (managers only)
    VIEW_OWN_SATISFACTION = "view_own_satisfaction"  # a partner's own totals, from 5 returnees
    EXPORT_SUBJECT_DATA = "export_subject_data"  # all held about one returnee (docs/privacy.md)
    ERASE_RETURNEE = "erase_returnee"  # remove a returnee's personal data, keep the figures
    VIEW_ACCESS_LOG = "view_access_log"  # who viewed or exported whose data, refusals
    FOLLOW_UP_UNREACHABLE = "follow_up_unreachable"  # assign, record a visit or call, new number


class Scope(StrEnum):
    ALL = "all"
    OWN_PARTNER = "own_partner"  # referrals of the account's partner organisation only


A, S = Action, Scope
_STAFF = {
    A.VIEW_REFERRALS: S.ALL,
    A.VIEW_UNREACHABLE: S.ALL,
    A.USE_ACCOUNT: S.ALL,
    A.VIEW_RETURNEES: S.ALL,
    A.VIEW_PARTNERS: S.ALL,
    A.EXPORT_DATA: S.ALL,
    A.FOLLOW_UP_UNREACHABLE: S.ALL,
}
_CASEWORK = {
    A.CREATE_REFERRAL: S.ALL,
    A.MOVE_APPOINTMENT: S.ALL,
    A.APPLY_REVIEW: S.ALL,
    A.EDIT_RETURNEES: S.ALL,
    A.UPDATE_REFERRAL: S.ALL,
    A.IMPORT_DATA: S.ALL,
}

PERMISSIONS: dict[Role, dict[Action, Scope]] = {
    Role.ADMIN: {
        **_STAFF,
        **_CASEWORK,
        A.VIEW_OVERVIEW: S.ALL,
        A.USE_SIMULATOR: S.ALL,
        A.MANAGE_USERS: S.ALL,
        A.SEND_BULK: S.ALL,
        A.REPLAY_WEBHOOKS: S.ALL,
        A.VIEW_SATISFACTION: S.ALL,
    },
    Role.MANAGER: {**_STAFF, A.VIEW_OVERVIEW: S.ALL, A.USE_SIMULATOR: S.ALL, A.SEND_BULK: S.ALL},
    Role.CASEWORKER: {**_STAFF, **_CASEWORK, A.USE_SIMULATOR: S.ALL, A.SEND_BULK: S.ALL},
    Role.PARTNER: {
        A.VIEW_PARTNER_REFERRALS: S.OWN_PARTNER,
        A.REPORT_OUTCOME: S.OWN_PARTNER,
        A.USE_ACCOUNT: S.ALL,
        A.VIEW_PARTNERS: S.OWN_PARTNER,
        A.VIEW_OWN_SATISFACTION: S.OWN_PARTNER,
    },
}
# Rows of the manager's line, kept apart so that line stays as it was: satisfaction, and the
# complaints, which only managers read (not admins, caseworkers or partners).
PERMISSIONS[Role.MANAGER] |= {A.VIEW_SATISFACTION: S.ALL, A.HANDLE_FEEDBACK: S.ALL}


# Data protection (docs/privacy.md): subject access and erasure for admins and managers, the
# access log for admins.
PERMISSIONS[Role.ADMIN].update(
    {A.EXPORT_SUBJECT_DATA: S.ALL, A.ERASE_RETURNEE: S.ALL, A.VIEW_ACCESS_LOG: S.ALL}
)
PERMISSIONS[Role.MANAGER].update({A.EXPORT_SUBJECT_DATA: S.ALL, A.ERASE_RETURNEE: S.ALL})


class Principal(Protocol):
    """What a permission check reads of the acting user."""

    @property
    def role(self) -> str: ...

    @property
    def partner_id(self) -> int | None: ...


def scope_of(role: str, action: Action) -> Scope | None:
    """How far `role` may take `action`: everywhere, its own partner's referrals, or not at all."""
    try:
        return PERMISSIONS[Role(role)].get(action)
    except ValueError:  # a role this version does not know has no rights
        return None


def is_allowed(role: str, action: Action) -> bool:
    return scope_of(role, action) is not None


def may_act_on(user: Principal, action: Action, referral: Referral) -> bool:
    """Whether `user` may take `action` on this referral, its scope included."""
    scope = scope_of(user.role, action)
    if scope is Scope.OWN_PARTNER:
        return user.partner_id is not None and referral.partner_id == user.partner_id
    return scope is Scope.ALL


def scope_referrals(query: Select[Row], user: Principal, action: Action) -> Select[Row]:
    """Narrow a query of referrals to those `user` may take `action` on (none if not allowed)."""
    scope = scope_of(user.role, action)
    if scope is Scope.ALL:
        return query
    if scope is Scope.OWN_PARTNER and user.partner_id is not None:
        return query.where(Referral.partner_id == user.partner_id)
    return query.where(false())


def permissions_table() -> str:
    """The table as Markdown, for docs/permissions.md."""
    roles = list(Role)
    lines = [
        "| action | " + " | ".join(role.value for role in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for action in Action:
        cells = [_cell(scope_of(role, action)) for role in roles]
        lines.append(f"| `{action.value}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _cell(scope: Scope | None) -> str:
    return {None: "-", Scope.ALL: "yes", Scope.OWN_PARTNER: "own partner's"}[scope]


def scope_partners(query: Select[Row], user: Principal, action: Action) -> Select[Row]:
    """Narrow a query of partners to those `user` may take `action` on (a partner: its own)."""
    scope = scope_of(user.role, action)
    if scope is Scope.ALL:
        return query
    if scope is Scope.OWN_PARTNER and user.partner_id is not None:
        return query.where(Partner.id == user.partner_id)
    return query.where(false())
