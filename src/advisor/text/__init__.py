"""How the advisor reads English: the bottom floor, knowing nothing of articles or indexes.

- lexicon.py   the one sentence splitter, levels, role nouns (word lists in words.toml)
- places.py    countries and their codes (pycountry), cities and other regions (words.toml)
- money.py     amounts and ranges of money as people write them (price-parser reads numbers)
- spelling.py  query spelling against the articles' words (SymSpell)
"""
