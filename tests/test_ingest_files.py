"""ingest/files.py and loader.py: which files are read, which are skipped and how that is said."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

from advisor.index.build import build_index
from advisor.ingest import Document, Skipped, load_corpus, read_source, scan_corpus

from .conftest import CountingEmbedder


def test_bad_files_are_reported_and_skipped(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.md").write_text("# Good\n\nMLOps engineers keep models healthy in production.\n")
    (corpus / "empty.txt").write_text("")
    (corpus / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (corpus / "latin1.txt").write_bytes("Salaris: 50.000 pond, caf\xe9".encode("latin-1"))
    (corpus / "huge.md").write_text("word " * 1_100_000)  # 5.5 MB
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET outside the corpus")
    (corpus / "link.txt").symlink_to(secret)
    (corpus / "linked-dir").symlink_to(tmp_path, target_is_directory=True)
    (corpus / "notes.pdf").write_bytes(b"%PDF")  # not an article type: ignored silently

    docs, skipped = load_corpus(corpus)
    assert [d.source for d in docs] == ["corpus/good.md"]
    reasons = {s.source: s.reason for s in skipped}
    assert reasons == {
        "corpus/binary.txt": "binary file, not text",
        "corpus/empty.txt": "empty file",
        "corpus/huge.md": "larger than 2 MB",
        "corpus/latin1.txt": "not valid UTF-8 (byte 25)",
        "corpus/link.txt": "symbolic link, not followed",
        "corpus/linked-dir": "symbolic link, not followed",
    }
    assert all("\n" not in str(s) for s in skipped)
    assert "TOP SECRET" not in " ".join(d.text for d in docs)


def test_file_that_disappears_mid_run_is_skipped(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.md").write_text("# A\n\nFirst article text here.\n")
    (corpus / "b.md").write_text("# B\n\nSecond article text here.\n")
    paths = [p for p in scan_corpus(corpus) if not isinstance(p, Skipped)]
    os.remove(paths[0])
    assert read_source(corpus.resolve(), paths[0]) == Skipped("corpus/a.md", "disappeared while indexing")
    assert isinstance(read_source(corpus.resolve(), paths[1]), str)


def test_dotdot_path_outside_the_corpus_is_refused(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (tmp_path / "outside.md").write_text("# Outside\n\nShould never be read.\n")
    result = read_source(corpus.resolve(), corpus / ".." / "outside.md")
    assert isinstance(result, Skipped) and result.reason == "outside the corpus folder"


def test_document_ids_are_the_full_relative_path_and_never_collide(
    tmp_path: Path, counting_embedder: CountingEmbedder
) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "a").mkdir(parents=True)
    body = "# {0}\n\nThe {0} article explains what data stewards do all day.\n"
    for name in ("guide.md", "guide.txt", "a/collide.md", "a-collide.md"):
        (corpus / name).write_text(body.format(name))
    docs, skipped = load_corpus(corpus)
    assert skipped == []
    assert sorted(d.doc_id for d in docs) == ["a-collide.md", "a/collide.md", "guide.md", "guide.txt"]
    assert len({c for d in docs for c in [d.doc_id]}) == 4

    report = build_index(
        corpus, tmp_path / "index", lambda: counting_embedder, model_name=counting_embedder.name
    )
    assert (report.added, report.documents) == (4, 4)
    (corpus / "guide.txt").write_text(body.format("guide, second edition"))
    again = build_index(
        corpus, tmp_path / "index", lambda: counting_embedder, model_name=counting_embedder.name
    )
    assert (again.changed, again.unchanged, again.documents) == (1, 3, 4)


def test_pipes_sockets_and_devices_are_reported_and_never_opened(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.md").write_text("# Good\n\nMLOps engineers keep models healthy in production.\n")
    os.mkfifo(corpus / "pipe.md")  # opening it for reading would wait forever for a writer
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(corpus / "socket.txt"))
    result: list[tuple[list[Document], list[Skipped]]] = []
    reader = threading.Thread(target=lambda: result.append(load_corpus(corpus)), daemon=True)
    reader.start()
    reader.join(60)  # a bound so that a regression fails instead of hanging the suite
    server.close()
    assert result, "load_corpus blocked on the named pipe"
    docs, skipped = result[0]
    assert [d.source for d in docs] == ["corpus/good.md"]
    assert {s.source: s.reason for s in skipped} == {
        "corpus/pipe.md": "not a regular file (named pipe), not opened",
        "corpus/socket.txt": "not a regular file (socket), not opened",
    }
    # and read_source refuses one without blocking, should it be handed one anyway
    result = read_source(corpus.resolve(), corpus / "pipe.md")
    assert isinstance(result, Skipped) and "named pipe" in result.reason


def test_file_names_are_shown_escaped_in_reports(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "fine.md").write_text("# Fine\n\nCloud architects design landing zones for teams.\n")
    (corpus / "evil\nskipped corpus fine.md: forged.md").write_text("")
    (corpus / "bell\x07\x1b[31m.txt").write_bytes(b"\x00binary")
    _, skipped = load_corpus(corpus)
    lines = "\n".join(str(s) for s in skipped).splitlines()
    assert lines == [
        "skipped corpus/bell\\x07\\x1b[31m.txt: binary file, not text",
        "skipped corpus/evil\\nskipped corpus fine.md: forged.md: empty file",
    ]
