"""Bytes -> text, once, at the boundary: BOM, then a declared charset, then detection.

Detection is charset-normalizer's; a declared charset (HTML meta, MHTML part header) is trusted only
when the bytes decode cleanly with it, since saved pages are often mislabelled.
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


class UndecodableError(ValueError):
    pass


def sniff_declared(data: bytes) -> str | None:
    m = _META_RE.search(data[:_META_WINDOW])
    if not m:
        return None
    name = m.group(1).decode("ascii", "replace").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _strip_bom(data: bytes) -> tuple[bytes, str | None]:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom):], enc
    return data, None


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode saved-page bytes to str; raises UndecodableError for binary data."""
    body, bom_enc = _strip_bom(data)
    if bom_enc:
        return body.decode(bom_enc, errors="replace")
    for enc in (declared, sniff_declared(body), "utf-8"):
        if not enc:
            continue
        try:
            return body.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    best = from_bytes(body).best()
    if best is None:
        raise UndecodableError("not text in any known encoding")
    return str(best)
