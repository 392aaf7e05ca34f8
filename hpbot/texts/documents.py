"""Texts of the study documents: the group's document (`/tailieu`) and what a member reads about it."""

from __future__ import annotations
