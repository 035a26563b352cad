"""Query -> ranked Hit list: dense (FAISS) and keyword (BM25) results fused by reciprocal rank."""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from typing import Any, Literal

import bm25s
import bm25s.selection
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN
from bm25s.tokenization import Tokenizer

from advisor.config import Settings
from advisor.corpus.chunking import Chunk, context_text
from advisor.corpus.flags import flag_passages
from advisor.corpus.units import quote_text, unit_embedding_text, unit_faiss_id
from advisor.embedding import Embedder, load_embedder
from advisor.index.store import IndexVersion, load_index, search_on_this_thread
from advisor.retrieval.expansion import Expander, WordVectors, load_word_vectors
from advisor.text.lexicon import split_sentences
from advisor.text.spelling import Correction, Speller, information

__all__ = [
    "ABLATIONS",
    "ALTERNATIVES",
    "RRF_K",
    "Correction",
    "FusionWeights",
    "Hit",
    "Mode",
    "RetrievalOptions",
    "Retriever",
    "calibrated",
    "open_retriever",
]

Mode = Literal["hybrid", "dense", "bm25"]
RRF_K = 60  # the constant from Cormack et al.; rank 1 in both lists scores 2/61
CANDIDATES = 50  # from each retriever, before fusion
HEADING_WEIGHT = 2  # a heading word counts as much as this many body words (tuned on dev)
UNIT_CANDIDATES = 200  # units read to rank chunks by their best unit
# Option score_fused_head: rank fusion chooses the first HEAD passages (those the answer composer
# quotes from: answer.engine.TOP_K) and score fusion orders them, since it knows how far apart
# they are, HEAD_RANK_SHARE of rank fusion's score breaking its near-ties (0.1 chosen on dev).
# It wins dev retrieval but is off: it changes 20 of 96 dev answers, and one fresh answer fails.
HEAD = 5
HEAD_RANK_SHARE = 0.1
# relevance = logistic(slope * best cosine + intercept), fitted by eval/calibrate.py on the dev
# half: each top-10 passage labelled by whether it holds the gold phrase. It reads only the
# cosine of one passage to one query, so it does not move with corpus size or rank.
CALIBRATION_SLOPE = 8.03
CALIBRATION_INTERCEPT = -6.37


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
_LETTER = re.compile(r"[^\W\d_]")
_NOT_TOPIC = _FILLER | frozenset(STOPWORDS_EN)  # and the keyword side's stop words (stopwords="en")


def expand_query(query: str) -> str:
    """The query plus the corpus's own words for what it asks (for BM25 only)."""
    words = re.findall(r"[a-z]+", query.lower())
    extra = [_THESAURUS[w] for w in words if w in _THESAURUS]
    return " ".join([query, *extra])


@dataclass(frozen=True)
class FusionWeights:
    """Score fusion: dense x chunk cosine + unit x best unit cosine + keyword x (BM25 / the query's best).

    A weighted sum of scores beats rank fusion when tuned (Bruch et al., "An Analysis of Fusion
    Functions for Hybrid Retrieval", 2023): it keeps how far apart the candidates are. Only the
    ratios matter; `python eval/fusion.py` fits them on the dev half by a grid search.
    """

    dense: float = 1.0
    unit: float = 1.25  # fitted on dev by eval/fusion.py (1.0 and 0.15 before, by hand)
    keyword: float = 0.2
    # x the best cosine of a unit's shown text (its line without the heading path: the quote
    # index), a second view of the same sentence; chosen on dev (README, Quality)
    quote: float = 0.25


@dataclass(frozen=True)
class RetrievalOptions:
    """The additions to plain fusion, each switchable so eval/retrieval.py can ablate it."""

    spelling: bool = True  # misspelled query words corrected to corpus words before searching
    unit_fusion: bool = True  # chunks ranked by their best unit, fused as a third list
    quote_evidence: bool = True  # score fusion also reads each unit's shown text (FusionWeights.quote)
    focused_units: bool = False  # rank fusion: the unit list votes only for 1-sentence questions (lost test)
    unit_parents: bool = False  # units retrieved and their parent chunks returned, instead of dense
    derived_thesaurus: bool = True  # ... and, for a word no article uses, the nearest article word
    thesaurus: bool = True  # the keyword side also searches the hand-written synonyms (0.1.0's)
    heading_field: bool = False  # title and heading path weigh more for BM25 (lost on dev: off)
    score_fused_head: bool = False  # rank fusion's first HEAD passages ordered by score fusion
    score_fusion: bool = True  # every rank by score fusion; off: reciprocal rank fusion (see README)

    @classmethod
    def only(cls, **on: bool) -> RetrievalOptions:
        """Every addition off except those named."""
        return cls(**{name: name in on and on[name] for name in cls.__dataclass_fields__})


