"""Index versions on disk, each complete, made current by an atomic pointer switch.

Layout of the index folder::

    CURRENT                  the name of the version in use (replaced atomically)
    versions/<name>/         vectors.faiss, chunks.jsonl, units.jsonl, units.faiss (unit vectors),
                             quotes.faiss (for quote ranking), documents.json, manifest.json,
                             salaries.json, vocabulary.json (roles, tools, topics)
    versions/<name>.tmp/     a build in progress (or one that crashed: removed by the next build)

A reader only ever follows CURRENT to a finished folder, so a build killed at any moment
leaves the previous version loadable. CURRENT must name one folder of versions/ (never a path
out of it), and the manifest holds a SHA-256 of each vector file, checked at load: a vector
file damaged in place (right size, other bytes) is refused, not searched. A version written
before checksums existed still loads.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from advisor.corpus.chunking import Chunk
from advisor.corpus.salaries import SalaryRow
from advisor.corpus.units import Unit
from advisor.corpus.vocabulary import Vocabulary, build_vocabulary
from advisor.errors import Conflict, Unavailable
from advisor.index.vectors import IndexKind, VectorStore, search_on_this_thread
from advisor.ingest.records import shown

__all__ = [
    "FORMAT",
    "BadPointer",
    "DocRecord",
    "IndexKind",
    "IndexNotFound",
    "IndexUnusable",
    "IndexVersion",
    "chunk_faiss_id",
    "current_version_name",
    "load_index",
    "save_index",
    "version_exists",
    "writer_lock",
]

FORMAT = 2  # 2: salary facts stored beside the chunks
KEEP_VERSIONS = 3
VECTOR_FILES = ("vectors.faiss", "units.faiss", "quotes.faiss")  # checksummed in the manifest
_REBUILD = "run `advisor index --full`"
_VERSION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")  # one folder name, never a path
# Units outnumber chunks four to six times, so an exact search over them is the first to
# grow slow (400k units: 34 ms a query); from this many they are searched with HNSW.
UNITS_HNSW_FROM = 100_000


class IndexUnusable(Unavailable):
    """The index on disk cannot be used as it is; the message says what to do."""

    code = "index_unusable"


class IndexNotFound(IndexUnusable):
    code = "index_not_found"


class ReindexRunning(Conflict):
    """Another re-index holds the index (in this process, or another holding the lock file)."""

    code = "reindex_running"


@dataclass(frozen=True)
class DocRecord:
    doc_id: str
    source: str
    title: str
    author: str | None
    date: str | None
    content_hash: str
    chunk_ids: tuple[str, ...]
    url: str | None = None  # absent from versions written before 0.2.0
    authors: tuple[str, ...] = ()  # absent from versions written before 0.3.0
    warnings: tuple[str, ...] = ()  # what ingest could not read in this article (0.3.0)


_TUPLES = ("chunk_ids", "authors", "warnings")  # DocRecord fields stored as JSON lists


def chunk_faiss_id(chunk_id: str) -> int:
    """A stable 63-bit FAISS id for a chunk id, so ids survive incremental updates."""
    return int.from_bytes(hashlib.blake2b(chunk_id.encode(), digest_size=8).digest()) >> 1


@dataclass
class IndexVersion:
    """One loaded, immutable version: vectors, chunks and documents that agree with each other."""

    name: str
    model: str
    dim: int
    kind: IndexKind
    vectors: VectorStore  # the chunks' vectors, by chunk_faiss_id
    chunks: dict[int, Chunk]  # faiss id -> chunk
    documents: dict[str, DocRecord]
    salaries: list[SalaryRow]
    units: list[Unit] = field(default_factory=list)  # in document order, document by document
    has_units: bool = True  # False: written before units existed (an incremental re-index adds them)
    unit_vectors: VectorStore | None = None  # units as searched (unit_faiss_id); None if absent
    quote_vectors: VectorStore | None = None  # each unit's shown text, for quote ranking; None if absent
    vocabulary: Vocabulary = field(default_factory=Vocabulary)  # roles, tools, topics of the corpus

    @property
    def chunk_count(self) -> int:
        return len(self.chunks)


def unit_index_kind(kind: IndexKind, units: int) -> IndexKind:
    """The unit index's kind: the configured one, or HNSW once exact search would be slow."""
    return "hnsw" if units >= UNITS_HNSW_FROM else kind


# ----------------------------------------------------------------------------- reading


class BadPointer(IndexUnusable):
    """index/CURRENT cannot be followed: unreadable, not UTF-8, not a version's name, or naming
    one that no longer exists."""

    code = "index_pointer_unusable"


