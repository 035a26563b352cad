"""The FastAPI app: create_app(settings) builds one, so every test gets its own."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from advisor import __version__
from advisor.answer.engine import STARTER_QUESTIONS, Advisor
from advisor.api.errors import install_error_handlers
from advisor.api.metrics import Metrics
from advisor.api.middleware import ProtectionMiddleware
from advisor.api.routes import router
from advisor.api.services import Reindexer, Services
from advisor.batching import serving_embedder
from advisor.config import Settings, load_settings
from advisor.conversation import ConversationStore
from advisor.embedding import Embedder, load_embedder
from advisor.index import load_index
from advisor.retrieval import Retriever
from advisor.services import llm_client

__all__ = ["WEB_DIR", "create_app"]

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
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
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = await run_in_threadpool(_services, settings, embedder, metrics)
        app.state.services = services
        watcher = asyncio.create_task(_follow_index(services))
        yield
        watcher.cancel()
        await run_in_threadpool(services.reindexer.embedder.close)

    app = FastAPI(
        title="Career Advisor",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.add_middleware(
        ProtectionMiddleware,
        api_keys=settings.api_key_list,
        rate_limit=settings.rate_limit,
        observe=metrics.observe_request,
    )
    install_error_handlers(app)
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    templates = Jinja2Templates(directory=WEB_DIR / "templates")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page(request: Request) -> Any:
        return templates.TemplateResponse(request, "index.html", {"starters": STARTER_QUESTIONS})

    return app


async def _follow_index(services: Services) -> None:
    """Pick up a version another worker or `advisor index` made current (within a second)."""
    while True:
        await asyncio.sleep(WATCH_SECONDS)
        try:
            await run_in_threadpool(services.reindexer.follow_current)
        except Exception:  # keep watching whatever happens; the old version keeps serving
            log.exception("following the index pointer failed")


def _services(settings: Settings, model: Embedder | None, metrics: Metrics) -> Services:
    embedder = serving_embedder(model or load_embedder(settings), settings)
    version = load_index(settings.index_dir, model=embedder.name, dim=embedder.dim)
    advisor = Advisor(
        Retriever(version, embedder),
        ConversationStore(settings.conversation_store_location()),
        llm_client(settings),
        settings.answer_mode,
        observe=metrics.observe_stage,
    )
    reindexer = Reindexer(settings, advisor, embedder, metrics)
    reindexer.switch(version)
    return Services(settings, advisor, reindexer, metrics)
