"""What a caller sends costs bounded memory and time: unique words, pathological tokens.

The memory of a running server over 2,000 such requests is measured by bench/memory.py.
"""

from __future__ import annotations

import random
import string

import bm25s.selection
import Stemmer
from bm25s.tokenization import Tokenizer

from advisor.retrieval import Retriever
from advisor.retrieval.keyword import KeywordRetriever
from advisor.text.spelling import MAX_WORD, Speller


def random_words(rng: random.Random, count: int) -> str:
    return " ".join("".join(rng.choices(string.ascii_lowercase, k=7)) for _ in range(count))


def vocabulary_sizes(keyword: KeywordRetriever) -> tuple[int, int, int]:
    tokenizer = keyword._tokenizer
    return len(tokenizer.word_to_stem), len(tokenizer.word_to_id), len(tokenizer.stem_to_sid)


def test_searching_unique_words_remembers_none_of_them(retriever: Retriever) -> None:
    keyword = retriever.keyword
    before = vocabulary_sizes(keyword)
    rng = random.Random(2026)
    for _ in range(2000):  # the review's attack: every query new words, ~3,990 characters
        keyword.search(random_words(rng, 498), 50)
    assert vocabulary_sizes(keyword) == before  # before: word_to_stem kept every word, ~83 KB a query


def test_query_tokens_rank_as_bm25s_did(retriever: Retriever) -> None:
    keyword = retriever.keyword
    theirs = Tokenizer(stemmer=Stemmer.Stemmer("english"), stopwords="en")  # bm25s's own, as it was used
    for name in ("word_to_stem", "word_to_id", "stem_to_sid"):
        setattr(theirs, name, dict(getattr(keyword._tokenizer, name)))
    rng = random.Random(7)
    queries = [
        "What does a junior ML engineer earn in the UK?", "salaries salary salaried paid pay",
        "the of and is", "", "MLOps Kubernetes PyTorch certifications certified", "x" * 4000,
        *(random_words(rng, 5) + " python engineer" for _ in range(50)),
    ]  # fmt: skip
    for query in queries:
        (ids,) = theirs.tokenize([query], update_vocab=False, return_as="stream")
        assert keyword._query_tokens.ids(query) == ids, query
        if ids:
            scores, docs = bm25s.selection.topk(keyword._bm25.get_scores(ids), k=20, backend="numpy")
            expected = [(keyword._ids[int(d)], float(s)) for d, s in zip(docs, scores, strict=True) if s > 0]
            thesaurus, keyword.thesaurus, expander, keyword._expander = (
                keyword.thesaurus,
                False,
                keyword._expander,
                None,
            )
            try:
                assert keyword.search(query, 20) == expected
            finally:
                keyword.thesaurus, keyword._expander = thesaurus, expander


def test_a_token_longer_than_any_word_is_left_as_typed_without_a_lookup(retriever: Retriever) -> None:
    speller = Speller([retriever._context(i) for i in list(retriever.version.chunks)[:40]])
    token = "".join(random.Random(1).choices(string.ascii_lowercase, k=4000))
    corrected = speller.correct(f"What does {token} earn?")
    assert corrected.text == f"What does {token} earn?" and not corrected.changed
    assert speller._symspell is None  # no edit-distance search was started (before: 1-1.7 s of CPU)
    assert speller.correct_word("x" * (MAX_WORD + 1) + "q") == "x" * (MAX_WORD + 1) + "q"
    assert speller.correct("salaary").text == "salary"  # a typo of a real length is still corrected
