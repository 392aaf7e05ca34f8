"""Every study document the bot serves: content/documents/<slug>/, one Bank each, loaded once at start.

A new document is a new directory: the bot serves it on its next start, with no code change. Documents are in the
order of their slugs; the first is where a new group starts and what a new competition studies unless its
organizer names another.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from hpbot.content.bank import DOCUMENTS_DIR, QUESTIONS_FILE, load_bank
from hpbot.content.model import Bank, ContentError
from hpbot.paths import content_dir

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")  # short: it rides in a button's 64-byte data
SLUG_RULE = "lowercase ascii letters, digits and hyphens, 1-40 characters, e.g. nq-14-2026"


def valid_slug(slug: str) -> bool:
    return bool(SLUG.match(slug))


@dataclass(frozen=True)
class Library:
    documents: tuple[Bank, ...]
    _by_id: dict[str, Bank] = field(default_factory=dict, init=False, repr=False, compare=False)
    _by_item: dict[str, Bank] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.documents:
            raise ContentError("the library has no documents (run `hpbot content import`)")
        for bank in self.documents:
            if bank.id in self._by_id:
                raise ContentError(f"two documents have the id {bank.id!r}")
            self._by_id[bank.id] = bank
            for item in bank.items:
                other = self._by_item.get(item.id)
                if other is not None:
                    # a round records its item: one id in two documents would make its document ambiguous
                    raise ContentError(
                        f"item id {item.id!r} is in both {other.id!r} and {bank.id!r}: "
                        "item ids must be unique across documents"
                    )
                self._by_item[item.id] = bank

    @classmethod
    def of(cls, source: Bank | Library) -> Library:
        """A library as given, or the one-document library of a bank."""
        return source if isinstance(source, Library) else cls((source,))

    def __iter__(self) -> Iterator[Bank]:
        return iter(self.documents)

    def __len__(self) -> int:
        return len(self.documents)

    @property
    def first(self) -> Bank:
        return self.documents[0]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(bank.id for bank in self.documents)

    def get(self, document_id: str | None) -> Bank | None:
        return self._by_id.get(document_id) if document_id else None

    def holding(self, item_id: str) -> Bank | None:
        """The document an item belongs to (item ids are unique across the library)."""
        return self._by_item.get(item_id)


def document_dirs(root: Path) -> list[Path]:
    """The documents' directories under the content root, in slug order."""
    base = root / DOCUMENTS_DIR
    if not base.is_dir():
        return []
    return sorted(d for d in base.iterdir() if d.is_dir() and (d / QUESTIONS_FILE).is_file())


def load_library(root: Path | None = None) -> Library:
    """Load every document under root/documents/ (root: HPBOT_CONTENT, else content/).

    A root that is itself one document's directory (it holds questions.yaml) is a library of that one document;
    a root with neither reports the missing questions.yaml, as a single document would.
    """
    root = Path(root) if root else content_dir()
    dirs = document_dirs(root)
    if not dirs:
        return Library((load_bank(root),))
    for directory in dirs:
        if not valid_slug(directory.name):
            raise ContentError(f"{directory}: a document's directory name must be {SLUG_RULE}")
    return Library(tuple(load_bank(directory) for directory in dirs))
