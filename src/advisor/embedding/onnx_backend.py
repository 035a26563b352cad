"""The same sentence-transformers model run by ONNX Runtime, optionally quantised to int8.

The ONNX file is exported from the local weights (no download) the first time it is
needed and kept in the index folder, under `encoders/`, keyed by the weights' hash.
sentence-transformers' own `backend="onnx"` needs optimum-onnx, whose releases require
transformers < 5 while sentence-transformers 6 requires transformers >= 5; so the export
uses torch.onnx and the quantisation ONNX Runtime's own `quantize_dynamic`.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from advisor.embedding.base import Embedder, Vectors

__all__ = ["OnnxEmbedder", "Precision", "export_onnx"]

Precision = Literal["fp32", "int8"]
OPSET = 17
PADDING_SLACK = 1.25  # a group's longest text has at most this many times its shortest's tokens
MAX_GROUP = 64


def _fingerprint(model_dir: Path) -> str:
    """A hash of the weights and configuration files, so a changed model is exported again."""
    digest = hashlib.sha256()
    for path in sorted(p for p in model_dir.rglob("*") if p.is_file() and p.suffix != ".md"):
        digest.update(path.relative_to(model_dir).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def export_onnx(model_dir: str, cache_dir: Path, precision: Precision = "int8") -> Path:
    """The model's ONNX file in cache_dir (exported and quantised on first use); its path."""
    source = Path(model_dir)
    target = cache_dir / f"{source.name}-{_fingerprint(source)}"
    wanted = target / ("model_int8.onnx" if precision == "int8" else "model.onnx")
    if wanted.exists():
        return wanted
    target.mkdir(parents=True, exist_ok=True)
    fp32 = target / "model.onnx"
    if not fp32.exists():
        _atomic(fp32, lambda path: _export(source, path))
    if precision == "int8":
        from onnxruntime.quantization import QuantType, quantize_dynamic

        _atomic(wanted, lambda path: quantize_dynamic(fp32, path, weight_type=QuantType.QInt8))
    return wanted


def _atomic(path: Path, write: Any) -> None:
    """Write through a temporary file in the same folder, so readers never see half a file."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, suffix=".onnx.tmp")
    os.close(fd)
    try:
        write(Path(temporary))
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _export(model_dir: Path, path: Path) -> None:
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True).eval()
    preprocess = getattr(model, "preprocess", None) or model.tokenize
    features = preprocess(["an example sentence to trace", "another"])
    names = [name for name in features if isinstance(features[name], torch.Tensor)]

    class Pooled(torch.nn.Module):  # the whole pipeline up to pooling, whatever pooling the model uses
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            return self.model(dict(zip(names, tensors, strict=True)))["sentence_embedding"]  # type: ignore[no-any-return]

    axes = {name: {0: "batch", 1: "tokens"} for name in names} | {"embedding": {0: "batch"}}
    with torch.no_grad():
        torch.onnx.export(
            Pooled(), tuple(features[n] for n in names), str(path), input_names=names,
            output_names=["embedding"], dynamic_axes=axes, opset_version=OPSET, dynamo=False,
        )  # fmt: skip


class OnnxEmbedder(Embedder):
    """A sentence-transformers model exported to ONNX; vectors L2-normalised like the original."""

    def __init__(self, model_dir: str, onnx_file: Path, name: str, threads: int = 1) -> None:
        import onnxruntime as ort
        from transformers import AutoTokenizer

        self.name = name
        self._tokenizer: Any = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
        self.max_tokens = _max_seq_length(Path(model_dir), self._tokenizer)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # Spinning threads steal the CPU that request handling needs on a small, busy machine.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        self._inputs = [i.name for i in self._session.get_inputs()]
        self.dim = int(self._session.get_outputs()[0].shape[-1])

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        """Texts of similar length run together, so few padding tokens are computed.

        A model call costs about the number of tokens it is given, padding included; a short
        question padded to a long one's length costs as much as the long one. Sorting by
        length and cutting where the padding would pass PADDING_SLACK keeps that waste small.
        """
        ids = self._tokenizer(list(texts), truncation=True, max_length=self.max_tokens)["input_ids"]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = np.empty((len(ids), self.dim), dtype=np.float32)
        for group in _similar_lengths(order, [len(i) for i in ids]):
            out[group] = self._run([ids[i] for i in group])
        return out

    def _run(self, ids: list[list[int]]) -> Vectors:
        width = max(len(i) for i in ids)
        tokens = np.zeros((len(ids), width), dtype=np.int64)
        mask = np.zeros((len(ids), width), dtype=np.int64)
        for row, piece in enumerate(ids):
            tokens[row, : len(piece)] = piece
            mask[row, : len(piece)] = 1
        features = {"input_ids": tokens, "attention_mask": mask, "token_type_ids": np.zeros_like(tokens)}
        (vectors,) = self._session.run(["embedding"], {name: features[name] for name in self._inputs})
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit: Vectors = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
        return unit

    def count_tokens(self, text: str) -> int:
        """Word pieces as the model's own tokenizer counts them (with [CLS] and [SEP])."""
        return len(self._tokenizer(text)["input_ids"])


def _similar_lengths(order: list[int], lengths: list[int]) -> list[list[int]]:
    """Indices sorted by length, cut into groups whose longest is within PADDING_SLACK of the shortest."""
    groups: list[list[int]] = []
    for i in order:
        if groups and lengths[i] <= lengths[groups[-1][0]] * PADDING_SLACK and len(groups[-1]) < MAX_GROUP:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _max_seq_length(model_dir: Path, tokenizer: Any) -> int:
    import json

    config = model_dir / "sentence_bert_config.json"
    if config.exists():
        return int(json.loads(config.read_text()).get("max_seq_length", tokenizer.model_max_length))
    return int(tokenizer.model_max_length)
