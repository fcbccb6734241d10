"""Bytes -> text, once, at the boundary: BOM, UTF-8, then a declared charset, then detection.

Detection is charset-normalizer's; a declared charset (HTML meta, MHTML part header) is trusted only
when the bytes decode cleanly with it, since saved pages are often mislabelled.  Bytes that are
valid UTF-8 and not plain ASCII are taken as UTF-8 whatever the label says: legacy CJK encodings
almost never form valid UTF-8 by accident, while "Save page as" re-encodes to UTF-8 and keeps the
old label.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# A <meta charset> must sit in the first 1024 bytes by the HTML spec; pages saved by browsers
# sometimes push it further down, so look a little further.
_META_WINDOW = 4096
_META_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# Labels decoded with the superset browsers use (WHATWG Encoding), so a page labelled GB2312
# that uses a GBK character still decodes.
_SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "big5": "cp950", "shift_jis": "cp932",
    "euc_kr": "cp949", "latin-1": "cp1252", "iso8859-1": "cp1252", "ascii": "cp1252",
}
# Sample size for the UTF-16-without-BOM test: ASCII-range text in UTF-16 has a NUL in every
# other byte; a third of the pairs is far above anything an 8-bit encoding produces.
_UTF16_SAMPLE = 4096
_UTF16_NUL_SHARE = 0.3


# Among near-equal guesses, the encodings the web actually used (WHATWG's locale defaults), so a
# short French page reads as windows-1252 rather than as a Mac or Baltic code page.
_WEB_DEFAULTS = ("cp1252", "gb18030", "big5", "cp950", "shift_jis", "cp932", "euc_jp", "euc_kr",
                 "cp949", "cp1251", "koi8_r", "cp1253", "iso8859_7", "cp1250", "cp1254")
# charset-normalizer's "chaos" is the share of odd characters; two guesses within 0.08 of each
# other are equally plausible (measured: French cp1252 vs mac_latin2 differ by 0.06).
_CHAOS_MARGIN = 0.08


class UndecodableError(ValueError):
    pass


def _canonical(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    return _SUPERSETS.get(codec, codec)


def sniff_declared(data: bytes) -> str | None:
    m = _META_RE.search(data[:_META_WINDOW])
    if not m:
        return None
    return _canonical(m.group(1).decode("ascii", "replace"))


def _strip_bom(data: bytes) -> tuple[bytes, str | None]:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom):], enc
    return data, None


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:_UTF16_SAMPLE]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even = sample[0::2].count(0) / pairs
    odd = sample[1::2].count(0) / pairs
    if odd > _UTF16_NUL_SHARE and even < 0.05:
        return "utf-16-le"
    if even > _UTF16_NUL_SHARE and odd < 0.05:
        return "utf-16-be"
    return None


def _try(data: bytes, enc: str | None) -> str | None:
    if not enc:
        return None
    try:
        return data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode saved-page bytes to str; raises UndecodableError for binary data."""
    body, bom_enc = _strip_bom(data)
    if bom_enc:
        return body.decode(bom_enc, errors="replace")
    wide = _utf16_without_bom(body)
    if wide:
        return body.decode(wide, errors="replace")
    for enc in ("utf-8", _canonical(declared), sniff_declared(body)):
        text = _try(body, enc)
        if text is not None and (enc != "utf-8" or "\x00" not in text):
            return text
    return _detect(body)


def _detect(body: bytes) -> str:
    matches = list(from_bytes(body))
    if not matches:
        raise UndecodableError("not text in any known encoding")
    floor = min(m.chaos for m in matches)
    for preferred in _WEB_DEFAULTS:
        for m in matches:
            if m.encoding == preferred and m.chaos <= floor + _CHAOS_MARGIN:
                return str(m)
    return str(matches[0])
