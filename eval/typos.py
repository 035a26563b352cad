"""Two-typo variants of each held-out question, made deterministically (seeded by the question id).

    python eval/typos.py        writes eval/heldout_retrieval_typos.jsonl

Each variant has two typos in two different words of four letters or more, of the kinds
people make on a keyboard: two neighbouring letters swapped, a letter dropped, a letter
doubled, or a letter replaced by one next to it on a QWERTY keyboard.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).parent
SOURCE = HERE / "heldout_retrieval.jsonl"
TARGET = HERE / "heldout_retrieval_typos.jsonl"
TYPOS_PER_QUESTION = 2

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS = {
    ch: "".join(
        _ROWS[r2][c2]
        for r2 in range(max(0, r - 1), min(3, r + 2))
        for c2 in range(c - 1, c + 2)
        if 0 <= c2 < len(_ROWS[r2]) and (r2, c2) != (r, c)
    )
    for r, row in enumerate(_ROWS)
    for c, ch in enumerate(row)
}


def misspell(word: str, rng: random.Random) -> str:
    """One keyboard typo inside the word (its first letter is kept, as people mostly do)."""
    i = rng.randrange(1, len(word))
    kind = rng.choice(("swap", "drop", "double", "neighbour"))
    if kind == "swap" and i < len(word) - 1 and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    lower = word[i].lower()
    choices = _NEIGHBOURS.get(lower, "")
    if not choices:
        return word[:i] + word[i + 1 :]
    new = rng.choice(choices)
    return word[:i] + (new.upper() if word[i].isupper() else new) + word[i + 1 :]


def with_typos(question: str, seed: str, n: int = TYPOS_PER_QUESTION) -> str:
    """The question with n typos in n different words of four letters or more."""
    rng = random.Random(seed)
    spans = [m.span() for m in re.finditer(r"[A-Za-z]{4,}", question)]
    chosen = sorted(rng.sample(spans, min(n, len(spans))), reverse=True)
    for start, end in chosen:  # right to left, so earlier spans keep their offsets
        question = question[:start] + misspell(question[start:end], rng) + question[end:]
    return question


def main() -> int:
    lines = []
    for line in SOURCE.read_text().splitlines():
        if line.strip():
            record = json.loads(line)
            record["original"] = record["question"]
            record["question"] = with_typos(record["question"], record["id"])
            lines.append(json.dumps(record, ensure_ascii=False))
    TARGET.write_text("\n".join(lines) + "\n")
    print(f"wrote {len(lines)} questions to {TARGET.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
