"""What makes a quote readable on its own, for the page: a table row's header row, a list
item's lead-in. Looked up in the served index version's units (units.py), so answers stored
before this existed get it too."""

from __future__ import annotations

from typing import Any

from advisor.index.store import IndexVersion

__all__ = ["with_context"]

_by_version: dict[str, dict[tuple[str, str], str]] = {}


def _contexts(version: IndexVersion) -> dict[tuple[str, str], str]:
    table = _by_version.get(version.name)
    if table is None:
        table = {(u.chunk_id, u.text): u.context for u in version.units if u.context}
        _by_version.clear()  # only the version being served is kept
        _by_version[version.name] = table
    return table


def with_context(citations: list[dict[str, Any]], version: IndexVersion) -> list[dict[str, Any]]:
    """CITATION dicts with `context` added where the quote is a unit that has one."""
    table = _contexts(version)
    return [{**c, "context": c.get("context") or table.get((c["chunk_id"], c["quote"]))} for c in citations]
