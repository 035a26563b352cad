"""Query -> ranked passages (Hit list).

- expansion.py  a thesaurus learned from the model: a query word no article uses searches the
                article word nearest to it in meaning
- retriever.py  dense, unit and keyword search, fused by score
"""
