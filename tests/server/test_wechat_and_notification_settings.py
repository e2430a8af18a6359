"""WeChat's and notifications' settings: read from the environment, each refused with one line when wrong."""

from __future__ import annotations

from dataclasses import replace

import pytest

from server.settings import Secret, Settings, SettingsError


def test_they_are_read_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "WECHAT_API_BASE": "https://api.weixin.qq.com/",
            "WECHAT_APP_ID": "wx123",
            "WECHAT_APP_SECRET": "s3cret",
            "WECHAT_TEMPLATES": "ALARM=abc-1, ORDER=def_2",
            "WECHAT_TIMEOUT_SECONDS": "1.5",
            "NOTIFICATION_MAX_TRIES": "3",
        }
    )
    assert settings.wechat_api_base == "https://api.weixin.qq.com"
    assert settings.wechat_templates == (("ALARM", "abc-1"), ("ORDER", "def_2"))
    assert (settings.wechat_timeout_seconds, settings.notification_max_tries) == (1.5, 3)
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(
    ("environ", "says"),
    [
        ({"WECHAT_TEMPLATES": "ALARM"}, "WECHAT_TEMPLATES must be KIND=template-id"),
        ({"WECHAT_API_BASE": "ftp://x"}, "WECHAT_API_BASE must be a URL"),
        ({"NOTIFICATION_MAX_TRIES": "0"}, "NOTIFICATION_MAX_TRIES must be a whole number from 1 to 100"),
        ({"WS_KEEPALIVE_SECONDS": "0.01"}, "WS_KEEPALIVE_SECONDS must be a number from 0.1 to 3600"),
    ],
)
def test_wrong_values_are_refused(environ: dict[str, str], says: str) -> None:
    with pytest.raises(SettingsError, match=says):
        Settings.from_env(environ)


def test_production_needs_the_apps_credentials_with_wechat() -> None:
    settings = Settings(
        env="production",
        database_url="postgres://db/lingli",
        jwt_secret=Secret("9f8e7d6c5b4a39281706f5e4d3c2b1a0" * 2),
        sms_gateway_url="https://sms.example.com",
        storage_url="s3://bucket",
        wechat_api_base="https://api.weixin.qq.com",
    )
    with pytest.raises(SettingsError, match="WECHAT_APP_ID and WECHAT_APP_SECRET"):
        settings.check()
    replace(settings, wechat_app_id="wx1", wechat_app_secret=Secret("s")).check()
