"""Cleaning rules kept as data (rules.toml, extended by the operator's file) and applied to lines.

The rules say what site furniture looks like; this module only knows how to apply them:
drop a furniture line, stop where the site resumes, skip an author box.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from advisor.config import ConfigError
from advisor.ingest.records import shown

__all__ = ["RULES_FILE", "CleaningRules", "RulesError", "default_rules", "load_rules"]

RULES_FILE = "cleaning-rules.toml"  # the operator's additions, in the corpus folder
_SHIPPED = Path(__file__).with_name("rules.toml")
_PATTERN_TABLES = (
    "drop_lines", "calls_to_action", "promotional_headings", "end_of_article", "author_box",
    "top_level_headings",
)  # fmt: skip

_NO_WORDS = re.compile(r"^[^\w$£€%]*$")  # emoji, bullets and rules alone carry no text
_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")


class RulesError(ConfigError):
    """A cleaning-rules file that cannot be used; the message names the file and the entry.

    Over HTTP a re-index refuses it (409) and the index in service stays."""

    status = 409
    code = "unusable_rules"

    @property
    def message(self) -> str:
        return f"cannot re-index: {self}; the current index stays in service"


@dataclass(frozen=True)
class CleaningRules:
    drop_lines: tuple[re.Pattern[str], ...]
    calls_to_action: tuple[re.Pattern[str], ...]
    promotional_headings: tuple[re.Pattern[str], ...]
    end_of_article: tuple[re.Pattern[str], ...]
    author_box: tuple[re.Pattern[str], ...]
    top_level_headings: tuple[re.Pattern[str], ...]
    byline_roles: frozenset[str]

    def is_chrome(self, line: str) -> bool:
        """A line that is site furniture or promotion, not article text."""
        stripped = line.strip()
        return bool(
            _NO_WORDS.match(stripped)
            or _TABLE_SEPARATOR.match(stripped)
            or _full(self.drop_lines, stripped)
            or any(rule.search(stripped) for rule in self.calls_to_action)
        )

    def is_promotional_heading(self, text: str) -> bool:
        return _full(self.promotional_headings, text.strip())

    def is_top_level_heading(self, text: str) -> bool:
        return _full(self.top_level_headings, text.strip())

    def drop_boilerplate(self, lines: list[str], protected: frozenset[int] = frozenset()) -> list[str | None]:
        """Furniture lines become None (kept as gaps, so a section left empty can be seen).

        Protected lines (a code listing) are kept as they are, whatever they look like.
        """
        kept: list[str | None] = []
        in_author_box = False
        for i, line in enumerate(lines):
            if i in protected:
                kept.append(line)
                continue
            stripped = line.strip()
            if _full(self.end_of_article, stripped):
                break
            if _full(self.author_box, stripped):
                in_author_box = True
            if in_author_box:
                # The box is a name, a role and one bio paragraph; the article resumes after it.
                in_author_box = len(stripped.split()) < 8
                kept.append(None)
                continue
            kept.append(None if self.is_chrome(line) else line)
        return kept


def _full(patterns: tuple[re.Pattern[str], ...], text: str) -> bool:
    return any(pattern.fullmatch(text) for pattern in patterns)


@cache
def default_rules() -> CleaningRules:
    """The shipped rules alone."""
    return _compile([(_SHIPPED, _read(_SHIPPED))])


def load_rules(corpus_dir: Path) -> CleaningRules:
    """The shipped rules plus the corpus folder's own cleaning-rules.toml, if it has one."""
    extra = corpus_dir / RULES_FILE
    if not extra.is_file():
        return default_rules()
    return _compile([(_SHIPPED, _read(_SHIPPED)), (extra, _read(extra))])


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RulesError(f"cleaning rules {shown(path.name)}: {exc}") from None


def _compile(files: list[tuple[Path, dict[str, Any]]]) -> CleaningRules:
    tables: dict[str, list[re.Pattern[str]]] = {name: [] for name in _PATTERN_TABLES}
    roles: set[str] = set()
    for path, data in files:
        where = f"cleaning rules {shown(path.name)}"
        for name, table in data.items():
            key = "words" if name == "byline_roles" else "patterns"
            if name not in tables and name != "byline_roles":
                raise RulesError(
                    f"{where}: unknown table [{name}] (known: {', '.join(_PATTERN_TABLES)}, byline_roles)"
                )
            entries = table.get(key) if isinstance(table, dict) else None
            if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
                raise RulesError(f'{where}: [{name}] needs {key} = ["...", ...], a list of strings')
            if name == "byline_roles":
                roles.update(word.lower() for word in entries)
                continue
            for entry in entries:
                try:
                    tables[name].append(re.compile(entry))
                except re.error as exc:
                    raise RulesError(
                        f"{where}: [{name}] {entry!r} is not a regular expression: {exc}"
                    ) from None
    return CleaningRules(
        **{name: tuple(patterns) for name, patterns in tables.items()}, byline_roles=frozenset(roles)
    )
