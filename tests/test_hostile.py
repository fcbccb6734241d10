"""Hostile input: XSS and template-injection payloads everywhere a saved page or site.toml can put
them; nothing executable may reach a built page or a feed item, and the payloads' text is shown
escaped, never evaluated.

Every built page and every feed item's HTML is parsed with lxml (entities decoded as a browser
would) and checked with rules written here, independently of generator.markup.safe_url.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from lxml import etree
from lxml import html as lxml_html

from conftest import REPO, SiteDir, prose_line

CORPUS = Path(__file__).resolve().parent / "hostile" / "payloads.txt"
# The template-injection markers: evaluated they would give these numbers, which appear nowhere
# else in the site (7331*7 = 51317, 7*7*7*7*7*7 = 117649).
EVALUATED = ("51317", "117649", "7777777")
INJECTIONS = ("{{ 7331*7 }}", "${7331*7}", "{{7*'7'}}", "#{7*7*7*7*7*7}", "{% raw %}", "{{ 7*7 }}")

URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href", "poster", "data", "background",
             "cite", "srcset", "ping", "manifest", "codebase", "longdesc")
SAFE_SCHEMES = {"http", "https", "mailto"}
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def payloads() -> list[str]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("##")]


def browser_scheme(url: str) -> str | None:
    """The scheme a browser would see: C0 controls and spaces trimmed at both ends, tabs and
    newlines removed anywhere (WHATWG URL parsing), then the text before the first colon."""
    url = url.strip("".join(chr(c) for c in range(0x21)))
    url = re.sub(r"[\t\n\r]", "", url)
    m = _SCHEME_RE.match(url)
    return m.group(1).lower() if m else None


def _style_is_hostile(style: str) -> bool:
    s = re.sub(r"\\([0-9a-fA-F]{1,6})\s?", lambda m: chr(min(int(m.group(1), 16), 0x10FFFF) or 0xFFFD), style)
    s = re.sub(r"\\|\s|/\*.*?\*/", "", s).lower()
    return "expression(" in s or "javascript:" in s or "vbscript:" in s or "behavior:" in s


def _is_data_block(text: str) -> bool:
    """A JSON-LD block a browser can only read as data: valid JSON, nothing that could close the
    element or open another (every "<" escaped)."""
    import json

    try:
        json.loads(text)
    except ValueError:
        return False
    return "<" not in text


def check_tree(doc, where: str) -> list[str]:
    """Every rule, as a list of problems (empty = clean)."""
    problems = []
    for el in doc.iter(etree.Element):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        tag = tag.rsplit("}", 1)[-1]
        if tag == "script" and (el.get("type") or "").lower() == "application/ld+json" and not el.get("src"):
            if not _is_data_block(el.text or ""):  # structured data: never run, but it must stay data
                problems.append(f"{where}: JSON-LD that is not plain JSON {etree.tostring(el)[:80]!r}")
        elif tag == "script":
            src = el.get("src") or ""
            if not re.match(r"^(\.\./)*(assets|pagefind)/", src):
                problems.append(f"{where}: <script> {etree.tostring(el)[:80]!r}")
        if tag == "base":
            problems.append(f"{where}: <base>")
        if tag == "meta" and (el.get("http-equiv") or "").strip().lower() == "refresh":
            problems.append(f"{where}: <meta http-equiv=refresh>")
        if tag in ("iframe", "object", "embed", "applet", "frame", "frameset"):
            problems.append(f"{where}: <{tag}>")
        if tag == "style" and _style_is_hostile(el.text or ""):
            problems.append(f"{where}: <style> {el.text[:80]!r}")
        for name, value in el.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                problems.append(f"{where}: <{tag} {name}={value[:60]!r}>")
            if local in URL_ATTRS or name.lower() in URL_ATTRS:
                urls = [u.strip().split(" ")[0] for u in value.split(",")] if local == "srcset" else [value]
                for url in urls:
                    scheme = browser_scheme(url)
                    if scheme is not None and scheme not in SAFE_SCHEMES:
                        problems.append(f"{where}: <{tag} {name}={value[:80]!r}>")
            if local == "style" and _style_is_hostile(value):
                problems.append(f"{where}: <{tag} style={value[:80]!r}>")
    return problems


def check_feed(data: bytes, where: str) -> list[str]:
    """The HTML of each RSS description / Atom content, after XML unescaping, obeys the rules."""
    root = etree.fromstring(data)
    problems = []
    for el in root.iter("description", "{http://www.w3.org/2005/Atom}content",
                        "{http://www.w3.org/2005/Atom}summary", "{http://purl.org/rss/1.0/modules/content/}encoded"):
        if etree.QName(el.getparent()).localname not in ("item", "entry"):
            continue  # the channel's description is site.toml's plain text, not item HTML
        if el.text and el.text.strip():
            frag = lxml_html.fromstring(f"<div>{el.text}</div>")
            problems += check_tree(frag, f"{where} <{etree.QName(el).localname}>")
    return problems


# --- the site ----------------------------------------------------------------------------------


def toml_str(text: str) -> str:
    """A TOML basic string holding `text` exactly."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7f:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def hostile_toml(base_url: str, p: list[str]) -> str:
    return f'''
[site]
title = {toml_str("Digest {{ 7331*7 }} <script>alert('title')</script>")}
description = {toml_str('"><img src=x onerror=alert(1)> ${7331*7} ' + p[3])}
base_url = "{base_url}"
language = "en"
author = {toml_str("<svg onload=alert('author')>")}

[paths]
templates = "{(REPO / 'templates').as_posix()}"

[pages]
size = 3

[about]
title = {toml_str("About <iframe src=javascript:alert(1)>")}
text = {toml_str(ABOUT_MD)}

[[topics]]
slug = "hostile"
names = {{ zh-Hant = {toml_str("<script>alert('zh')</script> {{ 7331*7 }}")}, en = {toml_str("<img src=x onerror=alert('en')> {{7*'7'}}")} }}
description = {{ en = {toml_str('<a href="javascript:alert(1)">desc</a> {% raw %} ' + p[0])}, zh-Hant = "x" }}
threshold = 1
aliases = [{{ text = "payload", weight = 4 }}]
'''


