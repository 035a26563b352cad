"""Hybrid retrieval with the real model over the real FAISS index."""

from __future__ import annotations

import os
import sys
from concurrent.futures import ThreadPoolExecutor

from advisor.retrieval import RetrievalOptions, Retriever
from advisor.retrieval.fusion import FusionWeights
from advisor.retrieval.keyword import expand_query

from .conftest import ROOT

HIT_KEYS = {
    "rank",
    "score",
    "doc_id",
    "chunk_id",
    "title",
    "author",
    "date",
    "source",
    "section",
    "text",
}


def test_salary_question_finds_the_salary_table(retriever: Retriever) -> None:
    hits = retriever.search("How much does a junior ML engineer earn in the UK?", k=3)
    top = hits[0]
    assert "Junior ML Engineer (0-2 years)" in top.text
    assert top.title == "AI and Machine Learning Career Path: 2026 Complete Roadmap"
    assert (top.author, top.date) == ("JobCannon Team", "2026-03-23")
    assert top.source == "corpus/jobcannon-ai-ml-career-path-2026.txt"
    assert top.section == "AI/ML Career Salary Breakdown (2026)"
    assert set(top.to_json()) >= HIT_KEYS


def test_hits_are_ranked_distinct_and_k_long(retriever: Retriever) -> None:
    for k in (1, 5, 12):
        hits = retriever.search("What should I learn first, Python or math?", k=k)
        assert [h.rank for h in hits] == list(range(1, k + 1))
        assert len({h.chunk_id for h in hits}) == k
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
        assert all(0 < h.score <= 1 for h in hits)


def test_score_fusion_ranks_the_passage_holding_the_answer_first(retriever: Retriever) -> None:
    # the measured alternative to rank fusion (README's Quality table)
    scored = Retriever(retriever.version, retriever.embedder, RetrievalOptions(score_fusion=True))
    hits = scored.search("How much does a junior ML engineer earn in the UK?", k=12)
    assert "Junior ML Engineer (0-2 years)" in hits[0].text
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(0 < h.score <= 1 for h in hits)
    assert len({h.chunk_id for h in hits}) == 12


def test_a_request_thread_searches_without_an_openmp_team(retriever: Retriever) -> None:
    """A server searches on many threads; a FAISS OpenMP team per search would idle-spin on
    the cores the server needs (OpenMP's thread count is per thread, not per process)."""
    import faiss

    def search_then_count() -> tuple[int, int]:
        before = faiss.omp_get_max_threads()
        retriever.search("What does an MLOps engineer do?", k=3)
        return before, faiss.omp_get_max_threads()

    with ThreadPoolExecutor(1) as pool:
        before, after = pool.submit(search_then_count).result()
    assert after == 1
    assert before > 1 or os.cpu_count() == 1  # a new thread starts with a team, so this test can fail


def test_fusion_weights_decide_the_order(retriever: Retriever) -> None:
    # all weight on the chunk cosine: the order of dense search; on the keyword side: of BM25
    question = "Which certification should I take for AWS?"
    options = RetrievalOptions(score_fusion=True)
    only_dense, only_keyword = FusionWeights(1.0, 0.0, 0.0, 0.0), FusionWeights(0.0, 0.0, 1.0, 0.0)
    for weights, mode in ((only_dense, "dense"), (only_keyword, "bm25")):
        fused = Retriever(retriever.version, retriever.embedder, options, weights=weights).search(
            question, k=5
        )
        alone = retriever.search(question, k=5, mode=mode)  # type: ignore[arg-type]
        assert [h.chunk_id for h in fused] == [h.chunk_id for h in alone], mode


def test_the_quote_weight_ranks_chunks_by_their_best_shown_line(retriever: Retriever) -> None:
    # each unit's line as an answer shows it, without its heading path: a second view of it
    question = "Which tools keep track of experiments and model versions?"
    options = RetrievalOptions(score_fusion=True)
    fused = Retriever(
        retriever.version, retriever.embedder, options, weights=FusionWeights(0.0, 0.0, 0.0, 1.0)
    ).search(question, k=5)
    vector = retriever.embedder.embed_query(question)
    best: dict[str, float] = {}
    for unit in retriever.version.units:
        line = retriever.quote_vector(unit.unit_id)
        assert line is not None
        best[unit.chunk_id] = max(best.get(unit.chunk_id, -1.0), float(line @ vector))
    expected = sorted(best, key=lambda chunk_id: -best[chunk_id])
    assert [h.chunk_id for h in fused] == [c for c in expected if retriever.gate.admits(c)][:5]
    units = Retriever(
        retriever.version, retriever.embedder, options, weights=FusionWeights(0.0, 1.0, 0.0, 0.0)
    ).search(question, k=5)
    assert [h.chunk_id for h in units] != [h.chunk_id for h in fused]  # a view of its own


def test_each_mode_answers(retriever: Retriever) -> None:
    for mode in ("dense", "bm25", "hybrid"):
        hits = retriever.search("Which certification should I take for AWS?", k=5, mode=mode)
        assert any("Specialty" in h.text or "AWS" in (h.section or "") for h in hits), mode


def test_gibberish_and_empty_queries(retriever: Retriever) -> None:
    assert retriever.search("   ") == []
    assert len(retriever.search("qzxv wkpt", k=3)) == 3  # dense always answers; refusal is the answerer's job


def test_keyword_side_speaks_the_articles_language() -> None:
    assert "salary" in expand_query("What do they earn?")
    assert expand_query("tell me about FAISS") == "tell me about FAISS"


def test_quality_floor(retriever: Retriever) -> None:
    """The README's figures, as a floor, on the golden set and the held-out test half."""
    sys.path.insert(0, str(ROOT / "eval"))
    from retrieval import components, evaluate, question_sets  # type: ignore[import-not-found]

    sets = question_sets()
    rows = [c for c in components() if not c.name.startswith("(alt)")]
    rows = rows[:3] + rows[-1:]  # dense, BM25, plain fusion, and every addition on
    table = evaluate(retriever, {name: sets[name] for name in ("golden", "test", "test+typos")}, rows)
    full = table[rows[-1].name]
    assert full["golden"]["recall@5"] >= 0.95
    assert full["golden"]["mrr@10"] >= 0.85
    assert full["test"]["recall@5"] >= 0.90
    assert full["test"]["mrr@10"] >= 0.78
    assert full["test+typos"]["recall@5"] >= 0.90
    fusion, dense, bm25 = table["fusion (RRF)"], table["dense alone"], table["BM25 alone"]
    assert fusion["golden"]["mrr@10"] > max(dense["golden"]["mrr@10"], bm25["golden"]["mrr@10"])


def test_mrr_interval_says_how_far_the_figure_could_move() -> None:
    """The bootstrap interval the eval prints beside MRR@10: it holds the figure, it is fixed
    by its seed, and more questions like these make it narrower."""
    sys.path.insert(0, str(ROOT / "eval"))
    from retrieval import mrr_interval, scores  # type: ignore[import-not-found]

    ranks = [1, 1, 2, None, 1, 3, 1, 5, 1, 1] * 3
    low, high = mrr_interval(ranks)
    assert low < scores(ranks)["mrr@10"] < high
    assert mrr_interval(ranks) == (low, high)
    wider = mrr_interval(ranks[:10])
    assert wider[1] - wider[0] > high - low
    assert mrr_interval([1] * 20) == (1.0, 1.0)
