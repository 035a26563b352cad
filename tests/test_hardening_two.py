"""The second review's attacks, replayed against real `advisor serve` processes over real sockets.

One server with keys, an admin token and private metrics: /v1 inputs that /api refuses, parse
errors, access-log lines and redirects, metric labels, re-index flags. Another over a conversation
store that refuses writes, and two continues racing for a conversation's last turn.
"""

from __future__ import annotations

import http.client
import json
import random
import shutil
import sqlite3
import string
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from advisor.conversation import MAX_TURNS, ConversationStore, owner_of
from advisor.embedding import Embedder

from .conftest import LiveServer, wait_for

pytestmark = pytest.mark.server

KEY = "key-two-" + "k" * 16
ADMIN = "admin-two-" + "a" * 16
ARTICLES = Path(__file__).parent / "data" / "flagged_articles"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hardened-two")


@pytest.fixture(scope="module")
def server(root: Path, real_embedder: Embedder, real_index: Path) -> Iterator[LiveServer]:
    env = {"ADVISOR_API_KEYS": KEY, "ADVISOR_ADMIN_TOKEN": ADMIN, "ADVISOR_METRICS_REQUIRE_ADMIN": "1"}
    live = LiveServer(root, real_embedder, real_index, env, output=root / "server.log")
    yield live
    live.stop()


def keyed(server: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=server.url, timeout=120, headers={"authorization": f"Bearer {KEY}"})


def access_lines(root: Path) -> list[dict[str, Any]]:
    lines = (root / "server.log").read_text().splitlines()
    return [json.loads(line) for line in lines if line.startswith('{"request_id"')]


def exchange(connection: http.client.HTTPConnection, path: str, body: bytes) -> tuple[int, bytes]:
    connection.request("POST", path, body=body, headers={"authorization": f"Bearer {KEY}",
                                                         "content-type": "application/json"})  # fmt: skip
    response = connection.getresponse()
    return response.status, response.read()


SURROGATE = "PhD \\ud800 salary?"  # as JSON writes it: an escape that decodes to a lone surrogate
LONE_SURROGATES = {
    "user message": {"messages": [{"role": "user", "content": SURROGATE}]},
    "system message": {"messages": [{"role": "system", "content": SURROGATE},
                                    {"role": "user", "content": "Do I need a PhD?"}]},
    "streamed": {"stream": True, "messages": [{"role": "user", "content": SURROGATE}]},
    "stored": {"store": True, "messages": [{"role": "user", "content": SURROGATE}]},
    "content part": {"messages": [{"role": "user", "content": [{"type": "text", "text": SURROGATE}]}]},
    "stop sequence": {"stop": [SURROGATE], "messages": [{"role": "user", "content": "Do I need a PhD?"}]},
}  # fmt: skip