def current_version_name(index_dir: Path) -> str | None:
    """The version CURRENT names; None when there is no CURRENT. Raises BadPointer when it
    cannot be read or does not name one folder of versions/."""
    try:
        raw = (index_dir / "CURRENT").read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise BadPointer(f"index/CURRENT cannot be read ({exc.strerror}): {_REBUILD}") from None
    try:
        name = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise BadPointer(f"index/CURRENT is not UTF-8 text: {_REBUILD}") from None
    if not name:
        return None
    if not _VERSION_NAME.fullmatch(name):
        held = shown(name[:80])
        raise BadPointer(f"index/CURRENT holds {held!r}, which is not a version's name: {_REBUILD}")
    return name


def version_exists(index_dir: Path, name: str) -> bool:
    return (index_dir / "versions" / name).is_dir()


def load_index(index_dir: Path, model: str | None = None, dim: int | None = None) -> IndexVersion:
    """Load the current version and check that it is whole and built with the expected model."""
    name = current_version_name(index_dir)
    if name is None:
        raise IndexNotFound(f"no index in {index_dir.name}/ yet: run `advisor index`")
    folder = index_dir / "versions" / name
    if not folder.is_dir():
        raise BadPointer(f"index/CURRENT names version {name}, which does not exist (deleted?): {_REBUILD}")
    try:
        manifest = _manifest(folder / "manifest.json", name)
        _check_vector_files(folder, manifest, name)
        vectors = VectorStore.load(folder / "vectors.faiss")
        documents = {
            d["doc_id"]: DocRecord(**{**d, **{k: tuple(d[k]) for k in _TUPLES if k in d}})
            for d in json.loads((folder / "documents.json").read_text())
        }
        chunks: dict[int, Chunk] = {}
        with (folder / "chunks.jsonl").open() as handle:
            for line in handle:
                record = json.loads(line)
                faiss_id = int(record.pop("id"))
                chunks[faiss_id] = Chunk(**record)
        salaries = [SalaryRow(**row) for row in json.loads((folder / "salaries.json").read_text())]
        units = _read_units(folder / "units.jsonl")
        unit_vectors = _read_unit_vectors(folder / "units.faiss", len(units or []))
        quote_vectors = _read_unit_vectors(folder / "quotes.faiss", len(units or []))
        vocabulary = _vocabulary(folder, chunks, salaries, documents)
    except IndexUnusable:
        raise
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise IndexUnusable(
            f"index version {name} is unreadable ({type(exc).__name__}): "
            "run `advisor index --full` to rebuild it"
        ) from None
    if len(vectors) != len(chunks) or set(vectors.ids().tolist()) != set(chunks):
        raise IndexUnusable(
            f"index version {name}: vectors and chunk metadata disagree: run `advisor index --full`"
        )
    if (model and manifest["model"] != model) or (dim and manifest["dim"] != dim):
        raise IndexUnusable(
            f"the index was built with {manifest['model']} ({manifest['dim']} dimensions) "
            f"but the configured model is {model}: run `advisor index --full`"
        )
    search_on_this_thread()
    return IndexVersion(
        name=name,
        model=manifest["model"],
        dim=int(manifest["dim"]),
        kind=manifest["kind"],
        vectors=vectors,
        chunks=chunks,
        documents=documents,
        salaries=salaries,
        units=units or [],
        has_units=units is not None and (not units or None not in (unit_vectors, quote_vectors)),
        unit_vectors=unit_vectors,
        quote_vectors=quote_vectors,
        vocabulary=vocabulary,
    )


def _read_units(path: Path) -> list[Unit] | None:
    """The version's units, or None for a version written before units existed."""
    if not path.exists():
        return None
    with path.open() as handle:
        return [Unit(**json.loads(line)) for line in handle if line.strip()]


def _read_unit_vectors(path: Path, count: int) -> VectorStore | None:
    """The unit vectors, or None when absent or not matching the units (the next index rebuilds)."""
    if not path.exists():
        return None
    store = VectorStore.load(path)
    return store if len(store) == count else None


def _vocabulary(
    folder: Path, chunks: dict[int, Chunk], salaries: list[SalaryRow], documents: dict[str, DocRecord]
) -> Vocabulary:
    """The version's stored vocabulary; learned again if the version predates it."""
    path = folder / "vocabulary.json"
    if path.exists():
        with contextlib.suppress(ValueError):  # another format: learned again below
            return Vocabulary.from_json(json.loads(path.read_text()))
    return build_vocabulary(chunks.values(), salaries, [d.title for d in documents.values()])


def _digest(path: Path) -> str:
    with path.open("rb") as handle:
        return "sha256:" + hashlib.file_digest(handle, "sha256").hexdigest()


def _checksums(folder: Path) -> dict[str, str]:
    """The manifest's record of each vector file written: its SHA-256."""
    return {name: _digest(folder / name) for name in VECTOR_FILES if (folder / name).exists()}


