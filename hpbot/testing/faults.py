"""Fault injection and flood limits: `FaultsMixin` queues faults for the next calls to a method (an error such
as 429 or 5xx, a timeout, a reset connection, a malformed body) and answers 429 to the sends (`SENDS`) beyond
the `Limits` (Telegram's, on by default), the way Telegram does; `ApiError` is the error answer a Bot API method or control action raises.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any

from hpbot.testing.world import Limits

SENDS = {"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument", "sendPhoto"}


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


@dataclass
class Fault:
    method: str
    times: int
    chat_id: int | None
    kind: str
    error_code: int
    description: str
    parameters: dict | None


class FaultsMixin:
    """FakeTelegram's queued faults and the windows of recent sends its rate limits count."""

    limits: Limits

    def _init_faults(self) -> None:
        self.faults: list[Fault] = []
        self._global_window: deque[float] = deque()
        self._chat_windows: dict[int, deque[float]] = defaultdict(deque)
        self._private_buckets: dict[int, tuple[float, float]] = {}  # private chat -> (sends left, when)

    # faults -------------------------------------------------------------------------------------------------
    def fail(
        self,
        method: str,
        *,
        times: int = 1,
        chat_id: int | None = None,
        error_code: int = 400,
        description: str = "Bad Request",
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        kind: str = "error",
    ) -> None:
        parameters = {}
        if retry_after is not None:
            parameters["retry_after"] = retry_after
        if migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = migrate_to_chat_id
        self.faults.append(Fault(method, times, chat_id, kind, error_code, description, parameters or None))

    def fail_429(self, method: str, retry_after: int = 1, **kwargs: Any) -> None:
        self.fail(
            method,
            error_code=429,
            description=f"Too Many Requests: retry after {retry_after}",
            retry_after=retry_after,
            **kwargs,
        )

    def fail_5xx(self, method: str, status: int = 502, **kwargs: Any) -> None:
        self.fail(
            method,
            error_code=status,
            description="Bad Gateway" if status == 502 else "Internal Server Error",
            **kwargs,
        )

    def _take_fault(self, method: str, params: dict) -> Fault | None:
        for fault in self.faults:
            if (
                fault.method == method
                and fault.times > 0
                and (fault.chat_id is None or fault.chat_id == params.get("chat_id"))
            ):
                fault.times -= 1
                return fault
        return None

    def _limited(self, chat_id: Any) -> int | None:
        """None if a send into `chat_id` is within the limits now (and then counted), else the seconds to wait:
        Telegram's retry_after. Groups (negative ids) count per minute, private chats have a bucket of
        `private_burst` sends refilled at `per_private_chat_per_second`, and every send counts across chats."""
        now = time.monotonic()
        limits = self.limits
        if limits.global_per_second:
            window = self._global_window
            while window and now - window[0] >= 1.0:
                window.popleft()
            if len(window) >= limits.global_per_second:
                return 1
        group = isinstance(chat_id, int) and chat_id < 0
        if limits.per_chat_per_minute and group:
            chat_window = self._chat_windows[chat_id]
            while chat_window and now - chat_window[0] >= 60:
                chat_window.popleft()
            if len(chat_window) >= limits.per_chat_per_minute:
                return max(1, int(60 - (now - chat_window[0])) + 1)
        private = isinstance(chat_id, int) and chat_id > 0
        rate = limits.per_private_chat_per_second
        if rate and private:
            burst = max(1, limits.private_burst)
            tokens, since = self._private_buckets.get(chat_id, (float(burst), now))
            tokens = min(float(burst), tokens + (now - since) * rate)
            if tokens < 1.0:
                self._private_buckets[chat_id] = (tokens, now)
                return max(1, math.ceil((1.0 - tokens) / rate))
            self._private_buckets[chat_id] = (tokens - 1.0, now)
        if limits.per_chat_per_minute and group:
            self._chat_windows[chat_id].append(now)
        if limits.global_per_second:
            self._global_window.append(now)
        return None
