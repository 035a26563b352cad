"""Texts -> unit-length vectors, behind one seam (Embedder.embed_batch).

- base.py           the Embedder seam; embed, embed_query and submit_query derived from embed_batch
- torch_backend.py  sentence-transformers on PyTorch
- onnx_backend.py   the same model exported once to ONNX (fp32 or int8), run by ONNX Runtime
- server_backend.py any OpenAI-compatible /v1/embeddings server, through the openai client
- tokenizer.py      the model's word pieces from its tokenizer.json (no transformers, no PyTorch)
- batching.py       queries from many requests encoded together, and remembered
- factory.py        load_embedder: the backend the settings name
"""

from advisor.embedding.base import Embedder, Vectors
from advisor.embedding.factory import embedding_model_name, load_embedder

__all__ = ["Embedder", "Vectors", "embedding_model_name", "load_embedder"]
