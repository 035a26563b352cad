"""What an `advisor` command loads before it answers, and how `advisor chat` shows answers.

The ONNX backend (the default) runs the model with ONNX Runtime and the `tokenizers` library:
PyTorch, sentence-transformers and transformers are needed only to export the model once, and
this is checked in real processes, on the ONNX export made beforehand. The time a cold command
takes is measured by bench/cli.py, not here.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from advisor.embedding import Embedder

from .terminal import run_on_terminal

ADVISOR = [sys.executable, "-m", "advisor.cli"]
PYTORCH = {"torch", "sentence_transformers", "transformers"}
NOT_FOR_ANSWERS = {"fastapi", "uvicorn", "starlette", "openai", "trafilatura", "lxml"}
# Runs one `advisor` command as the console script does, then lists the libraries it loaded.
PROBE = """
import json, sys
from advisor.cli import main
code = main(sys.argv[2:])
print("LOADED " + json.dumps(sorted(m for m in json.loads(sys.argv[1]) if m in sys.modules)))
sys.exit(code)
"""
BOLD = "\x1b[1m"
SALARY = "What does a junior ML engineer earn in the UK?"


def loaded_by(argv: list[str], env: dict[str, str], stdin: str = "") -> set[str]:
    watched = json.dumps(sorted(PYTORCH | NOT_FOR_ANSWERS))
    done = subprocess.run([sys.executable, "-c", PROBE, watched, *argv], env=env, input=stdin,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("LOADED "))
    return set(json.loads(line.removeprefix("LOADED ")))


@pytest.fixture
def onnx_env(cli_env: dict[str, str], real_embedder: Embedder) -> dict[str, str]:
    """cli_env with the ONNX export and word vectors already made (real_embedder made them)."""
    return cli_env | {"ADVISOR_EMBEDDING_BACKEND": "onnx"}


def test_the_onnx_path_never_imports_pytorch(onnx_env: dict[str, str]) -> None:
    assert not loaded_by(["index"], onnx_env) & PYTORCH  # a whole first build, on the existing export
    for argv, stdin in [
        (["ask", "Do I need a PhD to become an ML engineer?"], ""),
        (["search", "MLOps tools", "-k", "2"], ""),
        (["chat"], "Which certifications matter?\n"),
    ]:
        loaded = loaded_by(argv, onnx_env, stdin)
        assert not loaded & PYTORCH, (argv, loaded)
        assert not loaded & NOT_FOR_ANSWERS, (argv, loaded)  # no web server, no LLM client, no HTML reader


def test_chat_renders_markdown_on_a_terminal_and_passes_it_through_a_pipe(onnx_env: dict[str, str]) -> None:
    subprocess.run([*ADVISOR, "index"], env=onnx_env, check=True, capture_output=True)
    piped = subprocess.run([*ADVISOR, "chat"], env=onnx_env, input=f"{SALARY}\n",
                           capture_output=True, text=True, timeout=300)  # fmt: skip
    assert piped.returncode == 0, piped.stderr
    strong = re.findall(r"\*\*(.+?)\*\*", piped.stdout)
    assert strong and BOLD not in piped.stdout  # piped: the Markdown as written, for scripts and files

    shown = run_on_terminal([*ADVISOR, "chat"], onnx_env, stdin=f"{SALARY}\n")
    assert "**" not in shown and BOLD in shown
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown)
    assert strong[0] in plain  # the same answer, its bold text drawn bold
    assert re.search(r"^\s*•", plain, re.MULTILINE)  # list items drawn as bullets
