"""Property-based fuzzing of every endpoint from the app's own OpenAPI schema (schemathesis).

`make test` runs a bounded pass (FUZZ_EXAMPLES, default 100 per operation); `make fuzz`
runs a longer one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from advisor.api import create_app
from advisor.config import load_settings
from advisor.embedding import Embedder

pytestmark = pytest.mark.slow  # a hundred generated requests per operation: the full suite's job

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
# The OpenAI-compatible request schema is as permissive as OpenAI's own: a conversation that
# does not end with a user message, or whose question is empty, is schema-valid and still a
# 422. Every other check runs on this operation, and every check on all the others.
# A vote names its answer by turn_id or (0.2.0 clients) message_index: exactly one, which the
# schema leaves to the server too.
LENIENT = {
    "POST /v1/chat/completions": [positive_data_acceptance],
    "POST /api/feedback": [positive_data_acceptance],
}


@pytest.fixture(scope="module")
def api_schema(
    tmp_path_factory: pytest.TempPathFactory, real_index: Path, real_embedder: Embedder
) -> Iterator[Any]:
    options = load_settings(
        index_dir=real_index, data_dir=tmp_path_factory.mktemp("fuzz"), answer_mode="extractive",
        rate_limit="1000000/minute",
    )  # fmt: skip
    app = create_app(options, embedder=real_embedder)
    with TestClient(app):  # runs the lifespan: model, index and store are loaded
        yield schemathesis.openapi.from_asgi("/openapi.json", app)


def test_no_server_errors_and_responses_match_the_schema(api_schema: Any) -> None:
    """Every operation, EXAMPLES generated requests each, schemathesis's default checks."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 13  # every route the schema lists, the two admin reports among them
    for operation in operations:
        fuzz(operation)


def fuzz(operation: Any) -> None:
    excluded = LENIENT.get(operation.label, [])

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(case: Any) -> None:
        case.call_and_validate(excluded_checks=excluded)

    check()
