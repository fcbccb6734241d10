"""The lead image a saved page carries with it, for the article's link preview (og:image).

Only an image the saved file holds is used, never a remote address (a preview must not hot-link
the outlet, nor reveal a reader to it): SingleFile embeds images as data: URIs, MHTML carries them
as parts of the archive, and Chrome's "Webpage, Complete" puts them in a `<name>_files/` folder
beside the page. The candidates are the page's own og:image / twitter:image, then its <img>s in
order; the first that resolves to a picture of a preview's size wins.

An image is hostile input too: it is decoded by Pillow with a cap on its pixels (no decompression
bomb), must be JPEG, PNG, WebP or GIF, and comes out re-encoded as a plain JPEG (at most 1200 px
wide, no metadata: no EXIF, no location, no embedded profile or script), which is all the site
ever serves.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Larger than any photo a news page leads with; above it an image is refused before decoding.
MAX_PIXELS = 40_000_000
MAX_BYTES = 10 * 1024 * 1024
# Smaller than this is an icon, a logo or a tracking pixel, not a lead photo.
MIN_WIDTH, MIN_HEIGHT = 300, 150
# What previews show (Open Graph's recommended 1200 px wide); the rest is bytes nobody sees.
MAX_SIDE = 1200
JPEG_QUALITY = 82
CANDIDATES = 20  # <img>s looked at, at most: the lead image is near the top
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")

_META_RE = re.compile(r"<meta\b[^>]*?(?:property|name)\s*=\s*[\"'](?:og:image|twitter:image)(?::src)?[\"'][^>]*>", re.I)
_CONTENT_RE = re.compile(r"\bcontent\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.I)
_IMG_RE = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.I)
_DATA_RE = re.compile(r"data:image/[\w.+-]+;base64,(.*)", re.I | re.S)


def _candidates(html: str) -> list[str]:
    found = []
    for m in _META_RE.finditer(html):
        c = _CONTENT_RE.search(m.group(0))
        if c:
            found.append(c.group(1) or c.group(2) or "")
    for i, m in enumerate(_IMG_RE.finditer(html)):
        if i >= CANDIDATES:
            break
        found.append(m.group(1) or m.group(2) or "")
    return [c.strip() for c in found if c.strip()]


def _local_file(ref: str, folder: Path) -> bytes | None:
    """A relative reference to a file beside the saved page (its `_files/` folder), never outside it."""
    parts = urlsplit(ref)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = (folder / unquote(parts.path)).resolve()
    if folder.resolve() not in path.parents or not path.is_file() or path.stat().st_size > MAX_BYTES:
        return None
    return path.read_bytes()


def _resolve(ref: str, parts: dict[str, bytes], folder: Path | None) -> bytes | None:
    m = _DATA_RE.match(ref)
    if m:
        try:
            return base64.b64decode(re.sub(r"\s+", "", m.group(1)), validate=True)
        except (binascii.Error, ValueError):
            return None
    if ref in parts:
        return parts[ref]
    return _local_file(ref, folder) if folder is not None else None


def prepare_image(data: bytes) -> bytes | None:
    """The picture re-encoded as a metadata-free JPEG of at most MAX_SIDE px, or None when it is
    not a picture of a preview's size (or not a picture at all)."""
    from PIL import Image, ImageOps

    if not data or len(data) > MAX_BYTES:
        return None
    try:
        with Image.open(io.BytesIO(data)) as im:
            width, height = im.size
            if im.format not in FORMATS or width * height > MAX_PIXELS or width < MIN_WIDTH or height < MIN_HEIGHT:
                return None
            im.seek(0)
            picture = ImageOps.exif_transpose(im).convert("RGB")  # turned as shown, then its metadata left behind
        picture.thumbnail((MAX_SIDE, MAX_SIDE))
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
        return out.getvalue()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, EOFError):
        return None


def lead_image(html: str, parts: dict[str, bytes] | None = None, folder: Path | None = None) -> str | None:
    """The page's lead image as a data URI of its prepared JPEG (the pipeline stores it and keeps its
    name), or None when the saved file holds none."""
    parts = parts or {}
    for ref in _candidates(html):
        data = _resolve(ref, parts, folder)
        prepared = prepare_image(data) if data else None
        if prepared:
            return "data:image/jpeg;base64," + base64.b64encode(prepared).decode("ascii")
    return None
