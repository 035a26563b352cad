"""create_app(settings) builds the app, so every test gets its own."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from advisor import __version__
from advisor.api.deps import API_KEY
from advisor.api.errors import install_error_handlers
from advisor.api.middleware import RouteNames, install_middleware
from advisor.api.openai_schemas import ChatCompletionChunk, OpenAIErrorOut
from advisor.api.openapi import finish_schema
from advisor.api.routers import admin, chat, conversations, docs, openai, page, search, service
from advisor.api.web import static_files
from advisor.config import Settings, load_settings
from advisor.embedding import Embedder
from advisor.metrics import Metrics
from advisor.services import Services, start_services

__all__ = ["create_app"]

WATCH_SECONDS = 0.5
log = logging.getLogger("advisor.api")
DESCRIPTION = """\
Career advice for people moving into AI and ML work, answered only from a curated
library of articles, with a citation for every claim.

Send `Authorization: Bearer KEY` on `/api/*` and `/v1/*` when the server sets
`ADVISOR_API_KEYS`. Errors are JSON `{"error": "...", "detail": ...}`.
"""


def create_app(settings: Settings | None = None, embedder: Embedder | None = None) -> FastAPI:
    """The app; the model, index and stores load once, in the lifespan."""
    settings = settings or load_settings()
    metrics = Metrics(settings.prometheus_multiproc_dir)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Starlette runs each request's blocking work on anyio's threads (40 by default).
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.request_threads
        services = await run_in_threadpool(start_services, settings, embedder, metrics)
        app.state.services = services
        watcher = asyncio.create_task(_follow_index(services))
        yield
        watcher.cancel()
        await run_in_threadpool(services.close)
        metrics.close()

    app = FastAPI(
        title="Career Advisor", version=__version__, description=DESCRIPTION, lifespan=lifespan,
        docs_url=None, redoc_url=None,  # routers/docs.py serves /docs from bundled assets, not a CDN
    )  # fmt: skip
    open_features, keyed_features = (service, admin, page, docs), (search, chat, conversations, openai)
    mounts = {"/static": static_files(), docs.ASSETS_URL: docs.assets()}
    templates = [getattr(r, "path", "") for f in (*open_features, *keyed_features) for r in f.router.routes]
    install_middleware(app, settings, metrics, RouteNames([t for t in templates if t], mounts))
    install_error_handlers(app)
    for feature in open_features:
        app.include_router(feature.router)
    # Where keys are required, /docs shows it (and its Authorize button sends one).
    keyed = [API_KEY] if settings.api_key_list else []
    for feature in keyed_features:
        app.include_router(feature.router, dependencies=keyed)
    app.mount("/static", mounts["/static"], name="static")
    app.mount(docs.ASSETS_URL, mounts[docs.ASSETS_URL], name="docs-assets")
    finish_schema(app, ChatCompletionChunk, OpenAIErrorOut)
    return app


async def _follow_index(services: Services) -> None:
    """Pick up a version another worker or `advisor index` made current (within a second)."""
    failing: str | None = None  # the last failure, logged once (not every half second)
    while True:
        await asyncio.sleep(WATCH_SECONDS)
        try:
            await run_in_threadpool(services.reindexer.follow_current)
            failing = None
        except Exception as exc:  # keep watching whatever happens; the old version keeps serving
            if repr(exc) != failing:
                log.exception("following the index pointer failed")
            failing = repr(exc)
