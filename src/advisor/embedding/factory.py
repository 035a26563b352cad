"""One factory chooses the embedding backend from the settings; backends never import each other."""

from __future__ import annotations

from advisor.config import Settings
from advisor.embedding.base import Embedder

__all__ = ["embedding_model_name", "load_embedder"]


def load_embedder(settings: Settings) -> Embedder:
    """The configured embedding model (the bundled all-MiniLM-L6-v2 by default), run by the
    configured backend: an embeddings server when ADVISOR_EMBEDDING_BASE_URL is set, else
    PyTorch, or ONNX Runtime with a file exported into the index folder."""
    if settings.embedding_base_url:
        from advisor.embedding.server_backend import ServerEmbedder

        return ServerEmbedder(
            settings.embedding_base_url,
            settings.embedding_model,
            settings.embedding_api_key,
            timeout=settings.embedding_timeout,
        )
    path = settings.embedding_model_path()
    if settings.embedding_backend == "torch":
        from advisor.embedding.torch_backend import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(path, name=settings.embedding_model)
    from advisor.embedding.onnx_backend import OnnxEmbedder, Precision, export_onnx

    precision: Precision = "int8" if settings.embedding_backend == "onnx-int8" else "fp32"
    onnx_file = export_onnx(path, settings.encoder_cache_dir(), precision)
    return OnnxEmbedder(path, onnx_file, name=settings.embedding_model, threads=settings.embedding_threads)


def embedding_model_name(settings: Settings) -> str:
    """The name load_embedder's embedder will have, which the index records: known without loading it."""
    if settings.embedding_base_url:
        from advisor.embedding.server_backend import server_model_name

        return server_model_name(settings.embedding_model)
    return settings.embedding_model
