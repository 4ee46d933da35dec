"""Settings: defaults run the demo, variables override, bad values fail naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from smsgateway.config import ConfigError, Settings, load_settings


def test_defaults_run_the_embedded_demo(tmp_path: Path) -> None:
    settings = load_settings({"SMSGATEWAY_INSTANCE_PATH": str(tmp_path)})
    assert settings.transport == "local"
    assert settings.host == "127.0.0.1" and settings.port == 5000
    assert settings.sqlalchemy_url == f"sqlite:///{tmp_path.resolve() / 'smsgateway.db'}"
    assert settings.is_simulator_enabled


def test_variables_override_defaults(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "SMSGATEWAY_INSTANCE_PATH": str(tmp_path),
            "SMSGATEWAY_PORT": "5077",
            "SMSGATEWAY_DATABASE_URL": "postgresql+psycopg://127.0.0.1/test",
            "SMSGATEWAY_FALLBACK_LANGUAGES": "wo, fr ,en",
            "SMSGATEWAY_SCHEDULER": "false",
        }
    )
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
