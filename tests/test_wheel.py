"""The built wheel carries the page: installed into a fresh venv (its dependencies taken from
this environment, the checkout out of sight), `advisor serve` serves /, its scripts and /docs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import urllib.request
import zipfile
from pathlib import Path

import pytest

from .conftest import free_port, wait_until_up

pytestmark = [pytest.mark.process, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[1]


# What a build reads from the checkout; the rest (the venv, indexes, caches) stays out of the copy.
BUILT_FROM = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "src", "web")


def _source_copy(to: Path) -> Path:
    """The checkout's build inputs copied out, so building writes build/ and egg-info there, not
    into the source tree (where ruff would read them)."""
    to.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    for name in BUILT_FROM:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, to / name, ignore=ignore)
        else:
            shutil.copy2(source, to / name)
    return to


def test_an_installed_wheel_serves_the_page(tmp_path: Path, real_index: Path) -> None:
    source = _source_copy(tmp_path / "source")
    build = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
             "--wheel-dir", str(tmp_path), str(source)]  # fmt: skip
    subprocess.run(build, check=True, timeout=600, capture_output=True)
    wheel = next(tmp_path.glob("career_advisor-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"advisor/web/templates/index.html", "advisor/web/static/app.js", "advisor/web/static/render.js",
            "advisor/web/static/favicon.svg", "advisor/answer/prompts/system.j2"} <= names  # fmt: skip

    # The checkout stays out of sight: no PYTHONPATH, or pip would find the checkout's editable
    # install and call the wheel "already satisfied".
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADVISOR_") and k != "PYTHONPATH"}
    env |= {"ADVISOR_INDEX_DIR": str(real_index), "ADVISOR_DATA_DIR": str(tmp_path / "data")}
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")  # dependencies only
    pip = [
        str(venv / "bin" / "python"),
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--no-index",
        str(wheel),
    ]
    subprocess.run(pip, env=env, check=True, timeout=300, capture_output=True)

    port = free_port()
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import advisor; print(advisor.__file__)"],
                           env=env, cwd=tmp_path, capture_output=True, text=True, check=True)  # fmt: skip
    assert where.stdout.startswith(str(venv))  # the wheel's copy, not the checkout
    server = subprocess.Popen([str(venv / "bin" / "advisor"), "serve", "--port", str(port)], env=env,
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/health", server, "advisor serve (wheel)")
        page = urllib.request.urlopen(f"{url}/").read().decode()
        assert "Career Advisor" in page and 'src="/static/app.js"' in page
        for path in ("/static/app.js", "/static/render.js", "/static/app.css", "/docs", "/favicon.ico"):
            assert urllib.request.urlopen(f"{url}{path}").status == 200, path
    finally:
        server.terminate()
        server.wait(timeout=20)
