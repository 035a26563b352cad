"""CORS: a web app on an allowed origin can call the API from a browser; others cannot."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from advisor.api import create_app
from advisor.config import ConfigError, load_settings
from advisor.embedding import Embedder

APP = "https://app.example.com"
KEY = "cors-key-0123456789abcdef"
PREFLIGHT = {
    "access-control-request-method": "POST",
    "access-control-request-headers": "authorization, content-type",
}


def make_client(tmp_path: Path, index: Path, embedder: Embedder, **options: object) -> TestClient:
    settings = load_settings(
        index_dir=index, data_dir=tmp_path, answer_mode="extractive", api_keys=KEY, **options
    )
    return TestClient(create_app(settings, embedder=embedder))


def test_preflight_is_answered_before_the_key_check(
    tmp_path: Path, real_index: Path, real_embedder: Embedder
) -> None:
    with make_client(
        tmp_path, real_index, real_embedder, cors_origins=f"{APP}, http://localhost:5173"
    ) as client:
        for path in ("/v1/chat/completions", "/api/chat"):
            preflight = client.options(
                path, headers={"origin": APP, **PREFLIGHT}
            )  # no key: browsers send none
            assert preflight.status_code == 200, preflight.text
            assert preflight.headers["access-control-allow-origin"] == APP
            allowed = preflight.headers["access-control-allow-headers"].lower()
            assert "authorization" in allowed and "content-type" in allowed
            assert "POST" in preflight.headers["access-control-allow-methods"]
        # the call itself still needs the key, and its refusal is readable by the page
        refused = client.post("/v1/chat/completions", json={"messages": []}, headers={"origin": APP})
        assert refused.status_code == 401 and refused.headers["access-control-allow-origin"] == APP
        ok = client.post(
            "/api/search", json={"query": "salary"}, headers={"origin": APP, "authorization": f"Bearer {KEY}"}
        )
        assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == APP
        assert "x-request-id" in ok.headers["access-control-expose-headers"].lower()
        other = client.options(
            "/v1/chat/completions", headers={"origin": "https://evil.example", **PREFLIGHT}
        )
        assert other.status_code == 400 and "access-control-allow-origin" not in other.headers


def test_no_origins_by_default(tmp_path: Path, real_index: Path, real_embedder: Embedder) -> None:
    with make_client(tmp_path, real_index, real_embedder) as client:
        preflight = client.options("/v1/chat/completions", headers={"origin": APP, **PREFLIGHT})
        assert "access-control-allow-origin" not in preflight.headers
        call = client.post("/api/search", json={"query": "salary"},
                           headers={"origin": APP, "authorization": f"Bearer {KEY}"})  # fmt: skip
        assert call.status_code == 200 and "access-control-allow-origin" not in call.headers


@pytest.mark.parametrize(
    "bad", ["app.example.com", "https://app.example.com/path", "ftp://x.example", "https://"]
)
def test_a_malformed_origin_stops_start_up_with_the_variable_named(bad: str) -> None:
    with pytest.raises(ConfigError, match=r"ADVISOR_CORS_ORIGINS: .* is not an origin"):
        load_settings(cors_origins=f"https://ok.example, {bad}")
