"""Near-duplicates: shingles and signatures, the merge rule, the winner rule, and end to end: one
story saved twice is one entry with both sources, and older summary files are handled."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
import hashlib
import itertools
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import feedparser

from conftest import FIXTURES, REPO
import generator.pipeline as pipeline
from generator.articles import dedupe
from generator.incremental.cache import Cache
from generator.articles.dedupe import body_signature, collapse_duplicates, shingles, similarity
from generator.articles.extract import extract_article
from generator.articles.frontmatter import split_front_matter
from generator.articles.lang import to_simplified
from generator.records import Article, Block, Head, Processed, Source, Summary

DEDUPE = FIXTURES / "dedupe"
DAY_NS = 86_400 * 10**9
STRIKE = "Dock workers strike at three largest ports after automation talks fail"
UPDATED = "Port strike talks to resume under mediator as stoppage enters second day"


def extracted(name: str) -> Article:
    data = (DEDUPE / name).read_bytes()
    kind = "html" if name.endswith(".html") else "text"
    return extract_article(Source(path=DEDUPE / name, rel=name, kind=kind,
                                  sha256=hashlib.sha256(data).hexdigest(), data=data))


def digested(article: Article, saved_ns: int = 0, source: str | None = None, published: str | None = "keep"):
    article = replace(article, source=source or article.source,
                      published=article.published if published == "keep" else published)
    return Head(article=article.meta(), summary=Summary("s", (), article.language), topics=(),
                sources=(article.source,), signature=body_signature(article), minutes=1, rules="", saved_ns=saved_ns)


def plain(text: str, source: str = "a.txt", published: str | None = None, language: str = "en") -> Article:
    return Article(source=source, sha256=source, title="T", published=published, author=None, site_name=None,
                   url=None, language=language, blocks=tuple(Block("paragraph", p) for p in text.split("\n\n")))


def made_up(i: int, words: int = 300) -> str:
    """A body of letter-only words that no other call's body shares (a distinct article)."""
    def word(n: int) -> str:
        return "".join(chr(97 + int(d)) for d in str(n))
    return " ".join(word(i * 100_000 + k) for k in range(words))


def sig(values, size: int = 500) -> tuple[int, ...]:
    return (size, *values)


def sources_of(items) -> list[tuple[str, ...]]:
    return [item.sources for item in items]


# --- shingles and signatures -------------------------------------------------------------------

def test_english_shingles_are_word_trigrams_without_case_or_punctuation():
    assert shingles("The Port, the STRIKE!\n\nEnds.") == {"the port the", "port the strike", "the strike ends"}


def test_chinese_shingles_are_character_4grams_alike_in_both_scripts(seed_text):
    traditional = seed_text.decode("utf-8")
    grams = shingles(traditional)
    assert grams == shingles(to_simplified(traditional))
    assert all(len(g.replace(" ", "")) >= 4 for g in grams)
    assert shingles("美國與澳洲簽署協議") == {"美 国 与 澳", "国 与 澳 洲", "与 澳 洲 签", "澳 洲 签 署",
                                          "洲 签 署 协", "签 署 协 议"}


def test_signature_is_shingle_count_and_128_minhash_values():
    article = extracted("port-strike.html")
    signature = body_signature(article)
    assert len(signature) == dedupe.NUM_PERM + 1 and all(type(v) is int for v in signature)
    assert signature[0] == len(shingles(article.text))
    assert body_signature(replace(article, blocks=article.blocks[:1])) == ()  # one paragraph: too short


def test_signature_is_the_same_in_another_process_and_hash_seed():
    code = ("import hashlib, json, pathlib; from generator.articles.dedupe import body_signature; "
            "from generator.articles.extract import extract_article; from generator.records import Source; "
            f"p = pathlib.Path({str(DEDUPE / 'port-strike.html')!r}); d = p.read_bytes(); "
            "a = extract_article(Source(path=p, rel=p.name, kind='html', sha256=hashlib.sha256(d).hexdigest(), data=d)); "
            "print(json.dumps(body_signature(a)))")
    env = dict(os.environ, PYTHONHASHSEED="12345")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=env, check=True)
    assert tuple(json.loads(done.stdout)) == body_signature(extracted("port-strike.html"))



