"""Any OpenAI-compatible `/v1/embeddings` server (Ollama, vLLM, Text Embeddings Inference,
llama.cpp's server, OpenAI) as the embedder, through the official openai client.

The server's vectors are L2-normalised here, whatever the server does, so inner product is
cosine as with the bundled model. The index records the model as `server:NAME`, so vectors
of the bundled model and of a server's model are never mixed in one index.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from advisor.embedding.base import Embedder, Vectors
from advisor.errors import Unavailable

__all__ = ["EmbeddingServerUnavailable", "ServerEmbedder", "server_model_name"]

PROBE = "dimension probe"


class EmbeddingServerUnavailable(Unavailable):
    """The embeddings server cannot be reached or refuses the request; the message says which.

    At index time the command exits 2 (the configured server is not usable as configured);
    at query time the API answers 503 with this reason."""

    code = "embeddings_unavailable"
    exit_code = 2


def server_model_name(model: str) -> str:
    """What the index records for a model served over HTTP (never equal to a local model's name)."""
    return f"server:{model}"


class ServerEmbedder(Embedder):
    """Texts sent to `POST {base_url}/embeddings` in the caller's batches; the reply's rows in order."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout: float = 120.0,
        max_retries: int = 1,
    ) -> None:
        from openai import OpenAI

        self.model = model
        self.name = server_model_name(model)
        self.base_url = base_url.rstrip("/")
        # The client insists on a key; servers without keys (Ollama, llama.cpp) ignore it.
        self._client: Any = OpenAI(
            base_url=self.base_url, api_key=api_key or "unused", timeout=timeout, max_retries=max_retries
        )
        self.dim = int(self._request([PROBE]).shape[1])  # a server that is down fails here, at once

    def embed_batch(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._request(texts)
        if vectors.shape[1] != self.dim:
            raise EmbeddingServerUnavailable(
                f"the embeddings server at {self.base_url} changed its vectors from {self.dim} to "
                f"{vectors.shape[1]} dimensions (another model behind the name {self.model}?)"
            )
        return vectors

    def _request(self, texts: Sequence[str]) -> Vectors:
        import openai

        # OpenAI refuses an empty string; a space embeds as nothing much, which is what it is.
        inputs = [text if text.strip() else " " for text in texts]
        try:
            reply = self._client.embeddings.create(model=self.model, input=inputs, encoding_format="float")
        except openai.APIConnectionError as exc:  # APITimeoutError is one of these
            raise self._unavailable("cannot be reached", exc) from None
        except openai.APIStatusError as exc:
            raise self._unavailable(f"answered {exc.status_code}", exc) from None
        rows = sorted(reply.data, key=lambda item: item.index)
        if len(rows) != len(inputs) or not rows:
            raise self._unavailable(f"sent {len(rows)} vectors for {len(inputs)} texts", None)
        try:
            vectors = np.asarray([row.embedding for row in rows], dtype=np.float32)
        except (TypeError, ValueError):
            raise self._unavailable("sent something that is not one vector per text", None) from None
        if vectors.ndim != 2 or not np.isfinite(vectors).all():
            raise self._unavailable("sent something that is not one vector per text", None)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit: Vectors = (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
        return unit

    def _unavailable(self, what: str, exc: Exception | None) -> EmbeddingServerUnavailable:
        reason = _reason(exc) if exc is not None else ""
        return EmbeddingServerUnavailable(
            f"the embeddings server at {self.base_url} {what}{reason} (ADVISOR_EMBEDDING_BASE_URL, "
            f"model {self.model})"
        )


def _reason(exc: Exception) -> str:
    """The server's own short message, or the connection error's cause, after a colon."""
    import openai

    if isinstance(exc, openai.APIStatusError):
        body = exc.body
        message = body.get("message") if isinstance(body, dict) else None
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            message = body["error"].get("message", message)
        text = str(message or exc.message)
    else:
        cause = exc.__cause__ or exc
        text = type(cause).__name__ if not str(cause) else str(cause)
    text = " ".join(text.split())[:200]
    return f": {text}" if text else ""
