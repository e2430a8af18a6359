"""Production refuses a JWT secret that is long but not random: length is not entropy."""

from __future__ import annotations

import secrets

import pytest

from server.settings import Settings, SettingsError

BASE = {
    "LINGLI_ENV": "production",
    "DATABASE_URL": "postgres://db/lingli",
    "PUBLIC_URL": "https://api.example.com",
    "SMS_GATEWAY_URL": "https://sms.example.com/send",
}


@pytest.mark.parametrize("secret", ["a" * 36, "ab" * 40, "0123456789" * 4, "lingli" * 8])
def test_production_refuses_a_long_secret_with_little_entropy(secret: str) -> None:
    with pytest.raises(SettingsError, match="entropy"):
        Settings.from_env({**BASE, "JWT_SECRET": secret})


@pytest.mark.parametrize("make", [lambda: secrets.token_hex(32), lambda: secrets.token_urlsafe(32)])
def test_production_accepts_a_generated_secret(make: object) -> None:
    secret = make()  # type: ignore[operator]
    assert Settings.from_env({**BASE, "JWT_SECRET": secret}).jwt_secret.value == secret
