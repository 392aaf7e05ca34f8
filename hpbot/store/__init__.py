"""SQLite storage through sqlite-utils: migrations at open, typed rows, one transaction per use case."""

from hpbot.store.rows import Group, Round, RoundAnswer
from hpbot.store.store import Store

__all__ = ["Group", "Round", "RoundAnswer", "Store"]
