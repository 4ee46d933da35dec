"""Provider webhooks (a blueprint named "webhooks", CSRF-exempt: signatures authenticate)."""

from __future__ import annotations

from smsgateway.webhooks.twilio import webhooks

__all__ = ["webhooks"]