# (ablation row, option) in the order eval/retrieval.py adds them to plain fusion.
ABLATIONS: list[tuple[str, str]] = [
    ("thesaurus from the model", "derived_thesaurus"),
    ("hand thesaurus (0.1.0)", "thesaurus"),
    ("spelling correction", "spelling"),
    ("unit evidence (fused)", "unit_fusion"),
    ("score fusion for every rank", "score_fusion"),
    ("each line's shown text (score fusion)", "quote_evidence"),
]
# Rows measured against the full configuration with some options changed: the road not taken.
ALTERNATIVES: list[tuple[str, dict[str, bool]]] = [
    ("(alt) units -> parent chunks", {"unit_fusion": False, "unit_parents": True}),
    ("(alt) + headings x2 in BM25", {"heading_field": True}),
    ("(alt) without the hand thesaurus", {"thesaurus": False}),
    ("(alt) without either thesaurus", {"thesaurus": False, "derived_thesaurus": False}),
    ("(alt) RRF, unit list only for 1-sentence questions", {"score_fusion": False, "focused_units": True}),
    ("(alt) rank fusion (RRF) for every rank", {"score_fusion": False}),
    ("(alt) RRF, top five in score-fused order", {"score_fusion": False, "score_fused_head": True}),
]


@dataclass(frozen=True)
class Hit:
    rank: int
    score: float  # fused score, 0..1 (weighted sum of the lists' scores); the mode's own score otherwise
    doc_id: str
    chunk_id: str
    title: str
    author: str | None
    date: str | None
    source: str
    section: str | None
    text: str
    similarity: float  # cosine similarity of the chunk to the query
    query: str = ""  # the query as searched: spelling corrected
    relevance: float = 0.0  # calibrated 0..1: how likely this passage answers the query (README)
    url: str | None = None  # the original article on the web, when its metadata names one

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Retriever:
    """Hybrid search over one index version; build a new Retriever when the version changes."""

    def __init__(
        self,
        version: IndexVersion,
        embedder: Embedder,
        options: RetrievalOptions | None = None,
        *,
        allow_flagged: bool = False,
        words: WordVectors | None = None,
        weights: FusionWeights | None = None,
    ) -> None:
        """words: the model's vectors of English words (expansion.load_word_vectors), for the
        derived thesaurus; without them it is off. weights: score fusion's (FusionWeights)."""
        self.version = version
        self.embedder = embedder
        self.words = words
        self.options = options or RetrievalOptions()
        self.weights = weights or FusionWeights()
        # passages that read as instructions to a model stay out of results (flags.py)
        self.flagged = {} if allow_flagged else flag_passages(version.chunks.values())
        self._ids = list(version.chunks)
        self._text_keys: dict[int, int] = {}  # faiss id -> hash of its chunk's words (see _hits)
        self._faiss_of_chunk = {c.chunk_id: i for i, c in version.chunks.items()}
        self._unit_chunk: dict[int, int] = {}  # unit faiss id -> its chunk's faiss id
        if version.unit_index is not None:
            for unit in version.units:
                faiss_id = unit_faiss_id(unit, unit_embedding_text(unit))
                self._unit_chunk[faiss_id] = self._faiss_of_chunk[unit.chunk_id]
        self._quote_faiss: dict[str, int] = {}  # unit id -> the faiss id of its shown text
        self._quote_chunk: dict[int, int] = {}  # that faiss id -> its chunk's faiss id
        if version.quote_index is not None:
            for unit in version.units:
                faiss_id = self._quote_faiss[unit.unit_id] = unit_faiss_id(unit, quote_text(unit))
                self._quote_chunk[faiss_id] = self._faiss_of_chunk[unit.chunk_id]
        self._stemmer = Stemmer.Stemmer("english")
        self._tokenizer = Tokenizer(stemmer=self._stemmer, stopwords="en")
        corpus = [self._context(version.chunks[i]) for i in self._ids]
        self.speller = Speller(corpus)
        if self.options.heading_field:
            corpus = [self._fielded(version.chunks[i]) for i in self._ids]
        self._bm25 = bm25s.BM25()
        if corpus:
            tokens = self._tokenizer.tokenize(corpus, return_as="ids", show_progress=False)
            self._bm25.index(tokens, show_progress=False)
        topic_words = set(self.speller.counts) - _NOT_TOPIC
        self._expander = None if words is None else Expander(words, topic_words, self._found)

    def _found(self, word: str) -> bool:
        """Whether the keyword side needs no help with this word: a stop word, or the articles use it."""
        return word in _NOT_TOPIC or self._stemmer.stemWord(word) in self._tokenizer.get_vocab_dict()

    def quote_vector(self, unit_id: str) -> np.ndarray | None:
        """The vector the index stored for a unit's shown text (quote ranking), if any."""
        faiss_id = self._quote_faiss.get(unit_id)
        return None if faiss_id is None else self.version.quote_index.reconstruct(faiss_id)

    def correct(self, text: str) -> Correction:
        """The text with misspelled words corrected to the articles' words (real words kept)."""
        return self.speller.correct(text)

    def unknown_share(self, query: str) -> float:
        """The share of the query's topic words, weighted by how much each says, that no article uses.

        0.0: every word is the articles' own (or the query has no topic words); 1.0: none is.
        A rare word ("sourdough") weighs more than a common one ("keep"): spelling.information.
        """
        # The keyword side's own words: "cs231n" is one word there, not "cs" and "n"; numbers alone
        # ("200 hours") say nothing of the topic.
        words = [
            w for w in self._tokenizer.splitter(query.lower()) if _LETTER.search(w) and w not in _NOT_TOPIC
        ]
        known = self._tokenizer.get_vocab_dict()
        weights = [(information(w), self._stemmer.stemWord(w) in known) for w in words]
        total = sum(weight for weight, _ in weights)
        return sum(weight for weight, is_known in weights if not is_known) / total if total else 0.0

    def _context(self, chunk: Chunk) -> str:
        return context_text(self.version.documents[chunk.doc_id].title, chunk.section, chunk.text)

    def _fielded(self, chunk: Chunk) -> str:
        """BM25's view of a chunk: title and heading path repeated, so they weigh more (BM25F-like)."""
        headings = "\n".join(p for p in (self.version.documents[chunk.doc_id].title, chunk.section) if p)
        return "\n".join([headings] * HEADING_WEIGHT + [chunk.text])

    def search(self, query: str, k: int = 5, mode: Mode = "hybrid") -> list[Hit]:
        """The k best chunks for a query, duplicates removed, best first."""
        if not self._ids or not query.strip():
            return []
        search_on_this_thread()
        if self.options.spelling:
            query = self.speller.correct(query).text
        pending = self.embedder.submit_query(query)  # encoded while the keyword search runs
        n = min(CANDIDATES, len(self._ids))
        keyword = [] if mode == "dense" else self._keyword(query, n)
        vector = pending.result()
        dense = [] if mode == "bm25" else self._dense(vector, n)
        units = self._unit_dense(vector, n) if self._use_units and mode == "hybrid" else []
        fused_by_score = self.options.score_fusion or self.options.score_fused_head
        quotes = self._quote_dense(vector, n) if fused_by_score and self._use_quotes and units else []
        if mode == "dense":
            ranked = dense
        elif mode == "bm25":
            top = keyword[0][1] if keyword else 1.0
            ranked = [(i, s / top) for i, s in keyword]
        elif self.options.unit_parents and units:
            ranked = _fuse(units, keyword)
        elif self.options.score_fusion:
            ranked = self._combine(dense, keyword, units, quotes, vector)
        else:
            ranked = _fuse(dense, keyword, units) if self._units_vote(query) else _fuse(dense, keyword)
            if self.options.score_fused_head:
                ranked = self._score_fused_head(ranked, min(k, HEAD), dense, keyword, units, quotes, vector)
        return self._hits(ranked, vector, k, query, dict(units), dict(dense))

    def _dense(self, vector: np.ndarray, n: int) -> list[tuple[int, float]]:
        scores, ids = self.version.faiss_index.search(vector.reshape(1, -1), n)
        return [(int(i), float(s)) for s, i in zip(scores[0], ids[0], strict=True) if i >= 0]

    def _score_fused_head(
        self,
        ranked: list[tuple[int, float]],
        size: int,
        dense: list[tuple[int, float]],
        keyword: list[tuple[int, float]],
        units: list[tuple[int, float]],
        quotes: list[tuple[int, float]],
        vector: np.ndarray,
    ) -> list[tuple[int, float]]:
        """Rank fusion's first `size` passages re-ordered by score fusion: whatever k is asked, the
        same passages as rank fusion's, so an answer quotes the same ones. They keep the head's
        scores, best first."""
        head, tail = ranked[:size], ranked[size:]
        fused = dict(self._combine(dense, keyword, units, quotes, vector, only=[i for i, _ in head]))
        order = sorted(head, key=lambda item: -(fused[item[0]] + HEAD_RANK_SHARE * item[1]))
        return [(i, score) for (i, _), (_, score) in zip(order, head, strict=True)] + tail

    def _combine(
        self,
        dense: list[tuple[int, float]],
        keyword: list[tuple[int, float]],
        units: list[tuple[int, float]],
        quotes: list[tuple[int, float]],
        vector: np.ndarray,
        only: list[int] | None = None,
    ) -> list[tuple[int, float]]:
        """Candidates of any list (or `only` these) ranked by a weighted sum of their scores, 0..1."""
        w = self.weights
        cosine, bm25, best_unit = dict(dense), dict(keyword), dict(units)
        top = max(bm25.values(), default=0.0) or 1.0
        # (weight, each chunk's best cosine, the floor for a chunk none of whose units came near)
        evidence = [
            (weight, best, min(best.values()))
            for weight, best in ((w.unit, best_unit), (w.quote, dict(quotes)))
            if best
        ]
        cosines = w.dense + sum(weight for weight, _, _ in evidence)
        scored: list[tuple[int, float]] = []
        candidates = cosine.keys() | bm25.keys() | best_unit.keys() if only is None else set(only)
        for faiss_id in sorted(candidates):
            chunk_cosine = cosine.get(faiss_id)
            if chunk_cosine is None:
                chunk_cosine = float(self.version.faiss_index.reconstruct(faiss_id) @ vector)
            score = w.dense * chunk_cosine + w.keyword * bm25.get(faiss_id, 0.0) / top
            score += sum(weight * best.get(faiss_id, floor) for weight, best, floor in evidence)
            # from -cosines..cosines + keyword to 0..1; the order is the same
            scored.append((faiss_id, (score + cosines) / (2 * cosines + w.keyword)))
        return sorted(scored, key=lambda item: -item[1])

    def _units_vote(self, query: str) -> bool:
        """Whether the unit list votes in rank fusion: not for a question of several sentences.

        Its first place goes to whichever passage has one sentence close to any part of the
        question, which for "I'm a copywriter who ... Is there an AI job for me?" is often the
        preamble's; rank fusion would give that a full vote however weak the match.
        """
        if not self.options.focused_units:
            return True
        return len([s for s in split_sentences(query) if s.strip()]) <= 1

    @property
    def _use_units(self) -> bool:
        return bool(self._unit_chunk) and (self.options.unit_fusion or self.options.unit_parents)

    @property
    def _use_quotes(self) -> bool:
        return bool(self._quote_chunk) and self.options.quote_evidence

    def _unit_dense(self, vector: np.ndarray, n: int) -> list[tuple[int, float]]:
        """Chunks ranked by their best-matching unit (a precise sentence lifts its whole chunk)."""
        return _best_by_chunk(self.version.unit_index, self._unit_chunk, vector, n)

    def _quote_dense(self, vector: np.ndarray, n: int) -> list[tuple[int, float]]:
        """Chunks ranked by their best unit's shown text: the line alone, without its heading path."""
        return _best_by_chunk(self.version.quote_index, self._quote_chunk, vector, n)

    def _keyword(self, query: str, n: int) -> list[tuple[int, float]]:
        searched = expand_query(query) if self.options.thesaurus else query
        if self.options.derived_thesaurus and self._expander is not None:
            searched = " ".join([searched, *self._expander.expand(query)])
        # bm25s's own tokenize() and retrieve() wrap one query in progress bars and batches
        (tokens,) = self._tokenizer.tokenize([searched], update_vocab=False, return_as="stream")
        if not tokens:
            return []
        scores, docs = bm25s.selection.topk(self._bm25.get_scores(tokens), k=n, backend="numpy")
        return [(self._ids[int(d)], float(s)) for d, s in zip(docs, scores, strict=True) if s > 0]

    def _hits(
        self,
        ranked: list[tuple[int, float]],
        vector: np.ndarray,
        k: int,
        query: str,
        unit_best: dict[int, float],
        cosines: dict[int, float],
    ) -> list[Hit]:
        """Hits of the ranked chunks; `cosines` holds the query's similarity to chunks dense search saw."""
        hits: list[Hit] = []
        seen: set[int] = set()
        for faiss_id, score in ranked:
            chunk = self.version.chunks[faiss_id]
            key = self._text_keys.get(faiss_id)
            if key is None:  # passages of the same text are one hit; found once per chunk
                key = self._text_keys[faiss_id] = hash(re.sub(r"\W+", " ", chunk.text).strip().lower())
            if key in seen or chunk.chunk_id in self.flagged:
                continue
            seen.add(key)
            doc = self.version.documents[chunk.doc_id]
            similarity = cosines.get(faiss_id)
            if similarity is None:
                similarity = float(self.version.faiss_index.reconstruct(faiss_id) @ vector)
            hits.append(
                Hit(
                    rank=len(hits) + 1,
                    score=round(score, 4),
                    doc_id=chunk.doc_id,
                    chunk_id=chunk.chunk_id,
                    title=doc.title,
                    author=doc.author,
                    date=doc.date,
                    source=doc.source,
                    section=chunk.section,
                    text=chunk.text,
                    similarity=round(similarity, 4),
                    query=query,
                    relevance=round(calibrated(max(similarity, unit_best.get(faiss_id, -1.0))), 4),
                    url=doc.url,
                )
            )
            if len(hits) == k:
                break
        return hits


