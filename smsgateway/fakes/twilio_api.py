"""A local fake of Twilio's REST API for Messages and Calls, for tests, the demo and benchmarks.

`FakeTwilio` serves `TwilioApiApp` with werkzeug in a background thread. It speaks Twilio's
paths, Basic auth, JSON shapes and error JSON, so the real `twilio` client (see
`smsgateway.transports.twilio_http.make_twilio_client`) runs against it unchanged. It records
every request, can answer slowly, with 429 or 500, or over a rate cap, and fires status,
inbound and voice webhooks signed exactly as Twilio signs them. Automatic status callbacks come
after a configurable delay, in order or reversed, as Twilio's may.
"""

from __future__ import annotations

import functools
import logging
import signal
import threading
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from smsgateway.fakes import twilio_resources as res
from smsgateway.fakes.twilio_callbacks import (
    CallbackResponse,
    CallbackTarget,
    call_params,
    call_status_params,
    inbound_message_params,
    message_status_params,
    post_over_http,
    signed_form,
)
from smsgateway.fakes.twilio_faults import max_in_any_window
from smsgateway.fakes.twilio_jobs import DelayedJobs
from smsgateway.fakes.twilio_state import (
    FakeState,
    RecordedCallback,
    RecordedRequest,
    StoredResource,
)
from smsgateway.fakes.twilio_wsgi import TwilioApiApp

logger = logging.getLogger(__name__)


class _QuietHandler(WSGIRequestHandler):
    """Request handler that does not log request lines (their query strings hold numbers)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Skip the access log."""


