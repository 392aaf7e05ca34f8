"""Settings from the environment (and a .env file). Fails fast, in English, without echoing the token."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from hpbot.errors import ConfigError as ConfigError  # re-exported: hpbot.config.ConfigError is its old home

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
TOKEN_PATTERN = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{20,}$")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# Telegram's alphabet for a webhook secret (1-256 characters); 32 at least, so that it cannot be guessed
WEBHOOK_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{32,256}")
# how the placeholders .env.example has shipped begin: a copy left as it is must not become the live secret
WEBHOOK_SECRET_PLACEHOLDERS = ("change-me", "replace-me")
GENERATE_SECRET = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"


@dataclass(frozen=True)
class Config:
    token: str = field(repr=False)
    api_base_url: str = DEFAULT_API_BASE_URL
    db_path: Path = Path("db/hpbot.sqlite3")
    tz: ZoneInfo = ZoneInfo("Asia/Ho_Chi_Minh")
    organizers: frozenset[int] = frozenset()
    log_level: str = "INFO"
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"  # behind the HTTPS reverse proxy on the same host
    webhook_port: int = 8443
    webhook_secret: str | None = field(default=None, repr=False)
    tick_seconds: float = 20.0
    count_edit_seconds: float = 15.0
    rate_per_second: float = 30.0  # Telegram's broadcast limit across chats; 0 turns pacing off
    group_rate_per_minute: float = 20.0  # Telegram's limit into one group; 0 turns pacing off
    # posts and reveals sent with allow_paid_broadcast, up to 1,000/s (Stars are charged above the free 30/s)
    paid_broadcast: bool = False
    # the live board (hpbot/web/): where its pages are reached from outside, through the HTTPS proxy; None: off
    board_url: str | None = None
    board_listen: str = "127.0.0.1"  # behind the HTTPS reverse proxy on the same host
    board_port: int = 8081
    board_refresh: int = 30  # seconds between two reloads of the page when the browser runs no JavaScript

    def __repr__(self) -> str:  # the dataclass repr is replaced so the token can never leak through it
        return (
            f"Config(token='***', api_base_url={self.api_base_url!r}, db_path={str(self.db_path)!r}, "
            f"tz={self.tz.key!r}, organizers={sorted(self.organizers)!r}, log_level={self.log_level!r}, "
            f"webhook_url={self.webhook_url!r}, board_url={self.board_url!r})"
        )

    __str__ = __repr__

    @property
    def api_base_file_url(self) -> str:
        return (
            self.api_base_url.replace("/bot", "/file/bot", 1)
            if self.api_base_url.endswith("/bot")
            else (self.api_base_url.rstrip("/") + "/file/bot")
        )


def read_environment(dotenv: Path | None = Path(".env")) -> dict[str, str]:
    """The process environment over the .env file (if there is one): what `load_config` reads."""
    env: dict[str, str] = {}
    if dotenv is not None and dotenv.is_file():
        from dotenv import dotenv_values

        env.update({k: v for k, v in dotenv_values(dotenv).items() if v is not None})
    env.update(os.environ)
    return env


def parse_organizers(value: str) -> frozenset[int]:
    """HPBOT_ORGANIZERS: Telegram user ids separated by commas (or semicolons). Raises ConfigError."""
    organizers: set[int] = set()
    for part in value.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not re.fullmatch(r"-?\d{1,20}", part):
            raise ConfigError(f"HPBOT_ORGANIZERS holds {part!r}: expected comma-separated Telegram user ids.")
        organizers.add(int(part))
    return frozenset(organizers)


def load_config(environ: Mapping[str, str] | None = None, *, dotenv: Path | None = Path(".env")) -> Config:
    """Read HPBOT_* settings; a .env file fills in what the environment does not set."""
    env = read_environment(dotenv) if environ is None else dict(environ)

    token = env.get("HPBOT_TOKEN", "").strip()
    if not token:
        raise ConfigError(
            "HPBOT_TOKEN is not set: create a bot with @BotFather and put its token in HPBOT_TOKEN."
        )
    if not TOKEN_PATTERN.match(token):
        raise ConfigError(
            "HPBOT_TOKEN is malformed: expected '<digits>:<letters, digits, - or _>' as given by @BotFather."
        )

    tz_name = env.get("HPBOT_TZ", "Asia/Ho_Chi_Minh").strip() or "Asia/Ho_Chi_Minh"
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"HPBOT_TZ={tz_name!r} is not a known time zone (e.g. Asia/Ho_Chi_Minh).") from exc

    organizers = parse_organizers(env.get("HPBOT_ORGANIZERS", ""))

    level = env.get("HPBOT_LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if level not in LOG_LEVELS:
        raise ConfigError(f"HPBOT_LOG_LEVEL={level!r} is not one of {', '.join(LOG_LEVELS)}.")

    base_url = env.get("HPBOT_API_BASE_URL", "").strip() or DEFAULT_API_BASE_URL
    if not re.match(r"^https?://", base_url):
        raise ConfigError(f"HPBOT_API_BASE_URL={base_url!r} must start with http:// or https://.")

    webhook_url = env.get("HPBOT_WEBHOOK_URL", "").strip() or None
    secret = env.get("HPBOT_WEBHOOK_SECRET", "").strip() or None
    if webhook_url and not secret:
        raise ConfigError(
            "HPBOT_WEBHOOK_URL is set but HPBOT_WEBHOOK_SECRET is not: webhook mode needs a secret."
        )
    if secret and secret.lower().startswith(WEBHOOK_SECRET_PLACEHOLDERS):
        raise ConfigError(
            f"HPBOT_WEBHOOK_SECRET is still the placeholder from .env.example: generate one with: {GENERATE_SECRET}"
        )
    if secret and not re.fullmatch(r"[A-Za-z0-9_-]+", secret):
        raise ConfigError(
            "HPBOT_WEBHOOK_SECRET may hold only A-Z, a-z, 0-9, _ and - (Telegram's rule): "
            f"generate one with: {GENERATE_SECRET}"
        )
    if secret and not WEBHOOK_SECRET_PATTERN.fullmatch(secret):
        raise ConfigError(
            (
                f"HPBOT_WEBHOOK_SECRET is too short to be safe: {len(secret)} characters, at least 32 needed."
                if len(secret) < 32
                else f"HPBOT_WEBHOOK_SECRET is too long: {len(secret)} characters, Telegram allows at most 256."
            )
            + f" Generate one with: {GENERATE_SECRET}"
        )

    board_url = env.get("HPBOT_BOARD_URL", "").strip() or None
    if board_url and not re.match(r"^https?://[^/\s]+", board_url):
        raise ConfigError(
            f"HPBOT_BOARD_URL={board_url!r} must be the address the board is reached at, starting with https:// "
            "(for example https://hpbot.example.vn; the proxy forwards its /bang/ path to the board's port)."
        )

    def number(name: str, default: float, *, minimum: float) -> float:
        raw = env.get(name, "").strip()
        if not raw:
            return default
        try:
            value = float(raw)
        except ValueError as exc:
            raise ConfigError(f"{name}={raw!r} is not a number.") from exc
        if value < minimum:
            raise ConfigError(f"{name}={raw!r} must be at least {minimum}.")
        return value

    def port(name: str, default: int) -> int:
        value = number(name, default, minimum=1)
        if value != int(value) or value > 65535:
            raise ConfigError(f"{name}={env.get(name, '').strip()!r} is not a TCP port (1-65535).")
        return int(value)

    def flag(name: str) -> bool:
        raw = env.get(name, "").strip().lower()
        if raw in ("", "0", "false", "no", "off"):
            return False
        if raw in ("1", "true", "yes", "on"):
            return True
        raise ConfigError(f"{name}={raw!r} must be 1 (on) or 0 (off).")

    return Config(
        token=token,
        api_base_url=base_url,
        db_path=Path(env.get("HPBOT_DB", "").strip() or "db/hpbot.sqlite3"),
        tz=tz,
        organizers=organizers,
        log_level=level,
        webhook_url=webhook_url,
        webhook_listen=env.get("HPBOT_WEBHOOK_LISTEN", "").strip() or "127.0.0.1",
        webhook_port=int(number("HPBOT_WEBHOOK_PORT", 8443, minimum=1)),
        webhook_secret=secret,
        tick_seconds=number("HPBOT_TICK_SECONDS", 20.0, minimum=0.05),
        count_edit_seconds=number("HPBOT_COUNT_EDIT_SECONDS", 15.0, minimum=0.0),
        rate_per_second=number("HPBOT_RATE_PER_SECOND", 30.0, minimum=0.0),
        group_rate_per_minute=number("HPBOT_GROUP_RATE_PER_MINUTE", 20.0, minimum=0.0),
        paid_broadcast=flag("HPBOT_PAID_BROADCAST"),
        board_url=board_url,
        board_listen=env.get("HPBOT_BOARD_LISTEN", "").strip() or "127.0.0.1",
        board_port=port("HPBOT_BOARD_PORT", 8081),
        board_refresh=int(number("HPBOT_BOARD_REFRESH", 30, minimum=5)),
    )