def test_signature_needs_neither_scipy_nor_datasketchs_package_init():
    """A fresh process makes a signature without the LSH modules (and scipy) that datasketch's
    __init__ imports, and a later `import datasketch` still gives the whole package, with the same
    MinHash class."""
    code = ("import json, sys; from generator.articles import dedupe; from generator.records import Article, Block; "
            "text = ' '.join(f'word{i} and more words number {i}' for i in range(60)); "
            "sig = dedupe.body_signature(Article(source='a.md', sha256='d', title='t', published=None, author=None, "
            "site_name=None, url=None, language='en', blocks=(Block('paragraph', text),))); "
            "before = ['scipy' in sys.modules, 'datasketch' in sys.modules]; "
            "import datasketch; "
            "print(json.dumps([sig[0] > 0, *before, hasattr(datasketch, 'MinHashLSH'), "
            "datasketch.MinHash is type(dedupe._empty_minhash())]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert json.loads(done.stdout) == [True, False, False, True, True]

def test_signature_survives_the_cache(tmp_path):
    article = extracted("port-strike.html")
    item = Processed(article=article, summary=Summary("s", (), article.language), topics=(),
                     sources=(article.source,), signature=body_signature(article), minutes=1, rules="")
    cache = Cache(tmp_path, "fp")
    head = cache.put("d", item)
    assert len(item.signature) == dedupe.NUM_PERM + 1
    assert cache.get("d").signature == item.signature == tuple(head.signature)


def test_lsh_bands_are_datasketchs_optimum_for_the_lowest_merged_jaccard():
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=dedupe.CONTAINED_MIN_JACCARD, num_perm=dedupe.NUM_PERM, weights=(0.2, 0.8))
    assert (lsh.b, lsh.r) == (dedupe.BANDS, dedupe.ROWS)


# --- which pairs merge -------------------------------------------------------------------------

def test_html_save_and_its_text_dump_merge():
    html, dump = extracted("port-strike.html"), extracted("port-strike.txt")
    jaccard, _ = similarity(body_signature(html), body_signature(dump))
    assert jaccard >= dedupe.THRESHOLD
    out, notes = collapse_duplicates([digested(html), digested(dump)])
    assert len(out) == 1 and set(out[0].sources) == {"port-strike.html", "port-strike.txt"}
    assert notes == []  # a routine merge is not a warning: --strict must not fail on it


def test_update_that_grew_merges_through_containment():
    old, new = extracted("port-strike.html"), extracted("port-strike-update.html")
    grown = replace(new, blocks=new.blocks + (Block("paragraph", made_up(9, 202)),))  # 200 new shingles
    jaccard, contained = similarity(body_signature(old), body_signature(grown))
    assert jaccard < dedupe.THRESHOLD and contained >= dedupe.CONTAINED
    out, _ = collapse_duplicates([digested(old, 1), digested(grown, 2)])
    assert sources_of(out) == [("port-strike-update.html", "port-strike.html")]


def test_another_story_from_the_same_site_stays_apart():
    items = [digested(extracted(n)) for n in ("harbour-budget.html", "port-strike.html")]
    out, _ = collapse_duplicates(items)
    assert sources_of(out) == sources_of(items)


def test_traditional_and_simplified_copies_merge(seed_text):
    text = seed_text.decode("utf-8")
    items = [digested(plain(text, "hant.txt", language="zh-Hant")),
             digested(plain(to_simplified(text), "hans.txt", language="zh-Hans"))]
    out, _ = collapse_duplicates(items)
    assert len(out) == 1