def _best_by_chunk(
    index: Any, chunk_of: dict[int, int], vector: np.ndarray, n: int
) -> list[tuple[int, float]]:
    """The first n chunks by their best-scoring unit in a FAISS index of units, best first."""
    scores, ids = index.search(vector.reshape(1, -1), min(UNIT_CANDIDATES, index.ntotal))
    best: dict[int, float] = {}
    for score, unit_id in zip(scores[0], ids[0], strict=True):
        chunk = chunk_of.get(int(unit_id))
        if chunk is not None and chunk not in best:
            best[chunk] = float(score)
            if len(best) == n:
                break
    return list(best.items())


def calibrated(similarity: float) -> float:
    """A cosine similarity as the probability that the passage answers the query (logistic fit)."""
    return 1.0 / (1.0 + math.exp(-(CALIBRATION_SLOPE * similarity + CALIBRATION_INTERCEPT)))


def _fuse(*rankings: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """Reciprocal rank fusion, scaled so that first place in every list scores 1.0."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, (faiss_id, _) in enumerate(ranking, start=1):
            fused[faiss_id] = fused.get(faiss_id, 0.0) + 1.0 / (RRF_K + rank)
    best = len(rankings) / (RRF_K + 1)
    return sorted(((i, s / best) for i, s in fused.items()), key=lambda item: -item[1])


def open_retriever(settings: Settings, embedder: Embedder | None = None) -> Retriever:
    """Load the model (unless given) and the current index, checking that they belong together."""
    embedder = embedder or load_embedder(settings)
    version = load_index(settings.index_dir, model=embedder.name, dim=embedder.dim)
    words = load_word_vectors(embedder, settings.encoder_cache_dir()) if settings.word_expansion else None
    return Retriever(version, embedder, allow_flagged=settings.allow_flagged, words=words)