def test_a_lone_surrogate_on_v1_is_refused_and_the_connection_lives(server: LiveServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    try:
        for name, request in LONE_SURROGATES.items():
            body = json.dumps(request).replace("\\\\ud800", "\\ud800").encode()  # keep the escape raw
            assert b"\\ud800" in body and b"\\\\ud800" not in body
            status, reply = exchange(connection, "/v1/chat/completions", body)
            assert status == 422, (name, status, reply[:200])  # before: 500, then the socket was cut
            error = json.loads(reply)["error"]
            assert "lone surrogate" in error["message"] and "Traceback" not in error["message"]
            # the same connection answers the next request (before: reset)
            status, _ = exchange(connection, "/v1/chat/completions",
                                 json.dumps({"messages": [{"role": "user", "content": "PhD?"}]}).encode())  # fmt: skip
            assert status == 200, name
        status, reply = exchange(
            connection, "/api/chat", json.dumps({"message": "x"}).replace("x", SURROGATE).encode()
        )
        assert status == 422  # as /api always did
    finally:
        connection.close()


def test_a_message_index_past_64_bits_is_422(server: LiveServer) -> None:
    with keyed(server) as client:
        cid = client.post("/api/chat", json={"message": "Do I need a PhD?"}).json()["conversation_id"]
        for index in (2**63, 2**64 + 1, 10**30):
            reply = client.post(
                "/api/feedback", json={"conversation_id": cid, "message_index": index, "rating": 1}
            )
            assert reply.status_code == 422, index  # before: 500 (OverflowError)
            assert reply.json()["detail"][0]["loc"] == ["body", "message_index"]
        assert client.post(
            "/api/feedback", json={"conversation_id": cid, "message_index": 1, "rating": 1}
        ).json() == {"ok": True}


PARSE_ERRORS = {
    "not UTF-8": b'{"message": "PhD \xff\xfe salary?"}',
    "nested too deeply": b"[" * 100_000 + b"]" * 100_000,
    "cut short": b'{"message": "PhD',
    "trailing garbage": b'{"message": "PhD?"} extra',
}


@pytest.mark.parametrize("body", list(PARSE_ERRORS.values()), ids=list(PARSE_ERRORS))
def test_every_parse_error_is_malformed_json(server: LiveServer, body: bytes) -> None:
    with keyed(server) as client:
        for path in ("/api/chat", "/api/search", "/api/feedback"):
            reply = client.post(path, content=body, headers={"content-type": "application/json"})
            assert (reply.status_code, reply.json()["error"]) == (400, "malformed JSON"), path
        reply = client.post(
            "/v1/chat/completions", content=body, headers={"content-type": "application/json"}
        )
        error = reply.json()["error"]
        assert reply.status_code == 400 and error["message"].startswith("malformed JSON")
        assert error["code"] == "invalid_json"


def test_log_lines_carry_no_conversation_id_for_401_413_or_307(server: LiveServer, root: Path) -> None:
    with keyed(server) as client:
        cid = client.post("/api/chat", json={"message": "What is MLOps?"}).json()["conversation_id"]
        wrong = {"authorization": "Bearer wrong-key-" + "w" * 16}
        assert client.get(f"/api/conversations/{cid}", headers=wrong).status_code == 401
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        connection.putrequest("POST", f"/api/conversations/{cid}")
        connection.putheader("authorization", f"Bearer {KEY}")
        connection.putheader("content-length", "5000000")  # over the 1 MB limit: refused before any byte
        connection.endheaders()
        assert connection.getresponse().status == 413
        connection.close()
        slash = client.get(f"/api/conversations/{cid}/", follow_redirects=False)
        assert slash.status_code == 307
        assert client.get(f"/api/conversations/{cid}").status_code == 200

    def statuses() -> set[int]:  # a line is written once its response has gone
        return {
            line["status"]
            for line in access_lines(root)
            if line["path"] == "/api/conversations/{conversation_id}"
        }

    wait_for(lambda: {200, 307, 401, 413} <= statuses(), "an access line for each of 200, 307, 401 and 413")
    assert not [line for line in access_lines(root) if cid in json.dumps(line)]  # before: the raw id


def test_the_host_header_is_never_echoed_into_a_redirect(server: LiveServer) -> None:
    with keyed(server) as client:
        for host in ("evil.example", "evil.example:8443", "a.example/..//b"):
            reply = client.get("/api/conversations/abc/", headers={"host": host}, follow_redirects=False)
            assert reply.status_code == 307
            assert reply.headers["location"] == "/api/conversations/abc"  # before: http://evil.example/...


ODD_METHODS = ["PROPFIND", "MKCOL", "PURGE", "REPORT", "SEARCH", "LOCK", "PATCH", "DELETE", "OPTIONS", "PUT"]


def metrics_text(server: LiveServer) -> str:
    reply = httpx.get(f"{server.url}/metrics", headers={"authorization": f"Bearer {ADMIN}"}, timeout=60)
    assert reply.status_code == 200
    return reply.text


def test_metrics_need_the_admin_token_and_stay_bounded(server: LiveServer) -> None:
    assert httpx.get(f"{server.url}/metrics", timeout=60).status_code == 401
    assert (
        httpx.get(f"{server.url}/metrics", headers={"authorization": f"Bearer {KEY}"}, timeout=60).status_code
        == 401
    )
    rng = random.Random(26)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)

    def odd_requests(count: int) -> None:
        for _ in range(count):
            path = "/" + "".join(rng.choices(string.ascii_lowercase + "/", k=12))
            connection.request(rng.choice(ODD_METHODS), path)
            connection.getresponse().read()

    odd_requests(200)  # every kind of label these requests can make, made once
    metrics_text(server)  # and the label of a /metrics request
    before = metrics_text(server)
    odd_requests(2000)
    after = metrics_text(server)
    connection.close()
    assert len(after.splitlines()) == len(before.splitlines())  # before: 20 lines grew to 5,042
    labels = {
        line.split("{", 1)[1].split("}")[0]
        for line in after.splitlines()
        if line.startswith("advisor_request")
    }
    assert all('route="unmatched"' in label or 'route="/' in label for label in labels)
    assert not any("PROPFIND" in label or "MKCOL" in label for label in labels)  # counted as OTHER


def test_reindex_over_http_reports_flagged_passages_as_the_cli_does(server: LiveServer, root: Path) -> None:
    shutil.copy(ARTICLES / "certificates-that-count.md", root / "corpus" / "certificates-that-count.md")
    reply = httpx.post(f"{server.url}/api/reindex", json={"full": False},
                       headers={"authorization": f"Bearer {ADMIN}"}, timeout=600)  # fmt: skip
    assert reply.status_code == 200
    flagged = reply.json()["flagged"]  # before: left out of the response
    assert [(Path(f["source"]).name, f["reason"]) for f in flagged] == [
        ("certificates-that-count.md", "tells the model to ignore its instructions")
    ]
    assert flagged[0]["section"] == "The CareerHack Diamond certificate" and "Ign" in flagged[0]["excerpt"]


# ----------------------------------------------------------------------------- the store


@pytest.fixture(scope="module")
def store_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("store-faults")


