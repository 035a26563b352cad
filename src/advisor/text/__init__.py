"""How the advisor reads English: the bottom floor, knowing nothing of articles or indexes.

- lexicon.py   the one sentence splitter, regions, levels, role nouns (word lists in words.toml)
- spelling.py  query spelling against the articles' words (SymSpell)
"""
