"""Competition organizers: those in HPBOT_ORGANIZERS (read at start) and those added with `hpbot organizers add`
(kept in the database, read at every organizer command, so a change needs no restart)."""

from __future__ import annotations

from dataclasses import dataclass

from hpbot.clock import Clock
from hpbot.store import Store


@dataclass(frozen=True)
class Listed:
    user_id: int
    source: str  # "HPBOT_ORGANIZERS" or "added <UTC ISO time>"


class NotRemovable(Exception):
    """The id is in HPBOT_ORGANIZERS (only the environment can take it away) or is no organizer at all."""


class Organizers:
    def __init__(self, store: Store, clock: Clock, from_environment: frozenset[int]) -> None:
        self.store, self.clock, self.from_environment = store, clock, from_environment

    def add(self, user_id: int) -> bool:
        """False if `user_id` was an organizer already (in the table or in HPBOT_ORGANIZERS)."""
        if user_id in self.from_environment:
            return False
        return self.store.organizers.add(user_id, self.clock.now())

    def remove(self, user_id: int) -> None:
        """Raises NotRemovable with the reason for the operator."""
        removed = self.store.organizers.remove(user_id)
        if user_id in self.from_environment:
            raise NotRemovable(
                f"{user_id} is in HPBOT_ORGANIZERS: take it out there and restart the bot to remove it"
            )
        if not removed:
            raise NotRemovable(f"{user_id} is not an organizer")

    def all(self) -> list[Listed]:
        """Everyone, by user id; an id both in the environment and in the table is listed once."""
        listed = {o.user_id: Listed(o.user_id, f"added {o.added_at}") for o in self.store.organizers.all()}
        for user_id in self.from_environment:
            listed.setdefault(user_id, Listed(user_id, "HPBOT_ORGANIZERS"))
        return [listed[k] for k in sorted(listed)]