ABOUT_MD = """About this {{ 7331*7 }} site.

[click](javascript:alert(1)) [tab](jav&#x09;ascript:alert(1)) [ent](&#106;avascript:alert(1))
[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) [vb](vbscript:msgbox(1))
[sp]( javascript:alert(1)) <javascript:alert(1)> <script>alert(1)</script>
<img src=x onerror=alert(1)> ![img](javascript:alert(1)) [ok](https://example.org/)

[ref]: javascript:alert('ref')
Use [ref] here.
"""


def own_text(seed: int) -> str:
    """A closing paragraph of each article's own: the payload articles share most of their text, and
    must not be taken for one story saved several times (near-duplicates are collapsed into one)."""
    return prose_line(6000, seed=seed)


def html_article(n: int, p: list[str]) -> str:
    body = "\n".join(f"<p>Paragraph {i} about the payload story: {x}</p>" for i, x in enumerate(p))
    markup = "\n".join(f"<div>payload markup {i}: {x} and more words around it to look like text.</div>"
                       for i, x in enumerate(p))
    esc = "&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;"
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>Payload headline {n} {esc} {{{{ 7331*7 }}}} - Evil Site</title>
<meta property="og:title" content="Payload headline {n} {esc} {{{{ 7331*7 }}}}">
<meta name="author" content="&quot;&gt;&lt;svg onload=alert(1)&gt; ${{7331*7}}">
<meta property="og:site_name" content="&lt;img src=x onerror=alert(2)&gt;">
<meta property="og:url" content="javascript:alert('url')">
<meta name="keywords" content="payload, &lt;script&gt;alert(3)&lt;/script&gt;, {{{{ 7331*7 }}}}">
<meta property="article:published_time" content="2025-10-0{n % 9 + 1}T08:00:00+08:00">
<base href="javascript:alert('base')//">
<meta http-equiv="refresh" content="0;url=javascript:alert(1)">
<script>alert('head')</script>
</head><body onload="alert('body')">
<article><h1>Payload headline {n} {esc}</h1>
<figure><img src="x" onerror="alert(1)"><figcaption>Caption &lt;script&gt;alert('cap')&lt;/script&gt; {{{{ 7331*7 }}}}</figcaption></figure>
{body}
{markup}
<p>The payload story continues with a link <a href="javascript:alert(1)">here</a> and
<a href="jav&#x09;ascript:alert(1)">there</a> and <a href="&#106;avascript:alert(1)">everywhere</a>.</p>
<svg><script>alert('svg')</script><a xlink:href="javascript:alert(1)"><text>svg</text></a></svg>
<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">math</maction></math>
<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">go</button></form>
<div style="background:url(javascript:alert(1)); width: expression(alert(1))">styled payload text here.</div>
<p>{own_text(n)}</p>
</article></body></html>"""


def text_article(n: int, p: list[str]) -> str:
    lines = [f"Payload text dump {n}: <script>alert('txt')</script> {{{{ 7331*7 }}}}", "",
             "By <img src=x onerror=alert(1)> Reporter", "2025-10-05 10:00", ""]
    for i, x in enumerate(p):
        lines += [f"In paragraph {i} of the payload dump the reporter wrote this: {x} and then went on "
                  "with a longer sentence so that the paragraph reads like article text.", ""]
    return "\n".join(lines + [own_text(10 + n)])


def markdown_article(n: int, p: list[str]) -> str:
    meta = {
        "title": f"Payload clip {n} <script>alert('md')</script> {{{{ 7331*7 }}}} {p[n % len(p)]}",
        "source": ["javascript:alert(1)", " javascript:alert(1)", "jav&#x09;ascript:alert(1)",
                   "data:text/html,<script>alert(1)</script>",
                   "https://example.org/\"><script>alert(1)</script>"][n % 5],
        "author": "<svg/onload=alert('author')> {{ 7331*7 }}",
        "published": "2025-10-1%d" % (n % 9),
        "site": "<iframe src=javascript:alert(1)>",
        "language": 'en" onmouseover="alert(1)',
        "tags": ["payload", "<script>alert('tag')</script>", "{{ 7331*7 }}"],
    }
    body = ["Body of the payload clip, where every payload is written in markdown."]
    for i, x in enumerate(p):
        body.append(f"Paragraph {i} of the payload clip: {x}")
    body += ["[js](javascript:alert(1)) [tab](jav\tascript:alert(1)) [nl](java\nscript:alert(1))",
             "[ent](&#106;avascript:alert(1)) [hex](&#x6A;avascript:alert(1)) [ctl](\x01javascript:alert(1))",
             "<javascript:alert(1)> <vbscript:msgbox(1)> [data](data:text/html;base64,PHNjcmlwdD4=)",
             "![img](javascript:alert(1)) <img src=x onerror=alert(1)> <script>alert(1)</script>",
             "[ref-link][r]\n\n[r]: javascript:alert('ref')", own_text(20 + n)]
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n" + "\n\n".join(body) + "\n"


def clipper_frontmatter_article(p: list[str]) -> str:
    """Raw (hand-written) front matter with YAML tricks: tags, anchors, an alias bomb kept small."""
    return """---
