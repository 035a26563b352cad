"""Query -> ranked passages (Hit list), in the order a query flows through:

- hits.py       Hit, and the calibration of a cosine into a relevance
- expansion.py  a thesaurus learned from the model: a query word no article uses also searches
                the article word nearest to it in meaning
- dense.py      the query's vector against chunks, units and each unit's shown text
- keyword.py    BM25 over chunks, with both thesauri; the share of a query no article has words for
- fusion.py     score fusion (what ships) and reciprocal rank fusion
- retriever.py  Retriever: spelling, then dense and keyword search, fused
"""

from advisor.retrieval.hits import Hit
from advisor.retrieval.retriever import RetrievalOptions, Retriever, open_retriever
from advisor.retrieval.searches import Searches

__all__ = ["Hit", "RetrievalOptions", "Retriever", "Searches", "open_retriever"]
