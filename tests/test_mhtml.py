"""html_from_mhtml: MHTML archives built with the stdlib email package."""

from __future__ import annotations

from email.mime.base import MIMEBase
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email import charset as email_charset

import pytest

from generator.errors import SourceError
from generator.articles.extract.html import extract_html
from generator.articles.extract.mhtml import html_from_mhtml

BODY_HANT = "台灣的新聞報導說，明天北部地區會下大雨，氣象局提醒民眾出門記得攜帶雨具。" * 3
PAGE = (
    "<html><head><title>天氣預報 - 新聞網</title></head><body><article><h1>天氣預報</h1>"
    f"<p>{BODY_HANT}</p><p>第二段：氣溫將下降到十度以下，請注意保暖，避免感冒。</p></article></body></html>"
)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)


def build_mhtml(html: str, charset: str, transfer: str) -> bytes:
    root = MIMEMultipart("related", type="text/html")
    root["Snapshot-Content-Location"] = "https://news.example.org/weather"
    cs = email_charset.Charset(charset)
    cs.body_encoding = email_charset.QP if transfer == "quoted-printable" else email_charset.BASE64
    part = MIMEText("", "html")
    part.set_charset(cs)
    part.set_payload(html.encode(charset), cs)
    part["Content-Location"] = "https://news.example.org/weather"
    root.attach(part)
    image = MIMEImage(PNG, "png")
    image["Content-Location"] = "https://news.example.org/a.png"
    root.attach(image)
    return root.as_bytes()


@pytest.mark.parametrize("charset", ["utf-8", "big5"])
@pytest.mark.parametrize("transfer", ["quoted-printable", "base64"])
def test_round_trip(charset, transfer):
    data = build_mhtml(PAGE, charset, transfer)
    html = html_from_mhtml(data)
    assert BODY_HANT in html
    doc = extract_html(html)
    assert doc.title == "天氣預報"
    assert any(BODY_HANT in b.text for b in doc.blocks)


def test_picks_html_part_after_other_parts():
    root = MIMEMultipart("related")
    css = MIMEBase("text", "css")
    css.set_payload("body{color:red}")
    root.attach(css)
    root.attach(MIMEText("<html><body><p>Only page</p></body></html>", "html", "utf-8"))
    assert "Only page" in html_from_mhtml(root.as_bytes())


def test_no_html_part_is_a_source_error():
    root = MIMEMultipart("related")
    root.attach(MIMEImage(PNG, "png"))
    with pytest.raises(SourceError):
        html_from_mhtml(root.as_bytes())


def test_empty_is_a_source_error():
    with pytest.raises(SourceError):
        html_from_mhtml(b"")
