"""Search across Chinese scripts: what each way of indexing costs, and what it finds.

    nice .venv/bin/python bench/search_scripts.py            # the benchmark's Chinese pages (~3 min)
    .venv/bin/python bench/search_scripts.py --limit 60 --keep /tmp/search-bench

A site is built with this generator from the Chinese pages of the extraction benchmark
(../shared/benchmarks/extraction/dev: Traditional and Simplified, many outlets), and its article
pages are indexed by Pagefind three ways, then searched in Chromium (Playwright) as the search
page searches:

  none   each page as it reads (the search form below removed); the query as typed
  both   each page's text also in the other script (OpenCC t2s and s2t); the query as typed
  t2s    each page's text also in Simplified (t2s: what the generator writes); the query turned
         into Simplified in the browser by the vendored opencc-js (what the search page does)

The query words are the pages' own: words of two or more Han characters that the two scripts
write differently, each searched in its Traditional form (as a Traditional page writes it, else
OpenCC s2t) and its Simplified form. An article "holds" a word when its Simplified text does.
Printed per variant: how often the two forms find the same articles (agree), recall and
precision against the holding articles (over all queries), the bundle's bytes, Pagefind's time
(best of 3), and how many excerpts of Traditional queries on Traditional articles read in
Traditional.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import hashlib
import http.server
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
BENCH = REPO.parent / "shared" / "benchmarks" / "extraction" / "dev"
OPENCC_JS = REPO / "templates" / "static" / "opencc-js" / "t2cn.js"
SEARCH_JS_FILE = REPO / "templates" / "static" / "search.js"  # the search page's asWritten
CHROMIUM = shutil.which("chromium") or "chromium"
VARIANTS = ("none", "both", "t2s")
# Query words per script of origin: enough that one odd word moves a rate by under 1%.
WORDS_PER_SCRIPT = 150
# A word held by more than this share of the articles says little about search (的, 表示...).
MAX_SHARE = 0.2


def build_site(root: Path, limit: int | None) -> Path:
    """The generator's site of the benchmark's Chinese pages; returns its output folder."""
    from generator.config import load_config
    from generator.pipeline import build

    manifest = json.loads((BENCH / "manifest.json").read_text(encoding="utf-8"))
    pages = [p for p in manifest["pages"] if p["language"] == "zh"][:limit]
    articles = root / "content" / "articles"
    articles.mkdir(parents=True, exist_ok=True)
    for p in pages:
        (articles / f"{p['id']}.html").write_bytes(gzip.decompress((BENCH / p["files"]["html"]).read_bytes()))
    text = (REPO / "site.toml").read_text(encoding="utf-8")
    (root / "site.toml").write_text('[site]\ntitle = "Search bench"\nbase_url = "https://example.org/"\n\n'
                                    f'[paths]\ntemplates = "{(REPO / "templates").as_posix()}"\n\n'
                                    + text[text.index("# --- topics ---"):], encoding="utf-8")
    report = build(load_config(root / "site.toml"))
    print(f"built {report.articles} articles from {len(pages)} pages ({len(report.skipped)} skipped)",
          file=sys.stderr)
    return root / "_site"


def page_text(data: bytes) -> tuple[str, str]:
    """(language, the text the index takes from a page: headline, summary, key points)."""
    from lxml import html

    doc = html.fromstring(data)
    parts = doc.xpath("//article[@data-pagefind-body]/h1") + doc.xpath("//div[@class='summary']")
    parts += doc.xpath("//section[@class='key-points']//li")
    return doc.get("lang", ""), "\n".join(p.text_content().strip() for p in parts)


def rewrite(data: bytes, variant: str) -> bytes:
    """The page with the search form of `variant` in place of the generator's."""
    from lxml import etree, html

    from generator.articles.lang import to_simplified

    doc = html.fromstring(data)
    for old in doc.xpath("//div[@class='search-form']"):
        old.getparent().remove(old)
    _, text = page_text(data)
    forms = {"none": [], "t2s": [to_simplified(text)], "both": [to_simplified(text), _s2t()(text)]}[variant]
    body = doc.xpath("//article[@data-pagefind-body]")[0]
    for form in dict.fromkeys(f for f in forms if f != text):
        div = etree.SubElement(body, "div", {"class": "search-form", "hidden": "hidden"})
        div.text = form
    return html.tostring(doc, encoding="utf-8", doctype="<!doctype html>")


@functools.lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t").convert


