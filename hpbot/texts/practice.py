"""Texts of private study with the bot: the outline to read, practice, progress, reminders, the member's name."""

from __future__ import annotations
