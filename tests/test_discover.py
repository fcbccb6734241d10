import os

from generator.discover import discover_sources


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
    assert sources[0].digest == sources[1].digest != sources[2].digest
