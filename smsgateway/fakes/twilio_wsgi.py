"""The WSGI side of the fake Twilio API: Twilio's paths, Basic auth, validation and error JSON.

Order of checks per request, as a provider does: latency, authentication, injected failures,
then the route; creations also pass the rate cap. Every request is recorded with the status
it got.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from smsgateway.fakes import twilio_resources as res
from smsgateway.fakes.twilio_state import FakeState, RecordedRequest, StoredResource

_ACCOUNT = "/2010-04-01/Accounts/<account>"
_ROUTES = Map(
    [
        Rule(f"{_ACCOUNT}.json", endpoint="account", methods=["GET"]),
        Rule(f"{_ACCOUNT}/Messages.json", endpoint="messages", methods=["GET", "POST"]),
        Rule(f"{_ACCOUNT}/Messages/<sid>.json", endpoint="message", methods=["GET"]),
        Rule(f"{_ACCOUNT}/Calls.json", endpoint="calls", methods=["GET", "POST"]),
        Rule(f"{_ACCOUNT}/Calls/<sid>.json", endpoint="call", methods=["GET"]),
    ]
)


def _json(body: dict[str, Any], status: int, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status=status, headers=headers, mimetype="application/json")


def _error(code: int, status: int, headers: dict[str, str] | None = None) -> Response:
    return _json(res.error_body(code, status), status, headers)


def _failure(status: int) -> Response:
    """Answer an injected or rate-cap failure; 429 carries Retry-After like Twilio's."""
    if status == 429:
        return _error(20429, 429, {"Retry-After": "1"})
    return _error(20503 if status == 503 else 20500, status)


def _first_failure(checks: Iterable[tuple[bool, int]]) -> int | None:
    return next((code for failed, code in checks if failed), None)


def message_error(form: dict[str, str], media: list[str]) -> int | None:
    """Return the Twilio error code a message creation form deserves, if any."""
    to = form.get("To", "")
    return _first_failure(
        (
            (not to, 21604),
            (not res.is_e164(to), 21211),
            (not (form.get("From") or form.get("MessagingServiceSid")), 21603),
            (not (form.get("Body") or media or form.get("ContentSid")), 21602),
            (len(form.get("Body", "")) > res.MAX_BODY, 21617),
            (not res.is_valid_validity(form.get("ValidityPeriod")), 21624),
        )
    )


def call_error(form: dict[str, str]) -> int | None:
    """Return the Twilio error code a call creation form deserves, if any."""
    to = form.get("To", "")
    return _first_failure(
        (
            (not to, 21201),
            (not res.is_e164(to), 21211),
            (not form.get("From"), 21213),
            (not (form.get("Url") or form.get("Twiml") or form.get("ApplicationSid")), 21205),
        )
    )


class TwilioApiApp:
    """WSGI app answering Twilio's Messages, Calls and Account paths from a `FakeState`."""

    def __init__(self, state: FakeState, on_message: Callable[[str], None]) -> None:
        """Serve `state`; `on_message(sid)` runs after each accepted message."""
        self.state = state
        self.on_message = on_message

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        """Answer one API request as Twilio would."""
        request = Request(environ)
        response = self._answer(request)
        self._record(request, response.status_code)
        return response(environ, start_response)

    def _record(self, request: Request, status: int) -> None:
        headers = {k: v for k, v in request.headers.items() if k.lower() != "authorization"}
        entry = RecordedRequest(
            method=request.method,
            path=request.path,
            query=request.args.to_dict(),
            form=request.form.to_dict(),
            form_lists=request.form.to_dict(flat=False),
            headers=headers,
            status=status,
            at=time.monotonic(),
        )
        with self.state.lock:
            self.state.requests.append(entry)

    def _answer(self, request: Request) -> Response:
        state = self.state
        state.faults.pause()
        auth = request.authorization
        if auth is None or (auth.username, auth.password) != (state.account_sid, state.auth_token):
            return _error(20003, 401, {"WWW-Authenticate": 'Basic realm="Twilio API"'})
        failure = state.faults.take_failure()
        if failure is not None:
            return _failure(failure)
        try:
            endpoint, args = _ROUTES.bind_to_environ(request.environ).match()
        except NotFound:
            return _error(20404, 404)
        except MethodNotAllowed:
            return _error(20004, 405)
        if args.get("account") != state.account_sid:
            return _error(20404, 404)
        handler: Callable[..., Response] = getattr(self, f"_{endpoint}_{request.method.lower()}")
        return handler(request, **{k: v for k, v in args.items() if k != "account"})

    def _account_get(self, request: Request) -> Response:
        created = res.rfc2822(res.now_utc())
        sid = self.state.account_sid
        return _json(
            {
                "sid": sid,
                "friendly_name": "Fake Twilio account",
                "status": "active",
                "type": "Full",
                "date_created": created,
                "date_updated": created,
                "uri": f"{res.account_base(sid)}.json",
            },
            200,
        )

    def _messages_post(self, request: Request) -> Response:
        form = request.form.to_dict()
        lists = request.form.to_dict(flat=False)
        media = lists.get("MediaUrl", [])
        accepted_at = self.state.faults.rate_cap.accept()
        if accepted_at is None:
            return _failure(429)
        code = message_error(form, media) or self.state.rejection(form["To"])
        if code is not None:
            return _error(code, 400)
        resource = res.message_resource(self.state.account_sid, form, media)
        stored = StoredResource(resource, form, lists, accepted_at)
        with self.state.lock:
            self.state.messages[stored.sid] = stored
        self.on_message(stored.sid)
        return _json(resource, 201)

    def _messages_get(self, request: Request) -> Response:
        query = request.args.to_dict()
        records = self._newest_first(self.state.messages)
        try:
            chosen = [r for r in records if res.matches_message_filters(r, query)]
        except ValueError:
            return _json(res.error_body(20001, 400, "Invalid DateSent filter"), 400)
        return _json(res.page_body("messages", chosen, request.path, query), 200)

    def _message_get(self, request: Request, sid: str) -> Response:
        return self._fetch(self.state.messages, sid)

    def _calls_post(self, request: Request) -> Response:
        form = request.form.to_dict()
        accepted_at = self.state.faults.rate_cap.accept()
        if accepted_at is None:
            return _failure(429)
        code = call_error(form) or self.state.rejection(form["To"])
        if code is not None:
            return _error(code, 400)
        resource = res.call_resource(self.state.account_sid, form)
        stored = StoredResource(resource, form, request.form.to_dict(flat=False), accepted_at)
        with self.state.lock:
            self.state.calls[stored.sid] = stored
        return _json(resource, 201)

    def _calls_get(self, request: Request) -> Response:
        query = request.args.to_dict()
        records = self._newest_first(self.state.calls)
        chosen = [r for r in records if query.get("To", r["to"]) == r["to"]]
        return _json(res.page_body("calls", chosen, request.path, query), 200)

    def _call_get(self, request: Request, sid: str) -> Response:
        return self._fetch(self.state.calls, sid)

    def _newest_first(self, store: dict[str, StoredResource]) -> list[dict[str, Any]]:
        # Twilio lists newest first.
        with self.state.lock:
            return [copy.deepcopy(item.resource) for item in reversed(store.values())]

    def _fetch(self, store: dict[str, StoredResource], sid: str) -> Response:
        with self.state.lock:
            stored = store.get(sid)
            body = copy.deepcopy(stored.resource) if stored else None
        return _json(body, 200) if body is not None else _error(20404, 404)