def test_short_articles_never_merge():
    brief = "Shares of Example Corp rose 3% on Monday. The company reports results on Friday."
    items = [digested(plain(brief, "a.txt")), digested(plain(brief, "b.txt"))]
    assert [i.signature for i in items] == [(), ()]
    out, _ = collapse_duplicates(items)
    assert sources_of(out) == sources_of(items)


def test_distinct_articles_stay_apart_and_copies_merge_among_many():
    items = [digested(plain(made_up(i), f"{i:03d}.txt")) for i in range(200)]
    items.append(digested(plain(made_up(7), "copy-of-007.txt")))
    out, _ = collapse_duplicates(items)
    assert len(out) == 200
    assert [i.sources for i in out if len(i.sources) > 1] == [("007.txt", "copy-of-007.txt")]


def test_groups_do_not_chain_through_a_middle_version():
    a = list(range(1000, 1128))
    b = a[:100] + list(range(2000, 2028))  # J(a, b) = 100/128
    c = b[:72] + list(range(3000, 3028)) + b[100:]  # J(b, c) = 100/128, J(a, c) = 72/128
    assert similarity(sig(a), sig(c))[0] < dedupe.THRESHOLD <= similarity(sig(a), sig(b))[0]
    assert similarity(sig(b), sig(c))[0] >= dedupe.THRESHOLD
    items = [Head(plain("x", n).meta(), Summary("s", (), "en"), (), (n,), sig(v), 1, "", saved_ns=t)
             for n, v, t in (("a.txt", a, 3), ("b.txt", b, 2), ("c.txt", c, 1))]
    out, _ = collapse_duplicates(items)
    assert sources_of(out) == [("a.txt", "b.txt"), ("c.txt",)]  # c is not like a, the newest save


def test_a_template_shared_by_many_pages_merges_nothing():
    items = [Head(plain("x", f"{i:02d}.txt").meta(), Summary("s", (), "en"), (), (f"{i:02d}.txt",),
                  sig(range(128)), 1, "", saved_ns=i) for i in range(dedupe.MAX_BUCKET + 1)]
    out, _ = collapse_duplicates(items)
    assert sources_of(out) == sources_of(items)


# --- which save wins ---------------------------------------------------------------------------

def test_later_published_wins_over_later_saved():
    body = extracted("port-strike.html")
    older = digested(body, saved_ns=5 * DAY_NS, source="a.html", published="2025-10-20T06:30:00+00:00")
    newer = digested(body, saved_ns=1 * DAY_NS, source="b.html", published="2025-10-21T06:30:00+00:00")
    out, _ = collapse_duplicates([older, newer])
    assert out[0].article.source == "b.html" and out[0].sources == ("b.html", "a.html")


def test_same_published_later_save_wins_then_path_order():
    body = extracted("port-strike.html")
    a = digested(body, saved_ns=DAY_NS, source="a.html")
    b = digested(body, saved_ns=2 * DAY_NS, source="b.html")
    assert collapse_duplicates([a, b])[0][0].sources == ("b.html", "a.html")
    b = digested(body, saved_ns=DAY_NS, source="b.html")
    assert collapse_duplicates([a, b])[0][0].sources == ("a.html", "b.html")


def test_dated_beats_undated_and_a_bare_date_is_the_start_of_its_day():
    body = extracted("port-strike.html")
    undated = digested(body, saved_ns=9 * DAY_NS, source="a.txt", published=None)
    bare = digested(body, saved_ns=8 * DAY_NS, source="b.txt", published="2025-10-20")
    timed = digested(body, saved_ns=0, source="c.html", published="2025-10-20T00:30:00+01:00")  # 23:30 the day before
    later = digested(body, saved_ns=0, source="d.html", published="2025-10-20T06:30:00+00:00")
    assert collapse_duplicates([undated, bare])[0][0].article.source == "b.txt"
    assert collapse_duplicates([bare, timed])[0][0].article.source == "b.txt"
    assert collapse_duplicates([bare, later])[0][0].article.source == "d.html"


