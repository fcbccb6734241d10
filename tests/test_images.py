"""Lead images for link previews: only what the saved file holds, re-encoded, never hot-linked."""

from __future__ import annotations

import base64
import io
import re
import struct
import zlib

from PIL import Image

from generator.articles.extract.images import lead_image, prepare_image


def jpeg(width=640, height=360, exif=False) -> bytes:
    im = Image.new("RGB", (width, height), (200, 80, 40))
    out = io.BytesIO()
    kwargs = {}
    if exif:
        info = Image.Exif()
        info[0x010F] = "Secret Camera Maker"  # Make
        info[0x0131] = "tracking-software"  # Software
        kwargs["exif"] = info.tobytes()
    im.save(out, "JPEG", **kwargs)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a size (a decompression bomb's header) with a tiny body."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 10)) + chunk(b"IEND", b""))


def test_an_image_is_re_encoded_without_its_metadata_and_capped_in_size():
    out = prepare_image(jpeg(2400, 1600, exif=True))
    with Image.open(io.BytesIO(out)) as im:
        assert im.format == "JPEG" and max(im.size) == 1200
        assert not im.getexif() and b"Secret Camera" not in out and b"tracking-software" not in out


def test_icons_bombs_and_non_images_are_refused():
    assert prepare_image(jpeg(64, 64)) is None  # an icon, not a lead photo
    assert prepare_image(png_claiming(100_000, 100_000)) is None  # refused before decoding
    assert prepare_image(b"<svg onload=alert(1)></svg>") is None
    assert prepare_image(b"\xff\xd8\xff\xe0 truncated") is None


def test_singlefile_data_uris_mhtml_parts_and_files_folders_are_found(tmp_path):
    data = jpeg()
    uri = "data:image/jpeg;base64," + base64.b64encode(data).decode()
    assert lead_image(f'<html><body><img src="{uri}"></body></html>').startswith("data:image/jpeg;base64,")
    html = '<meta property="og:image" content="https://cdn.example.com/lead.jpg"><img src="https://cdn.example.com/x.jpg">'
    assert lead_image(html) is None  # only remote addresses: never fetched, never hot-linked
    assert lead_image(html, {"https://cdn.example.com/lead.jpg": data}) is not None  # an MHTML part
    (tmp_path / "page_files").mkdir()
    (tmp_path / "page_files" / "lead.jpg").write_bytes(data)
    assert lead_image('<img src="./page_files/lead.jpg">', folder=tmp_path) is not None
    (tmp_path.parent / "secret.jpg").write_bytes(data)
    assert lead_image('<img src="../secret.jpg">', folder=tmp_path) is None  # never outside the page's folder


def test_a_page_with_its_lead_image_previews_it_from_the_site(site):
    data = jpeg()
    uri = "data:image/jpeg;base64," + base64.b64encode(data).decode()
    body = "".join(f"<p>{s}</p>" for s in [
        "Australia will host rotations of US nuclear-powered submarines at a base near Perth, officials said.",
        "Australian sailors will train aboard the boats before the country receives its own submarines.",
        "The Australian navy said maintenance crews would be trained at the base from next year on."])
    site.add("with-image.html", f'<html><!--\n Page saved with SingleFile \n url: https://example.com/a \n-->'
                                f'<head><title>Submarines to rotate through Perth</title></head><body><article>'
                                f'<h1>Submarines to rotate through Perth</h1><img src="{uri}">{body}</article></body></html>')
    site.add("without.md", "---\ntitle: Rare earths\n---\n\n" + "China limits rare earth exports, officials said. " * 8)
    site.build()
    files = site.files()
    images = [p for p in files if p.startswith("images/")]
    assert len(images) == 1 and Image.open(io.BytesIO(files[images[0]])).format == "JPEG"
    pages = {p: d.decode("utf-8") for p, d in files.items() if p.startswith("articles/")}
    with_image = next(h for h in pages.values() if "Perth" in h)
    assert f'<meta property="og:image" content="https://example.github.io/digest/{images[0]}">' in with_image
    assert 'content="summary_large_image"' in with_image
    assert "base64" not in with_image and "example.com/a.jpg" not in with_image
    other = next(h for h in pages.values() if "Rare earths" in h)
    assert re.search(r'og:image" content="https://example.github.io/digest/assets/card.png"', other)
    assert 'content="summary"' in other
    # the next build keeps the image where it is
    site.build()
    assert site.files()[images[0]] == files[images[0]]


def test_a_summary_edited_to_point_the_preview_elsewhere_is_ignored():
    from generator.site.summaries import _image

    assert _image("images/" + "0" * 32 + ".jpg") == "images/" + "0" * 32 + ".jpg"
    for value in ("https://tracker.example/pixel.jpg", "../../.digest-cache/state.json", "images/x.svg", 3):
        assert _image(value) is None