@pytest.fixture(scope="module")
def store_server(store_root: Path, real_embedder: Embedder, real_index: Path) -> Iterator[LiveServer]:
    live = LiveServer(store_root, real_embedder, real_index, output=store_root / "server.log")
    yield live
    live.stop()


def sse_events(text: str) -> list[tuple[str, Any]]:
    """(event, data) of each server-sent event of /api/chat."""
    events = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        events.append((fields.get("event", ""), json.loads(fields["data"])))
    return events


class RefusedWrites:
    """The conversations database refuses new messages, as a full disk would, until closed."""

    def __init__(self, database: Path) -> None:
        self.db = sqlite3.connect(database)
        self.db.execute("CREATE TRIGGER refuse_writes BEFORE INSERT ON messages "
                        "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")  # fmt: skip
        self.db.commit()

    def close(self) -> None:
        self.db.execute("DROP TRIGGER refuse_writes")
        self.db.commit()
        self.db.close()


TOKEN = {"x-client-token": "store-faults-" + "t" * 16}


def test_a_store_that_refuses_writes_ends_the_stream_with_the_error_event(
    store_server: LiveServer, store_root: Path
) -> None:
    with httpx.Client(base_url=store_server.url, timeout=120, headers=TOKEN) as client:
        assert (
            client.post("/api/chat", json={"message": "What is MLOps?"}).status_code == 200
        )  # the file exists
        refused = RefusedWrites(store_root / "data" / "conversations.db")
        try:
            streamed = client.post("/api/chat", json={"message": "What is MLOps?", "stream": True})
            events = sse_events(streamed.text)
            kinds = [kind for kind, _ in events]
            assert kinds[0] == "token" and kinds[-2:] == ["citations", "error"]  # before: cut after citations
            assert "could not be saved" in events[-1][1]["error"]
            whole = client.post("/api/chat", json={"message": "What is MLOps?"})
            assert whole.status_code == 503 and "could not be saved" in whole.json()["error"]
            completion = client.post("/v1/chat/completions", json={
                "stream": True, "store": True, "messages": [{"role": "user", "content": "What is MLOps?"}]})  # fmt: skip
            data = [line[6:] for line in completion.text.splitlines() if line.startswith("data: ")]
            assert data[-1] == "[DONE]" and json.loads(data[-2])["error"]["code"] == "store_unavailable"
            sdk = openai.OpenAI(base_url=f"{store_server.url}/v1", api_key="unused", default_headers=TOKEN)
            with pytest.raises(openai.APIError) as caught:  # the documented error, not "Connection error."
                for _ in sdk.chat.completions.create(model="career-advisor", stream=True, store=True,
                                                     messages=[{"role": "user", "content": "What is MLOps?"}]):  # fmt: skip
                    pass
            assert not isinstance(caught.value, openai.APIConnectionError)
            assert "could not be saved" in str(caught.value)
        finally:
            refused.close()
        assert (
            client.post("/api/chat", json={"message": "What is MLOps?", "stream": True})
            .text.rstrip()
            .split("\n\n")[-1]
            .startswith("event: done")
        )
    log = (store_root / "server.log").read_text()
    assert "storing a turn failed" in log


def test_two_streamed_continues_racing_for_the_last_turn_both_end_cleanly(
    store_server: LiveServer, store_root: Path
) -> None:
    store = ConversationStore(store_root / "data" / "conversations.db")
    owner = owner_of("client", TOKEN["x-client-token"])
    cid = store.new_id()
    store.add_turn(cid, "What is MLOps?", "mlops", "MLOps is ...", [], new=True, owner=owner)
    for n in range(MAX_TURNS - 2):
        store.add_turn(cid, f"What is MLOps? ({n})", "mlops", "MLOps is ...", [], owner=owner)
    store.close()  # 49 turns: one left
    replies: list[httpx.Response] = []
    ready = threading.Barrier(6)

    def continue_it() -> None:
        with httpx.Client(base_url=store_server.url, timeout=120, headers=TOKEN) as client:
            ready.wait()
            replies.append(client.post("/api/chat", json={"message": "And in the UK?", "conversation_id": cid,
                                                          "stream": True}))  # fmt: skip

    racers = [threading.Thread(target=continue_it) for _ in range(6)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    streams = [r for r in replies if r.status_code == 200]
    ends = [sse_events(r.text)[-1][0] for r in streams]
    assert ends.count("done") == 1  # one continue won the last turn
    assert all(end in ("done", "error") for end in ends)  # before: the loser's stream was cut
    assert "error" in ends  # the race was run: a loser got past the first check
    losers = [sse_events(r.text)[-1][1] for r in streams if sse_events(r.text)[-1][0] == "error"]
    assert all(f"at most {MAX_TURNS} turns" in loser["error"] for loser in losers)
    assert all(r.status_code in (200, 422) for r in replies)
    with httpx.Client(base_url=store_server.url, timeout=60, headers=TOKEN) as client:
        assert len(client.get(f"/api/conversations/{cid}").json()["messages"]) == 2 * MAX_TURNS