def test_the_group_takes_its_winners_place_and_text():
    old, new = extracted("port-strike.html"), extracted("port-strike-update.html")
    other = digested(extracted("harbour-budget.html"))
    items = [digested(old, DAY_NS), other, digested(new, 2 * DAY_NS)]
    out, _ = collapse_duplicates(items)
    assert [i.article.source for i in out] == ["harbour-budget.html", "port-strike-update.html"]
    assert out[1].article == new.meta() and out[1].sources == ("port-strike-update.html", "port-strike.html")


def test_result_does_not_depend_on_input_order():
    names = ("port-strike.html", "port-strike.txt", "port-strike-update.html", "harbour-budget.html")
    items = [digested(extracted(n), saved_ns=k * DAY_NS) for k, n in enumerate(names)]
    expected = None
    for order in itertools.permutations(items):
        out, _ = collapse_duplicates(list(order))
        result = sorted((i.article.source, i.sources) for i in out)
        assert expected is None or result == expected
        expected = result
        kept = [i.article.source for i in order if i.article.source in {o.article.source for o in out}]
        assert [i.article.source for i in out] == kept
    assert expected == [("harbour-budget.html", ("harbour-budget.html",)),
                        ("port-strike-update.html", ("port-strike-update.html", "port-strike.html", "port-strike.txt"))]


# --- end to end --------------------------------------------------------------------------------

def add(site, name: str, saved_ns: int | None = None, as_name: str | None = None) -> Path:
    path = site.add(as_name or name, (DEDUPE / name).read_bytes())
    if saved_ns is not None:
        os.utime(path, ns=(saved_ns, saved_ns))
    return path


def summary_files(site) -> dict[str, dict]:
    return {p.name: split_front_matter(p.read_text(encoding="utf-8"))[0] for p in sorted(site.summaries.glob("*.md"))}


def feed_titles(site) -> dict[str, list[str]]:
    files = site.files()
    titles = {path: [e.title for e in feedparser.parse(files[path]).entries] for path in ("feed.xml", "atom.xml")}
    titles["feed.json"] = [i["title"] for i in json.loads(files["feed.json"])["items"]]
    return titles


def article_pages_with(site, text: str) -> list[str]:
    return [p for p, data in site.files().items()
            if p.startswith("articles/") and p.endswith("index.html") and text.encode() in data]


T0 = 1_760_000_000 * 10**9


def test_html_save_and_text_dump_build_one_entry_with_both_sources(site):
    add(site, "port-strike.html", T0)
    add(site, "port-strike.txt", T0 + DAY_NS)
    add(site, "harbour-budget.html", T0)
    report = site.build()
    assert report.articles == 2 and report.warnings == [] and report.skipped == []
    assert len(article_pages_with(site, f">{STRIKE}</h1>")) == 1
    # the HTML save has the full published time; the dump only the day: the HTML's record is kept
    strike = [m for m in summary_files(site).values() if m["title"] == STRIKE]
    assert len(strike) == 1
    assert strike[0]["source"] == "port-strike.html"
    assert strike[0]["sources"] == ["port-strike.html", "port-strike.txt"]
    for path, titles in feed_titles(site).items():
        assert titles.count(STRIKE) == 1 and len(titles) == 2, path


def test_update_saved_a_day_later_keeps_the_newer_text_and_one_feed_id(site):
    add(site, "port-strike.html", T0)
    add(site, "port-strike-update.html", T0 + DAY_NS)
    site.build()
    (summary, meta), = summary_files(site).items()
    assert meta["source"] == "port-strike-update.html"
    assert meta["sources"] == ["port-strike-update.html", "port-strike.html"]
    assert len(article_pages_with(site, "under an independent mediator")) == 1  # the update's new lead
    assert article_pages_with(site, f">{STRIKE}</h1>") == []
    # the older file is saved again later: now its text is the newest, under the same summary and id
    os.utime(site.articles / "port-strike.html", ns=(T0 + 2 * DAY_NS, T0 + 2 * DAY_NS))
    site.build()
    (again, meta2), = summary_files(site).items()
    assert again == summary and meta2["id"] == meta["id"] and meta2["source"] == "port-strike.html"
    assert len(article_pages_with(site, f">{STRIKE}</h1>")) == 1
    for titles in feed_titles(site).values():
        assert titles == [STRIKE]