title: !!python/object/apply:os.system ["echo pwned"]
source: "https://example.org/clip"
---

A clip whose front matter tries to run code with a python tag; it must be refused, never run.
"""


HAND_SUMMARY = """---
title: "Hand <script>alert('hand')</script> {{ 7331*7 }}"
source: dump-0.txt
url: "javascript:alert('hand-url')"
site: "<img src=x onerror=alert(1)>"
author: "{{ 7331*7 }}"
published: '2025-10-20"><script>alert(1)</script>'
language: '"><script>alert(1)</script>'
topics: ['hostile', '"><script>alert(1)</script>']
key_points: ["<script>alert('kp')</script>", "[kp](javascript:alert(1))", "{{ 7331*7 }} ${7331*7} {{7*'7'}}",
  "#{7*7*7*7*7*7} {% raw %} {{ 7*7 }}"]
id: "urn:uuid:00000000-0000-0000-0000-000000000000"
generated: edited-by-hand
---

A payload summary edited by hand: [js](javascript:alert(1)) <script>alert(1)</script>
{% raw %} {{ 7*7 }} <img src=x onerror=alert(1)>
[ok](https://example.org/ok) [tab](jav&#x09;ascript:alert(1)) [ent](&#106;avascript:alert(1))
"""


def build_hostile_site(root: Path):
    """The payload corpus in every field of every kind of article and of site.toml, built."""
    site = SiteDir(root, "https://example.github.io/digest/")
    p = payloads()
    site.config_path.write_text(hostile_toml("https://example.github.io/digest/", p), encoding="utf-8")
    for n in range(3):
        site.add(f"page-{n}.html", html_article(n, p))
        site.add(f"dump-{n}.txt", text_article(n, p))
        site.add(f"clip-{n}.md", markdown_article(n, p))
    site.add("yaml-tag.md", clipper_frontmatter_article(p))
    site.summaries.mkdir(parents=True, exist_ok=True)
    (site.summaries / "hand-edited.md").write_text(HAND_SUMMARY, encoding="utf-8")
    report = site.build()
    return site, report


@pytest.fixture(scope="module")
def hostile_site(hostile_build):
    return hostile_build  # built once per run (conftest): test_browser loads the same pages


def test_corpus_is_big_and_varied():
    p = payloads()
    assert len(p) >= 60
    joined = "\n".join(p).lower()
    for needle in ("<script", "<scr\x00ipt", "onerror", "javascript:", "vbscript:", "data:", "<svg", "<math",
                   "<base", "http-equiv", "expression(", "{{", "${", "{%", "&#x09;", "&#106;"):
        assert needle in joined, needle


def test_site_builds_and_refuses_only_the_yaml_tag(hostile_site):
    site, report = hostile_site
    assert report.articles == 9, report.skipped
    assert not report.warnings
    assert [name for name, _ in report.skipped] == ["yaml-tag.md"]
    assert not Path("pwned").exists()


def test_no_page_carries_anything_executable(hostile_site):
    site, _ = hostile_site
    pages = {rel: data for rel, data in site.files().items() if rel.endswith(".html")}
    assert len(pages) >= 15
    problems = []
    for rel, data in pages.items():
        problems += check_tree(lxml_html.document_fromstring(data), rel)
    assert not problems, "\n".join(problems[:40])


def test_feeds_carry_nothing_executable(hostile_site):
    site, _ = hostile_site
    feeds = {rel: data for rel, data in site.files().items() if rel.endswith((".xml"))}
    assert {"feed.xml", "atom.xml", "topics/hostile/feed.xml", "topics/hostile/atom.xml"} <= set(feeds)
    problems = []
    items = 0
    for rel, data in feeds.items():
        items += data.count(b"<item>") + data.count(b"<entry>")
        problems += check_feed(data, rel)
    assert items >= 20
    assert not problems, "\n".join(problems[:40])


def test_template_injection_is_shown_not_evaluated(hostile_site):
    site, _ = hostile_site
    files = site.files()
    for rel, data in files.items():
        if rel.endswith((".html", ".xml")):
            text = data.decode("utf-8")
            for number in EVALUATED:
                assert number not in text, (rel, number)
    index = lxml_html.document_fromstring(files["index.html"])
    assert "Digest {{ 7331*7 }} <script>alert('title')</script>" in index.findtext(".//title")
    assert "${7331*7}" in index.xpath("string(//p[@class='intro'])")
    topic = lxml_html.document_fromstring(files["topics/hostile/index.html"])
    assert "{{7*'7'}}" in topic.xpath("string(//h1)")
    assert "{% raw %}" in topic.xpath("string(//p[@class='intro'])")
    about = lxml_html.document_fromstring(files["about/index.html"])
    assert "{{ 7331*7 }}" in about.xpath("string(//div[@class='prose'])")
    hand = lxml_html.document_fromstring(files["articles/hand-edited/index.html"])
    summary = hand.xpath("string(//div[@class='summary'])")
    points = hand.xpath("string(//section[@class='key-points'])")
    for marker in INJECTIONS:
        assert marker in points, marker
    assert "{{ 7*7 }}" in summary and "{% raw %}" in summary
    assert "49" not in summary + points  # where {{ 7*7 }} was put, the literal text shows
    titles = [lxml_html.document_fromstring(data).xpath("string(//h1)")
              for rel, data in files.items() if rel.startswith("articles/")]
    assert sum("{{ 7331*7 }}" in t for t in titles) >= 4, titles


def test_payload_text_is_escaped_text_not_markup(hostile_site):
    site, _ = hostile_site
    files = site.files()
    hand = lxml_html.document_fromstring(files["articles/hand-edited/index.html"])
    assert "Hand <script>alert('hand')</script>" in hand.xpath("string(//h1)")
    assert "<script>alert('kp')</script>" in hand.xpath("string(//section[@class='key-points'])")
    assert hand.xpath("//a[@href='https://example.org/ok']")


def test_summaries_round_trip_payloads_as_strings(hostile_site):
    site, _ = hostile_site
    from generator.articles.frontmatter import split_front_matter

    texts = {p.name: p.read_text(encoding="utf-8") for p in site.summaries.glob("*.md")}
    assert len(texts) == 9  # dump-0.txt is shown through its hand-edited summary
    seen_titles = []
    for name, text in texts.items():
        meta, body = split_front_matter(text)
        for key, value in meta.items():
            assert value is None or isinstance(value, (str, list)), (name, key, value)
            if isinstance(value, list):
                assert all(isinstance(v, str) for v in value), (name, key, value)
        seen_titles.append(meta["title"])
        assert "!!python" not in text
    assert any("<script>alert('md')</script> {{ 7331*7 }}" in t for t in seen_titles)
    assert sum("{{ 7331*7 }}" in t for t in seen_titles) >= 4
    assert texts["hand-edited.md"] == HAND_SUMMARY
    key_points = [kp for text in texts.values() for kp in split_front_matter(text)[0]["key_points"]]
    assert any("javascript:alert(1)" in kp for kp in key_points)


@pytest.mark.parametrize("url,ok", [
    ("https://example.org/", True), ("mailto:a@b.c", True), ("../a/", True), ("a:b/", False),
    ("javascript:alert(1)", False), (" javascript:alert(1)", False), ("\x01javascript:x", False),
    ("jav\tascript:x", False), ("java\nscript:x", False), ("JaVaScRiPt:x", False), ("data:text/html,x", False),
    ("vbscript:x", False), ("javascript&colon;x", True),
])
def test_browser_scheme_checker(url, ok):
    """The checker itself: a browser's view of each URL."""
    scheme = browser_scheme(url)
    assert (scheme is None or scheme in SAFE_SCHEMES) is ok


def test_checker_catches_each_vector():
    bad = """<html><head><base href="x"><meta http-equiv="Refresh" content="0;url=x"></head><body>
    <script>1</script><a href=" jav&#x09;ascript:1">a</a><img src=x onerror=1><div style="width:expr\\65ssion(1)">
    <form action="vbscript:1"></form><svg><a xlink:href="javascript:1">s</a></svg></body></html>"""
    problems = check_tree(lxml_html.document_fromstring(bad), "t")
    for needle in ("<base>", "refresh", "<script>", "href=", "onerror", "style=", "action=", "xlink"):
        assert any(needle in p for p in problems), (needle, problems)


# --- feed text from site.toml ------------------------------------------------------------------

FEED_TITLE = "Tom & Jerry <script>alert('t')</script> &amp; the <b>news</b>"
FEED_DESCRIPTION = "News & views <script>alert('d')</script> <img src=x onerror=alert(1)> &lt;3 &"


def shown_text(detail) -> str:
    """The text a feed reader shows for a feedparser text construct: HTML is rendered, not echoed."""
    if detail["type"] in ("text/html", "application/xhtml+xml"):
        frag = lxml_html.fragment_fromstring(detail["value"], create_parent="div")
        assert len(frag) == 0, ("an element", detail["value"])
        return frag.text_content()
    return detail["value"]


@pytest.fixture(scope="module")
def feed_site(tmp_path_factory):
    site = SiteDir(tmp_path_factory.mktemp("feedtext") / "site", "https://example.github.io/digest/")
    text = site.config_path.read_text(encoding="utf-8")
    text = text.replace('title = "Test digest"', f"title = {toml_str(FEED_TITLE)}")
    text = text.replace('description = "A fixture site."', f"description = {toml_str(FEED_DESCRIPTION)}")
    site.config_path.write_text(text, encoding="utf-8")
    site.add_fixture("aukus-submarines.md")
    site.add_fixture("pension-reform.md")
    site.build()
    return site


def test_feed_title_and_description_come_back_as_typed(feed_site):
    import feedparser

    feeds = {rel: data for rel, data in feed_site.files().items()
             if rel.rsplit("/", 1)[-1] in ("feed.xml", "atom.xml", "feed.json")}
    assert {"feed.xml", "atom.xml", "feed.json"} <= set(feeds) and any(r.startswith("topics/") for r in feeds)
    for rel, data in feeds.items():
        if rel.endswith(".json"):
            doc = json.loads(data)
            assert doc["title"].endswith(FEED_TITLE) and doc["description"] == FEED_DESCRIPTION, rel
            continue
        root = etree.fromstring(data)  # the XML itself: text, never a child element
        head = root.find("channel") if root.tag == "rss" else root
        for name in ("title", "description", "{http://www.w3.org/2005/Atom}title",
                     "{http://www.w3.org/2005/Atom}subtitle"):
            el = head.find(name)
            if el is not None:
                assert len(el) == 0, (rel, name)
        parsed = feedparser.parse(data)
        assert not parsed.bozo, (rel, parsed.bozo_exception)
        assert shown_text(parsed.feed.title_detail).endswith(FEED_TITLE), rel
        assert shown_text(parsed.feed.subtitle_detail) == FEED_DESCRIPTION, rel
        if root.tag == "rss":  # the channel's link is the site (or topic) page, not the feed itself
            assert head.findtext("link") == "https://example.github.io/digest/" + rel[: -len("feed.xml")], rel


def test_shown_text_renders_html():
    """The checker itself: an HTML description shows its text; an element in it is caught."""
    assert shown_text({"type": "text/html", "value": "a &lt;b&gt; &amp;amp;"}) == "a <b> &amp;"
    with pytest.raises(AssertionError):
        shown_text({"type": "text/html", "value": "a <b>b</b>"})
    assert shown_text({"type": "text/plain", "value": "a <b>"}) == "a <b>"
