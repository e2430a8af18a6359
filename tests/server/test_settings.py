"""Configuration comes from the environment; production refuses unsafe settings."""

from __future__ import annotations

import pytest

from server.settings import Settings, SettingsError

STRONG = "3f9a1c7e5b2d8f4a6c0e9b7d5f3a1c8e2b4d6f8a0c1e3b5d"  # 48 hex characters, ~190 bits


def test_defaults_serve_sqlite_and_memory_broadcast_in_development() -> None:
    settings = Settings.from_env({})
    assert settings.env == "development"
    assert settings.database_url.startswith("sqlite://")
    assert settings.broadcast_url == "memory://"
    assert settings.graphiql_enabled


def test_production_refuses_a_missing_or_short_secret() -> None:
    for secret in ("", "short", "change-me-" + "x" * 40):
        env = {"LINGLI_ENV": "production", "JWT_SECRET": secret, "DATABASE_URL": "postgres://db/lingli"}
        with pytest.raises(SettingsError, match="JWT_SECRET"):
            Settings.from_env(env)


def test_production_refuses_sqlite() -> None:
    with pytest.raises(SettingsError, match="PostgreSQL"):
        Settings.from_env({"LINGLI_ENV": "production", "JWT_SECRET": STRONG})


def test_production_with_real_settings_starts_without_graphiql() -> None:
    settings = Settings.from_env(
        {
            "LINGLI_ENV": "production",
            "SMS_GATEWAY_URL": "https://sms.example.com/send",
            "JWT_SECRET": STRONG,
            "DATABASE_URL": "postgres://db/lingli",
            "PORT": "9000",
            "PUBLIC_URL": "https://api.example.com/",
        }
    )
    assert settings.base_url == "https://api.example.com"
    assert settings.port == 9000
    assert not settings.graphiql_enabled
    assert STRONG not in repr(settings)


def test_production_with_the_local_file_store_needs_its_public_address() -> None:
    env = {
        "LINGLI_ENV": "production",
        "JWT_SECRET": STRONG,
        "DATABASE_URL": "postgres://db/lingli",
        "SMS_GATEWAY_URL": "https://sms.example.com/send",
    }
    with pytest.raises(SettingsError, match="PUBLIC_URL"):
        Settings.from_env(env)
    assert Settings.from_env({**env, "STORAGE_URL": "s3://files?endpoint=https://s3.example.com"}).production


def test_bad_numbers_and_environments_are_refused_by_name() -> None:
    with pytest.raises(SettingsError, match="PORT"):
        Settings.from_env({"PORT": "eighty"})
    with pytest.raises(SettingsError, match="LINGLI_ENV"):
        Settings.from_env({"LINGLI_ENV": "staging"})


def test_production_refuses_to_start_without_an_sms_gateway() -> None:
    env = {"LINGLI_ENV": "production", "JWT_SECRET": STRONG, "DATABASE_URL": "postgres://db/lingli"}
    with pytest.raises(SettingsError, match="SMS_GATEWAY_URL"):
        Settings.from_env({**env, "STORAGE_URL": "s3://files?endpoint=https://s3.example.com"})


def test_request_and_query_limits_come_from_the_environment() -> None:
    defaults = Settings.from_env({})
    assert (defaults.max_body_bytes, defaults.max_ws_message_bytes, defaults.telemetry_max_body_bytes) == (
        1024 * 1024,
        1024 * 1024,
        256 * 1024,
    )
    assert defaults.max_json_depth == 32
    tuned = Settings.from_env({"MAX_BODY_BYTES": "2048", "MAX_WS_MESSAGE_BYTES": "4096", "MAX_JSON_DEPTH": "8"})
    assert (tuned.max_body_bytes, tuned.max_ws_message_bytes, tuned.max_json_depth) == (2048, 4096, 8)
    with pytest.raises(SettingsError, match="MAX_BODY_BYTES must be a whole number from 1 to"):
        Settings.from_env({"MAX_BODY_BYTES": "0"})


def test_the_schema_defaults_are_the_settings_defaults() -> None:
    from schema.limits import QueryLimits
    from server.app import query_limits

    assert query_limits(Settings.from_env({})) == QueryLimits()
    assert query_limits(Settings.from_env({"MAX_QUERY_CHARACTERS": "500"})).max_characters == 500
