"""The plain-text dump extractor on real dumps: the seed page against its gold file, and
must-contain / must-not-contain snippets on real pages copied from the benchmark (tests/fixtures/real/)."""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import re
from pathlib import Path

import pytest
from conftest import prose_line

from generator.articles.extract import extract_article
from generator.articles.extract.text import extract_dump
from generator.records import Source

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "content" / "articles" / "ettoday-critical-minerals.txt"  # the example site's article
SEED_GOLD = Path(__file__).resolve().parent / "fixtures" / "real" / "ettoday-critical-minerals.gold.json"


def _source(path: Path, data: bytes) -> Source:
    return Source(path=path, rel=path.name, kind="text", sha256=hashlib.sha256(data).hexdigest(), data=data)


def _char_f1(pred: str, gold: str) -> float:
    from collections import Counter

    p, g = Counter(pred), Counter(gold)
    tp = sum((p & g).values())
    if not tp:
        return 0.0
    precision, recall = tp / sum(p.values()), tp / sum(g.values())
    return 2 * precision * recall / (precision + recall)


@pytest.fixture(scope="module")
def seed():
    data = SEED.read_bytes()
    return extract_article(_source(SEED, data)), json.loads(SEED_GOLD.read_text(encoding="utf-8"))


def test_seed_metadata(seed):
    article, gold = seed
    assert article.title == gold["title"]
    assert article.published == gold["published"]
    assert article.author == gold["author"]
    assert article.site_name == gold["site_name"]
    assert article.language == gold["language"]
    assert article.section == gold["section"]


def test_seed_blocks_are_the_gold_body_in_order(seed):
    article, gold = seed
    assert [b.text for b in article.blocks] == gold["body"]
    headings = [b.text for b in article.blocks if b.kind == "heading"]
    assert headings == gold["subheadings"]
    assert _char_f1(article.text, "\n\n".join(gold["body"])) >= 0.98


def test_seed_captions_are_not_blocks(seed):
    article, gold = seed
    assert list(article.captions) == gold["captions"]
    assert not any(b.text.startswith("▲") for b in article.blocks)


def test_seed_leaves_out_boilerplate(seed):
    article, gold = seed
    for snippet in gold["not_body_examples"]:
        assert snippet not in article.text
    for snippet in ("相關新聞", "熱門新聞", "版權所有", "記者張方瑀"):
        assert snippet not in article.text


@pytest.mark.parametrize(
    "text",
    ["", "\n\n\n", "x", "a" * 200_000, "\x00\x01\ufffd" * 5000, "• a\n" * 100_000, "   |   |   \n" * 1000],
)
def test_any_text_gives_an_extracted(text):
    doc = extract_dump(text)
    assert isinstance(doc.blocks, tuple)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_megabyte_line_of_prose_is_kept_whole(language):
    """An article saved on one line (a copy-paste that lost its breaks) is an article: all of it."""
    line = prose_line(1_000_000, language)
    doc = extract_dump("\n" + line + "\n")
    assert [b.text for b in doc.blocks] == [line]


@functools.lru_cache(maxsize=1)
def _junk_lines() -> dict[str, str]:
    import base64
    import random

    rng = random.Random(3)
    return {
        "base64": base64.b64encode(rng.randbytes(750_000)).decode(),
        "one-word": "word " * 210_000,
        "one-sentence": "The minister said the deal was signed. " * 26_000,
        "tag-cloud": re.sub(r"[.,]", "", prose_line(1_000_000)),
        "han-without-marks": re.sub("[，。]", "", prose_line(1_000_000, "zh")),
    }


@pytest.mark.parametrize("name", sorted(_junk_lines()))
def test_a_megabyte_line_of_junk_is_not_an_article(name):
    """No sentence marks for page after page, or the same words over and over: not prose."""
    assert extract_dump(_junk_lines()[name] + "\n").blocks == ()


def test_a_junk_line_after_an_article_leaves_it_as_it_was(seed):
    article, _ = seed
    data = SEED.read_text(encoding="utf-8") + "\n\n" + _junk_lines()["base64"] + "\n"
    assert extract_dump(data).blocks == article.blocks


BENCH_DEV = Path(__file__).resolve().parent / "fixtures" / "real"  # copied from the benchmark (README there)

