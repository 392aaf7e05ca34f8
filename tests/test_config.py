"""Settings: defaults, clear errors, and a token that never shows in repr."""

import re
import secrets
from pathlib import Path

import pytest

from hpbot.config import DEFAULT_API_BASE_URL, ConfigError, load_config

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SECRET = "Wh5ecret_" + "k3-" * 10  # 39 characters of Telegram's alphabet


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
            "HPBOT_WEBHOOK_SECRET": SECRET,
        }
    )
    assert config.webhook_secret == SECRET
    for text in (repr(config), str(config), f"{config}"):
        assert TOKEN not in text and SECRET not in text


def test_dotenv_fills_what_the_environment_does_not_set(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text(f"HPBOT_TOKEN={TOKEN}\nHPBOT_TZ=UTC\n")
    monkeypatch.delenv("HPBOT_TOKEN", raising=False)
    monkeypatch.setenv("HPBOT_TZ", "Asia/Bangkok")
    config = load_config(dotenv=tmp_path / ".env")
    assert config.token == TOKEN and config.tz.key == "Asia/Bangkok"


def webhook(secret: str, **more: str) -> dict[str, str]:
    return {
        "HPBOT_TOKEN": TOKEN,
        "HPBOT_WEBHOOK_URL": "https://bot.example.org",
        "HPBOT_WEBHOOK_SECRET": secret,
        **more,
    }


def test_the_webhook_listens_on_loopback_unless_told_otherwise():
    assert load_config(webhook(SECRET)).webhook_listen == "127.0.0.1"  # behind the reverse proxy on this host
    assert load_config(webhook(SECRET, HPBOT_WEBHOOK_LISTEN="0.0.0.0")).webhook_listen == "0.0.0.0"


@pytest.mark.parametrize(
    "secret", ["a" * 32, "A-z_0" * 51 + "9", secrets.token_urlsafe(48), secrets.token_urlsafe(24)]
)
def test_a_webhook_secret_of_32_to_256_telegram_characters_is_taken(secret):
    assert load_config(webhook(secret)).webhook_secret == secret


@pytest.mark.parametrize(
    ("secret", "fragment"),
    [
        ("7", "too short to be safe: 1 characters, at least 32"),
        ("a" * 31, "too short to be safe: 31 characters, at least 32"),
        ("a" * 257, "too long: 257 characters, Telegram allows at most 256"),
        ("a" * 31 + "!", "may hold only A-Z, a-z, 0-9, _ and -"),
        ("mật-khẩu-" * 5, "may hold only A-Z, a-z, 0-9, _ and -"),
        ("change-me-to-a-long-random-string", "still the placeholder from .env.example"),  # the old one
    ],
)
def test_a_weak_or_malformed_webhook_secret_is_refused_in_english(secret, fragment):
    with pytest.raises(ConfigError, match=fragment) as info:
        load_config(webhook(secret))
    message = str(info.value)
    assert message.startswith("HPBOT_WEBHOOK_SECRET") and secret not in message
    assert "python -c 'import secrets; print(secrets.token_urlsafe(48))'" in message


def test_the_placeholder_in_env_example_is_refused():
    example = (Path(__file__).parent.parent / ".env.example").read_text()
    placeholder = re.search(r"^# ?HPBOT_WEBHOOK_SECRET=(.+)$", example, re.MULTILINE).group(1).strip()
    assert "secrets.token_urlsafe(48)" in example  # the file says how to make a real one
    with pytest.raises(ConfigError, match="still the placeholder from .env.example"):
        load_config(webhook(placeholder))


def test_the_live_board_is_off_by_default_and_listens_on_loopback():
    config = load_config({"HPBOT_TOKEN": TOKEN})
    assert config.board_url is None and config.board_listen == "127.0.0.1" and config.board_port == 8081
    on = load_config(
        {
            "HPBOT_TOKEN": TOKEN,
            "HPBOT_BOARD_URL": "http://127.0.0.1:9000",
            "HPBOT_BOARD_PORT": "9000",
            "HPBOT_BOARD_LISTEN": "0.0.0.0",
            "HPBOT_BOARD_REFRESH": "60",
        }
    )
    assert (on.board_url, on.board_port, on.board_listen, on.board_refresh) == (
        "http://127.0.0.1:9000",
        9000,
        "0.0.0.0",
        60,
    )


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"HPBOT_BOARD_URL": "bang.local"}, "HPBOT_BOARD_URL"),
        ({"HPBOT_BOARD_URL": "ftp://127.0.0.1"}, "HPBOT_BOARD_URL"),
        ({"HPBOT_BOARD_PORT": "70000"}, "HPBOT_BOARD_PORT"),
        ({"HPBOT_BOARD_PORT": "80.5"}, "HPBOT_BOARD_PORT"),
        ({"HPBOT_BOARD_REFRESH": "1"}, "HPBOT_BOARD_REFRESH"),
    ],
)
def test_bad_board_settings_name_the_variable(env, fragment):
    with pytest.raises(ConfigError, match=fragment):
        load_config({"HPBOT_TOKEN": TOKEN, **env})
