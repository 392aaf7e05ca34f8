"""The states a group and a competition can be in (a round's, with its transitions, are in hpbot.domain.rounds)."""

from __future__ import annotations

import enum


class GroupStatus(enum.StrEnum):
    NEW = "new"  # seen, never subscribed
    ACTIVE = "active"  # subscribed: gets the daily question
    UNSUBSCRIBED = "unsubscribed"  # an admin stopped it, or the bot came back after a kick
    KICKED = "kicked"  # the bot was removed; nothing is sent there
    MIGRATED = "migrated"  # became a supergroup; everything lives under the new id


class CompetitionStatus(enum.StrEnum):
    ACTIVE = "active"
    ENDED = "ended"
