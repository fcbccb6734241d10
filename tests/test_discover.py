import os

from generator.articles.discover import discover_sources


def test_kinds_sorting_and_skips(tmp_path):
    root = tmp_path / "articles"
    (root / "sub").mkdir(parents=True)
    (root / "b.html").write_text("<p>x</p>")
    (root / "sub" / "a.txt").write_text("text")
    (root / "c.MD").write_text("# t\n\nbody")
    (root / "page.mht").write_text("MIME-Version: 1.0")
    (root / "notes.docx").write_bytes(b"PK\x03\x04")
    (root / "empty.txt").write_bytes(b"  \n")
    (root / ".hidden.txt").write_text("secret")
    sources, skipped = discover_sources(root)
    assert [(s.rel, s.kind) for s in sources] == [
        ("b.html", "html"), ("c.MD", "markdown"), ("page.mht", "mhtml"), ("sub/a.txt", "text")]
    reasons = dict(skipped)
    assert reasons["empty.txt"] == "empty file"
    assert reasons["notes.docx"].startswith("unknown kind of file (.docx)")
    assert ".hidden.txt" not in reasons


def test_symlink_outside_is_not_followed(tmp_path):
    root = tmp_path / "articles"
    root.mkdir()
    outside = tmp_path / "secret.txt"
    outside.write_text("password")
    os.symlink(outside, root / "link.txt")
    sources, skipped = discover_sources(root)
    assert sources == []
    assert "not followed" in dict(skipped)["link.txt"]


def test_digest_is_of_the_bytes(tmp_path):
    root = tmp_path / "articles"
    root.mkdir()
    (root / "a.txt").write_bytes(b"same")
    (root / "b.txt").write_bytes(b"same")
    (root / "c.txt").write_bytes(b"other")
    sources, _ = discover_sources(root)
    assert sources[0].sha256 == sources[1].sha256 != sources[2].sha256


def test_sources_sort_by_path_component_not_by_string(tmp_path):
    """Paths sort folder by folder (a/ before a-b.md), as pathlib sorts them, not as strings do."""
    for rel in ("a.md", "a-b.md", "a/b.md", "a/a/z.md", "B.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("# T\n\nSome text here.\n", encoding="utf-8")
    sources, skipped = discover_sources(tmp_path)
    rels = [s.rel for s in sources]
    assert rels == ["B.md", "a/a/z.md", "a/b.md", "a-b.md", "a.md"]
    assert rels == [p.relative_to(tmp_path).as_posix() for p in sorted(tmp_path.rglob("*.md"))]


def test_a_folders_own_notes_are_not_articles(tmp_path):
    from generator.articles.discover import discover_sources

    root = tmp_path / "articles"
    (root / "sub").mkdir(parents=True)
    for name in ("README.md", "SOURCES.md", "LICENSE", "sub/readme.txt", ".hidden.html"):
        (root / name).write_text("# Notes\n\nWhere these files came from, and their licences.\n", encoding="utf-8")
    (root / "sources-of-rare-earths.md").write_text("# Rare earths\n\nAn article whose name starts like a note.\n",
                                                    encoding="utf-8")
    sources, skipped = discover_sources(root)
    assert [s.rel for s in sources] == ["sources-of-rare-earths.md"] and not skipped
