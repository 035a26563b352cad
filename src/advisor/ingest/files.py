"""Find and read article files safely: nothing outside the corpus, nothing that is not a file.

Every entry is looked at with lstat before anything else: symbolic links are reported and
never followed, and named pipes, sockets and devices are reported and never opened (opening
a pipe would wait forever for a writer, with the index lock held).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from advisor.ingest.records import Skipped

__all__ = ["MAX_FILE_BYTES", "SUFFIXES", "doc_id", "read_source", "scan_corpus", "source_name"]

SUFFIXES = (".md", ".txt", ".html", ".htm")
MAX_FILE_BYTES = 2_000_000  # career articles are ~20 KB; anything past 2 MB is not one

_SPECIAL = [
    (stat.S_ISFIFO, "named pipe"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
]


def scan_corpus(corpus_dir: Path) -> Iterator[Path | Skipped]:
    """Article files below corpus_dir in a stable order; anything else that claims to be one is reported."""
    root = corpus_dir.resolve()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        dirnames.sort()
        for name in list(dirnames):
            if name.startswith(".") or (here / name).is_symlink():
                dirnames.remove(name)
                if not name.startswith("."):
                    yield Skipped(source_name(root, here / name), "symbolic link, not followed")
        for name in sorted(filenames):
            if name.startswith(".") or not name.lower().endswith(SUFFIXES):
                continue
            path = here / name
            problem = _not_a_file(path)
            if problem:
                yield Skipped(source_name(root, path), problem)
            else:
                yield path


def _not_a_file(path: Path) -> str | None:
    """Why an entry is not a regular file, from lstat alone (never opened), or None."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return "disappeared while indexing"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or 'error'})"
    if stat.S_ISLNK(mode):
        return "symbolic link, not followed"
    for test, what in _SPECIAL:
        if test(mode):
            return f"not a regular file ({what}), not opened"
    return None if stat.S_ISREG(mode) else "not a regular file, not opened"


def read_source(root: Path, path: Path) -> str | Skipped:
    """Read one article as text, or say in one line why it cannot be indexed."""
    source = source_name(root, path)
    if not path.resolve().is_relative_to(root.resolve()):
        return Skipped(source, "outside the corpus folder")
    problem = _not_a_file(path)
    if problem:
        return Skipped(source, problem)
    try:
        # O_NOFOLLOW: a file swapped for a symlink after the scan is refused, not followed;
        # O_NONBLOCK: one swapped for a named pipe does not block the open.
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(path, flags)
    except FileNotFoundError:
        return Skipped(source, "disappeared while indexing")
    except OSError as exc:
        return Skipped(source, f"cannot be opened ({exc.strerror or 'error'})")
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return Skipped(source, "not a regular file, not read")
        data = handle.read(MAX_FILE_BYTES + 1)
    return _decode(source, data)


def _decode(source: str, data: bytes) -> str | Skipped:
    if len(data) > MAX_FILE_BYTES:
        return Skipped(source, f"larger than {MAX_FILE_BYTES // 1_000_000} MB")
    if not data.strip():
        return Skipped(source, "empty file")
    if b"\x00" in data:
        return Skipped(source, "binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Skipped(source, f"not valid UTF-8 (byte {exc.start})")


def source_name(root: Path, path: Path) -> str:
    """The path as users see it: corpus-relative, never the server's absolute path."""
    try:
        return f"{root.name}/{path.relative_to(root).as_posix()}"
    except ValueError:
        return f"{root.name}/{path.name}"


def doc_id(source: str) -> str:
    """The document id: the path below the corpus folder, extension included.

    `guide.md` and `guide.txt`, or `a/collide.md` and `a-collide.md`, are different
    files and so get different ids; two files can never share one.
    """
    return source.split("/", 1)[-1]
