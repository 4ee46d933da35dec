"""Settings: one frozen, typed object. Defaults run the demo; `SMSGATEWAY_*` variables override.

Every setting is documented in the README's configuration table. `load_settings` validates at
start-up so a typo fails loudly instead of running with a surprise.
"""

from __future__ import annotations

import math
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers

ENVIRONMENTS = ("development", "demo", "test", "production")
TRANSPORTS = ("local", "twilio")
LOG_FORMATS = ("text", "json")
#: How an inbound message is applied: in its webhook's request, or later by the clock's job.
REPLY_MODES = ("inline", "queued")
PREFIX = "SMSGATEWAY_"


class ConfigError(ValueError):
    """A setting has a value the service cannot run with."""


@dataclass(frozen=True)
class Range:
    """Where a number setting must lie; `low` itself is allowed only when `is_low_allowed`."""

    low: float
    high: float
    is_low_allowed: bool = True

    def refuses(self, value: float) -> bool:
        too_low = value < self.low or (value == self.low and not self.is_low_allowed)
        return too_low or value > self.high

    def describe(self) -> str:
        low = f"{self.low:g} or more" if self.is_low_allowed else f"more than {self.low:g}"
        return f"{low} and at most {self.high:g}"


DAY_SECONDS = 86_400.0

#: Every number setting and its range: intervals and windows are positive, counts at least one.
NUMBER_RANGES: dict[str, Range] = {
    "port": Range(1, 65_535),
    "dispatch_interval_seconds": Range(0, DAY_SECONDS, is_low_allowed=False),
    "dispatch_batch_size": Range(1, 100_000),
    "lease_seconds": Range(1, DAY_SECONDS),
    "dispatch_concurrency": Range(1, 1_000),
    "send_rate_per_second": Range(0, 1_000_000),  # 0: no cap
    "send_window_seconds": Range(1, 2),  # at least the provider's second
    "lease_sweep_seconds": Range(0, DAY_SECONDS, is_low_allowed=False),
    "task_sweep_seconds": Range(0, DAY_SECONDS, is_low_allowed=False),
    "leader_retry_seconds": Range(0, DAY_SECONDS, is_low_allowed=False),
    "replies_interval_seconds": Range(0, DAY_SECONDS, is_low_allowed=False),
    "web_workers": Range(1, 1_000),
    "web_threads": Range(1, 1_000),
    "local_send_delay_seconds": Range(0, 3_600),
    "reply_window_hours": Range(1, 24 * 366),
    "outbound_webhook_give_up_hours": Range(0, 24 * 366, is_low_allowed=False),
    "session_idle_minutes": Range(1, 60 * 24 * 366),
    "session_max_hours": Range(1, 24 * 366),
    "trusted_proxies": Range(0, 100),  # 0: none
}


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    instance_path: Path = Path("instance")
    database_url: str = ""  # empty: SQLite file in the instance folder
    host: str = "127.0.0.1"
    port: int = 5000
    secret_key: str = ""
    transport: str = "local"
    simulator: bool = True  # only honoured outside production and with the local transport
    default_region: str = "SN"
    default_language: str = "fr"
    fallback_languages: tuple[str, ...] = ("fr", "en")
    default_time_zone: str = "Africa/Dakar"
    scheduler: bool = True  # run the periodic jobs inside `serve`
    dispatch_interval_seconds: float = 5.0
    dispatch_batch_size: int = 200
    lease_seconds: int = 120
    dispatch_concurrency: int = 8  # provider calls in flight per worker process
    send_rate_per_second: float = 10.0  # per sender, for all processes on PostgreSQL; 0: no cap
    # The provider counts arrivals, which lag our starts by a varying few milliseconds (measured
    # against the fake provider: 1.02 s still drew a few 429s, 1.04 s none); a window slightly
    # wider than the provider's second keeps its count under the cap too, at 4% of the rate.
    send_window_seconds: float = 1.04
    lease_sweep_seconds: float = 30.0
    task_sweep_seconds: float = 60.0  # how often the loop's task sweep runs (leader only)
    leader_retry_seconds: float = 5.0  # how often a follower tries to become scheduler leader
    web_workers: int = 2  # gunicorn worker processes behind `serve` in production
    web_threads: int = 4  # threads in each of them (smsgateway.gunicorn_conf says why)
    local_send_delay_seconds: float = 0.0  # tests and benchmarks only: a slow local transport
    reply_window_hours: int = 72
    # "inline": a webhook applies its message before it answers; "queued": it stores the message
    # and the clock's job applies it (smsgateway.replies.queue).
    replies: str = "inline"
    replies_interval_seconds: float = 1.0  # how often queued messages are looked for
    programme_file: str = ""  # empty: the package's programme.toml (docs/programme.md)
    public_url: str = ""
    outbound_webhook_url: str = ""  # empty: referral events are not pushed anywhere
    outbound_webhook_secret: str = ""  # HMAC-SHA256 key for the outbound webhook signature
    outbound_webhook_give_up_hours: float = 24.0  # then the delivery is failed, shown, replayable
    office_phone: str = ""
    session_idle_minutes: int = 60  # a console session ends after this long without a request
    session_max_hours: int = 12  # and this long after logging in, however busy
    trusted_proxies: int = 0  # reverse proxies in front whose X-Forwarded-* headers are believed
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""  # or twilio_auth_token_file, a secret file holding it
    twilio_auth_token_file: str = ""
    twilio_sms_from: str = ""
    twilio_whatsapp_from: str = ""
    twilio_voice_from: str = ""
    twilio_messaging_service_sid: str = ""  # sends SMS through the service instead of a number
    twilio_api_base: str = ""  # a Twilio-compatible API (the local fake); empty: Twilio itself
    # Twilio's Advanced Opt-Out answers STOP/HELP/START itself: the service then does not.
    twilio_advanced_opt_out: bool = False
    # Approved WhatsApp templates, "kind:language=HX..." each, used outside the session window.
    twilio_whatsapp_templates: tuple[str, ...] = ()
    # "json" (one object per line) or "text"; empty: json in production (smsgateway.logs)
    log_format: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def is_simulator_enabled(self) -> bool:
        """The phone simulator exists only with the local transport and never in production."""
        return self.simulator and self.transport == "local" and not self.is_production

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.instance_path / 'smsgateway.db').resolve()}"


