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


# Mojibake: CJK or UTF-8 bytes read as windows-1252 give runs of Latin-1 letters and cp1252
# symbols; French or German never put four accented letters in a row.  Forty characters in such
# runs in the first 200,000 is a paragraph of it; pages converted twice exist, hence two rounds.
_MOJIBAKE_RUN_RE = re.compile("[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]{4,}")
_MOJIBAKE_SAMPLE = 200_000
_MOJIBAKE_MIN_RUNS = 40
# The common core of each superset: a right re-reading uses common characters, a wrong one the
# rare ones at the edges of the code space.
_NARROW = {"gb18030": "gb2312", "cp950": "big5", "cp932": "shift_jis", "cp949": "euc_kr"}
_MOJIBAKE_ROUNDS = 2


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
            return repair_mojibake(text, sniff_declared(body) or _canonical(declared))
    return _detect(body)


def _mojibake_runs(text: str) -> int:
    """Characters in runs of four or more windows-1252 letters and symbols."""
    return sum(map(len, _MOJIBAKE_RUN_RE.findall(text, 0, _MOJIBAKE_SAMPLE)))


def repair_mojibake(text: str, legacy: str | None) -> str:
    """Undo a page stored after being decoded with the wrong 8-bit charset (once or twice).

    The signature is runs of four or more windows-1252 letters and symbols ("ÒâžéÇ³ÓÎ"), which
    no real language writes.  Each round re-encodes as windows-1252 and decodes as UTF-8 or the
    page's declared legacy charset, and is kept only if it halves the run characters.
    """
    for _ in range(_MOJIBAKE_ROUNDS):
        runs = _mojibake_runs(text)
        if runs < _MOJIBAKE_MIN_RUNS:
            break
        repaired = _repair_once(text, legacy, runs)
        if repaired is None:
            break
        text = repaired
    return text


def _byte_fallback(err: UnicodeEncodeError) -> tuple[bytes, int]:
    """windows-1252 leaves 0x81, 0x8D, 0x8F, 0x90, 0x9D undefined: decoders pass them through."""
    chunk = err.object[err.start:err.end]
    if all(ord(ch) < 256 for ch in chunk):
        return chunk.encode("latin-1"), err.end
    raise err


codecs.register_error("digest-byte-fallback", _byte_fallback)


def _repair_once(text: str, legacy: str | None, runs: int) -> str | None:
    """The best re-reading: windows-1252 or Latin-9 bytes decoded as UTF-8 or the legacy charset."""
    best, best_key = None, None
    for eight_bit in ("cp1252", "iso8859-15"):
        try:
            raw = text.encode(eight_bit, errors="digest-byte-fallback")
        except UnicodeEncodeError:
            continue
        for target in ("utf-8", legacy):
            if target in (None, "cp1252", "iso8859-15"):
                continue
            fixed = _try(raw, target)
            if fixed is None or _mojibake_runs(fixed) >= runs / 2:
                continue
            key = (_mojibake_runs(fixed), -_common_chars(fixed, target))
            if best_key is None or key < best_key:
                best, best_key = fixed, key
    return best


def _common_chars(text: str, charset: str) -> int:
    """How much of the text the charset's common core covers (GB2312 inside GB18030, ...)."""
    narrow = _NARROW.get(charset, charset)
    sample = text[:_MOJIBAKE_SAMPLE]
    return len(sample.encode(narrow, errors="ignore")) if narrow != "utf-8" else len(sample)


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
