"""decode_bytes: BOM, UTF-8, declared and sniffed charsets, detection, mislabelled pages."""

from __future__ import annotations

import codecs
import os

import pytest

from generator.articles.extract.decode import UndecodableError, decode_bytes

ZH_HANT = "台灣的新聞報導說，明天北部地區會下大雨，氣象局提醒民眾出門記得攜帶雨具，注意交通安全。"
ZH_HANS = "新华社报道，明天北方地区将有大雨，气象部门提醒市民出门携带雨具，注意交通安全。"
JA = "気象庁によると、明日は関東地方で大雨が降る見込みです。外出の際は傘を持って行きましょう。"
KO = "기상청에 따르면 내일은 중부 지방에 많은 비가 내릴 예정입니다. 외출할 때 우산을 챙기세요."
FR = "Selon Météo-France, il pleuvra demain sur la région. N'oubliez pas votre parapluie à côté de l'église."
RU = "По данным синоптиков, завтра в Москве ожидается сильный дождь. Не забудьте взять зонт."


def page(text: str, charset: str | None = None) -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return f"<html><head>{meta}<title>t</title></head><body><p>{text}</p></body></html>"


@pytest.mark.parametrize(
    "text, encoding",
    [(ZH_HANT, "big5"), (ZH_HANS, "gb18030"), (ZH_HANS, "gb2312"), (JA, "shift_jis"),
     (KO, "euc-kr"), (FR, "cp1252"), (RU, "cp1251")],
)
def test_meta_charset(text, encoding):
    declared = {"gb2312": "gb2312"}.get(encoding, encoding)
    assert text in decode_bytes(page(text, declared).encode(encoding))


@pytest.mark.parametrize(
    "text, encoding",
    [(ZH_HANT, "big5"), (ZH_HANS, "gb18030"), (JA, "shift_jis"), (KO, "euc-kr"), (FR, "cp1252"),
     (RU, "cp1251")],
)
def test_detected_without_label(text, encoding):
    assert text in decode_bytes(page(text).encode(encoding))


@pytest.mark.parametrize("bom, encoding", [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                                           (codecs.BOM_UTF16_BE, "utf-16-be")])
def test_bom_wins(bom, encoding):
    data = bom + page(ZH_HANT, "big5").encode(encoding)
    out = decode_bytes(data)
    assert ZH_HANT in out
    assert not out.startswith("\ufeff")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(encoding):
    assert FR in decode_bytes(page(FR).encode(encoding))


def test_big5_bytes_labelled_utf8():
    assert ZH_HANT in decode_bytes(page(ZH_HANT, "utf-8").encode("big5"))


def test_utf8_bytes_labelled_big5():
    assert ZH_HANT in decode_bytes(page(ZH_HANT, "big5").encode("utf-8"))


def test_declared_argument_is_used_and_checked():
    assert JA in decode_bytes(JA.encode("shift_jis"), declared="shift_jis")
    assert ZH_HANT in decode_bytes(ZH_HANT.encode("utf-8"), declared="big5")
    assert ZH_HANS in decode_bytes(ZH_HANS.encode("gb18030"), declared="no-such-charset")


def test_binary_data_is_refused():
    data = bytes(range(256)) * 4 + os.urandom(4000)
    with pytest.raises(UndecodableError):
        decode_bytes(data)


def test_undecodable_is_a_value_error():
    assert issubclass(UndecodableError, ValueError)


def test_gbk_page_stored_as_windows_1252_mojibake_is_repaired():
    html = page(ZH_HANS * 4, "gbk").encode("gbk").decode("iso8859-15", errors="ignore")
    assert ZH_HANS not in html
    assert ZH_HANS in decode_bytes(html.encode("utf-8"))


def test_french_utf8_labelled_gbk_is_left_alone():
    assert FR in decode_bytes(page(FR * 3, "gbk").encode("utf-8"))