def test_a_duplicate_saved_later_takes_over_the_older_summary_and_its_feed_id(site):
    add(site, "port-strike.html", T0)
    site.build()
    (name, before), = summary_files(site).items()
    add(site, "port-strike-update.html", T0 + DAY_NS)
    report = site.build()
    (name_after, after), = summary_files(site).items()  # no second summary file
    assert report.articles == 1 and report.warnings == []
    assert name_after == name and after["id"] == before["id"]  # same page address, readers see no new item
    assert after["title"] == UPDATED and after["sources"] == ["port-strike-update.html", "port-strike.html"]
    atom = feedparser.parse(site.files()["atom.xml"]).entries
    assert [(e.title, e.id) for e in atom] == [(UPDATED, before["id"])]


def test_a_hand_edited_summary_of_the_older_save_is_kept_and_shown(site):
    add(site, "port-strike.html", T0)
    site.build()
    path, = site.summaries.glob("*.md")
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\nMy note on the strike.\n", encoding="utf-8")
    edited = path.read_text(encoding="utf-8")
    add(site, "port-strike-update.html", T0 + DAY_NS)
    site.build()
    assert [p.name for p in site.summaries.glob("*.md")] == [path.name]
    assert path.read_text(encoding="utf-8") == edited  # never rewritten
    assert len(article_pages_with(site, "My note on the strike.")) == 1


def build_before_merging(site, monkeypatch) -> dict[str, Path]:
    """A build by a generator that did not merge duplicates yet: one summary per file, by source."""
    with monkeypatch.context() as m:
        m.setattr(pipeline, "collapse_duplicates", lambda items: (items, []))
        site.build()
    return {meta["source"]: site.summaries / name for name, meta in summary_files(site).items()}


def test_generated_summary_of_the_losing_save_is_removed_once_merged(site, monkeypatch):
    add(site, "port-strike.html", T0)
    add(site, "port-strike.txt", T0)
    before = build_before_merging(site, monkeypatch)
    assert set(before) == {"port-strike.html", "port-strike.txt"}
    report = site.build()
    assert report.warnings == [] and report.articles == 1
    assert [p.name for p in site.summaries.glob("*.md")] == [before["port-strike.html"].name]


def test_hand_edited_summary_of_the_losing_save_is_kept_and_reported(site, monkeypatch):
    add(site, "port-strike.html", T0)
    add(site, "port-strike.txt", T0)
    loser = build_before_merging(site, monkeypatch)["port-strike.txt"]
    loser.write_text(loser.read_text(encoding="utf-8") + "\nA note.\n", encoding="utf-8")
    report = site.build()
    assert loser.exists() and len(list(site.summaries.glob("*.md"))) == 2
    assert report.warnings == [(str(loser), "edited summary of a deleted article: kept, not shown")]
    assert article_pages_with(site, "A note.") == []


def test_deleting_the_newest_save_keeps_the_summary_and_feed_id_for_the_older_one(site):
    add(site, "port-strike.html", T0)
    newest = add(site, "port-strike-update.html", T0 + DAY_NS)
    site.build()
    (name, before), = summary_files(site).items()
    assert before["source"] == "port-strike-update.html"
    newest.unlink()
    site.build()
    (name_after, after), = summary_files(site).items()  # found through its `sources:` list
    assert name_after == name and after["id"] == before["id"] and after["source"] == "port-strike.html"


