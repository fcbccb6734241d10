import os
import time
from dataclasses import replace

from hypothesis import example, given
from hypothesis import strategies as st

from generator.records import Article, Block, Head, Summary
from generator.site.summaries import load_summaries, mint_id, read_summary, remember_summaries, sync_one, sync_summary_files


def sync_summaries(folder, items):
    """(entries, warnings) of one sync, as a build gets them."""
    entries, warnings, _ = sync_summary_files(folder, items)
    return entries, warnings


def item(source="a.txt", title="Rare earth deal signed", sha256="d1", text="Body text.", url=None):
    article = Article(source=source, sha256=sha256, title=title, published="2025-10-21", author=None,
                      site_name="Site", url=url, language="en", blocks=(Block("paragraph", text),))
    return Head(article.meta(), Summary(text, ("Point one.",), "en"), ("rare-earths",), (source,), signature=(),
                minutes=1, rules="")


def test_generated_file_then_unchanged_on_second_sync(tmp_path):
    entries, warnings = sync_summaries(tmp_path, [item()])
    path = tmp_path / "rare-earth-deal-signed.md"
    assert path.is_file() and warnings == []
    first = path.read_text(encoding="utf-8")
    mtime = path.stat().st_mtime_ns
    sync_summaries(tmp_path, [item()])
    assert path.read_text(encoding="utf-8") == first and path.stat().st_mtime_ns == mtime
    assert entries[0].slug == "rare-earth-deal-signed" and not entries[0].edited
    assert entries[0].topics == ("rare-earths",) and entries[0].key_points == ("Point one.",)


def test_changed_article_regenerates_an_unedited_summary(tmp_path):
    sync_summaries(tmp_path, [item()])
    entries, _ = sync_summaries(tmp_path, [item(sha256="d2", text="New body.")])
    assert entries[0].summary == "New body."


def test_hand_edit_is_kept_and_shown_even_when_the_article_changes(tmp_path):
    sync_summaries(tmp_path, [item()])
    path = tmp_path / "rare-earth-deal-signed.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Body text.", "My own words."), encoding="utf-8")
    edited = path.read_text(encoding="utf-8")
    entries, _ = sync_summaries(tmp_path, [item(sha256="d2", text="New body.")])
    assert path.read_text(encoding="utf-8") == edited
    assert entries[0].summary == "My own words." and entries[0].edited


def test_deleted_article_removes_generated_but_keeps_edited(tmp_path):
    sync_summaries(tmp_path, [item(), item(source="b.txt", title="Other story", sha256="d9")])
    edited = tmp_path / "other-story.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA note.\n", encoding="utf-8")
    entries, warnings = sync_summaries(tmp_path, [])
    assert entries == []
    assert not (tmp_path / "rare-earth-deal-signed.md").exists()
    assert edited.exists()
    assert warnings == [(str(edited), "edited summary of a deleted article: kept, not shown")]


def test_rename_keeps_slug_and_id(tmp_path):
    first, _ = sync_summaries(tmp_path, [item(source="old-name.txt")])
    second, _ = sync_summaries(tmp_path, [item(source="new-name.txt")])
    assert (second[0].slug, second[0].id) == (first[0].slug, first[0].id)
    assert [p.name for p in tmp_path.iterdir()] == ["rare-earth-deal-signed.md"]
    stored, _ = load_summaries(tmp_path)
    assert stored[0].meta["source"] == "new-name.txt"


def test_same_title_gets_distinct_slugs(tmp_path):
    entries, _ = sync_summaries(tmp_path, [item(), item(source="b.txt", sha256="d2", url="https://x.org/2")])
    assert [e.slug for e in entries] == ["rare-earth-deal-signed", "rare-earth-deal-signed-2"]
    assert entries[0].id != entries[1].id


def test_id_depends_on_identity_not_on_file_or_body():
    assert mint_id(item(source="x.txt", text="a")) == mint_id(item(source="y.txt", text="b"))
    assert mint_id(item(url="https://a.org/1")) != mint_id(item(url="https://a.org/2"))
    assert mint_id(item()).startswith("urn:uuid:")


# Any text a saved page can put in a field, control characters and line breaks included (YAML
# quotes and escapes them); not lone surrogates, which no UTF-8 file can hold.
_field = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(title=_field, text=_field, point=_field, author=st.none() | _field, url=st.none() | _field)
@example(title="t", text="\r0", point="p", author=None, url=None)  # read_text made the \r a \n
@example(title="t", text="b", point="---\n", author=None, url=None)  # `generated` went inside the quotes
def test_the_summary_sync_returns_is_the_file_it_wrote_read_back(tmp_path_factory, title, text, point, author, url):
    """sync_one builds the StoredSummary from the data it dumped instead of parsing the file again:
    the two must be equal, or the next build would compare against data the file does not hold."""
    folder = tmp_path_factory.mktemp("summaries")
    base = item(title=title, text=text, url=url)
    digested = replace(base, article=replace(base.article, author=author),
                       summary=replace(base.summary, key_points=(point,)))
    made = sync_one(folder, digested, None, set())
    assert made == read_summary(made.path)


def _age(path, seconds=10):
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - seconds * 10**9))


def test_a_summary_this_build_wrote_is_remembered_and_not_parsed_by_the_next(tmp_path, monkeypatch):
    import generator.site.summaries as summaries

    since = time.time_ns() - 20 * 10**9  # the build began 20 s ago (files are aged 10 s)
    written = sync_one(tmp_path, item(), None, set())
    assert remember_summaries([written], since) == {}  # stamped within the last tick: left out
    _age(written.path)
    known = remember_summaries([written], since)
    assert list(known) == [written.path.name]
    parsed = []
    monkeypatch.setattr(summaries, "read_summary", lambda p: parsed.append(p) or read_summary(p))
    stored, _ = load_summaries(tmp_path, known)
    assert parsed == [] and stored == [written]


def test_a_summary_saved_by_a_person_after_the_build_wrote_it_is_not_remembered(tmp_path):
    """Even with its size and stamp as the build left them (the same tick): its bytes differ."""
    since = time.time_ns() - 20 * 10**9  # the build began 20 s ago (files are aged 10 s)
    written = sync_one(tmp_path, item(), None, set())
    before = written.path.stat()
    edited = written.path.read_text(encoding="utf-8").replace("Body text.", "Body TEXT.")
    with open(written.path, "r+", encoding="utf-8") as fh:  # in place: the same inode
        fh.write(edited)
    os.utime(written.path, ns=(before.st_atime_ns, before.st_mtime_ns))
    _age(written.path)
    assert remember_summaries([written], since) == {}
    stored, _ = load_summaries(tmp_path, {})
    assert stored[0].edited and stored[0].body == "Body TEXT."


def test_load_summaries_reads_what_glob_finds_in_name_order(tmp_path):
    """Every *.md entry, as Path.glob("*.md") finds them (hidden ones too), in name order; one that
    cannot be read is a problem line, not a stop."""
    from generator.site.summaries import load_summaries

    text = "---\ntitle: T\n---\n\nBody.\n"
    for name in ("b.md", "a.md", ".hidden.md", "B.md", "c.MD", "d.md.tmp", "é.md"):
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "dir.md").mkdir()
    stored, problems = load_summaries(tmp_path)
    expected = sorted(p for p in tmp_path.glob("*.md") if p.is_file())
    assert [s.path for s in stored] == expected
    assert [s.path.name for s in stored] == [".hidden.md", "B.md", "a.md", "b.md", "é.md"]
    assert [p for p, _ in problems] == [str(tmp_path / "dir.md")]
