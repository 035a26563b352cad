"""Screenshots of the chat page into docs/: desktop, phone, dark, a comparison and a plan.

python docs/screenshots.py          (make screenshots; serves the built index itself)
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

DOCS = Path(__file__).resolve().parent
QUESTION = "How much does a junior ML engineer earn in the UK?"
COMPARISON = "What is the difference between an ML engineer, a data scientist and an MLOps engineer?"
PLAN = "How do I move from software engineering into MLOps?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    port = free_port()
    env = os.environ | {"ADVISOR_DATA_DIR": str(DOCS / ".screenshot-data"), "HF_HUB_OFFLINE": "1"}
    server = subprocess.Popen([sys.executable, "-m", "advisor.cli", "serve", "--port", str(port)], env=env)
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            shots = [
                ("desktop", 1280, 860, "light", QUESTION),
                ("phone", 390, 844, "light", QUESTION),
                ("desktop-dark", 1280, 860, "dark", QUESTION),
                ("comparison", 1280, 1000, "light", COMPARISON),
                ("plan", 1280, 1000, "light", PLAN),
            ]
            for name, width, height, scheme, question in shots:
                page = browser.new_page(viewport={"width": width, "height": height}, color_scheme=scheme)  # type: ignore[arg-type]
                page.goto(f"http://127.0.0.1:{port}/")
                page.fill("#question", question)
                page.press("#question", "Enter")
                page.locator(".message.assistant .actions").wait_for(timeout=60_000)
                page.screenshot(path=str(DOCS / f"{name}.png"), full_page=False)
                print(f"saved docs/{name}.png")
                page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
