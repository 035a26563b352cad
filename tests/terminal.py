"""Run a command with its output on a pseudo-terminal, as a person at a terminal sees it."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import termios

COLUMNS, ROWS = 100, 40


def run_on_terminal(argv: list[str], env: dict[str, str], stdin: str = "", timeout: float = 300) -> str:
    """The command's stdout and stderr as the terminal received them (escape codes included);
    stdin is a pipe, closed after `stdin` is written."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    env = env | {"TERM": "xterm-256color", "COLUMNS": str(COLUMNS), "LINES": str(ROWS)}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=follower, stderr=follower)
    os.close(follower)
    assert process.stdin is not None
    process.stdin.write(stdin.encode())
    process.stdin.close()
    received = bytearray()
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # EIO: the last process holding the terminal has exited
            break
        if not data:
            break
        received += data
    os.close(leader)
    assert process.wait(timeout=timeout) == 0, received.decode(errors="replace")[-2000:]
    return received.decode(errors="replace")
