"""Keyword search: BM25 over each chunk's title, heading path and text (bm25s, Snowball stemmer).

The keyword side also searches the article words nearest in meaning to query words no article
uses (expansion.py), and, while it ships, 0.1.0's small hand thesaurus.

Queries are tokenized by `QueryTokens`, read-only over the index's vocabulary: bm25s's own
tokenizer, even with update_vocab=False, remembers every word it ever stems (its word_to_stem
dict), so a server kept every word any client searched until the next re-index. The ids are
the same as bm25s's for the same words, so rankings do not change.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

import bm25s
import bm25s.selection
import Stemmer
from bm25s.stopwords import STOPWORDS_EN
from bm25s.tokenization import Tokenizer

from advisor.retrieval.dense import Ranking
from advisor.retrieval.expansion import Expander, WordVectors
from advisor.text.spelling import information

__all__ = ["NOT_TOPIC", "KeywordRetriever", "QueryTokens", "expand_query"]

# Job seekers ask "what do they make?" where articles say "salary range": the keyword side
# gets the article's words too. Dense retrieval needs no help with these.
_THESAURUS = {
    "salary": "salary compensation pay",
    "earn": "salary compensation pay",
    "make": "salary compensation",
    "paid": "salary compensation pay",
    "pay": "salary compensation",
    "income": "salary compensation pay",
    "wage": "salary compensation pay",
    "phd": "phd degree advanced degrees",
    "degree": "degree phd",
    "britain": "uk united kingdom",
    "uk": "uk united kingdom",
    "america": "us united states",
    "remote": "remote hybrid",
}

# Words that carry no topic: conversational filler and numbers spelled out.
_FILLER = frozenset(
    [
        "tell", "please", "could", "would", "kind", "really", "whatever", "pick", "share", "thanks",
        "hello", "hey", "want", "like", "one", "two", "three", "four", "five", "six", "seven",
        "eight", "nine", "ten", "eleven", "twelve", "first", "second", "third"
    ]
)  # fmt: skip
NOT_TOPIC = _FILLER | frozenset(STOPWORDS_EN)  # and the keyword side's stop words (stopwords="en")
_LETTER = re.compile(r"[^\W\d_]")


def expand_query(query: str) -> str:
    """The query plus the corpus's own words for what it asks (for BM25 only)."""
    words = re.findall(r"[a-z]+", query.lower())
    extra = [_THESAURUS[w] for w in words if w in _THESAURUS]
    return " ".join([query, *extra])


STEM_CACHE = 4096  # query words whose stems are remembered (the commonest ones are asked again and again)
SUFFIX_ROOM = 16  # characters a word may have beyond the longest stem or word the index knows


class QueryTokens:
    """A query's token ids as bm25s's tokenizer gives them with update_vocab=False, keeping nothing.

    A word longer than any the index knows (plus room for a suffix) cannot have an id, and is
    dropped before it is stemmed: a 4,000-character token costs a length check.
    """

    def __init__(self, tokenizer: Tokenizer, stem: Callable[[str], str]) -> None:
        self._split = tokenizer.splitter
        self._lower = tokenizer.lower
        self._stopwords = frozenset(tokenizer.stopwords or ())
        self._word_ids: dict[str, int] = dict(tokenizer.word_to_id)
        self._stem_ids: dict[str, int] = dict(tokenizer.stem_to_sid)
        known = [*self._word_ids, *self._stem_ids]
        self._longest = max(map(len, known), default=0) + SUFFIX_ROOM
        self._stem = lru_cache(maxsize=STEM_CACHE)(stem)

    def ids(self, text: str) -> list[int]:
        found: list[int] = []
        for word in self._split(text.lower() if self._lower else text):
            if word in self._word_ids:
                found.append(self._word_ids[word])
            elif word not in self._stopwords and len(word) <= self._longest:
                sid = self._stem_ids.get(self._stem(word))
                if sid is not None:
                    found.append(sid)
        if not found and "" in self._word_ids:  # bm25s's allow_empty: the empty token's id
            found = [self._word_ids[""]]
        return found


class KeywordRetriever:
    """BM25 over the chunks' texts; ids are the chunks' faiss ids, in the order given."""

    def __init__(
        self,
        ids: Sequence[int],
        texts: Sequence[str],
        *,
        words: WordVectors | None = None,
        topic_words: Iterable[str] = (),
        thesaurus: bool = True,
        derived_thesaurus: bool = True,
    ) -> None:
        """words: the model's vectors of English words, for the thesaurus learned from the model
        (off without them); topic_words: the articles' words it may add."""
        self._ids = list(ids)
        self._stemmer = Stemmer.Stemmer("english")
        self._tokenizer = Tokenizer(stemmer=self._stemmer, stopwords="en")
        self._bm25 = bm25s.BM25()
        if texts:
            tokens = self._tokenizer.tokenize(list(texts), return_as="ids", show_progress=False)
            self._bm25.index(tokens, show_progress=False)
        self._query_tokens = QueryTokens(self._tokenizer, self._stemmer.stemWord)
        self.thesaurus = thesaurus
        self._expander = None
        if words is not None and derived_thesaurus:
            self._expander = Expander(words, set(topic_words) - NOT_TOPIC, self._found)

    def _found(self, word: str) -> bool:
        """Whether the keyword side needs no help with this word: a stop word, or the articles use it."""
        return word in NOT_TOPIC or self._stemmer.stemWord(word) in self._tokenizer.get_vocab_dict()

    def search(self, query: str, n: int) -> Ranking:
        searched = expand_query(query) if self.thesaurus else query
        if self._expander is not None:
            searched = " ".join([searched, *self._expander.expand(query)])
        # bm25s's own tokenize() keeps every word it sees, and retrieve() wraps one query in
        # progress bars and batches
        tokens = self._query_tokens.ids(searched)
        if not tokens:
            return []
        scores, docs = bm25s.selection.topk(self._bm25.get_scores(tokens), k=n, backend="numpy")
        return [(self._ids[int(d)], float(s)) for d, s in zip(docs, scores, strict=True) if s > 0]

    def unknown_share(self, query: str) -> float:
        """The share of the query's topic words, weighted by how much each says, that no article uses.

        0.0: every word is the articles' own (or the query has no topic words); 1.0: none is.
        A rare word ("sourdough") weighs more than a common one ("keep"): spelling.information.
        """
        # The keyword side's own words: "cs231n" is one word there, not "cs" and "n"; numbers alone
        # ("200 hours") say nothing of the topic.
        words = [
            w for w in self._tokenizer.splitter(query.lower()) if _LETTER.search(w) and w not in NOT_TOPIC
        ]
        known = self._tokenizer.get_vocab_dict()
        weights = [(information(w), self._stemmer.stemWord(w) in known) for w in words]
        total = sum(weight for weight, _ in weights)
        return sum(weight for weight, is_known in weights if not is_known) / total if total else 0.0
