"""The `advisor` command as a user runs it: real processes, real model, real index files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ADVISOR = [sys.executable, "-m", "advisor.cli"]


def run(args: list[str], env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(ADVISOR + args, env=env, input=stdin, capture_output=True, text=True, timeout=300)


@pytest.fixture
def indexed_env(cli_env: dict[str, str]) -> dict[str, str]:
    result = run(["index", "--json"], cli_env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {
        "added",
        "changed",
        "removed",
        "unchanged",
        "documents",
        "chunks",
        "seconds",
    } <= report.keys()
    assert (report["added"], report["documents"]) == (5, 5)
    return cli_env


def test_index_search_and_batch_search(indexed_env: dict[str, str]) -> None:
    again = json.loads(run(["index", "--json"], indexed_env).stdout)
    assert (again["unchanged"], again["added"], again["embedded"]) == (5, 0, 0)  # its time: bench/build.py

    result = run(["search", "Do I need a PhD?", "-k", "2", "--json"], indexed_env)
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)["hits"]
    assert len(hits) == 2 and hits[0]["rank"] == 1

    batch = run(
        ["search", "-", "-k", "1"],
        indexed_env,
        stdin="What do MLOps engineers do?\n\nIs SQL needed?\n",
    )
    lines = [json.loads(line) for line in batch.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["What do MLOps engineers do?", "Is SQL needed?"]
    assert all(len(line["hits"]) == 1 for line in lines)

    text = run(["search", "What does a staff ML engineer earn?", "-k", "3"], indexed_env)
    assert "Staff (8+ years)" in text.stdout


def test_bad_usage_exits_2_with_one_line(cli_env: dict[str, str]) -> None:
    for args, env in [
        (["search", "   "], cli_env),
        (["search", "x", "-k", "0"], cli_env),
        (["search", "salary"], cli_env | {"ADVISOR_ANSWER_MODE": "sometimes"}),
        (["search", "salary"], cli_env | {"ADVISOR_LLM_BASE_URL": "not a url"}),
        (["index"], cli_env | {"ADVISOR_CORPUS_DIR": "/no/such/folder"}),
    ]:
        result = run(args, env)
        assert result.returncode == 2, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    bad_mode = run(["search", "salary"], cli_env | {"ADVISOR_ANSWER_MODE": "sometimes"})
    assert bad_mode.stderr.startswith("advisor: ADVISOR_ANSWER_MODE")


def test_search_without_an_index_says_what_to_do(cli_env: dict[str, str], tmp_path: Path) -> None:
    result = run(["search", "salary"], cli_env | {"ADVISOR_INDEX_DIR": str(tmp_path / "empty")})
    assert result.returncode == 1
    assert result.stderr.strip() == "advisor: no index in empty/ yet: run `advisor index`"


def test_ask_answers_and_batches(indexed_env: dict[str, str]) -> None:
    result = run(["ask", "Do I need a PhD to become an ML engineer?", "--json"], indexed_env)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert {"answer", "citations", "refused", "mode", "conversation_id"} <= answer.keys()
    assert answer["mode"] == "extractive" and answer["citations"]

    follow = run(
        ["ask", "And what do they earn in the UK?", "--conversation", answer["conversation_id"]], indexed_env
    )
    assert follow.returncode == 0 and "[1]" in follow.stdout

    batch = run(
        ["ask", "-"], indexed_env, stdin="What is MLflow used for?\n\nWhat is the capital of France?\n"
    )
    lines = [json.loads(line) for line in batch.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["What is MLflow used for?", "What is the capital of France?"]
    assert [line["refused"] for line in lines] == [False, True]


def test_ask_bad_input_exits_2(indexed_env: dict[str, str]) -> None:
    for args in (["ask", "  "], ["ask", "x" * 100_000], ["ask", "What is MLflow?", "--conversation", "nope"]):
        result = run(args, indexed_env)
        assert result.returncode == 2, (args[:2], result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_index_says_what_it_could_not_read(cli_env: dict[str, str], tmp_path: Path) -> None:
    """One line per article and thing: no title, date or author; a table's figures unread."""
    corpus = tmp_path / "mine" / "corpus"
    corpus.mkdir(parents=True)
    (corpus / "crane-notes.md").write_text(
        "harbour crane notes\n\nCranes lift containers all day long at every port on the coast.\n\n"
        "| Level | Pay |\n|---|---|\n| Trainee | 38,000 – 42,000 |\n"
    )
    env = cli_env | {"ADVISOR_CORPUS_DIR": str(corpus)}
    shown = run(["index"], env)
    assert shown.returncode == 0, shown.stderr
    lines = [line for line in shown.stderr.splitlines() if line.startswith("advisor: warning: ")]
    assert lines == [
        "advisor: warning: corpus/crane-notes.md: no title found: it is named after its file",
        "advisor: warning: corpus/crane-notes.md: no date found (front matter `date:`, or a dated byline under the title)",
        "advisor: warning: corpus/crane-notes.md: no author found (front matter `author:`, or a byline such as “By Jane Doe”)",
        "advisor: warning: corpus/crane-notes.md: a table gives figures with no currency: no salary is read from them",
    ]
    report = json.loads(run(["index", "--json"], env).stdout)  # a no-op re-index reads them from the version
    assert report["unchanged"] == 1 and [w["warning"] for w in report["warnings"]] == [
        line.split(": ", 3)[3] for line in lines
    ]
