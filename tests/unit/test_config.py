"""Settings: defaults run the demo, variables override, bad values fail naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from smsgateway.cli import main
from smsgateway.config import NUMBER_RANGES, ConfigError, Settings, load_settings


def test_defaults_run_the_embedded_demo(tmp_path: Path) -> None:
    settings = load_settings({"SMSGATEWAY_INSTANCE_PATH": str(tmp_path)})
    assert settings.transport == "local"
    assert settings.host == "127.0.0.1" and settings.port == 5000
    assert settings.sqlalchemy_url == f"sqlite:///{tmp_path.resolve() / 'smsgateway.db'}"
    assert settings.is_simulator_enabled
    assert settings.replies == "inline"  # a webhook applies its message before it answers


def test_variables_override_defaults(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "SMSGATEWAY_INSTANCE_PATH": str(tmp_path),
            "SMSGATEWAY_PORT": "5077",
            "SMSGATEWAY_DATABASE_URL": "postgresql+psycopg://127.0.0.1/test",
            "SMSGATEWAY_FALLBACK_LANGUAGES": "wo, fr ,en",
            "SMSGATEWAY_SCHEDULER": "false",
            "SMSGATEWAY_REPLIES": "queued",
        }
    )
    assert settings.replies == "queued"
    assert settings.port == 5077
    assert settings.sqlalchemy_url == "postgresql+psycopg://127.0.0.1/test"
    assert settings.fallback_languages == ("wo", "fr", "en")
    assert settings.scheduler is False


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SMSGATEWAY_PORT", "http"),
        ("SMSGATEWAY_PORT", "70000"),
        ("SMSGATEWAY_TRANSPORT", "carrier-pigeon"),
        ("SMSGATEWAY_DEFAULT_TIME_ZONE", "Mars/Olympus"),
        ("SMSGATEWAY_DEFAULT_REGION", "XX"),
        ("SMSGATEWAY_SCHEDULER", "maybe"),
        ("SMSGATEWAY_REPLIES", "later"),
        ("SMSGATEWAY_REPLIES_INTERVAL_SECONDS", "0"),
        ("SMSGATEWAY_SEND_WINDOW_SECONDS", "0.5"),
        ("SMSGATEWAY_SEND_WINDOW_SECONDS", "soon"),
    ],
)
def test_bad_values_fail_naming_the_variable(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        load_settings({"SMSGATEWAY_INSTANCE_PATH": str(tmp_path), name: value})


def test_production_needs_a_secret_key_and_a_real_transport(tmp_path: Path) -> None:
    base = {"SMSGATEWAY_INSTANCE_PATH": str(tmp_path), "SMSGATEWAY_ENV": "production"}
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_settings(base)
    with pytest.raises(ConfigError, match="TRANSPORT"):
        load_settings({**base, "SMSGATEWAY_SECRET_KEY": "x" * 32})


def test_simulator_is_never_enabled_in_production() -> None:
    settings = Settings(env="production", transport="local", simulator=True)
    assert not settings.is_simulator_enabled


BAD_VALUES = [
    ("SMSGATEWAY_DATABASE_URL", "not a url"),
    ("SMSGATEWAY_DATABASE_URL", "nosuchdb://host/db"),
    ("SMSGATEWAY_DATABASE_URL", "mysql://host/db"),  # driver not installed
    ("SMSGATEWAY_DISPATCH_INTERVAL_SECONDS", "nan"),
    ("SMSGATEWAY_DISPATCH_INTERVAL_SECONDS", "inf"),
    ("SMSGATEWAY_DISPATCH_INTERVAL_SECONDS", "0"),
    ("SMSGATEWAY_DISPATCH_INTERVAL_SECONDS", "-1"),
    ("SMSGATEWAY_LEASE_SWEEP_SECONDS", "0"),
    ("SMSGATEWAY_LEADER_RETRY_SECONDS", "nan"),
    ("SMSGATEWAY_LEASE_SECONDS", "0"),
    ("SMSGATEWAY_LEASE_SECONDS", "-30"),
    ("SMSGATEWAY_REPLY_WINDOW_HOURS", "0"),
    ("SMSGATEWAY_REPLY_WINDOW_HOURS", "-72"),
    ("SMSGATEWAY_DISPATCH_BATCH_SIZE", "0"),
    ("SMSGATEWAY_DISPATCH_BATCH_SIZE", "-5"),
    ("SMSGATEWAY_DISPATCH_BATCH_SIZE", "9" * 5000),
    ("SMSGATEWAY_DISPATCH_CONCURRENCY", "0"),
    ("SMSGATEWAY_WEB_WORKERS", "0"),
    ("SMSGATEWAY_SEND_RATE_PER_SECOND", "-1"),
    ("SMSGATEWAY_SEND_RATE_PER_SECOND", "nan"),
    ("SMSGATEWAY_LOCAL_SEND_DELAY_SECONDS", "-0.5"),
    ("SMSGATEWAY_PORT", "0"),
    ("SMSGATEWAY_SESSION_IDLE_MINUTES", "0"),
    ("SMSGATEWAY_SESSION_MAX_HOURS", "0"),
    ("SMSGATEWAY_TRUSTED_PROXIES", "-1"),
    ("SMSGATEWAY_DEFAULT_LANGUAGE", "zz"),
    ("SMSGATEWAY_FALLBACK_LANGUAGES", "fr,zz"),
    ("SMSGATEWAY_PROGRAMME_FILE", "/nonexistent/programme.toml"),
]


@pytest.mark.parametrize(("name", "value"), BAD_VALUES)
def test_each_bad_value_is_refused_naming_the_variable(
    tmp_path: Path, name: str, value: str
) -> None:
    with pytest.raises(ConfigError, match=name) as refused:
        load_settings({"SMSGATEWAY_INSTANCE_PATH": str(tmp_path), name: value})
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize(
    ("content", "reason"),
    [("not toml [", "not valid"), ("[reminders]\ndays_before = [3]\n", "not valid")],
)
def test_a_programme_file_that_does_not_parse_is_refused_at_start(
    tmp_path: Path, content: str, reason: str
) -> None:
    programme = tmp_path / "programme.toml"
    programme.write_text(content)
    environ = {
        "SMSGATEWAY_INSTANCE_PATH": str(tmp_path),
        "SMSGATEWAY_PROGRAMME_FILE": str(programme),
    }
    with pytest.raises(ConfigError, match=f"SMSGATEWAY_PROGRAMME_FILE: .*{reason}"):
        load_settings(environ)
    result = CliRunner().invoke(main, ["dispatch"], env=environ)
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("smsgateway: SMSGATEWAY_PROGRAMME_FILE: ")


def test_bad_overrides_are_refused_like_variables(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SMSGATEWAY_DISPATCH_INTERVAL_SECONDS"):
        load_settings({}, {"instance_path": tmp_path, "dispatch_interval_seconds": float("nan")})


def test_a_regional_language_tag_is_accepted(tmp_path: Path) -> None:
    environ = {"SMSGATEWAY_INSTANCE_PATH": str(tmp_path), "SMSGATEWAY_DEFAULT_LANGUAGE": "fr-SN"}
    assert load_settings(environ).default_language == "fr-SN"


@pytest.mark.parametrize(("name", "value"), BAD_VALUES)
@pytest.mark.parametrize("command", ["serve", "worker", "dispatch"])
def test_the_service_refuses_to_start_with_one_line_and_exit_1(
    tmp_path: Path, command: str, name: str, value: str
) -> None:
    environ = {"SMSGATEWAY_INSTANCE_PATH": str(tmp_path), name: value}
    result = CliRunner().invoke(main, [command], env=environ)
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"smsgateway: {name}")
    assert result.stdout == ""


def out_of_range(field: str) -> list[str]:
    """NaN, the first value below the field's range (its low end when that is refused) and one
    far above it, written as the field's type reads them."""
    allowed = NUMBER_RANGES[field]
    below = allowed.low - 1 if allowed.is_low_allowed else allowed.low
    values = [below, allowed.high * 10]
    if isinstance(getattr(Settings(), field), int):
        return [str(int(value)) for value in values]
    return ["nan", *(repr(float(value)) for value in values)]


@pytest.mark.parametrize("field", sorted(NUMBER_RANGES))
def test_every_number_setting_refuses_values_out_of_its_range_with_one_line_and_exit_1(
    tmp_path: Path, field: str
) -> None:
    """Not only the values listed above: every window, interval, batch size and count."""
    name = f"SMSGATEWAY_{field.upper()}"
    for value in out_of_range(field):
        environ = {"SMSGATEWAY_INSTANCE_PATH": str(tmp_path), name: value}
        result = CliRunner().invoke(main, ["dispatch"], env=environ)
        assert result.exit_code == 1, (name, value)
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"smsgateway: {name} must be"), (name, value)
