"""Several workers share the index folder and the database (two apps, as two processes would)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from advisor.api import create_app
from advisor.config import load_settings
from advisor.embedding import Embedder

from .conftest import CORPUS, wait_for


def test_reindex_through_one_worker_reaches_the_other_and_conversations_move(
    tmp_path: Path, real_index: Path, real_embedder: Embedder, cli_env: dict[str, str]
) -> None:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    shutil.copytree(real_index, tmp_path / "index")
    settings = load_settings(
        corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", data_dir=tmp_path / "data",
        admin_token="t" * 16, answer_mode="extractive", rate_limit="1000/minute",
    )  # fmt: skip
    a = TestClient(create_app(settings, embedder=real_embedder))
    b = TestClient(create_app(settings, embedder=real_embedder))
    with a, b:
        first = a.post("/api/chat", json={"message": "What does a data scientist do day to day?"}).json()
        second = b.post(
            "/api/chat", json={"message": "What do they earn?", "conversation_id": first["conversation_id"]}
        )
        assert second.status_code == 200 and "$100,000 – $200,000" in second.json()["answer"]
        assert len(a.get(f"/api/conversations/{first['conversation_id']}").json()["messages"]) == 4

        (tmp_path / "corpus" / "new.md").write_text(
            "# Robotics Careers\n\nRobotics engineers tune servo loops.\n"
        )
        report = a.post("/api/reindex", json={}, headers={"authorization": "Bearer " + "t" * 16}).json()
        # b learns of the new version only through its watcher: wait for that event
        wait_for(lambda: b.get("/health").json()["index"]["version"] == report["version"], "b switching")
        assert b.get("/health").json()["index"]["documents"] == 6

        # and a re-index from the command line reaches both
        (tmp_path / "corpus" / "new.md").unlink()
        env = cli_env | {
            "ADVISOR_CORPUS_DIR": str(tmp_path / "corpus"),
            "ADVISOR_INDEX_DIR": str(tmp_path / "index"),
        }
        subprocess.run(
            [sys.executable, "-m", "advisor.cli", "index"], env=env, check=True, capture_output=True
        )
        wait_for(
            lambda: [c.get("/health").json()["index"]["documents"] for c in (a, b)] == [5, 5],
            "both workers switching to the command line's version",
        )
