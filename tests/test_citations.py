"""answer/citations.py: which sentences of an LLM answer their cited passage backs (the real model)."""

from __future__ import annotations

from advisor.answer.citations import check_citations, numbers_in
from advisor.embedding import Embedder
from advisor.retrieval import Hit


def _hit(rank: int, text: str, section: str | None = None) -> Hit:
    return Hit(rank=rank, score=1.0 / rank, doc_id=f"doc-{rank}.md", chunk_id=f"doc-{rank}.md#c{rank}",
               title=f"Article {rank}", author=None, date=None, source=f"corpus/doc-{rank}.md",
               section=section, text=text, similarity=0.5)  # fmt: skip


HITS = [
    _hit(
        1,
        "Wind turbine technicians climb towers to service gearboxes and blades.\n"
        "- Entry-level technicians earn $52,000 a year on average.",
    ),
    _hit(2, "Hydrologists model rivers and groundwater to predict floods and droughts."),
]


def test_figures_compare_without_their_commas_and_markers() -> None:
    assert numbers_in("They earn $120,000 [2], or 120000 dollars, up 12%.") == {"120000", "12%"}
    assert numbers_in("No figures here [1].") == set()


def test_a_backed_sentence_gets_a_verbatim_quote_and_nothing_unsupported(real_embedder: Embedder) -> None:
    answer = "Wind turbine technicians service gearboxes and blades up on the towers [1]."
    citations, unsupported = check_citations(answer, HITS, real_embedder)
    assert unsupported == []
    [citation] = citations
    assert (citation.n, citation.doc_id, citation.source) == (1, "doc-1.md", "corpus/doc-1.md")
    assert citation.quote in HITS[0].text


def test_invented_figures_wrong_sources_and_unrelated_claims_are_listed(real_embedder: Embedder) -> None:
    answer = (
        "Entry-level technicians earn $75,000 a year [1].\n"  # a figure no source has
        "Hydrologists predict floods [7].\n"  # there is no source 7
        "Hydrologists enjoy playing the violin at weekends [2].\n"  # source 2 does not say so
        "Entry-level technicians earn $52,000 a year [1]."  # backed
    )
    _, unsupported = check_citations(answer, HITS, real_embedder)
    assert unsupported == [
        "Entry-level technicians earn $75,000 a year . (figures in no source: 75000)",
        "Hydrologists predict floods . (cites a source that does not exist)",
        "Hydrologists enjoy playing the violin at weekends .",
    ]


def test_a_figure_from_another_source_than_the_one_cited_is_unsupported(real_embedder: Embedder) -> None:
    answer = "Hydrologists earn $52,000 a year [2]."
    _, unsupported = check_citations(answer, HITS, real_embedder)
    assert unsupported == ["Hydrologists earn $52,000 a year ."]
