"""Logging set-up. The token lives in every Bot API URL, so loggers that print URLs stay quiet and a filter
scrubs the token (and the webhook secret) from anything that still gets through."""

from __future__ import annotations

import logging


class RedactSecrets(logging.Filter):
    """Replaces each of the given secrets with `***` in a record's message and in its exception's text."""

    def __init__(self, *secrets: str | None) -> None:
        super().__init__()
        # longest first: a secret that contains another is replaced whole
        self.secrets = tuple(sorted({s for s in secrets if s}, key=len, reverse=True))

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except (
            Exception
        ):  # arguments that do not fit the template: logging would print them in its error report
            record.msg, record.args = f"(unformattable log message) {self.redact(str(record.msg))}", None
            return True
        if any(secret in message for secret in self.secrets):
            record.msg, record.args = self.redact(message), None
        if record.exc_info and record.exc_info[1] is not None:
            # the whole formatted text: a chained cause may hold a secret its outer exception does not
            text = logging.Formatter().formatException(record.exc_info)
            if any(secret in text for secret in self.secrets):
                record.msg, record.args = f"{self.redact(message)}\n{self.redact(text)}", None
                record.exc_info = record.exc_text = None
        return True


class RedactToken(RedactSecrets):
    """The filter under its first name: the token, then any other secrets (the webhook's)."""

    def __init__(self, token: str, *secrets: str | None) -> None:
        super().__init__(token, *secrets)
        self.token = token


def setup_logging(level: str, token: str = "", secret: str | None = None) -> None:
    """Log to stderr at `level`, the token and the webhook secret (when there is one) replaced by `***`."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactToken(token, secret))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