def _check_vector_files(folder: Path, manifest: dict[str, Any], name: str) -> None:
    """Each vector file the manifest has a checksum of must still have it (older versions have none)."""
    recorded = manifest.get("checksums")
    if not isinstance(recorded, dict):
        return
    for file, expected in recorded.items():
        path = folder / str(file)
        if not path.exists() or _digest(path) != expected:
            what = "is missing" if not path.exists() else "does not match its checksum (damaged)"
            raise IndexUnusable(f"index/versions/{name}/{shown(str(file))} {what}: {_REBUILD}")


def _manifest(path: Path, name: str) -> dict[str, Any]:
    """The manifest, checked: one line naming the file and what is wrong, never a KeyError."""
    manifest = json.loads(path.read_text())
    where = f"index/versions/{shown(name)}/manifest.json"
    if not isinstance(manifest, dict):
        what = f"a JSON {type(manifest).__name__}, not an object"
        raise IndexUnusable(f"{where} is damaged ({what}): run `advisor index --full`")
    if manifest.get("format") != FORMAT:
        raise IndexUnusable("the index was written by another version: run `advisor index --full`")
    expected = {"model": str, "dim": int, "kind": str}
    for key, kind in expected.items():
        if not isinstance(manifest.get(key), kind):
            what = "missing" if key not in manifest else f"not {'an' if kind is int else 'a'} {kind.__name__}"
            raise IndexUnusable(f"{where} is damaged ({key!r} {what}): run `advisor index --full`")
    return manifest


# ----------------------------------------------------------------------------- writing


@contextmanager
def writer_lock(index_dir: Path) -> Iterator[None]:
    """One build at a time per index folder (across processes); raises if one is running."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / ".lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ReindexRunning("another re-index is already running on this index") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def save_index(
    index_dir: Path,
    *,
    model: str,
    dim: int,
    kind: IndexKind,
    vectors: VectorStore,
    chunks: dict[int, Chunk],
    documents: dict[str, DocRecord],
    salaries: list[SalaryRow],
    units: list[Unit] | None = None,
    unit_vectors: VectorStore | None = None,
    quote_vectors: VectorStore | None = None,
    vocabulary: Vocabulary | None = None,
) -> str:
    """Write a new version and make it current; call under writer_lock. Returns its name."""
    versions = index_dir / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    _remove_abandoned_builds(versions)
    name = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"-{os.urandom(3).hex()}"
    staging = versions / f"{name}.tmp"
    staging.mkdir()
    vectors.save(staging / "vectors.faiss")
    with (staging / "chunks.jsonl").open("w") as handle:
        for faiss_id, chunk in chunks.items():
            handle.write(json.dumps({"id": faiss_id, **asdict(chunk)}, ensure_ascii=False) + "\n")
    with (staging / "units.jsonl").open("w") as handle:
        for unit in units or []:
            handle.write(json.dumps(asdict(unit), ensure_ascii=False) + "\n")
    if unit_vectors is not None:
        unit_vectors.save(staging / "units.faiss")
    if quote_vectors is not None:
        quote_vectors.save(staging / "quotes.faiss")
    _write_json(staging / "documents.json", [asdict(d) for d in documents.values()])
    _write_json(staging / "salaries.json", [asdict(row) for row in salaries])
    if vocabulary is None:
        vocabulary = build_vocabulary(chunks.values(), salaries, [d.title for d in documents.values()])
    _write_json(staging / "vocabulary.json", vocabulary.to_json())
    _write_json(
        staging / "manifest.json",
        {"format": FORMAT, "model": model, "dim": dim, "kind": kind,
         "documents": len(documents), "chunks": len(chunks), "units": len(units or []),
         "created": time.time(), "checksums": _checksums(staging)},
    )  # fmt: skip
    for path in staging.iterdir():
        _fsync_file(path)
    _fsync_dir(staging)
    os.replace(staging, versions / name)
    _fsync_dir(versions)
    pointer = index_dir / "CURRENT.tmp"
    pointer.write_text(name + "\n")
    _fsync_file(pointer)
    os.replace(pointer, index_dir / "CURRENT")  # the switch: atomic on POSIX
    _fsync_dir(index_dir)
    _prune(versions, keep=name)
    return name


def _write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=1))


def _fsync_file(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_abandoned_builds(versions: Path) -> None:
    for leftover in versions.glob("*.tmp"):
        shutil.rmtree(leftover, ignore_errors=True)


def _prune(versions: Path, keep: str) -> None:
    """Keep the newest few versions: other processes may still be serving the previous one."""
    finished = sorted(p for p in versions.iterdir() if p.is_dir() and not p.name.endswith(".tmp"))
    for old in finished[:-KEEP_VERSIONS]:
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)
