"""Settings: defaults, clear errors, and a token that never shows in repr."""

import pytest

from hpbot.config import DEFAULT_API_BASE_URL, ConfigError, load_config

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def test_defaults():
    config = load_config({"HPBOT_TOKEN": TOKEN})
    assert config.api_base_url == DEFAULT_API_BASE_URL and DEFAULT_API_BASE_URL.startswith("https://")
    assert str(config.db_path) == "db/hpbot.sqlite3"
    assert config.tz.key == "Asia/Ho_Chi_Minh"
    assert config.organizers == frozenset()


def test_every_setting_is_read():
    config = load_config(
        {
            "HPBOT_TOKEN": TOKEN,
            "HPBOT_API_BASE_URL": "http://127.0.0.1:8081/bot",
            "HPBOT_DB": "/data/x.sqlite3",
            "HPBOT_TZ": "UTC",
            "HPBOT_ORGANIZERS": "1, 22,333",
            "HPBOT_LOG_LEVEL": "debug",
        }
    )
    assert config.api_base_url == "http://127.0.0.1:8081/bot"
    assert config.organizers == frozenset({1, 22, 333})
    assert config.log_level == "DEBUG" and config.tz.key == "UTC"


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({}, "HPBOT_TOKEN is not set"),
        ({"HPBOT_TOKEN": "not-a-token"}, "HPBOT_TOKEN is malformed"),
        ({"HPBOT_TOKEN": TOKEN, "HPBOT_TZ": "Mars/Base"}, "HPBOT_TZ"),
        ({"HPBOT_TOKEN": TOKEN, "HPBOT_ORGANIZERS": "12,abc"}, "HPBOT_ORGANIZERS"),
        ({"HPBOT_TOKEN": TOKEN, "HPBOT_LOG_LEVEL": "LOUD"}, "HPBOT_LOG_LEVEL"),
        ({"HPBOT_TOKEN": TOKEN, "HPBOT_API_BASE_URL": "ftp://x"}, "HPBOT_API_BASE_URL"),
        ({"HPBOT_TOKEN": TOKEN, "HPBOT_WEBHOOK_URL": "https://bot.example.org"}, "HPBOT_WEBHOOK_SECRET"),
    ],
)
def test_bad_settings_name_the_variable(env, fragment):
    with pytest.raises(ConfigError, match=fragment) as info:
        load_config(env)
    assert TOKEN not in str(info.value)


def test_token_never_in_repr_or_str():
    config = load_config(
        {
            "HPBOT_TOKEN": TOKEN,
            "HPBOT_WEBHOOK_URL": "https://x.example.org",
            "HPBOT_WEBHOOK_SECRET": "s3cret-value",
        }
    )
    for text in (repr(config), str(config), f"{config}"):
        assert TOKEN not in text and "s3cret-value" not in text


def test_dotenv_fills_what_the_environment_does_not_set(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text(f"HPBOT_TOKEN={TOKEN}\nHPBOT_TZ=UTC\n")
    monkeypatch.delenv("HPBOT_TOKEN", raising=False)
    monkeypatch.setenv("HPBOT_TZ", "Asia/Bangkok")
    config = load_config(dotenv=tmp_path / ".env")
    assert config.token == TOKEN and config.tz.key == "Asia/Bangkok"
