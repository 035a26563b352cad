"""The first run as a newcomer meets it: `advisor index` says only how it is getting on and
what it did, and `make run` serves where it is told to."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from .conftest import ROOT, free_port, wait_until_up
from .terminal import run_on_terminal

ADVISOR = [sys.executable, "-m", "advisor.cli"]
SUMMARY = re.compile(
    r"\d+ documents, \d+ chunks \(added \d+, changed \d+, removed \d+, unchanged \d+; "
    r"\d+ chunks embedded\) in [\d.]+ s -> version \S+"
)


@pytest.mark.slow  # exports the model to ONNX and embeds 22k English words: about a minute
def test_a_first_index_with_no_export_yet_prints_only_its_summary(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    env = cli_env | {"ADVISOR_ENCODER_DIR": str(tmp_path / "encoders")}  # nothing exported yet
    done = subprocess.run([*ADVISOR, "index"], env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    # No TracerWarning, no "Loading weights" bar (stderr is not a terminal): only what advisor
    # itself could not read in the articles, a line each (one shipped article has no byline).
    assert all(line.startswith("advisor: warning: ") for line in done.stderr.splitlines()), done.stderr
    assert SUMMARY.fullmatch(done.stdout.strip()), done.stdout
    encoders = tmp_path / "encoders"
    assert list(encoders.glob("*/model.onnx"))
    assert list(encoders.glob("words-*.npy"))  # made now: the first question needs no pass over them


def test_the_index_build_shows_progress_bars_on_a_terminal(cli_env: dict[str, str]) -> None:
    shown = run_on_terminal([*ADVISOR, "index"], cli_env)
    lines = [line.strip() for line in re.split(r"[\r\n]+", shown) if line.strip()]
    for step in ("loading the model", "embedding chunks", "embedding units", "embedding quotes"):
        assert any(line.startswith(step) and ("100%" in line or "1/1" in line) for line in lines), step
    assert SUMMARY.fullmatch(lines[-1]), lines[-1]
    assert "Warning" not in shown


def test_make_run_serves_on_the_host_and_port_it_is_given(cli_env: dict[str, str], tmp_path: Path) -> None:
    if shutil.which("make") is None:
        pytest.fail("make is not installed")
    subprocess.run([*ADVISOR, "index"], env=cli_env, check=True, capture_output=True, timeout=600)
    port, host = free_port(), "127.0.0.2"  # loopback, but not the default 127.0.0.1
    bin_dir = str(Path(sys.executable).parent)  # this interpreter's `advisor`, installed already
    command = ["make", "-C", str(ROOT), "--no-print-directory", f"BIN={bin_dir}",
               "-o", f"{bin_dir}/.installed-run", "-o", "index/CURRENT",  # built above, in ADVISOR_INDEX_DIR
               "run", f"PORT={port}", f"HOST={host}"]  # fmt: skip
    log = tmp_path / "make-run.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(command, env=cli_env, stdout=sink, stderr=sink, start_new_session=True)
        try:
            wait_until_up(f"http://{host}:{port}/health", process, "make run")
            with urllib.request.urlopen(f"http://{host}:{port}/", timeout=10) as page:
                assert page.status == 200 and b"Career Advisor" in page.read()
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    output = log.read_text()
    assert f"--host {host} --port {port}" in output  # the command make ran
    assert "Warning" not in output, output
