"""A passage's evidence for a question comes from what it says, never from its search rank."""

from __future__ import annotations

from advisor.answer.evidence import Evidence
from advisor.retrieval import Hit

PASSAGES = [
    "Kubernetes runs the model servers in production.",
    "Production teams review the models every week.",
    "Production work pays well.",
    "Most production roles ask for Python.",
]


def _hit(rank: int, text: str, relevance: float = 0.3) -> Hit:
    return Hit(rank, 0.0, "doc", f"c{rank}", "An article", None, None, "a.md", None, text, 0.5,
               relevance=relevance)  # fmt: skip


def test_a_rare_word_shared_with_the_question_counts_more_than_a_common_one() -> None:
    evidence = Evidence(PASSAGES)
    question = "Who runs Kubernetes in production?"
    rare, common = _hit(2, PASSAGES[0]), _hit(1, PASSAGES[1])
    assert evidence.score(question, rare) > evidence.score(question, common)


def test_the_order_follows_the_passages_not_the_ranks_they_came_with() -> None:
    evidence = Evidence(PASSAGES)
    question = "Who runs Kubernetes in production?"
    hits = [_hit(i, text, relevance=0.1 * i) for i, text in enumerate(PASSAGES, start=1)]
    forward = evidence.order(question, hits)
    backward = evidence.order(question, [*reversed(hits)])
    assert [h.chunk_id for h in forward] == [h.chunk_id for h in backward]
    assert forward[0].text == PASSAGES[0] and [h.rank for h in forward] == [1, 2, 3, 4]
