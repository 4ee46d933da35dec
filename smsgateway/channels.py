"""The channel vocabulary: how a message travels."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    SMS = "sms"
    WHATSAPP = "whatsapp"
    VOICE = "voice"
