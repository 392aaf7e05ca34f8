"""hpbot's errors: one tree, so a caller can catch as widely or as narrowly as it needs.

    HpbotError                      anything hpbot itself raises on purpose
    ├── StartupError                the bot cannot start; the runner prints one English line and exits 2
    │   ├── ConfigError             the environment does not describe a runnable bot (hpbot.config)
    │   ├── ContentError            the study bank is missing or broken (hpbot.content)
    │   ├── MigrationError          the migrations directory or a step in it is unusable (hpbot.store)
    │   ├── DatabaseError           the database file cannot be opened, written, or read as hpbot's (hpbot.store)
    │   ├── InstanceLocked          another hpbot runs on the same database; names its PID (hpbot.instance)
    │   └── TokenRejected           the Bot API refused HPBOT_TOKEN at start (401) (hpbot.runner)
    ├── BackupError                 a backup or restore could not be made (hpbot.backup)
    ├── InputError                  a chat user typed something the rules refuse; the reply explains (hpbot.domain)
    │   ├── TimeFormatError         not a HH:MM time (hpbot.domain.schedule)
    │   ├── TimeOrderError          the reveal time is not after the post time (hpbot.domain.schedule)
    │   └── CompetitionInputError   a competition spec that does not parse; `reason` says which part
    └── DeliveryError               a message could not be delivered to Telegram (raised by the outbound port)
        ├── GroupGone               the bot can no longer write to the group (kicked, left, chat deleted)
        ├── Refused                 Telegram refused the request (400): the same request would be refused again
        │   ├── NotModified         an edit that changes nothing: done already
        │   └── MessageGone         the message to edit no longer exists
        └── Unavailable             Telegram could not be reached or kept answering with errors; retry later

The Telegram edge translates python-telegram-bot's exceptions into `DeliveryError`s (hpbot.tg.outbound), so the
use-case layer never sees a `telegram` type. This module imports nothing of hpbot: every layer may use it.
"""

from __future__ import annotations


class HpbotError(Exception):
    """Base of every error hpbot raises on purpose."""


# start-up -------------------------------------------------------------------------------------------------------
class StartupError(HpbotError):
    """The bot cannot start. The message is one English line for the operator, naming what and the way out."""


class ConfigError(StartupError):
    """The environment does not describe a runnable bot. The message says which variable and why."""


class ContentError(StartupError):
    """The study bank is missing, malformed or inconsistent. The message names the file and the problem."""


class MigrationError(StartupError):
    """The migrations directory or a step in it is unusable."""


class DatabaseError(StartupError):
    """The database file cannot be opened, written or read as an hpbot database."""


class InstanceLocked(StartupError):
    """Another hpbot holds the database's instance lock: two bots on one database would post everything twice."""


class TokenRejected(StartupError):
    """The Bot API answered 401 to the token: revoked or mistyped. The message never holds the token."""


class BackupError(HpbotError):
    """A backup or restore could not be made; the message says why."""


# chat users' input ----------------------------------------------------------------------------------------------
class InputError(HpbotError, ValueError):
    """Input from a chat user that the rules refuse; the handler answers it in Vietnamese."""


class TimeFormatError(InputError):
    """Not a HH:MM time of day."""


class TimeOrderError(InputError):
    """The reveal time must be later than the post time on the same day."""


class CompetitionInputError(InputError):
    """A competition spec that does not parse; `reason` is a key of texts.COMP_CREATE_ERRORS."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# delivery to Telegram -------------------------------------------------------------------------------------------
class DeliveryError(HpbotError):
    """A request to Telegram did not do what was asked. `detail` is Telegram's description, safe to log."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail)
        self.detail = detail


class GroupGone(DeliveryError):
    """The bot can no longer write to this group (kicked, removed, chat deleted)."""

    def __init__(self, chat_id: int, detail: str = "") -> None:
        super().__init__(detail or f"chat {chat_id} is gone")
        self.chat_id = chat_id


class Refused(DeliveryError):
    """Telegram refused the request (a 400): sending the same again would be refused again."""


class NotModified(Refused):
    """An edit that would change nothing ("message is not modified"): what was asked is already so."""


class Unavailable(DeliveryError):
    """Telegram could not be reached, timed out, or answered with errors after the retries: try again later."""


class MessageGone(Refused):
    """The message to edit no longer exists (deleted by an admin, or never there)."""
