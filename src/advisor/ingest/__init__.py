"""Read articles from a folder -> Document (title, author, date, source, structured blocks).

Articles arrive as saved from the web: menus, share bars, calls to action and bylines
around the text. The modules, in the order the text flows through them:

- files.py     find and read files safely (lstat first, never follow links or open pipes)
- hidden.py    what an author hid is not text: HTML comments, hidden elements
- html.py      a saved page -> markdown and metadata, through trafilatura
- metadata.py  front matter, byline (every author, the publication date), title
- cleaning.py  site furniture rules, kept as data in rules.toml (the operator adds more)
- wrapping.py  a hard-wrapped Markdown file -> one line per paragraph (markdown-it-py)
- shapes.py    structure shown by shape alone: plain tables, lists without bullets, FAQs
- blocks.py    lines -> typed blocks: heading, paragraph, item, row, code
- warnings.py  what could not be read: no title, date or author; a table's figures
- text.py      one article's text -> Document; loader.py: a folder -> Documents
"""

from advisor.ingest.cleaning import RULES_FILE, CleaningRules, RulesError, load_rules
from advisor.ingest.dates import find_date
from advisor.ingest.files import MAX_FILE_BYTES, SUFFIXES, read_source, scan_corpus
from advisor.ingest.loader import load_corpus
from advisor.ingest.records import Block, BlockKind, Document, Skipped, shown
from advisor.ingest.shapes import table_cells
from advisor.ingest.text import parse_document

__all__ = [
    "MAX_FILE_BYTES",
    "RULES_FILE",
    "SUFFIXES",
    "Block",
    "BlockKind",
    "CleaningRules",
    "Document",
    "RulesError",
    "Skipped",
    "find_date",
    "load_corpus",
    "load_rules",
    "parse_document",
    "read_source",
    "scan_corpus",
    "shown",
    "table_cells",
]
