"""`smsgateway twilio …` commands: check the Twilio configuration, list unreachable contacts."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from twilio.base.exceptions import TwilioRestException

from smsgateway.config import Settings, twilio_auth_token
from smsgateway.reachability import flagged_unreachable_returnees, unreachable_contact_points
from smsgateway.runtime import get_runtime
from smsgateway.transports.twilio_http import make_twilio_client

twilio_cli = click.Group("twilio", help="Twilio: check the configuration, follow reachability.")


def config_problems(settings: Settings) -> list[str]:
    """What is missing or wrong in the Twilio settings, without calling Twilio."""
    problems = []
    if not settings.twilio_account_sid.startswith("AC"):
        problems.append("SMSGATEWAY_TWILIO_ACCOUNT_SID is not set (it starts with AC)")
    if not twilio_auth_token(settings):
        problems.append("SMSGATEWAY_TWILIO_AUTH_TOKEN (or _FILE) is not set")
    if not (settings.twilio_sms_from or settings.twilio_messaging_service_sid):
        problems.append("neither SMSGATEWAY_TWILIO_SMS_FROM nor _MESSAGING_SERVICE_SID is set")
    if not settings.public_url:
        problems.append("SMSGATEWAY_PUBLIC_URL is not set: Twilio could not call back")
    elif settings.is_production and not settings.public_url.startswith("https://"):
        problems.append("SMSGATEWAY_PUBLIC_URL is not an https URL")
    return problems


@twilio_cli.command("check")
@with_appcontext
def check() -> None:
    """Validate the settings and fetch the account through the API base; sends nothing."""
    settings = get_runtime().settings
    problems = config_problems(settings)
    for problem in problems:
        click.echo(f"problem: {problem}")
    if settings.twilio_account_sid and twilio_auth_token(settings):
        client = make_twilio_client(
            settings.twilio_account_sid,
            twilio_auth_token(settings),
            api_base=settings.twilio_api_base or None,
        )
        try:
            account = client.api.v2010.accounts(settings.twilio_account_sid).fetch()
            click.echo(f"account: {account.status}")
        except TwilioRestException as exc:
            problems.append(f"the API refused the credentials ({exc.status})")
            click.echo(f"problem: {problems[-1]}")
        except OSError as exc:
            problems.append(f"the API cannot be reached ({type(exc).__name__})")
            click.echo(f"problem: {problems[-1]}")
    if problems:
        raise SystemExit(1)
    base = settings.public_url.rstrip("/")
    click.echo(f"inbound messages webhook: {base}/webhooks/twilio/messages")
    click.echo("ok")


@twilio_cli.command("unreachable")
@with_appcontext
def unreachable() -> None:
    """List returnees flagged unreachable, then contact points marked unreachable or invalid."""
    with get_runtime().db.sessions() as session:
        flagged = flagged_unreachable_returnees(session)
        for returnee in flagged:
            when = returnee.unreachable_flagged_at.date() if returnee.unreachable_flagged_at else ""
            click.echo(f"{returnee.case_reference}\tflagged\t{returnee.unreachable_reason}\t{when}")
        click.echo(f"{len(flagged)} returnee(s) flagged unreachable")
        points = unreachable_contact_points(session)
        for point in points:
            when = point.reachability_changed_at.date() if point.reachability_changed_at else ""
            click.echo(
                f"{point.returnee.case_reference}\t{point.reachability}\t"
                f"{'proxy' if point.is_proxy else 'own'}\t{when}"
            )
        click.echo(f"{len(points)} contact point(s)")
