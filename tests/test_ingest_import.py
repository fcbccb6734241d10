"""`digest import`: each export format, told by content, gives the right articles; URL-only
entries are listed, or fetched through add with --fetch. Fixtures: tests/fixtures/ingest/exports,
written from each service's documented shapes and the files its own repository tests."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from test_ingest_server import server  # noqa: F401  (the server fixture)

from generator.cli import main
from generator.articles.discover import read_source
from generator.articles.extract import extract_article
from generator.ingest.imports import ExportError, read_export

EXPORTS = Path(__file__).resolve().parent / "fixtures" / "ingest" / "exports"


def _omnivore_zip(tmp_path: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for path in sorted((EXPORTS / "omnivore-export").rglob("*")):
            if path.is_file():
                z.write(path, path.relative_to(EXPORTS / "omnivore-export").as_posix())
    out = tmp_path / "omnivore-export.zip"  # the name says nothing: the content is what is read
    out.write_bytes(buffer.getvalue())
    return out


# file -> (format, [(title, url, has_text, saved, tags)])
EXPECTED = {
    "wallabag.json": ("Wallabag JSON", [
        ("Canberra weighs a second AUKUS submarine yard", "https://www.example-news.com.au/defence/2025/11/aukus-second-yard",
         True, "2025-11-18T09:30:00+11:00", ("aukus", "submarines")),
        ("Gallium prices climb after export licences stall", "https://markets.example.org/metals/gallium-prices-licences",
         True, "2025-10-02T08:00:00+00:00", ()),
        ("A page wallabag could not fetch", "https://blocked.example.net/story/123", False, "2025-09-01T12:00:00+02:00", ("later",)),
    ]),
    "karakeep.json": ("Karakeep JSON", [
        ("Rare earth magnet makers look beyond China", "https://www.example-business.com/magnets-beyond-china", False,
         "2024-11-13T08:00:00+00:00", ("rare-earths", "magnets")),
        ("Notes from the minerals briefing", None, True, "2024-11-14T08:00:00+00:00", ("notes",)),
    ]),
    "pocket.csv": ("Pocket CSV", [
        ("Taiwan's chip exports hit a record, customs data show", "https://www.example-tw.com/business/chip-exports-record",
         False, "2024-12-01T00:00:00+00:00", ("chips", "taiwan")),
        ("US and China agree to extend tariff truce", "https://www.example-wire.com/world/us-china-tariff-truce?utm_source=pocket_saves",
         False, "2024-12-02T00:00:00+00:00", ()),
    ]),
    "instapaper.csv": ("Instapaper CSV", [
        ("AUKUS pillar two: what it covers", "https://www.example-daily.co.uk/politics/aukus-pillar-two", False,
         "2023-11-14T22:13:20+00:00", ()),
        ("Minerals diplomacy", "https://www.example-review.com/essays/minerals-diplomacy", False, "2023-11-14T22:13:21+00:00",
         ("essay", "minerals", "Critical minerals")),
    ]),
    "readwise.csv": ("Readwise Reader CSV", [
        ("Japan signs critical minerals framework", "https://www.example-asia.com/japan-minerals-framework", False,
         "2025-10-28T04:12:09+00:00", ("minerals", "japan's policy")),
        ("Beijing's new export rules explained", "https://www.example-asia.com/beijing-export-rules", False,
         "2025-10-29T10:00:00+00:00", ()),
    ]),
    "bookmarks.html": ("Netscape bookmarks HTML", [
        ("AUKUS fact sheet", "https://www.example-gov.au/aukus/fact-sheet", False, "2023-11-14T22:16:40+00:00", ()),
        ("Lynas Texas plant", "https://www.example-mining.com/lynas-texas-plant", False, "2023-11-14T22:20:00+00:00",
         ("lynas", "processing", "Rare earths")),
        ("Canberra weighs a second AUKUS submarine yard", "https://www.example-news.com.au/defence/2025/11/aukus-second-yard",
         False, "2023-11-14T22:23:20+00:00", ()),
    ]),
    "omnivore-export/metadata_0_to_2.json": ("Omnivore export", [
        ("China tightens germanium export curbs", "https://www.example-finance.cn/germanium-curbs", True,
         "2024-11-20T08:15:30+00:00", ("germanium", "export controls")),
        ("An item whose content Omnivore did not keep", "https://www.example-finance.cn/no-content", False,
         "2024-11-22T10:00:00+00:00", ()),
    ]),
    "omnivore-obsidian.md": ("Omnivore markdown (Obsidian plugin)", [
        ("Pentagon backs AUKUS submarine sales after review", "https://www.example-defense.com/2024/10/pentagon-aukus-review",
         False, "2024-10-02T21:14:05", ("aukus", "defence")),
    ]),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_format_is_read_by_content(name, tmp_path):
    # copied under a name that says nothing about the format
    target = tmp_path / "export.dat"
    shutil.copy(EXPORTS / name, target)
    if name.startswith("omnivore-export/"):  # a metadata JSON reads its articles from content/ beside it
        shutil.copytree(EXPORTS / "omnivore-export" / "content", tmp_path / "content")
    kind, entries = read_export(target)
    expected_kind, rows = EXPECTED[name]
    assert kind == expected_kind
    assert [(e.title, e.url, e.has_text, e.saved, e.tags) for e in entries] == rows


def test_the_omnivore_zip_is_read_with_its_articles(tmp_path):
    kind, entries = read_export(_omnivore_zip(tmp_path))
    assert kind == "Omnivore export (ZIP)"
    assert [(e.title, e.has_text) for e in entries] == [("China tightens germanium export curbs", True),
                                                        ("An item whose content Omnivore did not keep", False)]
    assert entries[0].author == "Li Wei" and entries[0].published == "2024-11-19T00:00:00+00:00"


@pytest.mark.parametrize("content, reason", [
    (b"", "empty file"),
    (b'{"items": []}', "JSON, but neither a Wallabag, Karakeep nor Omnivore export"),
    (b"a,b,c\n1,2,3\n", "not an export this command reads"),
    (b"\xff\xfe\x00garbage", "not UTF-8 text, nor a ZIP archive"),
    (b"PK\x03\x04broken", "damaged ZIP archive"),
])
def test_a_file_that_is_no_export_says_why(content, reason, tmp_path):
    path = tmp_path / "x.json"
    path.write_bytes(content)
    with pytest.raises(ExportError) as caught:
        read_export(path)
    assert str(caught.value).startswith(reason)


def _articles(site) -> dict[str, object]:
    out = {}
    for path in sorted(site.articles.iterdir()):
        out[path.name] = extract_article(read_source(path, site.articles))
    return out


def test_import_writes_the_entries_with_text_as_articles_the_reader_reads(site, tmp_path, capsys):
    files = [str(EXPORTS / n) for n in ("wallabag.json", "karakeep.json", "omnivore-obsidian.md")] + \
        [str(_omnivore_zip(tmp_path))]
    assert main(["import", "--config", str(site.config_path), *files]) == 0
    out = capsys.readouterr().out
    articles = {a.title: a for a in _articles(site).values()}
    assert sorted(articles) == ["Canberra weighs a second AUKUS submarine yard", "China tightens germanium export curbs",
                                "Gallium prices climb after export licences stall", "Notes from the minerals briefing"]
    canberra = articles["Canberra weighs a second AUKUS submarine yard"]
    assert canberra.url == "https://www.example-news.com.au/defence/2025/11/aukus-second-yard"
    assert canberra.author == "Jane Citizen, Alex Roe"
    assert canberra.published == "2025-11-17T18:00:00+11:00" and canberra.saved == "2025-11-18T09:30:00+11:00"
    assert canberra.tags == ("aukus", "submarines")
    assert [b.kind for b in canberra.blocks] == ["paragraph", "heading", "paragraph", "list_item", "list_item", "quote",
                                                  "paragraph"]
    assert "track()" not in canberra.text  # the export's script is not article text
    germanium = articles["China tightens germanium export curbs"]
    assert germanium.author == "Li Wei" and germanium.published == "2024-11-19T00:00:00+00:00"
    notes = articles["Notes from the minerals briefing"]
    assert notes.url is None and len(notes.paragraphs) == 3
    # URL-only entries are counted and listed, not fetched
    assert "4 entries without text, not fetched" in out
    for url in ("https://blocked.example.net/story/123", "https://www.example-business.com/magnets-beyond-china",
                "https://www.example-defense.com/2024/10/pentagon-aukus-review", "https://www.example-finance.cn/no-content"):
        assert f"  {url}" in out
    # a second import of the same files writes nothing
    capsys.readouterr()
    before = sorted(p.name for p in site.articles.iterdir())
    assert main(["import", "--config", str(site.config_path), *files]) == 0
    assert sorted(p.name for p in site.articles.iterdir()) == before
    assert "wallabag.json: Wallabag JSON, 3 entries: 2 already saved, 1 without text" in capsys.readouterr().out


def test_import_fetch_saves_url_only_entries_through_add(server, site, tmp_path, capsys):
    good = server.page("/health/ncd", "dn-143b51c3684f.html")
    pocket = tmp_path / "ril_export.csv"
    pocket.write_text("title,url,time_added,tags,status\n"
                      f"NCDs,{good},1700000000,health,unread\n"
                      f"Gone,{server.url('/gone-away')},1700000001,,unread\n", encoding="utf-8")
    code = main(["import", "--config", str(site.config_path), "--fetch", "--delay", "0", str(pocket)])
    captured = capsys.readouterr()
    assert code == 1  # one entry could not be fetched
    assert f"{server.url('/gone-away')}: 404 Not Found" in captured.err
    assert "Fetched 2 entries without text: 1 saved, 0 already saved, 1 failed" in captured.out
    (saved,) = _articles(site).values()
    assert saved.url == good


@pytest.mark.parametrize("text", ["2012. The year it began", "1) first", "# not a heading", "- not an item",
                                  "> not a quote", "+ plus", "---", "===", "```code```", "~~~", "<b>bold</b> & &amp;",
                                  "a * b _c_ [d](e) `f` \\ g!", "<https://example.com>", "[[wiki]] | pipe ~tilde~"])
def test_escaped_text_reads_back_as_itself(text):
    from generator.articles.extract.markdown import markdown_blocks
    from generator.ingest.markdown import escape_line
    from generator.records import Block

    assert markdown_blocks(escape_line(text)) == (Block("paragraph", text),)


from hypothesis import given, strategies as st  # noqa: E402


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=60))
def test_any_line_reads_back_as_itself(text):
    from generator.articles.extract.markdown import markdown_blocks
    from generator.ingest.markdown import escape_line

    words = " ".join(text.split())
    if words:
        assert [b.text for b in markdown_blocks(escape_line(text))] == [words]
