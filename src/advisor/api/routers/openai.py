"""The OpenAI-compatible API: `GET /v1/models`, `GET /v1/models/{id}`, `POST /v1/chat/completions`."""

from __future__ import annotations

from functools import partial
from itertools import chain
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from fastapi.sse import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from advisor.api.completions import Completion
from advisor.api.deps import AdvisorDep, OwnerDep
from advisor.api.errors import OpenAIProblem, unavailable_body
from advisor.api.openai_schemas import (
    INLINE_MODEL_ID,
    MODEL_ID,
    ChatCompletion,
    Model,
    ModelList,
    OpenAIChatIn,
    OpenAIErrorOut,
)
from advisor.api.openapi import EVENT_STREAM
from advisor.api.problems import openai_error
from advisor.api.routers.chat import STREAM_HEADERS
from advisor.conversation import MAX_TURNS, Message
from advisor.corpus.chunking import approx_tokens
from advisor.llm import GenerationOptions

__all__ = ["router"]

router = APIRouter(tags=["openai"])
MODELS = (MODEL_ID, INLINE_MODEL_ID)
ERROR_TEXT = {
    400: "Malformed JSON, or a parameter this server does not support (tools, response_format, n > 1)",
    401: "Missing or wrong API key",
    404: "Unknown model (code model_not_found)",
    413: "Body over 1 MB, or the question and its sources do not fit the LLM's context",
    422: "Invalid request (wrong types, no user message last, too many turns)",
    429: "Too many requests (see Retry-After)",
    503: "LLM backend down: the passages found come back in error.sources",
}


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    chosen = sorted({*codes, 401, 413, 429})
    return {code: {"model": OpenAIErrorOut, "description": ERROR_TEXT[code]} for code in chosen}


COMPLETION_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A chat.completion; with `stream: true`, server-sent `data:` lines, each a "
        "chat.completion.chunk (see ChatCompletionChunk), ending with `data: [DONE]`",
        "content": EVENT_STREAM,
    },
    **_errors(400, 404, 422, 503),
}


def _model(model_id: str) -> Model:
    if model_id not in MODELS:
        raise OpenAIProblem(
            404, f"The model '{model_id}' does not exist; this server offers {', '.join(MODELS)}",
            param="model", code="model_not_found",
        )  # fmt: skip
    return Model(id=model_id)


@router.get("/v1/models", response_model=ModelList, responses=_errors())
def models() -> ModelList:
    """OpenAI's model list: `career-advisor`, and `career-advisor-inline-sources`, which appends
    the sources to the answer text for clients that keep only the text."""
    return ModelList(data=[Model(id=m) for m in MODELS])


@router.get("/v1/models/{model_id}", response_model=Model, responses=_errors(404))
def model(model_id: str) -> Model:
    """One model, as `client.models.retrieve` asks for it."""
    return _model(model_id)


@router.post("/v1/chat/completions", response_model=ChatCompletion, responses=COMPLETION_RESPONSES)
async def chat_completions(body: OpenAIChatIn, advisor: AdvisorDep, owner: OwnerDep) -> Any:
    """OpenAI chat completions; the `messages` list is the conversation, system and developer
    messages are the caller's instructions to the LLM (unused by extractive answers). Nothing is
    kept unless `"store": true`. Citations ride in a `citations` field of the response (and of
    the last chunk when streaming); `career-advisor-inline-sources` or `"inline_sources": true`
    also puts them in the text."""
    _model(body.model)
    _refuse_unsupported(body)
    turns = [m for m in body.messages if m.role in ("user", "assistant")]
    if not turns or turns[-1].role != "user":
        raise OpenAIProblem(422, "the last message must come from the user", param="messages")
    if len(turns) > 2 * MAX_TURNS:
        raise OpenAIProblem(422, f"more than {MAX_TURNS} turns", param="messages")
    instructions = "\n\n".join(m.text() for m in body.messages if m.role in ("system", "developer"))
    stop = (body.stop,) if isinstance(body.stop, str) else tuple(body.stop or ())
    options = GenerationOptions(instructions or None, body.max_completion_tokens or body.max_tokens, stop)
    history = [Message(m.role, m.text(), []) for m in turns[:-1]]
    embedder = advisor.retriever.embedder
    completion = Completion(
        model=body.model,
        prompt="\n".join(m.text() for m in body.messages),
        count_tokens=getattr(embedder, "count_tokens", approx_tokens),
        inline_sources=body.inline_sources or body.model == INLINE_MODEL_ID,
        include_usage=bool(body.stream_options and body.stream_options.include_usage),
    )
    question, store = turns[-1].text(), bool(body.store)
    if not body.stream:
        ask = partial(advisor.ask, question, None, history, owner, store=store, options=options)
        return completion.whole(await run_in_threadpool(ask))
    events = advisor.stream(question, None, history, owner, store=store, options=options)
    first = await run_in_threadpool(next, events)
    if first.kind == "error":  # nothing streamed yet: a plain 503
        problem = unavailable_body(first.data["exception"])
        return JSONResponse(openai_error(503, problem["error"], **problem["detail"]), status_code=503)
    return EventSourceResponse(completion.chunks(chain([first], events)), headers=STREAM_HEADERS)


def _refuse_unsupported(body: OpenAIChatIn) -> None:
    """OpenAI's parameters this server cannot honour: a clear 400, never silently ignored."""
    if body.tools or body.functions:
        param = "tools" if body.tools else "functions"
        raise OpenAIProblem(400, "tools and function calling are not supported by this server",
                            param=param, code="unsupported_parameter")  # fmt: skip
    if body.response_format and body.response_format.get("type", "text") != "text":
        raise OpenAIProblem(400, "only text responses are supported (response_format type 'text')",
                            param="response_format", code="unsupported_parameter")  # fmt: skip
    if body.n is not None and body.n > 1:
        raise OpenAIProblem(400, "only one choice per request is supported (n = 1)", param="n",
                            code="unsupported_parameter")  # fmt: skip
    if isinstance(body.stop, list) and len(body.stop) > 4:
        raise OpenAIProblem(400, "at most 4 stop sequences", param="stop", code="invalid_value")
    for i, message in enumerate(body.messages):
        part = message.non_text_part()
        if part is not None:
            raise OpenAIProblem(400, f"only text content is supported, not '{part}'",
                                param=f"messages.{i}.content", code="unsupported_parameter")  # fmt: skip
