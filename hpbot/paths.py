"""Where hpbot finds the files that live beside the package in a checkout (content/, db/)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def content_dir() -> Path:
    """The study content root (one directory per document under documents/): $HPBOT_CONTENT, else the checkout's
    content/, else ./content."""
    if env := os.environ.get("HPBOT_CONTENT"):
        return Path(env)
    candidate = PROJECT_ROOT / "content"
    return candidate if candidate.is_dir() else Path.cwd() / "content"


def migrations_dir() -> Path:
    """The schema steps: the checkout's db/migrations (shipped beside the package in the image)."""
    candidate = PROJECT_ROOT / "db" / "migrations"
    return candidate if candidate.is_dir() else Path.cwd() / "db" / "migrations"