def test_the_build_line_counts_files_merged_as_duplicates(site, capsys):
    from generator.cli import main

    add(site, "port-strike.html", T0)
    add(site, "port-strike.txt", T0 + DAY_NS)
    add(site, "harbour-budget.html", T0)
    assert main(["build", "--config", str(site.config_path)]) == 0
    assert "Built 2 articles (0 cached, 1 file merged as duplicates)" in capsys.readouterr().out


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab Z1.,'’-_中國美ひカ・\u3099ー〇１ａ\n")) | st.characters(), max_size=60))
def test_units_are_words_with_every_cjk_character_set_apart(text):
    """One regex pass gives what WORD_RE gives once a space is put around every CJK character."""
    from generator.articles.dedupe import _units
    from generator.articles.lang import CJK_RE, WORD_RE, normalize

    assert _units(text) == WORD_RE.findall(CJK_RE.sub(r" \g<0> ", normalize(text)))



_PIECES = st.lists(st.sampled_from(["the", "port", "strike", "ends", "美", "國", "與", "澳", "洲", "ひ", "42", "3.5",
                                    "中", "x"]), max_size=80).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(_PIECES, _PIECES)
def test_shingle_hashes_are_the_shingles_one_hash_each(a, b):
    """One hash per distinct shingle, and two texts share as many hashes as they share shingles
    (what MinHash estimates Jaccard from)."""
    from generator.articles.dedupe import _shingle_size, _units, shingle_hashes

    ha, hb = shingle_hashes(a), shingle_hashes(b)
    assert len(ha) == len(shingles(a)) and ha.tolist() == sorted(set(ha.tolist()))
    if _shingle_size(_units(a)) == _shingle_size(_units(b)):
        assert len(set(ha.tolist()) & set(hb.tolist())) == len(shingles(a) & shingles(b))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab Z1.,中國美ひカー〇１ａ")) | st.characters(), max_size=60))
def test_shingle_size_counts_the_cjk_units(text):
    """Counting CJK characters in the joined units counts the units that are CJK characters."""
    from generator.articles.dedupe import CJK_SHINGLE, WORD_SHINGLE, _shingle_size, _units
    from generator.articles.lang import CJK_RE

    units = _units(text)
    cjk = sum(1 for u in units if CJK_RE.match(u))
    assert _shingle_size(units) == (CJK_SHINGLE if cjk * 2 > len(units) else WORD_SHINGLE)


def test_the_group_takes_each_field_from_the_save_that_knows_it():
    """A text dump that wins the group (saved later) keeps its text, and takes the HTML save's
    address, outlet, author and the more precise date of the same day."""
    html, dump = extracted("port-strike.html"), extracted("port-strike.txt")
    dump = replace(dump, url=None, site_name=None, author=None, published="2025-10-20T14:30:00")
    html = replace(html, published="2025-10-20T06:30:00+00:00", author="Tom Abbott")
    out, _ = collapse_duplicates([digested(html, saved_ns=DAY_NS, published="keep"),
                                  digested(dump, saved_ns=2 * DAY_NS, published="keep")])
    merged = out[0].article
    assert out[0].sources[0] == "port-strike.txt" and (merged.sha256, merged.title) == (dump.sha256, dump.title)
    assert merged.url == "https://news.harbourdaily.example/world/port-strike"
    assert (merged.site_name, merged.author) == ("Harbour Daily News", "Tom Abbott")
    assert merged.published == "2025-10-20T06:30:00+00:00"  # the instant, over the zone-less time


def test_another_days_date_is_not_taken_over_the_winners():
    html, dump = extracted("port-strike.html"), extracted("port-strike-update.html")
    old = digested(replace(html, published="2025-10-20"), source="a.html")
    new = digested(replace(dump, published="2025-10-22"), source="b.html")
    assert collapse_duplicates([old, new])[0][0].article.published == "2025-10-22"
