"""Broken input: every file that cannot be used is one stderr line (file and reason, no traceback
unless -v), and the rest of the site builds. One `digest build` subprocess builds a site holding
every kind of breakage; the tests below read its output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
import yaml
from lxml import etree
from lxml import html as lxml_html

from conftest import REPO, SiteDir, prose_line

MIB = 1024 * 1024
PARA = "<p>" + "The minister said the agreement on critical minerals would be signed next week. " * 4 + "</p>"
BIG5_TEXT = "台灣與美國簽署關鍵礦產協議，雙方將合作開發稀土供應鏈。"


def html_page(title: str, paras: int = 4, charset: str = "utf-8") -> str:
    return (f'<!doctype html><html><head><meta charset="{charset}"><title>{title}</title></head>'
            f"<body><article><h1>{title}</h1>{PARA * paras}</article></body></html>")


def big_singlefile_page(mib: int) -> bytes:
    """A SingleFile-style page: a short article and `mib` MiB of inlined base64 photos."""
    photo = b"QUJD" * (MIB // 4)
    figures = b"".join(b'<figure><img src="data:image/jpeg;base64,' + photo + b'"><figcaption>Photo %d'
                       b"</figcaption></figure>" % i for i in range(mib))
    return html_page("A photo-heavy SingleFile page").replace("</article>", "%s</article>").encode() % figures


def fixture_copy(name: str, seed: int) -> bytes:
    """A fixture clip (its title, hence its slug) with a paragraph of its own added: a file of its
    own, not the same story saved twice (which would be collapsed into one article)."""
    text = (REPO / "tests" / "fixtures" / "articles" / name).read_text(encoding="utf-8")
    return (text.rstrip("\n") + "\n\n" + prose_line(3000, seed=seed) + "\n").encode()


# file name -> (bytes, expected: "skip" with a reason fragment, or "ok")
def broken_files() -> dict[str, tuple[bytes, str]]:
    rng = __import__("random").Random(7)
    noise = bytes(rng.randrange(256) for _ in range(8000))
    return {
        "empty.html": (b"", "skip:empty file"),
        "blank.txt": (b"  \n\n\t\n", "skip:empty file"),
        "binary.txt": (noise, "skip:not text"),
        "binary.html": (noise, "skip:not text"),
        "binary.md": (noise, "skip:not text"),
        "image.png": (b"\x89PNG\r\n\x1a\n" + noise, "skip:unknown kind"),
        "nul.txt": (b"A text dump with NUL\x00 bytes in its lines about the minerals deal. " * 40, "ok"),
        "nul.html": (html_page("A page with NUL bytes").replace("minister", "minis\x00ter").encode(), "ok"),
        "controls.txt": (b"Control \x01\x02\x0b\x0c\x1b[31m characters in a text dump of the minerals story. " * 40,
                         "ok"),
        "truncated.html": (html_page("A truncated page").encode()[:-60], "ok"),
        "deep.html": (b"<html><body>" + b"<div>" * 100_000 + PARA.encode() + b"</div>" * 100_000, "skip:"),
        "one-line.txt": (prose_line(1_000_000).encode(), "ok"),  # an article on one line: kept whole
        "one-line-junk.txt": (b"word " * 210_000, "skip:no article text found"),
        "one-line.html": (b"<html><body><p>" + b"word " * 210_000 + b"</p></body></html>", "ok"),
        "invalid-utf8.txt": (b"A sentence about the minerals deal with \xff\xfe\xc3\x28 broken \xe2\x82 bytes. " * 30,
                             "ok"),
        "big5-labelled-utf8.html": (html_page(BIG5_TEXT, charset="utf-8").encode("big5"), "ok"),
        "utf8-labelled-big5.html": (html_page(BIG5_TEXT[:13], charset="big5").encode("utf-8"), "ok"),
        "utf16-no-bom.html": (html_page("A page in UTF-16 without a BOM").encode("utf-16-le"), "ok"),
        "utf16-no-bom.txt": (("A text dump in UTF-16 without a byte order mark, about minerals. " * 30)
                             .encode("utf-16-le"), "ok"),
        "bad-yaml.md": (b"---\ntitle: [unclosed\nauthor: x: y\n---\n\nBody.\n", "skip:malformed front matter"),
        "list-yaml.md": (b"---\n- a list\n- not a mapping\n---\n\nBody.\n", "skip:not a mapping"),
        "python-tag.md": (b"---\ntitle: !!python/object/apply:os.system ['true']\n---\n\nBody.\n",
                          "skip:malformed front matter"),
        "alias-bomb.md": (b"---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                          b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\ntitle: Alias bomb kept small\n---\n\n"
                          b"A clip whose front matter repeats aliases; parsing it stays small and fast.\n", "ok"),
        "no-closing-fence.md": (b"---\ntitle: never closed\n\nThe body of a clip without a closing fence.\n", "ok"),
        "with space.md": (fixture_copy("pension-reform.md", 1), "ok"),
        "new\nline.md": (fixture_copy("pension-reform.md", 2), "ok"),
        "a..b...md": (fixture_copy("pension-reform.md", 3), "ok"),
        "關鍵 礦產.md": (fixture_copy("pension-reform.md", 4), "ok"),
        "Ελληνικά-кириллица.md": (fixture_copy("aukus-submarines.md", 5), "ok"),
        "same/aukus-submarines.md": (fixture_copy("aukus-submarines.md", 6), "ok"),
        "aukus-submarines.md": (fixture_copy("aukus-submarines.md", 7), "ok"),
        "singlefile-50mb.html": (big_singlefile_page(50), "ok"),
    }


def run_build(config: Path, *args: str, verbose: bool = False) -> subprocess.CompletedProcess:
    flags = ["-v"] if verbose else []
    return subprocess.run([sys.executable, "-m", "generator.cli", *flags, "build", "--config", str(config), *args],
                          capture_output=True, text=True, cwd=REPO)


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("broken") / "site"
    site = SiteDir(root, "https://example.github.io/digest/")
    files = broken_files()
    for name, (data, _) in files.items():
        site.add(name, data)
    (root / "outside.md").write_text("---\ntitle: Outside secret\n---\n\nSecret text outside content.\n")
    os.symlink(root / "outside.md", site.articles / "link-out.md")
    os.symlink("/etc/hostname", site.articles / "etc.txt")
    with open(site.articles / "huge.html", "wb") as fh:  # sparse: the size is checked before reading
        fh.truncate(101 * MIB)
    with open(site.articles / "huge.txt", "wb") as fh:
        fh.truncate(9 * MIB)
    os.mkfifo(site.articles / "fifo.txt")
    done = run_build(site.config_path)
    return site, files, done


def stderr_lines(done) -> list[str]:
    return [line for line in done.stderr.splitlines() if line.strip()]


def test_build_succeeds_and_reports_one_line_per_file(broken_site):
    site, files, done = broken_site
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    lines = stderr_lines(done)
    expected = {name: how.split(":", 1)[1] for name, (_, how) in files.items() if how.startswith("skip")}
    expected.update({"link-out.md": "not followed", "etc.txt": "not followed", "huge.html": "too large",
                     "huge.txt": "too large", "fifo.txt": "not a regular file"})
    for name, reason in expected.items():
        mine = [line for line in lines if line.startswith(name + ": ")]
        assert len(mine) == 1, (name, lines)
        assert reason in mine[0], (name, mine[0])
    assert len(lines) == len(expected), lines
    built = sum(1 for _, how in files.values() if how == "ok")
    assert f"Built {built} articles" in done.stdout


def test_good_and_odd_names_all_built(broken_site):
    site, files, _ = broken_site
    sources = {yaml.safe_load(p.read_text(encoding="utf-8").split("---\n")[1])["source"]
               for p in site.summaries.glob("*.md")}
    assert sources == {name for name, (_, how) in files.items() if how == "ok"}
    pages = [p for p in site.files() if p.startswith("articles/")]
    assert len(pages) == len(sources)
    for rel in pages:  # one folder per article: no odd character made it into a path
        assert "\n" not in rel and " " not in rel and "/../" not in rel


def test_two_articles_wanting_one_slug_get_two_pages(broken_site):
    site, _, _ = broken_site
    aukus = sorted(p.stem for p in site.summaries.glob("aukus-*.md"))
    assert len(aukus) == 3 and aukus[1] == aukus[0] + "-2" and aukus[2] == aukus[0] + "-3", aukus


def test_mislabelled_and_wide_encodings_read_right(broken_site):
    site, _, _ = broken_site
    titles = {yaml.safe_load(p.read_text(encoding="utf-8").split("---\n")[1])["title"]
              for p in site.summaries.glob("*.md")}
    assert BIG5_TEXT in titles and BIG5_TEXT[:13] in titles
    assert "A page in UTF-16 without a BOM" in titles
    assert any(t.startswith("A text dump in UTF-16") for t in titles)
    assert "A photo-heavy SingleFile page" in titles


def test_symlinked_content_outside_is_not_read(broken_site):
    site, _, _ = broken_site
    hostname = Path("/etc/hostname").read_text(errors="replace").strip() if Path("/etc/hostname").is_file() else ""
    for data in site.files().values():
        assert b"Secret text outside" not in data and b"Outside secret" not in data
    for p in site.summaries.glob("*.md"):
        assert "Secret text outside" not in p.read_text(encoding="utf-8")
        assert not hostname or len(hostname) < 6 or hostname not in p.read_text(encoding="utf-8")


def test_control_characters_never_reach_pages_or_feeds(broken_site):
    site, _, _ = broken_site
    files = site.files()
    for rel, data in files.items():
        if rel.endswith(".xml"):
            etree.fromstring(data)  # well-formed XML
            assert not feedparser.parse(data).bozo, rel
        if rel.endswith((".html", ".xml")):
            text = data.decode("utf-8")
            assert not any(ch in text for ch in "\x00\x01\x02\x0b\x0c\x1b"), rel
            if rel.endswith(".html"):
                lxml_html.document_fromstring(data)


def test_cached_rebuild_is_identical_and_quiet(broken_site):
    site, _, first = broken_site
    before = site.files()
    again = run_build(site.config_path)
    assert again.returncode == 0
    assert stderr_lines(again) == stderr_lines(first)
    assert site.files() == before
    assert "Nothing changed since the last build" in again.stdout  # the no-op check (state.py)
    forced = run_build(site.config_path, "--force")  # every file checked: all cached, nothing written
    assert forced.returncode == 0 and stderr_lines(forced) == stderr_lines(first)
    assert site.files() == before
    assert " 0 pages written" in forced.stdout


def test_strict_fails_on_a_broken_file(tmp_path):
    site = SiteDir(tmp_path / "site", "https://example.github.io/digest/")
    site.add_fixture("aukus-submarines.md")
    broken = site.add("broken.html", b"\x00\x01\x02\xff\xfe" * 100)
    done = run_build(site.config_path, "--strict")
    assert done.returncode == 1
    assert "broken.html: skipped:" in done.stderr and "--strict: 1 skipped" in done.stderr
    assert (site.output / "index.html").is_file()  # the site is still built; only the exit code says no
    broken.unlink()
    done = run_build(site.config_path, "--strict")
    assert done.returncode == 0, done.stderr


def test_verbose_shows_the_traceback(tmp_path):
    site = SiteDir(tmp_path / "site", "https://example.github.io/digest/")
    site.add("broken.html", b"\x00\x01\x02\xff\xfe" * 100)
    loud = run_build(site.config_path, verbose=True)
    assert "Traceback" in loud.stderr and "broken.html" in loud.stderr


def test_hand_edited_summary_with_control_characters(site):
    site.add_fixture("aukus-submarines.md")
    site.build()
    path = next(site.summaries.glob("*.md"))
    text = path.read_text(encoding="utf-8").replace("\n---\n\n", "\n---\n\nEdited \x01\x1b by hand.\n", 1)
    text = text.replace("key_points:\n", 'key_points:\n- "Escaped \\x01\\x1b control"\n', 1)
    path.write_text(text, encoding="utf-8")
    site.build()
    feed = (site.output / "feed.xml").read_bytes()
    etree.fromstring(feed)
    assert b"Edited  by hand." in feed and b"Escaped  control" in feed


def test_a_broken_file_with_a_newline_in_its_name_is_one_line(tmp_path):
    site = SiteDir(tmp_path / "site", "https://example.github.io/digest/")
    site.add_fixture("aukus-submarines.md")
    site.add("bad\nname.html", b"")
    done = run_build(site.config_path)
    lines = stderr_lines(done)
    assert len(lines) == 1 and "bad" in lines[0] and "name.html" in lines[0] and "empty file" in lines[0], lines


def test_control_characters_in_site_toml_do_not_crash(tmp_path):
    site = SiteDir(tmp_path / "site", "https://example.github.io/digest/")
    site.config_path.write_text(site.config_path.read_text(encoding="utf-8").replace(
        'title = "Test digest"', 'title = "Test\\u0001digest"'), encoding="utf-8")
    site.add_fixture("aukus-submarines.md")
    done = run_build(site.config_path)
    assert "Traceback" not in done.stderr
    assert done.returncode in (0, 2)
