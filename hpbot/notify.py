"""Telling systemd how the bot is doing (`Type=notify`): the sd_notify protocol, in the standard library.

systemd passes a socket in `NOTIFY_SOCKET`: a path, or an abstract name written with a leading `@`. Each message is
one datagram of `KEY=value` lines. The runner sends `READY=1` once updates are being received (polling started, or
the webhook registered with Telegram), `STOPPING=1` when it begins to shut down, `STATUS=…` lines that
`systemctl status hpbot` shows, and, when the unit sets `WatchdogSec=`, `WATCHDOG=1` at half that interval from
the event loop (so systemd restarts a bot whose loop is blocked). Without `NOTIFY_SOCKET` (Docker, a shell,
the tests) every call does nothing. A message that cannot be sent is logged at DEBUG and otherwise ignored: the bot
never stops for its supervisor's sake.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping

log = logging.getLogger(__name__)


def _address(value: str) -> str | None:
    if value.startswith("@"):  # an abstract socket: a leading NUL byte instead of the @
        return "\0" + value[1:]
    if value.startswith("/"):
        return value
    return None  # vsock: and other forms are not used for services on one host


def notify(*lines: str, environ: Mapping[str, str] | None = None) -> bool:
    """Send `lines` (e.g. "READY=1", "STATUS=…") as one message; True if it was sent."""
    value = (os.environ if environ is None else environ).get("NOTIFY_SOCKET", "")
    if not value or not lines:
        return False
    address = _address(value)
    if address is None:
        log.debug("NOTIFY_SOCKET=%r is not a path or an abstract socket: not notifying", value)
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall("\n".join(lines).encode())
    except OSError as exc:
        log.debug("could not notify the service manager at %s: %s", value, exc)
        return False
    return True


def watchdog_interval(environ: Mapping[str, str] | None = None) -> float | None:
    """Seconds between two WATCHDOG=1 messages (half of systemd's `WatchdogSec=`), or None when the watchdog is
    off for this process."""
    env = os.environ if environ is None else environ
    usec = env.get("WATCHDOG_USEC", "")
    pid = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0 or (pid and pid != str(os.getpid())):
        return None
    return int(usec) / 2_000_000