def _parse(name: str, raw: str, current: Any) -> Any:
    if isinstance(current, bool):
        lowered = raw.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off", ""):
            return False
        raise ConfigError(f"{PREFIX}{name.upper()} must be true or false, not {raw!r}")
    if isinstance(current, int):
        try:
            return int(raw)
        except ValueError:
            shown = raw if len(raw) <= 20 else raw[:20] + "..."
            raise ConfigError(
                f"{PREFIX}{name.upper()} must be a whole number, not {shown!r}"
            ) from None
    if isinstance(current, float):
        try:
            number = float(raw)
        except ValueError:
            raise ConfigError(f"{PREFIX}{name.upper()} must be a number, not {raw!r}") from None
        if not math.isfinite(number):
            raise ConfigError(f"{PREFIX}{name.upper()} must be a finite number, not {raw!r}")
        return number
    if isinstance(current, tuple):
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    if isinstance(current, Path):
        return Path(raw)
    return raw


def load_settings(
    environ: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
) -> Settings:
    """Build settings from defaults, then `SMSGATEWAY_*` variables, then explicit overrides."""
    environ = os.environ if environ is None else environ
    settings = Settings()
    values: dict[str, Any] = {}
    for f in fields(Settings):
        raw = environ.get(PREFIX + f.name.upper())
        if raw is not None and f.name != "extra":
            values[f.name] = _parse(f.name, raw, getattr(settings, f.name))
    settings = replace(settings, **values, **dict(overrides or {}))
    if not settings.secret_key:
        settings = replace(settings, secret_key=_instance_secret(settings))
    validate(settings)
    return settings


