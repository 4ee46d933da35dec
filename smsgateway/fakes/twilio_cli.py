"""`smsgateway fake-twilio`: serve the fake Twilio API in the foreground (demo, benchmarks)."""

from __future__ import annotations

import click

from smsgateway.fakes.twilio_api import FakeTwilio

# A fake's well-known credentials, printed in the README for the demo; never real secrets.
DEFAULT_ACCOUNT_SID = "AC" + "0" * 32
DEFAULT_AUTH_TOKEN = "fake-twilio-auth-token"  # noqa: S105  # public credentials of a local fake


@click.command("fake-twilio")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8099, show_default=True, type=int, help="Port (0: any free).")
@click.option("--account-sid", default=DEFAULT_ACCOUNT_SID, show_default=True)
@click.option(
    "--auth-token", default=DEFAULT_AUTH_TOKEN, help="Token the fake checks and signs with."
)
@click.option("--latency-ms", default=0, show_default=True, type=int, help="Delay of every answer.")
@click.option(
    "--rate-limit",
    default=0,
    show_default=True,
    type=int,
    help="Messages and calls accepted per second; 0 means no cap.",
)
@click.option(
    "--auto-callbacks/--no-auto-callbacks",
    default=False,
    show_default=True,
    help="Fire sent and delivered status callbacks after each message.",
)
def fake_twilio_cli(
    host: str,
    port: int,
    account_sid: str,
    auth_token: str,
    latency_ms: int,
    rate_limit: int,
    auto_callbacks: bool,
) -> None:
    """Serve a local fake of Twilio's Messages and Calls API until interrupted."""
    fake = FakeTwilio(
        account_sid=account_sid,
        auth_token=auth_token,
        host=host,
        port=port,
        auto_callbacks=auto_callbacks,
    )
    fake.set_latency(latency_ms / 1000)
    fake.rate_limit(rate_limit)
    fake.start()
    click.echo(f"Fake Twilio API on {fake.url} (account {fake.account_sid}); Ctrl-C stops it.")
    fake.serve_forever()
