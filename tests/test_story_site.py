"""Stories in the site: the build's story stage (kept in summary files, hand edits win, incremental),
story pages, topic timelines, article links and feed categories, in a zh-Hant site. The articles are
the short reports test_stories.py wrote for these tests (invented events)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from test_stories import ARTICLES, article

from generator.records import Entry, Processed, Summary
from generator.stories import default_params, story_features
from generator.stories.combine import key_points, make_story, same_point, with_figures
from generator.stories.figures import Figure
from generator.stories.stage import Placed, assign_build, clean_story


def markdown(key: str) -> str:
    language, published, title, *paragraphs = ARTICLES[key]
    body = "\n\n".join(paragraphs)
    return f"---\ntitle: \"{title}\"\npublished: {published}\nlanguage: {language}\n---\n\n{body}\n"


def zh_site(site):
    text = site.config_path.read_text(encoding="utf-8").replace('language = "en"', 'language = "zh-Hant"')
    site.config_path.write_text(text, encoding="utf-8")
    return site


def stories_of(site) -> dict[str, str]:
    """{article file stem: story id} from the summary files."""
    found = {}
    for path in site.summaries.glob("*.md"):
        text = path.read_text(encoding="utf-8")
        source = re.search(r"^source: (.*)$", text, re.M).group(1).strip()
        story = re.search(r"^story: (.*)$", text, re.M)
        found[source.removesuffix(".md")] = story.group(1).strip() if story else None
    return found


def groups(stories: dict[str, str]) -> set[frozenset[str]]:
    by: dict[str, set[str]] = {}
    for key, story in stories.items():
        by.setdefault(story, set()).add(key)
    return {frozenset(g) for g in by.values()}


def test_clean_story_accepts_ids_and_new_and_refuses_anything_else():
    assert clean_story("97ca56828ed2") == "97ca56828ed2"
    assert clean_story(" NEW ") == "new"
    for bad in ("", None, 3, ["a"], "https://evil.example/", "a b", "x" * 65, "<script>"):
        assert clean_story(bad) is None


def processed(key: str) -> Processed:
    a = article(key)
    return Processed(a, Summary("s", (), a.language), (), (a.source,), (), 1, "")


def test_a_build_decides_only_new_articles_and_reads_features_only_within_their_window():
    params = default_params()
    computed: list[str] = []

    def features_of(items):
        computed.extend(item.article.source for item in items)
        return [story_features(item.article) for item in items]

    first = assign_build([Placed(k, processed(k), None, False) for k in ("a-en", "b-en")], features_of, params)
    assert computed == ["a-en", "b-en"]
    computed.clear()
    old = [Placed(k, processed(k), first[k], False) for k in first]
    # c-en is two days after a-en and a day after b-en: both lie in its window (3 days)
    later = assign_build(old + [Placed("a-hant", processed("a-hant"), None, False)], features_of, params)
    assert later["a-hant"] == first["a-en"] and later["a-en"] == first["a-en"] and later["b-en"] == first["b-en"]
    assert "a-hant" in computed
    computed.clear()
    # nothing new: nothing is computed, every story is kept
    kept = assign_build([Placed(k, processed(k), later[k], False) for k in later], features_of, params)
    assert kept == later and computed == []


def test_a_hand_edited_story_wins_and_new_splits_an_article_off():
    params = default_params()
    keys = ("a-en", "a-hant", "a-hans")
    first = assign_build([Placed(k, processed(k), None, False) for k in keys], lambda items: [story_features(i.article) for i in items],
                         params)
    assert len(set(first.values())) == 1
    edited = [Placed(k, processed(k), "new" if k == "a-hans" else first[k], k == "a-hans") for k in keys]
    after = assign_build(edited, lambda items: [story_features(i.article) for i in items], params)
    assert after["a-en"] == after["a-hant"] == first["a-en"] and after["a-hans"] != first["a-en"]


def entry(slug, language, published, title, points=(), story="s1", outlet="Outlet"):
    return Entry(slug=slug, id=slug, title=title, summary=f"Summary of {slug}.", key_points=tuple(points),
                 topics=("rare-earths",), language=language, published=published, author=None, site_name=None,
                 url=None, source=f"{slug}.md", outlet=outlet, story=story, sha256=slug)


def test_key_points_said_twice_across_scripts_are_shown_once():
    assert same_point("日本與澳洲簽署鎵供應協議，金額達12億澳元。", "日本与澳洲签署镓供应协议，金额达12亿澳元。")
    assert not same_point("日本與澳洲簽署鎵供應協議。", "中國商務部宣布對銻實施出口管制。")
    members = [entry("a", "zh-Hant", "2026-03-02", "甲", ["日本與澳洲簽署鎵供應協議，金額達12億澳元。"]),
               entry("b", "zh-Hans", "2026-03-02", "乙", ["日本与澳洲签署镓供应协议，金额达12亿澳元。", "西澳将建精炼厂。"])]
    assert [p for p, _, _ in key_points(members, "zh-Hant")] == ["日本與澳洲簽署鎵供應協議，金額達12億澳元。", "西澳将建精炼厂。"]


def test_a_story_is_headed_in_the_sites_language_where_an_article_is_and_figures_merge_by_key():
    members = [entry("en", "en", "2026-03-02", "Japan and Australia sign gallium pact", outlet="Wire"),
               entry("hans", "zh-Hans", "2026-03-02", "日本澳大利亚签署镓供应协议", outlet="Daily"),
               entry("hant", "zh-Hant", "2026-03-03", "日澳簽署鎵供應協議", outlet="Times")]
    figures = {"en": (Figure("A$1.2 billion", "aud:1.2e+09", "money", "A deal worth A$1.2 billion."),),
               "hans": (Figure("12亿澳元", "aud:1.2e+09", "money", "价值12亿澳元。"),),
               "hant": (Figure("12億澳元", "aud:1.2e+09", "money", "金額達12億澳元。"),
                        Figure("3日", "day:1", "date", "3日簽署。"))}
    story = make_story("s1", members, "zh-Hant", ["rare-earths"])
    story = with_figures(story, [e for s in story.slugs for e in members if e.slug == s], lambda e: figures[e.slug],
                         "zh-Hant")
    assert (story.headline, story.language) == ("日澳簽署鎵供應協議", "zh-Hant")
    assert story.slugs == ("en", "hans", "hant")  # oldest first: the page lists the newest last
    assert story.figures[0].text == "12億澳元" and story.figures[0].slugs == ("en", "hans", "hant")
    assert story.languages == ("en", "zh-Hans", "zh-Hant") and story.outlets == ("Wire", "Daily", "Times")
    assert make_story("s1", members, "en", []).headline == "Japan and Australia sign gallium pact"
    # without an article in the site's script, one in its family heads the story
    assert make_story("s1", members[:2], "zh-Hant", []).headline == "日本澳大利亚签署镓供应协议"


def build_story_site(site) -> None:
    zh_site(site)
    for key in ARTICLES:
        site.add(f"{key}.md", markdown(key))
    site.build()


def test_the_site_groups_a_story_across_scripts_and_shows_it(site):
    build_story_site(site)
    stories = stories_of(site)
    a = stories["a-en"]
    assert stories["a-hant"] == stories["a-hans"] == a
    assert a not in {stories["b-en"], stories["c-en"]}
    page = site.read(f"stories/{a}/index.html")
    h1 = re.search(r'<h1 lang="([^"]+)"[^>]*>(.*?)</h1>', page)
    assert h1.groups() == ("zh-Hant", ARTICLES["a-hant"][2])  # a zh-Hant reader sees the zh-Hant headline
    reports = re.findall(r'<li lang="[^"]+"><a href="\.\./\.\./articles/[^"]+/">(.*?)</a>', page)
    assert reports[-1] == ARTICLES["a-hans"][2]  # newest last
    assert len(reports) == 3
    for key in ("a-en", "a-hant", "a-hans"):  # each article page links its story
        slug = next(p.stem for p in site.summaries.glob("*.md") if f"source: {key}.md" in p.read_text(encoding="utf-8"))
        assert f'href="../../stories/{a}/"' in site.read(f"articles/{slug}/index.html")
    atom = site.read("atom.xml")
    assert f'term="story:{a}"' in atom and f'scheme="https://example.github.io/digest/stories/"' in atom
    assert f'domain="https://example.github.io/digest/stories/{a}/"' in site.read("feed.xml")
    items = json.loads(site.read("feed.json"))["items"]
    assert sum(1 for i in items if i.get("_story", {}).get("id") == a) == 3


def test_a_topic_page_is_a_timeline_of_stories(site):
    build_story_site(site)
    a = stories_of(site)["a-en"]
    pages = [p for p in (site.output / "topics").rglob("index.html") if f"stories/{a}/" in p.read_text(encoding="utf-8")]
    assert pages, "the story is on a topic page"
    html = pages[0].read_text(encoding="utf-8")
    card = html[html.index(f"stories/{a}/"):]
    card = card[:card.index("</article>")]
    assert card.count("articles/") == 3  # the story's articles under its headline, not as three cards
    assert "3 篇文章" in card and "3 種語言" in card


def test_a_hand_edit_of_story_moves_an_article_and_the_next_build_honours_it(site):
    build_story_site(site)
    a = stories_of(site)["a-en"]
    path = next(p for p in site.summaries.glob("*.md") if "source: a-hans.md" in p.read_text(encoding="utf-8"))
    path.write_text(path.read_text(encoding="utf-8").replace(f"story: {a}", "story: new"), encoding="utf-8")
    site.build()
    stories = stories_of(site)
    assert stories["a-en"] == stories["a-hant"] == a and stories["a-hans"] == "new"
    page = site.read(f"stories/{a}/index.html")
    assert ARTICLES["a-hans"][2] not in page and ARTICLES["a-hant"][2] in page


def test_a_new_article_joins_its_story_and_no_id_changes(site):
    zh_site(site)
    for key in ("a-en", "b-en", "c-en"):
        site.add(f"{key}.md", markdown(key))
    site.build()
    before = stories_of(site)
    site.add("a-hant.md", markdown("a-hant"))
    site.build()
    after = stories_of(site)
    assert {k: after[k] for k in before} == before and after["a-hant"] == before["a-en"]
    assert (site.output / "stories" / before["a-en"] / "index.html").is_file()


def test_stories_are_decided_by_content_alone(site, tmp_path):
    """A clone with the summary files and no cache builds the same site, byte for byte."""
    build_story_site(site)
    first = site.files()
    shutil.rmtree(site.root / ".digest-cache")
    shutil.rmtree(site.output)
    site.build()
    assert site.files() == first


def test_serve_makes_a_story_articles_page_first_with_its_story_link_and_once(site):
    """A save of an article in a story: its page is written first with its story link (the last
    build's stories), so the full build that follows has nothing to add to it."""
    from urllib.parse import quote

    from test_serve import EventStream, get

    from generator.serve.server import start_server

    zh_site(site)
    for key in ("a-en", "a-hant"):
        site.add(f"{key}.md", markdown(key))
    running = start_server(site.config_path, port=0)
    stream = None
    try:
        story = stories_of(site)["a-en"]
        summary = next(p for p in site.summaries.glob("*.md") if "source: a-hant.md" in p.read_text(encoding="utf-8"))
        page = f"/digest/articles/{summary.stem}/"
        stream = EventStream(running.port)
        path = site.articles / "a-hant.md"
        path.write_text(path.read_text(encoding="utf-8").replace("西澳的一座精煉廠", "西澳的兩座精煉廠"), encoding="utf-8")
        name, data = stream.next_event()
        assert name == "reload" and data["paths"] == [page]
        status, _, body = get(running.port, quote(page))
        assert status == 200 and "兩座".encode() in body and f'href="../../stories/{story}/"'.encode() in body
        name, data = stream.next_event()
        assert name == "reload" and page not in data["paths"]
    finally:
        if stream is not None:
            stream.close()
        running.stop()


def test_a_first_build_decides_month_by_month_as_it_would_all_at_once(tmp_path, monkeypatch):
    """Many new articles are decided a month at a time (a first build's memory): the stories and the
    site are the same as deciding them all at once."""
    from conftest import SiteDir

    from generator.incremental import storystore

    april = {  # a story of the next month, in its own store file
        "d-en": '---\ntitle: "Canada and Germany agree on a nickel refinery in Sudbury"\npublished: 2026-04-14\n'
                'language: en\n---\n\nOTTAWA, April 14 - Canada and Germany on Tuesday agreed to build a nickel '
                'refinery in Sudbury worth C$900 million, Prime Minister Mark Carney said after talks with Chancellor '
                'Friedrich Merz.\n',
        "d-hant": '---\ntitle: "加德同意在薩德伯里興建鎳精煉廠"\npublished: 2026-04-14\nlanguage: zh-Hant\n---\n\n'
                  '加拿大與德國14日同意在薩德伯里興建一座鎳精煉廠，金額達9億加元，加拿大總理卡尼與德國總理梅爾茨會談後宣布。\n',
    }

    def fill(site):
        zh_site(site)
        for key in ARTICLES:
            site.add(f"{key}.md", markdown(key))
        for key, text in april.items():
            site.add(f"{key}.md", text)
        return site

    built = []
    for batch in (1000, 0):
        monkeypatch.setattr(storystore, "ONE_BATCH", batch)
        site = fill(SiteDir(tmp_path / f"batch-{batch}", "https://example.github.io/digest/"))
        site.build()
        built.append((stories_of(site), site.files()))
    (once, once_files), (by_month, by_month_files) = built
    assert once == by_month and once_files == by_month_files
    assert once["a-en"] == once["a-hant"] != once["d-en"] == once["d-hant"]
    assert sorted((site.root / ".digest-cache" / "stories").glob("*.json")) == [
        site.root / ".digest-cache" / "stories" / "2026-03.json", site.root / ".digest-cache" / "stories" / "2026-04.json"]