def index(site: Path, pages: list[str], variant: str, out: Path) -> tuple[float, int]:
    """Pagefind over the variant's pages: (best wall time of 3, bytes of the bundle)."""
    from generator.site.search import pagefind_command

    folder = out / variant
    for rel in pages:
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(rewrite((site / rel).read_bytes(), variant))
    times = []
    for _ in range(3):
        shutil.rmtree(folder / "pagefind", ignore_errors=True)
        started = time.perf_counter()
        subprocess.run([*pagefind_command(), "--site", str(folder), "--output-path", str(folder / "pagefind"),
                        "--quiet", "--force-language", "zh"], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    size = sum(p.stat().st_size for p in (folder / "pagefind").rglob("*") if p.is_file()
               and p.parent.name in ("index", "fragment") or p.suffix == ".pf_meta")
    return min(times), size


def query_words(site: Path, pages: list[str]) -> tuple[list[tuple[str, str]], dict[str, set[str]]]:
    """([(Traditional form, Simplified form)], Simplified text of each page by URL)."""
    from generator.articles.lang import segment, to_simplified

    texts, traditional, origin = {}, {}, {}
    for rel in pages:
        lang, text = page_text((site / rel).read_bytes())
        simple = to_simplified(text)
        texts["/" + rel[: -len("index.html")]] = simple
        for word in set(segment(simple)):
            if len(word) < 2 or not all("\u4e00" <= c <= "\u9fff" for c in word) or _s2t()(word) == word:
                continue
            origin.setdefault(word, lang)
            if lang == "zh-Hant" and len(simple) == len(text) and word not in traditional:
                at = simple.find(word)
                traditional[word] = text[at:at + len(word)]
    limit = MAX_SHARE * len(texts)
    pairs = []
    for script in ("zh-Hant", "zh-Hans"):
        words = sorted((w for w, o in origin.items() if o == script and sum(w in t for t in texts.values()) <= limit),
                       key=lambda w: hashlib.sha1(w.encode()).hexdigest())[:WORDS_PER_SCRIPT]
        pairs += [(traditional.get(w) or _s2t()(w), w) for w in words]
    return pairs, texts


PROBE = ('<!doctype html><html><head><meta charset="utf-8">'
         '<script src="/opencc-t2cn.js"></script><script src="/search.js"></script></head><body>probe</body></html>')
SEARCH_JS = """async ([queries, convert]) => {
  const pf = await import('/pagefind/pagefind.js');
  await pf.options({baseUrl: '/'});
  const t2s = convert ? digestSearch.toSimplified : (q => q);
  const shown = convert ? digestSearch.asWritten : (r => r);
  const out = [];
  for (const q of queries) {
    const found = await pf.search(t2s(q));
    const data = (await Promise.all(found.results.map(r => r.data()))).map(shown);
    out.push(data.map(d => [d.url, d.excerpt]));
  }
  return out;
}"""


def search(folder: Path, queries: list[str], convert: bool) -> list[list[tuple[str, str]]]:
    from playwright.sync_api import sync_playwright

    (folder / "probe.html").write_text(PROBE, encoding="utf-8")
    shutil.copyfile(OPENCC_JS, folder / "opencc-t2cn.js")
    shutil.copyfile(SEARCH_JS_FILE, folder / "search.js")
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/probe.html")
            found = page.evaluate(SEARCH_JS, [queries, convert])
            browser.close()
    finally:
        server.shutdown()
    return found


def score(pairs, texts, trad, simp, languages) -> dict[str, float]:
    agree = hit = held = shown = 0
    excerpts = traditional = 0
    from generator.articles.lang import chinese_script

    for (t_word, s_word), t_found, s_found in zip(pairs, trad, simp):
        truth = {url for url, text in texts.items() if s_word in text}
        t_urls, s_urls = {u for u, _ in t_found}, {u for u, _ in s_found}
        agree += t_urls == s_urls
        for urls in (t_urls, s_urls):
            hit += len(urls & truth)
            held += len(truth)
            shown += len(urls)
        for url, excerpt in t_found:
            if languages.get(url) == "zh-Hant" and url in truth:
                excerpts += 1
                traditional += chinese_script(excerpt.replace("<mark>", "").replace("</mark>", "")) == "Hant"
    return {"agree": agree / len(pairs), "recall": hit / max(held, 1), "precision": hit / max(shown, 1),
            "trad_excerpts": traditional / max(excerpts, 1), "excerpts": excerpts}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, help="use the first N Chinese pages only")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it (the site is built once)")
    args = ap.parse_args(argv)
    if not OPENCC_JS.is_file():
        print(f"{OPENCC_JS}: missing (the vendored opencc-js)", file=sys.stderr)
        return 1
    work = args.keep or Path(tempfile.mkdtemp(prefix="digest-search-bench-"))
    try:
        site = work / "site" / "_site"
        if not site.is_dir():
            site = build_site(work / "site", args.limit)
        pages = sorted(p.relative_to(site).as_posix() for p in site.glob("articles/*/index.html"))
        languages = {"/" + rel[: -len("index.html")]: page_text((site / rel).read_bytes())[0] for rel in pages}
        pairs, texts = query_words(site, pages)
        print(f"{len(pages)} article pages ({sum(v == 'zh-Hant' for v in languages.values())} Traditional), "
              f"{len(pairs)} query words\n")
        print(f"{'variant':<8} {'agree':>6} {'recall':>7} {'precision':>9} {'bundle':>10} {'pagefind':>9}"
              f" {'Trad. excerpts in Trad.':>24}")
        for variant in VARIANTS:
            seconds, size = index(site, pages, variant, work / "variants")
            convert = variant == "t2s"
            trad = search(work / "variants" / variant, [t for t, _ in pairs], convert)
            simp = search(work / "variants" / variant, [s for _, s in pairs], convert)
            s = score(pairs, texts, trad, simp, languages)
            print(f"{variant:<8} {s['agree']:>6.1%} {s['recall']:>7.1%} {s['precision']:>9.1%} {size:>10,} "
                  f"{seconds:>8.2f}s {s['trad_excerpts']:>17.1%} of {s['excerpts']}")
        print(f"\nopencc-js t2cn.js: {OPENCC_JS.stat().st_size:,} bytes, "
              f"{len(gzip.compress(OPENCC_JS.read_bytes(), 9)):,} gzipped")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