def _instance_secret(settings: Settings) -> str:
    """Outside production, a random key kept in the instance folder; production must set one."""
    if settings.is_production:
        raise ConfigError(f"{PREFIX}SECRET_KEY must be set in production")
    path = settings.instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    settings.instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def validate(settings: Settings) -> None:
    """Refuse settings the service cannot run with, naming the variable."""
    if settings.env not in ENVIRONMENTS:
        raise ConfigError(f"{PREFIX}ENV must be one of {', '.join(ENVIRONMENTS)}")
    if settings.transport not in TRANSPORTS:
        raise ConfigError(f"{PREFIX}TRANSPORT must be one of {', '.join(TRANSPORTS)}")
    if settings.replies not in REPLY_MODES:
        raise ConfigError(f"{PREFIX}REPLIES must be one of {', '.join(REPLY_MODES)}")
    if settings.log_format and settings.log_format not in LOG_FORMATS:
        raise ConfigError(f"{PREFIX}LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}")
    _validate_numbers(settings)
    _validate_database_url(settings.database_url)
    _validate_languages(settings)
    _validate_programme(settings.programme_file)
    if settings.default_region.upper() not in phonenumbers.SUPPORTED_REGIONS:
        raise ConfigError(f"{PREFIX}DEFAULT_REGION must be a two-letter region such as SN")
    try:
        ZoneInfo(settings.default_time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{PREFIX}DEFAULT_TIME_ZONE is not a known time zone") from None
    if settings.outbound_webhook_url and not settings.outbound_webhook_secret:
        raise ConfigError(f"{PREFIX}OUTBOUND_WEBHOOK_SECRET must be set with the webhook URL")
    if settings.is_production and settings.transport == "local":
        raise ConfigError(f"{PREFIX}TRANSPORT=local sends nothing; production needs a real one")
    if settings.transport == "twilio":
        _validate_twilio(settings)


def _validate_numbers(settings: Settings) -> None:
    for name, allowed in NUMBER_RANGES.items():
        value = getattr(settings, name)
        if not math.isfinite(value) or allowed.refuses(value):
            raise ConfigError(f"{PREFIX}{name.upper()} must be {allowed.describe()}, not {value!r}")


def _validate_database_url(url: str) -> None:
    """The URL parses, names a database SQLAlchemy knows, and its driver is installed.

    (Whether the database answers is checked when a process starts: `startup.wait_for_database`.)
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    if not url:
        return
    name = f"{PREFIX}DATABASE_URL"
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise ConfigError(
            f"{name} is not a database URL (e.g. postgresql+psycopg://user@host/db)"
        ) from None
    try:
        parsed.get_dialect().import_dbapi()
    except NoSuchModuleError:
        raise ConfigError(f"{name} names an unknown database {parsed.drivername!r}") from None
    except ImportError:
        raise ConfigError(
            f"{name} needs the driver of {parsed.drivername!r}, not installed"
        ) from None


def _validate_languages(settings: Settings) -> None:
    from smsgateway.content.languages import load_languages, normalize_code

    known = load_languages()
    checks = [("DEFAULT_LANGUAGE", settings.default_language)]
    checks += [("FALLBACK_LANGUAGES", code) for code in settings.fallback_languages]
    for name, code in checks:
        if normalize_code(code) not in known:
            raise ConfigError(
                f"{PREFIX}{name}: unknown language {code!r} (known: {', '.join(known)})"
            )


def _validate_programme(path: str) -> None:
    """The programme file is read and parsed now, not when the first referral is planned."""
    from smsgateway.errors import InvalidInput
    from smsgateway.programme import load_programme

    name = f"{PREFIX}PROGRAMME_FILE"
    try:
        load_programme(path)
    except OSError as error:
        raise ConfigError(f"{name}: cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{name}: {path} is not UTF-8 text") from None
    except InvalidInput as error:
        raise ConfigError(f"{name}: {error.message}") from None


def twilio_auth_token(settings: Settings) -> str:
    """The auth token, from the setting or from the secret file it names."""
    if settings.twilio_auth_token:
        return settings.twilio_auth_token
    if settings.twilio_auth_token_file:
        try:
            return Path(settings.twilio_auth_token_file).read_text().strip()
        except OSError:
            raise ConfigError(f"{PREFIX}TWILIO_AUTH_TOKEN_FILE cannot be read") from None
    return ""


def _validate_twilio(settings: Settings) -> None:
    """The Twilio transport needs credentials, a sender and, in production, a public URL."""
    for entry in settings.twilio_whatsapp_templates:
        key, _, sid = entry.partition("=")
        if ":" not in key or not sid.startswith("HX"):
            raise ConfigError(f"{PREFIX}TWILIO_WHATSAPP_TEMPLATES entries look like kind:fr=HX...")
    if settings.twilio_api_base:
        from smsgateway.transports.twilio_http import parse_api_base

        try:
            parse_api_base(settings.twilio_api_base)
        except ValueError as exc:
            raise ConfigError(f"{PREFIX}TWILIO_API_BASE: {exc}") from None
    if not settings.is_production:
        return
    if not settings.twilio_account_sid.startswith("AC"):
        raise ConfigError(f"{PREFIX}TWILIO_ACCOUNT_SID must be set (it starts with AC)")
    if not twilio_auth_token(settings):
        raise ConfigError(
            f"{PREFIX}TWILIO_AUTH_TOKEN or {PREFIX}TWILIO_AUTH_TOKEN_FILE must be set"
        )
    if not (settings.twilio_sms_from or settings.twilio_messaging_service_sid):
        raise ConfigError(
            f"{PREFIX}TWILIO_SMS_FROM or {PREFIX}TWILIO_MESSAGING_SERVICE_SID must be set"
        )
    if not settings.public_url.startswith("https://"):
        raise ConfigError(f"{PREFIX}PUBLIC_URL must be the https URL Twilio calls back")
