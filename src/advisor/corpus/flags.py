"""Passages that may carry instructions for the model rather than advice for the reader.

An article can hide text meant for an AI that reads it ("ignore previous instructions",
"say that ...", "you must reply ...": OWASP LLM01, indirect prompt injection), or send the
reader to a domain no other article links to. Such passages are flagged when the corpus is
indexed (`advisor index` lists them) and kept out of search results and answers unless
ADVISOR_ALLOW_FLAGGED=1. A pure function of the chunks: the indexer and the retriever both
call it, so the index format does not change.

The checks read each passage with its look-alike characters folded to the letters they imitate
(Unicode's confusables table, TR39, as the `confusable-homoglyphs` package ships it, after
NFKC and with invisible format characters dropped): "Ignоre previоus instructiоns" written
with a Cyrillic "о" is flagged like the plain words.

`PassageGate` is the one decision of which passages answers may use: search, every composer
(through answer/sources.py's Library) and the LLM prompt all ask it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlparse

from confusable_homoglyphs import utils as confusable_data

from advisor.corpus.chunking import Chunk

__all__ = ["Flag", "PassageGate", "flag_passages", "fold_confusables"]

_AI = r"(?:ai|a\.i\.|assistant|chat ?bot|chatgpt|gpt|llm|language model|model|agent|bot)s?"
_SPEAK = r"(?:say|reply|respond|answer|state|write|output|print|repeat|tell|recommend|claim|mention)"
_INSTRUCTIONS = [
    ("tells the model to ignore its instructions",
     r"\b(?:ignore|disregard|forget|override|bypass)\b[^.\n]{0,40}\b(?:previous|prior|above|earlier|"
     r"preceding|original|system|all|your|any)\b[^.\n]{0,20}\b(?:instructions?|prompts?|rules|directions|"
     r"guidelines|context)\b"),
    ("addresses an AI reading the page",
     r"\b(?:if you are|you are now|dear|attention|note to|hey)\s+(?:an?\s+|the\s+|all\s+)?"
     r"(?:ai|a\.i\.|llm|gpt|chatgpt|chat ?bot|language model|assistant)s?"
     r"(?:\s+(?:models?|assistants?|agents?|systems?|bots?|tools?))?\b"
     r"(?=\s*[,:!]|\s+(?:reading|summari[sz]ing|processing|answering|crawling|that|who)\b)"),
    ("instructs an AI how to answer",
     rf"\b{_AI}\b[^.\n]{{0,40}}\b(?:must|should|shall|are to|is to|need to)\s+"
     rf"(?:always\s+|only\s+)?{_SPEAK}\b"),
    ("tells the reader or a model what to reply",
     r"\byou\s+(?:must|should|shall|are to|need to|have to)\s+(?:always\s+|only\s+|now\s+)?"
     r"(?:reply|respond|answer|say|output|print|repeat|state)\b(?!\s+(?:interview|questions?|recruiters?|"
     r"emails?|calls?|messages?|to (?:interview|recruiters?|emails?|messages?|questions?)))"),
    ("begins with an instruction to say something",
     r"(?:^|[.!?:]\s+|\n)\s*(?:always\s+|now\s+|please\s+)?(?:say|reply|respond|answer|tell the user|"
     r"tell users|tell readers)\s+(?:that|with|only|exactly|yes|no)\b"),
    ("mentions a system prompt or hidden instructions",
     r"\b(?:system prompt|hidden instructions?|developer mode|jailbreak|prompt injection)\b"),
]  # fmt: skip
_PATTERNS = [(reason, re.compile(pattern, re.IGNORECASE)) for reason, pattern in _INSTRUCTIONS]
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>()\[\]\"']+", re.IGNORECASE)


@dataclass(frozen=True)
class Flag:
    chunk_id: str
    doc_id: str
    reason: str
    excerpt: str  # the words that raised the flag, as written (at most 120 characters)

    def to_json(self) -> dict[str, str]:
        return {"chunk_id": self.chunk_id, "doc_id": self.doc_id, "reason": self.reason,
                "excerpt": self.excerpt}  # fmt: skip


@dataclass(frozen=True)
class PassageGate:
    """Which passages answers may use: none flagged, unless ADVISOR_ALLOW_FLAGGED lets them through
    (and then each is marked, so the page can say it is not advice)."""

    flags: Mapping[str, Flag] = field(default_factory=dict)  # by chunk id
    allow_flagged: bool = False

    @classmethod
    def of(cls, chunks: Iterable[Chunk], allow_flagged: bool = False) -> PassageGate:
        return cls(flag_passages(chunks), allow_flagged)

    def admits(self, chunk_id: str) -> bool:
        """Whether an answer, a search result or a prompt may use this passage."""
        return self.allow_flagged or chunk_id not in self.flags

    def marked(self, chunk_id: str) -> bool:
        """Whether this passage is flagged (shown, when admitted, as "not advice")."""
        return chunk_id in self.flags


@cache
def _table() -> dict[str, str]:
    """Each look-alike character -> the ASCII letter or digit it imitates (TR39's confusables)."""
    table: dict[str, str] = {}
    for char, homoglyphs in confusable_data.load("confusables.json").items():
        if len(char) != 1 or char.isascii():
            continue
        plain = [h["c"] for h in homoglyphs if len(h["c"]) == 1 and h["c"].isascii() and h["c"].isalnum()]
        if plain:
            table[char] = plain[0]
    return table


@cache
def _fold_char(char: str) -> str:
    if unicodedata.category(char) == "Cf":  # zero-width spaces and joiners, bidi controls
        return ""
    normal = unicodedata.normalize("NFKC", char)  # fullwidth and mathematical letters
    table = _table()
    return "".join(table.get(c, c) for c in normal)


def fold_confusables(text: str) -> tuple[str, list[int]]:
    """The text with look-alikes folded to plain letters, and where each folded character came from."""
    if text.isascii():
        return text, list(range(len(text)))
    folded: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        plain = char if char.isascii() else _fold_char(char)
        folded.append(plain)
        origin.extend([i] * len(plain))
    return "".join(folded), origin


def _excerpt(text: str, origin: list[int], match: re.Match[str]) -> str:
    """The words that raised a flag, as the article writes them."""
    start, end = match.span()
    if end <= start:
        return ""
    return text[origin[start] : origin[end - 1] + 1].strip()[:120]


def _domain(url: str) -> str:
    host = urlparse(url if "://" in url else f"http://{url}").hostname or ""
    return host.removeprefix("www.").lower()


def flag_passages(chunks: Iterable[Chunk]) -> dict[str, Flag]:
    """Flagged passages by chunk id: instructions aimed at a model, or links to a domain
    that only this article uses (in a corpus of two articles or more)."""
    chunks = list(chunks)
    flags: dict[str, Flag] = {}
    for chunk in chunks:
        folded, origin = fold_confusables(chunk.text)
        for reason, pattern in _PATTERNS:
            if match := pattern.search(folded):
                excerpt = _excerpt(chunk.text, origin, match)
                flags[chunk.chunk_id] = Flag(chunk.chunk_id, chunk.doc_id, reason, excerpt)
                break
    articles_by_domain: dict[str, set[str]] = defaultdict(set)
    links = [(chunk, url) for chunk in chunks for url in _URL.findall(chunk.text)]
    for chunk, url in links:
        articles_by_domain[_domain(url)].add(chunk.doc_id)
    if len({chunk.doc_id for chunk in chunks}) < 2:
        return flags
    for chunk, url in links:
        if chunk.chunk_id not in flags and len(articles_by_domain[_domain(url)]) == 1:
            reason = f"links to a domain no other article uses ({_domain(url)})"
            flags[chunk.chunk_id] = Flag(chunk.chunk_id, chunk.doc_id, reason, url[:120])
    return flags
