import os

import pytest

from generator.errors import OutputCollision
from generator.records import OutputFile
from generator.site.write import recover_output, write_site


def test_writes_exactly_the_files_and_leaves_unchanged_ones_alone(tmp_path):
    out = tmp_path / "_site"
    write_site([OutputFile("a.html", b"A"), OutputFile("d/b.html", b"B"), OutputFile("old/x", b"X")], out)
    inode = (out / "a.html").stat().st_ino
    report = write_site([OutputFile("a.html", b"A"), OutputFile("d/b.html", b"B2")], out)
    assert (report.written, report.unchanged, report.removed) == (1, 1, 1)
    assert (out / "a.html").stat().st_ino == inode
    assert (out / "d/b.html").read_bytes() == b"B2"
    assert not (out / "old").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]


def test_failure_during_a_build_leaves_the_previous_site(tmp_path):
    out = tmp_path / "_site"
    write_site([OutputFile("index.html", b"v1")], out)
    with pytest.raises(OutputCollision):
        write_site([OutputFile("index.html", b"v2"), OutputFile("INDEX.html", b"v2")], out)
    assert (out / "index.html").read_bytes() == b"v1"


def test_staging_never_writes_through_hard_links(tmp_path):
    out = tmp_path / "_site"
    write_site([OutputFile("a.html", b"v1")], out)
    keep = tmp_path / "copy.html"
    os.link(out / "a.html", keep)  # another name for the live file
    write_site([OutputFile("a.html", b"v2")], out)
    assert keep.read_bytes() == b"v1"


def test_recover_after_a_kill_between_renames(tmp_path):
    out = tmp_path / "_site"
    old = tmp_path / "._site.build-abc-old"
    old.mkdir()
    (old / "index.html").write_bytes(b"previous")
    (tmp_path / "._site.build-def").mkdir()
    recover_output(out)
    assert (out / "index.html").read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]


def test_pages_rendered_straight_into_the_stage(tmp_path):
    """write_site's render hook: pages handed to the sink land in the site and are counted; a
    render that fails part-way leaves the live site as it was (the sink never writes through the
    staged hard links)."""
    out = tmp_path / "_site"
    write_site([OutputFile("a.html", b"A")], out)

    def render(sink, root):
        assert root.name.startswith("._site.build-")  # the stage, never the live site
        return {"a.html": sink("a.html", b"A"), "p/x.html": sink("p/x.html", b"X")}

    report = write_site([OutputFile("a.html", None), OutputFile("p/x.html", None)], out, render=render)
    assert (out / "p/x.html").read_bytes() == b"X" and (report.written, report.unchanged) == (1, 1)

    def broken(sink, root):
        sink("a.html", b"half")
        raise RuntimeError("template error")

    with pytest.raises(RuntimeError):
        write_site([OutputFile("a.html", None), OutputFile("p/x.html", None)], out, render=broken)
    assert (out / "a.html").read_bytes() == b"A" and (out / "p/x.html").read_bytes() == b"X"
    assert not list(tmp_path.glob("._site.build-*"))


def test_staging_links_every_file_and_symlink_and_lists_them(tmp_path):
    """The staged copy holds what the site holds, and the paths it returns are every file and
    symlink under it (what a walk finds), so a file no longer wanted is always removed."""
    from generator.site.write import _link_tree

    site = tmp_path / "site"
    (site / "a" / "b").mkdir(parents=True)
    (site / "a" / "b" / "index.html").write_text("x")
    (site / "top.html").write_text("y")
    (site / "empty").mkdir()
    os.symlink("top.html", site / "alias.html")
    os.symlink("a", site / "linked-dir")
    stage = tmp_path / "stage"
    stage.mkdir()
    listed = _link_tree(site, stage)
    walked = set()
    for folder, dirs, names in os.walk(stage):
        rel = os.path.relpath(folder, stage).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        walked.update(prefix + n for n in [*names, *(d for d in dirs if os.path.islink(os.path.join(folder, d)))])
    assert listed == walked == {"a/b/index.html", "top.html", "alias.html", "linked-dir"}
    assert (stage / "empty").is_dir() and os.readlink(stage / "linked-dir") == "a"
    assert os.stat(stage / "top.html").st_ino == os.stat(site / "top.html").st_ino


def test_a_file_no_longer_wanted_is_removed_from_a_nested_folder(tmp_path):
    out = tmp_path / "_site"
    write_site([OutputFile("a/b/old.html", b"1"), OutputFile("a/keep.html", b"2")], out)
    report = write_site([OutputFile("a/keep.html", b"2")], out)
    assert report.removed == 1 and not (out / "a" / "b").exists() and (out / "a" / "keep.html").read_bytes() == b"2"


@pytest.mark.parametrize("have_rm", [True, False])
def test_the_previous_site_removed_beside_the_build(tmp_path, monkeypatch, have_rm):
    """With Removals, the previous site is removed by `rm -rf` in its own process, done once wait()
    returns; without rm, at once. Either way only the new site is left."""
    from generator.site import write
    from generator.site.write import Removals

    out = tmp_path / "_site"
    write_site([OutputFile("a/index.html", b"old"), OutputFile("b.html", b"b")], out)
    if not have_rm:
        monkeypatch.setattr(write.shutil, "which", lambda name: None)
    removals = Removals()
    write_site([OutputFile("a/index.html", b"new")], out, remove=removals)
    assert len(removals._running) == (1 if have_rm else 0)
    removals.wait()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]
    assert (out / "a" / "index.html").read_bytes() == b"new" and not (out / "b.html").exists()