# (page id, dump form, language, gold text that must be kept, page text that must be left out):
# news pages of five languages and many sites, both dumpers. The kept snippet comes from the
# middle of the gold article; the other from a menu, footer, notice or teaser of the same page.
DEV_CASES = [
    ('dn-ff956ce026af', 'dump-w3m', 'pl', 'ieczycieli ok. 35-40 mld', 'Tragiczny wypadek czy zamach? Oto cała p'),
    ('dn-b2138c0b117a', 'dump-lynx', 'el', 'οργανωτές έγραφαν στην πρ', 'Στη δικαστική αίθουσα, πάλι, ο Μουμπάρακ'),
    ('aeb-5fa3154ec031', 'dump-w3m', 'en', 'during a clash between pr', 'The authorities’ repression has only fue'),
    ('dn-f164d2c180e1', 'dump-lynx', 'pl', 'owy naszych pociech. Doda', 'Prawa autorskie do poszczególnych artyku'),
    ('dn-b5b6ed9b355b', 'dump-w3m', 'en', 'ecking every sample, with', 'Rotary Club of Accra Ring Road Central o'),
    ('dn-7c24ea1f4271', 'dump-lynx', 'zh', '象，以改革補償機制為切入點，積極探索人事、編制、分', '★超實用！人際教戰守則，隨時掌握職場風向球！★超神準！工作自我評量，專家保證信度'),
    ('dn-4a7cc3192329', 'dump-w3m', 'el', 'οι άλλες μισές έλαβαν ένα', 'Για να αποθηκεύσετε Νέα του Αγροτουρισμο'),
    ('dn-3868f9a920e6', 'dump-lynx', 'en', 'and excessive alcohol co', "What's the recipient's email address? (r"),
    ('dn-11ac003bb189', 'dump-w3m', 'en', 's about replacing a speci', 'This page is best viewed in an up-to-dat'),
    ('dn-7ba45c98f633', 'dump-lynx', 'en', 'ving an allergy diagnosis', "'The West Australian' is a trademark of"),
    ('dn-42f389d95f6d', 'dump-w3m', 'ru', 'При этом примерно в 40% с', 'Использование музыкальных произведений н'),
    ('dn-b41f51e1699a', 'dump-lynx', 'zh', '如此大波，还是赶巧了。因为不久前，韩寒发了三篇谈论', '• 您若对该稿件内容有任何疑问或质疑，请即与新民网联系，本网将迅速给您回应并做处'),
    ('dn-7c3b047ae678', 'dump-w3m', 'pl', 'ryzyko poważnych infekcj', 'W SERWISIE: Klonowanie, Komórki macierzy'),
    ('dn-d3112a324723', 'dump-lynx', 'zh', '合“加热均匀”标准。2011年12月29日，上海市', '网易首页-新闻-体育-娱乐-财经-汽车-科技-数码-手机-女人-游戏-论坛-视频'),
    ('dn-24d2793e8210', 'dump-w3m', 'ru', 'ека с идеей опасности, а', 'Свободное использование в Интернет-прост'),
    ('dn-0da8aef9415d', 'dump-lynx', 'zh', '面乳，甚至是你就是晚上的時候才洗臉。洗過臉之後我們', '#新唐人電視台ntdtv.com RSS 2 新唐人電視台ntdtv.com R'),
    ('dn-50e41f72faa6', 'dump-w3m', 'ru', 'ления доверия и пересмотр', '"Аэроэкспрессы" в Домодедово отменены из'),
    ('dn-39afff3b049f', 'dump-lynx', 'zh', '“专库储存、专柜销售、专人售货”要求，自觉做好各项', '・凡注明来源为"南海网"的所有文字、图片、音视频、美术设计和程序等作品，版权均属'),
    ('dn-f010ebf42fdd', 'dump-w3m', 'zh', '黎黎”刚到法国一年便患胰腺癌去世，“燕燕”独自在法', '凤凰新媒体介绍|投资者关系 Investor Relations|广告服务|诚征'),
    ('dn-21a451967de8', 'dump-lynx', 'el', 'τον ανθρώπινο οργανισμό,', 'ΚΥΠΡΟΣ [main_menu_sep.gif] ΠΟΛΙΤΙΚΗ [mai'),
]


@pytest.mark.parametrize("page_id, form, language, kept, dropped", DEV_CASES, ids=[c[0] + "-" + c[1] for c in DEV_CASES])
def test_dev_page_snippets(page_id, form, language, kept, dropped):
    path = BENCH_DEV / form / f"{page_id}.txt.gz"
    data = gzip.decompress(path.read_bytes())
    article = extract_article(_source(path, data))
    assert kept in article.text
    assert dropped not in article.text
    assert article.language.split("-")[0] == language


EN_BODY = ("Beijing on Thursday expanded its export controls on rare earth elements, adding five more elements and "
           "the technology used to refine them to a list that already covered seven, the ministry said.\n\n"
           "The move comes weeks before a planned meeting between the two countries' leaders, and analysts said it "
           "was meant to strengthen Beijing's hand in trade talks with Washington.\n\n"
           "Companies outside China that use Chinese rare earth technology will also need a licence to export "
           "products containing them, the ministry said, a reach that mirrors US rules on chips.\n\n"
           "The United States has been trying to build its own supply chain for the minerals, which are used in "
           "everything from electric vehicles to fighter jets.\n")
ZH_BODY = ("總統今日接受外國媒體專訪，針對臺美關係、國防、兩岸關係及半導體產業等議題回應提問，並強調臺灣將持續深化與各國的經貿夥伴關係。\n\n"
           "總統表示，臺灣希望在未來與各國加強軍工產業與科技的合作，也希望在人工智慧領域共同發展，迎接全面智慧化時代的到來。\n\n"
           "總統指出，臺灣過去四年對外的投資大幅增加，雙邊經貿關係越來越密切，希望各國支持與臺灣簽訂投資保障協定，促進經貿發展。\n\n"
           "總統最後感謝國際社會長期以來對臺灣的支持，並表示臺灣會堅定守護民主自由的體制，維護區域的和平與穩定。\n")


@pytest.mark.parametrize("head, title, published", [
    ("Home | World\n\nChina expands rare earth export controls ahead of summit\nBy Sarah Lee\nOctober 9, 2025\n\n",
     "China expands rare earth export controls ahead of summit", "2025-10-09"),
    ("Statements and Releases\n\nAUKUS Leaders’ Level Statement on rare earths\nApril 5, 2022\n\n",
     "AUKUS Leaders’ Level Statement on rare earths", "2022-04-05"),
])
def test_a_byline_or_dateline_under_the_headline_is_not_part_of_it(head, title, published):
    doc = extract_dump(head + EN_BODY)
    assert doc.title == title and doc.published == published


def test_a_dateline_above_the_headline_and_a_menu_of_ideographic_spaces():
    head = ("跳到主要內容\n中華民國總統府\n新聞與活動　總統與副總統　總統府　國家與政府\n\n總統府新聞\n\n"
            "115年02月12日\n總統接受外國媒體專訪內容\n\n")
    doc = extract_dump(head + ZH_BODY)
    assert doc.title == "總統接受外國媒體專訪內容"
    assert doc.published == "2026-02-12"  # the Republic of China calendar: 115 + 1911
