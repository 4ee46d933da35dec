"""The floor of the stack for bench/webhooks.py: a bare Flask endpoint that answers empty TwiML.

Served by gunicorn with the same settings as the app (`bench.bare_app:app`); it reads the form,
as any webhook must, and does nothing else: no signature check, no database.
"""

from __future__ import annotations

from flask import Flask, Response, request

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'

app = Flask(__name__)


@app.post("/webhooks/twilio/messages")
def inbound_message() -> Response:
    """Parse the form like a real webhook, then answer with empty TwiML."""
    request.form.get("MessageSid")
    return Response(EMPTY_TWIML, mimetype="text/xml")
