"""A corpus folder -> Documents, and a Skipped line for every file that could not be used."""

from __future__ import annotations

from pathlib import Path

from advisor.ingest.cleaning import load_rules
from advisor.ingest.files import read_source, scan_corpus, source_name
from advisor.ingest.records import Document, Skipped
from advisor.ingest.text import parse_document

__all__ = ["load_corpus"]


def load_corpus(corpus_dir: Path) -> tuple[list[Document], list[Skipped]]:
    """Parse every readable article; unreadable ones are returned as Skipped, never raised.

    Raises RulesError (one line naming the file) when the folder's cleaning-rules.toml is unusable.
    """
    documents: list[Document] = []
    skipped: list[Skipped] = []
    root = corpus_dir.resolve()
    rules = load_rules(root)
    for entry in scan_corpus(root):
        if isinstance(entry, Skipped):
            skipped.append(entry)
            continue
        text = read_source(root, entry)
        if isinstance(text, Skipped):
            skipped.append(text)
            continue
        document = parse_document(text, source_name(root, entry), rules)
        if not document.blocks:
            skipped.append(Skipped(document.source, "no article text left after cleaning"))
            continue
        documents.append(document)
    return documents, skipped
