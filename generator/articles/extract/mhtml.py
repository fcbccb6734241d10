"""MHTML (.mhtml / .mht, "Save page as: single file") -> the decoded HTML of its main page.

An MHTML file is a MIME multipart/related message: the first text/html part (or the part named
by the root's `start` parameter) is the page; the others are images and stylesheets.  The stdlib
email package undoes quoted-printable and base64; decode.py then applies the part's charset.
Chrome (Blink) writes what the save was in the root's headers: `Snapshot-Content-Location` (the
page's address), `Date` (when it was saved) and `Subject` (its title); the page part carries its
own `Content-Location`.
"""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from email.message import Message

from generator.errors import SourceError
from generator.articles.extract.decode import decode_bytes
from generator.urls import http_url
from generator.articles.extract.saved import SaveRecord


class NotMhtmlError(SourceError):
    def __init__(self, reason: str):
        super().__init__("<mhtml>", reason)


def _html_parts(msg: Message) -> list[Message]:
    return [p for p in msg.walk() if p.get_content_type() == "text/html"]


def _start_part(msg: Message, parts: list[Message]) -> Message | None:
    start = msg.get_param("start")
    if isinstance(start, str):
        for part in parts:
            if part.get("Content-ID", "").strip() == start.strip():
                return part
    return parts[0] if parts else None


def html_from_mhtml(data: bytes) -> str:
    """The main HTML document of an MHTML archive; raises NotMhtmlError when there is none."""
    return read_mhtml(data).html


@dataclass(frozen=True)
class MhtmlPage:
    html: str  # the main document, decoded
    record: SaveRecord  # what the archive's headers say of the save
    images: dict[str, bytes]  # the archive's images by Content-Location (what <img src>, og:image name)


def _save_record(msg: Message, part: Message) -> SaveRecord:
    from generator.dates import parse_date

    url = http_url(msg.get("Snapshot-Content-Location")) or http_url(part.get("Content-Location"))
    return SaveRecord(url, parse_date(msg.get("Date")) if msg is not part else None)


# Images kept from one archive, at most: the lead image is among the first.
MAX_IMAGES = 50


def _image_parts(msg: Message, limit: int = MAX_IMAGES) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for part in msg.walk():
        if part.get_content_maintype() == "image" and part.get("Content-Location") and len(found) < limit:
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                found.setdefault(part.get("Content-Location").strip(), payload)
    return found


def read_mhtml(data: bytes) -> MhtmlPage:
    """The main HTML document, the record of the save and the images of an archive, parsed once;
    raises NotMhtmlError when there is no HTML document."""
    if not data or not data.strip():
        raise NotMhtmlError("empty file")
    msg = email.message_from_bytes(data.replace(b"\x00", b""), policy=email.policy.compat32)
    part = _start_part(msg, _html_parts(msg))
    if part is None:
        if not msg.is_multipart() and msg.get_content_type() in ("text/plain", "text/html"):
            part = msg  # a bare HTML body with a few headers
        else:
            raise NotMhtmlError("no text/html part in the archive")
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        raise NotMhtmlError("text/html part has no content")
    return MhtmlPage(decode_bytes(payload, declared=part.get_content_charset()), _save_record(msg, part),
                     _image_parts(msg))
