"""Build the official `twilio` REST client, optionally pointed at a Twilio-compatible API base.

`SMSGATEWAY_TWILIO_API_BASE` (a local fake in tests and the demo, or a compatible provider) is
honoured by rewriting the scheme and host of every `*.twilio.com` URL the client builds; the
library still does authentication, form encoding, paging and error parsing into
`TwilioRestException`. Request logging never carries credentials, query strings or form data,
because those hold phone numbers.
"""

from __future__ import annotations

import logging
import os
from typing import Any
from urllib.parse import SplitResult, urlsplit, urlunsplit

from requests.adapters import HTTPAdapter
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

logger = logging.getLogger(__name__)

_TWILIO_DOMAIN = "twilio.com"
_POOL_SIZE = min(32, (os.cpu_count() or 1) + 4)


def parse_api_base(api_base: str) -> SplitResult:
    """Check that an API base is an absolute http(s) URL without query or fragment."""
    parts = urlsplit(api_base.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("Twilio API base must be an absolute http(s) URL")
    if parts.query or parts.fragment:
        raise ValueError("Twilio API base must not carry a query or fragment")
    return parts


def is_twilio_host(host: str | None) -> bool:
    """Tell whether a host name belongs to Twilio's API domains."""
    if not host:
        return False
    host = host.lower()
    return host == _TWILIO_DOMAIN or host.endswith("." + _TWILIO_DOMAIN)


def rewrite_twilio_url(url: str, base: SplitResult) -> str:
    """Send a `*.twilio.com` URL to the API base, keeping its path and query."""
    parts = urlsplit(url)
    if not is_twilio_host(parts.hostname):
        return url
    path = base.path.rstrip("/") + parts.path
    return urlunsplit((base.scheme, base.netloc, path, parts.query, parts.fragment))


class ApiBaseHttpClient(TwilioHttpClient):
    """The library's own HTTP client, sending Twilio-bound requests to another API base."""

    def __init__(self, api_base: str | None = None, timeout: float = 10.0) -> None:
        """Keep the library's session handling; remember where Twilio URLs should go."""
        super().__init__(timeout=timeout, logger=logger)
        self.api_base = parse_api_base(api_base) if api_base else None
        if self.session is not None and self.api_base and self.api_base.scheme == "http":
            # The library sizes the pool for https only; a plain-http base needs the same room.
            self.session.mount("http://", HTTPAdapter(pool_maxsize=_POOL_SIZE))

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        """Make the request the library asked for, at the API base when one is set."""
        if self.api_base is not None:
            url = rewrite_twilio_url(url, self.api_base)
        response: Response = super().request(
            method,
            url,
            params=params,
            data=data,
            headers=headers,
            auth=auth,
            timeout=timeout,
            allow_redirects=allow_redirects,
        )
        return response

    def log_request(self, kwargs: dict[str, Any]) -> None:
        """Log method and path only: query strings and forms carry phone numbers and bodies."""
        path = urlsplit(str(kwargs["url"])).path
        self.logger.debug("Twilio API request: %s %s", kwargs["method"], path)

    def log_response(self, status_code: int, response: Any) -> None:
        """Log the status code only."""
        self.logger.debug("Twilio API response: %s", status_code)


def make_twilio_client(
    account_sid: str,
    auth_token: str,
    api_base: str | None = None,
    timeout: float = 10.0,
) -> Client:
    """Return a `twilio.rest.Client`, talking to `api_base` instead of Twilio when it is given."""
    http_client = ApiBaseHttpClient(api_base=api_base, timeout=timeout)
    return Client(account_sid, auth_token, http_client=http_client)
