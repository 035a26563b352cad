"""The model's word pieces, read with Hugging Face's `tokenizers` alone.

A sentence-transformers model folder holds `tokenizer.json`, which `tokenizers` (a Rust
library, imported in about 15 ms) reads directly and turns into exactly the ids that
transformers' AutoTokenizer gives: AutoTokenizer wraps the same file, but importing it costs
seconds and, in transformers 5, PyTorch. A folder without `tokenizer.json` (an old-style
vocabulary only) falls back to AutoTokenizer.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

__all__ = ["WordPieces", "load_tokenizer"]


class WordPieces(Protocol):
    """Token ids with the model's special tokens: truncated for the model, whole for counting."""

    def ids(self, texts: Sequence[str]) -> list[list[int]]: ...

    def count(self, text: str) -> int: ...


class _TokenizerPieces:
    """Read by `tokenizers` from tokenizer.json."""

    def __init__(self, truncated: Any, whole: Any) -> None:
        self._truncated = truncated  # two tokenizers: their truncation is set once, never toggled
        self._whole = whole  # between threads

    def ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Each text's ids, cut to the model's longest input (its last id stays [SEP])."""
        return [encoding.ids for encoding in self._truncated.encode_batch(list(texts))]

    def count(self, text: str) -> int:
        """How many ids the whole text is, special tokens included."""
        return len(self._whole.encode(text).ids)


class _AutoTokenizerPieces:
    """The fallback for a model folder without tokenizer.json."""

    def __init__(self, model_dir: Path, max_tokens: int) -> None:
        from transformers import AutoTokenizer

        self._tokenizer: Any = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
        self._max_tokens = max_tokens

    def ids(self, texts: Sequence[str]) -> list[list[int]]:
        encoded = self._tokenizer(list(texts), truncation=True, max_length=self._max_tokens)
        return [list(ids) for ids in encoded["input_ids"]]

    def count(self, text: str) -> int:
        return len(self._tokenizer(text)["input_ids"])


def load_tokenizer(model_dir: Path, max_tokens: int) -> WordPieces:
    """The model folder's tokenizer, truncating at max_tokens ids; no padding (the caller pads)."""
    file = model_dir / "tokenizer.json"
    if not file.exists():
        return _AutoTokenizerPieces(model_dir, max_tokens)
    from tokenizers import Tokenizer

    truncated, whole = Tokenizer.from_file(str(file)), Tokenizer.from_file(str(file))
    for tokenizer in (truncated, whole):
        tokenizer.no_padding()
        tokenizer.no_truncation()
    truncated.enable_truncation(max_tokens)
    return _TokenizerPieces(truncated, whole)
