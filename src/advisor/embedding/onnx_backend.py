"""The same sentence-transformers model run by ONNX Runtime, optionally quantised to int8.

The ONNX file is exported from the local weights (no download) the first time it is
needed and kept in the index folder, under `encoders/`, keyed by the weights' hash.
sentence-transformers' own `backend="onnx"` needs optimum-onnx, whose releases require
transformers < 5 while sentence-transformers 6 requires transformers >= 5; so the export
uses torch.onnx and the quantisation ONNX Runtime's own `quantize_dynamic`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from advisor.embedding.base import Embedder, Vectors
from advisor.embedding.tokenizer import load_tokenizer

__all__ = ["OnnxEmbedder", "Precision", "export_onnx"]

Precision = Literal["fp32", "int8"]
OPSET = 17
PADDING_SLACK = 1.25  # a group's longest text has at most this many times its shortest's tokens
MAX_GROUP = 64
DEFAULT_MAX_TOKENS = 512  # BERT's, for a model folder that names no limit
_LENGTH_SETTINGS = (
    ("sentence_bert_config.json", "max_seq_length"),
    ("tokenizer_config.json", "model_max_length"),
)


def _fingerprint(model_dir: Path, cache_dir: Path) -> str:
    """A hash of the weights and configuration files, so a changed model is exported again.

    Reading and hashing 90 MB of weights costs every start 0.1 s, so the hash is remembered in
    cache_dir under the files' names, sizes and modification times: a changed file is hashed again.
    """
    files = sorted(p for p in model_dir.rglob("*") if p.is_file() and p.suffix != ".md")
    names = [p.relative_to(model_dir).as_posix() for p in files]
    stats = [(name, p.stat().st_size, p.stat().st_mtime_ns) for name, p in zip(names, files, strict=True)]
    remembered = (
        cache_dir / "fingerprints" / hashlib.sha256(repr([str(model_dir), stats]).encode()).hexdigest()
    )
    with contextlib.suppress(OSError):
        if len(known := remembered.read_text()) == 16:
            return known
    digest = hashlib.sha256()
    for name, path in zip(names, files, strict=True):
        digest.update(name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    with contextlib.suppress(OSError):  # a read-only cache folder only costs the hashing next time
        remembered.parent.mkdir(parents=True, exist_ok=True)
        _atomic(remembered, lambda path: path.write_text(digest.hexdigest()[:16]))
    return digest.hexdigest()[:16]


def export_onnx(model_dir: str, cache_dir: Path, precision: Precision = "int8") -> Path:
    """The model's ONNX file in cache_dir (exported and quantised on first use); its path."""
    source = Path(model_dir)
    target = cache_dir / f"{source.name}-{_fingerprint(source, cache_dir)}"
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
    fd, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        write(Path(temporary))
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _export(model_dir: Path, path: Path) -> None:
    """Trace the model on PyTorch into an ONNX file: the one step of this backend that needs PyTorch."""
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]  # "Loading weights": not the build's progress
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
    with torch.no_grad(), warnings.catch_warnings():
        _quiet_tracing(torch)
        torch.onnx.export(
            Pooled(), tuple(features[n] for n in names), str(path), input_names=names,
            output_names=["embedding"], dynamic_axes=axes, opset_version=OPSET, dynamo=False,
        )  # fmt: skip


def _quiet_tracing(torch: Any) -> None:
    """Silence what tracing says about every model and that does not apply to this export.

    TracerWarning: Python conditions on tensor shapes (transformers' masks, the pooling's
    length check) are recorded as constants; the batch and token axes stay dynamic, and
    test_onnx_embedding checks the file against PyTorch on inputs of other shapes.
    The aten::index UserWarning is about negative indices; the graph's only indexing is
    transformers' padding mask read at batch and token positions from arange, never negative.
    """
    warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
    warnings.filterwarnings("ignore", message="Exporting aten::index operator", category=UserWarning)


class OnnxEmbedder(Embedder):
    """A sentence-transformers model exported to ONNX; vectors L2-normalised like the original."""

    def __init__(self, model_dir: str, onnx_file: Path, name: str, threads: int = 1) -> None:
        import onnxruntime as ort

        self.name = name
        self.max_tokens = _max_seq_length(Path(model_dir))
        self._tokenizer = load_tokenizer(Path(model_dir), self.max_tokens)
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
        ids = self._tokenizer.ids(texts)
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
        return self._tokenizer.count(text)


def _similar_lengths(order: list[int], lengths: list[int]) -> list[list[int]]:
    """Indices sorted by length, cut into groups whose longest is within PADDING_SLACK of the shortest."""
    groups: list[list[int]] = []
    for i in order:
        if groups and lengths[i] <= lengths[groups[-1][0]] * PADDING_SLACK and len(groups[-1]) < MAX_GROUP:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _max_seq_length(model_dir: Path) -> int:
    """The longest input the model is used with: sentence-transformers' setting, else the tokenizer's."""
    for name, key in _LENGTH_SETTINGS:
        config = model_dir / name
        if config.exists() and isinstance(value := json.loads(config.read_text()).get(key), int):
            return value
    return DEFAULT_MAX_TOKENS