class FakeTwilio:
    """Twilio's Messages and Calls API on a local port, with recording and fault injection."""

    def __init__(
        self,
        account_sid: str | None = None,
        auth_token: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        auto_callbacks: bool = False,
        callback_target: CallbackTarget | None = None,
    ) -> None:
        """Prepare the fake (random credentials unless given); nothing listens until `start()`."""
        self.state = FakeState(account_sid or res.new_sid("AC"), auth_token or res.new_sid(""))
        self.host = host
        self.port = port
        self.auto_callbacks = auto_callbacks
        self.callback_target: CallbackTarget = callback_target or post_over_http
        self.app = TwilioApiApp(self.state, self._message_accepted)
        self._jobs = DelayedJobs()
        self.callback_delay = 0.0
        self.callback_order = "in_order"
        self._server: BaseWSGIServer | None = None
        self._threads: list[threading.Thread] = []

    @property
    def account_sid(self) -> str:
        """The account SID the fake accepts (Basic auth user name and path segment)."""
        return self.state.account_sid

    @property
    def auth_token(self) -> str:
        """The auth token the fake accepts and signs webhooks with."""
        return self.state.auth_token

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The API base, e.g. http://127.0.0.1:8099 (available once started)."""
        if self._server is None:
            raise RuntimeError("FakeTwilio is not started")
        return f"http://{self.host}:{self._server.server_port}"

    def start(self) -> FakeTwilio:
        """Listen on the host and port (0 picks a free one) in background threads."""
        if self._server is not None:
            raise RuntimeError("FakeTwilio is already started")
        self._server = make_server(
            self.host, self.port, self.app, threaded=True, request_handler=_QuietHandler
        )
        self._threads = [
            threading.Thread(
                # A short poll keeps stop() quick; the default half second adds up in tests.
                target=self._server.serve_forever,
                args=(0.05,),
                name="fake-twilio",
                daemon=True,
            ),
            threading.Thread(target=self._jobs.run, name="fake-twilio-callbacks", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and stop the callback worker."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._jobs.stop()
        for thread in self._threads:
            thread.join(timeout=5)
        self._server = None

    def serve_forever(self) -> None:
        """Serve in the foreground until SIGINT (Ctrl-C) or SIGTERM, starting first if needed.

        Handlers are installed explicitly: a process started in the background by a
        non-interactive shell inherits SIGINT as ignored, and Python then never raises
        KeyboardInterrupt.
        """
        if self._server is None:
            self.start()
        stop = threading.Event()
        previous = {
            sig: signal.signal(sig, lambda _signum, _frame: stop.set())
            for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            stop.wait()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            self.stop()

    def __enter__(self) -> FakeTwilio:
        """Start on entering a `with` block."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop on leaving a `with` block."""
        self.stop()

    # -- configuration -----------------------------------------------------------------------

    def set_latency(self, seconds: float) -> None:
        """Answer every API request after `seconds`."""
        self.state.faults.latency = seconds

    def fail_next(self, count: int, status: int = 500) -> None:
        """Answer the next `count` authenticated API requests with 429 or 500 (503 also works)."""
        self.state.faults.fail_next(count, status)

    def rate_limit(self, per_second: int) -> None:
        """Answer 429 to message and call creations over `per_second` in any one-second window."""
        self.state.faults.rate_cap.per_second = per_second

    def reject_number(self, e164: str, code: int) -> None:
        """Make message and call creation to this number fail with a Twilio error code."""
        with self.state.lock:
            self.state.rejected[e164] = code

    def set_callback_delay(self, seconds: float, order: str = "in_order") -> None:
        """Fire automatic status callbacks `seconds` after the message was accepted, in order
        ("sent" then the final status) or "reversed" (the final status first)."""
        if order not in ("in_order", "reversed"):
            raise ValueError("order is in_order or reversed")
        self.callback_delay, self.callback_order = seconds, order

    def set_outcome(self, e164: str, status: str, error_code: int | None = None) -> None:
        """Script the final delivery status fired for messages to this number."""
        with self.state.lock:
            self.state.outcomes[e164] = (status, error_code)

    # -- recordings --------------------------------------------------------------------------

    def requests(self) -> list[RecordedRequest]:
        """Every API request received so far, oldest first."""
        with self.state.lock:
            return list(self.state.requests)

    def sent_messages(self) -> list[StoredResource]:
        """Messages accepted so far, oldest first (copies, with their current status)."""
        return self.state.copies(self.state.messages)

    def calls(self) -> list[StoredResource]:
        """Calls accepted so far, oldest first (copies, with their current status)."""
        return self.state.copies(self.state.calls)

    def callbacks(self) -> list[RecordedCallback]:
        """Webhooks fired so far, oldest first."""
        with self.state.lock:
            return list(self.state.callbacks)

    def max_messages_in_any_second(self) -> int:
        """The most message creations accepted in any one-second window."""
        with self.state.lock:
            moments = [m.at for m in self.state.messages.values()]
        return max_in_any_window(moments)

    def wait_for_callbacks(self, timeout: float = 5.0) -> bool:
        """Wait until automatic callbacks queued so far are fired; tell whether they were."""
        return self._jobs.wait(timeout)

    # -- webhooks ----------------------------------------------------------------------------

    def signed_form(
        self, url: str, params: dict[str, Any]
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Return the form and headers (with X-Twilio-Signature) Twilio would send to `url`."""
        return signed_form(url, params, self.auth_token)

    def fire_message_status(
        self, sid: str, status: str, error_code: int | None = None, url: str | None = None
    ) -> CallbackResponse:
        """Set a message's status and POST the signed status callback to its StatusCallback."""
        resource, callback = self.state.update_message(sid, status, error_code)
        target = url or callback
        if not target:
            raise ValueError("the message has no StatusCallback and no url was given")
        return self._deliver(target, message_status_params(resource, status, error_code))

    def fire_outcome(self, sid: str) -> CallbackResponse:
        """Fire the scripted final status for a message's number (default: delivered)."""
        status, code = self.state.outcome_for(sid)
        return self.fire_message_status(sid, status, code)

    def fire_inbound_message(
        self, url: str, from_: str, to: str, body: str, **extra: Any
    ) -> CallbackResponse:
        """POST a signed inbound SMS or WhatsApp message (prefix the numbers with whatsapp:)."""
        return self._deliver(url, inbound_message_params(self.account_sid, from_, to, body, extra))

    def fire_call_status(
        self, sid: str, status: str, answered_by: str | None = None, url: str | None = None
    ) -> CallbackResponse:
        """Set a call's status and POST the signed status callback to its StatusCallback."""
        stored, sequence = self.state.update_call(sid, status, answered_by)
        target = url or stored.form.get("StatusCallback")
        if not target:
            raise ValueError("the call has no StatusCallback and no url was given")
        return self._deliver(
            target, call_status_params(stored.resource, status, answered_by, sequence)
        )

    def fire_voice_request(self, url: str | None, call_sid: str, **params: Any) -> CallbackResponse:
        """POST the signed voice webhook of an answered call (default url: the call's Url)."""
        stored, _ = self.state.update_call(call_sid, "in-progress", params.get("AnsweredBy"))
        form = call_params(stored.resource, "in-progress")
        if stored.form.get("MachineDetection") and "AnsweredBy" not in params:
            form["AnsweredBy"] = "human"
        target = url or stored.form.get("Url")
        if not target:
            raise ValueError("the call has no Url and no url was given")
        return self._deliver(target, {**form, **params})

    def fire_gather(self, url: str, call_sid: str, digits: str) -> CallbackResponse:
        """POST the signed result of a <Gather> (the keys pressed) to its action URL."""
        return self.fire_voice_request(url, call_sid, Digits=digits, FinishedOnKey="")

    def _message_accepted(self, sid: str) -> None:
        if not self.auto_callbacks:
            return
        status, code = self.state.outcome_for(sid)
        # A message Twilio cannot hand to a carrier fails without ever being sent.
        steps = [(status, code)] if status == "failed" else [("sent", None), (status, code)]
        if self.callback_order == "reversed":
            steps.reverse()
        for step_status, step_code in steps:
            job = functools.partial(self._fire_automatic, sid, step_status, step_code)
            self._jobs.put(job, self.callback_delay)

    def _fire_automatic(self, sid: str, status: str, code: int | None) -> None:
        resource, callback = self.state.update_message(sid, status, code)
        if callback:
            params = message_status_params(resource, status, code)
            self._deliver(callback, params, is_automatic=True)

    def _deliver(
        self, url: str, params: dict[str, Any], *, is_automatic: bool = False
    ) -> CallbackResponse:
        form, headers = signed_form(url, params, self.auth_token)
        try:
            answer = self.callback_target(url, form, headers)
        except Exception:
            if not is_automatic:
                raise
            # Twilio gives up on an unreachable webhook too; the record shows status 0.
            logger.warning("webhook to %s could not be delivered", urlsplit(url).path)
            answer = CallbackResponse(0, "")
        with self.state.lock:
            self.state.callbacks.append(RecordedCallback(url, form, answer.status))
        return answer
