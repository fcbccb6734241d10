"""OPML 2.0 both ways: the site's feeds.opml, and a reader's OPML -> [[sources]] entries.

feeds.opml lists every feed the site publishes, site-wide and per topic, RSS and Atom, under the
names and addresses generator/feed.py gives them (`<base_url>feed.xml`, `atom.xml`,
`topics/<slug>/feed.xml`, `topics/<slug>/atom.xml`), as absolute ASCII URIs, so a feed reader
subscribes to all topics in one import. The RSS and Atom outlines sit in one folder each: a reader
takes one folder (most want only one format of each feed). No dateCreated: the same site gives the
same bytes (OPML 2.0 makes every head element optional).

Reading OPML: every outline with an http(s) xmlUrl, wherever it is nested; a file declaring
entities is refused (libxml2 expands internal ones in attributes even when told not to resolve
entities) and the parser reaches no network (an OPML file is someone else's XML).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from lxml import etree

from generator.urls import ascii_uri, http_url
from generator.ingest.sources import DEFAULT_DELAY, DEFAULT_LIMIT


def _feed_outline(parent: ET.Element, text: str, xml_url: str, html_url: str, kind: str) -> None:
    attrs = {"text": text, "title": text, "type": "rss", "xmlUrl": ascii_uri(xml_url), "htmlUrl": ascii_uri(html_url)}
    if kind == "rss":
        attrs["version"] = "RSS"  # OPML 2.0: "RSS" for RSS 0.9x and 2.0
    ET.SubElement(parent, "outline", attrs)


def site_opml(config, topic_views: list[dict]) -> bytes:
    """feeds.opml: the site's RSS and Atom feeds, site-wide and per topic (render.topic_views)."""
    root = ET.Element("opml", {"version": "2.0"})
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = config.title
    if config.author:
        ET.SubElement(head, "ownerName").text = config.author
    ET.SubElement(head, "docs").text = "http://opml.org/spec2.opml"
    body = ET.SubElement(root, "body")
    base = config.base_url
    targets = [("", config.title)] + [(f"topics/{t['slug']}/", f"{t['name']} · {config.title}") for t in topic_views]
    for kind, name, label in (("rss", "feed.xml", "RSS"), ("atom", "atom.xml", "Atom")):
        folder = ET.SubElement(body, "outline", {"text": f"{config.title} ({label})"})
        for path, title in targets:
            _feed_outline(folder, title, f"{base}{path}{name}", f"{base}{path}", kind)
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


@dataclass(frozen=True)
class Subscription:
    name: str
    feed: str


class OpmlError(ValueError):
    pass


def read_opml(data: bytes) -> list[Subscription]:
    """Every outline with an http(s) xmlUrl, in document order, each feed once."""
    if b"<!entity" in data.lower():  # an entity bomb, or a file reference: no reader writes these
        raise OpmlError("declares XML entities: not read")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise OpmlError(f"not XML ({exc})") from None
    if root.tag != "opml":
        raise OpmlError(f"not OPML (the root element is <{root.tag}>)")
    found, seen = [], set()
    for outline in root.iter("outline"):
        feed = http_url(outline.get("xmlUrl") or outline.get("xmlurl") or "")
        if not feed or feed in seen:
            continue
        seen.add(feed)
        name = " ".join((outline.get("title") or outline.get("text") or feed).split())
        found.append(Subscription(name, feed))
    return found


def _toml_string(value: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's (\\" \\\\ \\n \\uXXXX), bar "\\/" which
    json.dumps never writes."""
    return json.dumps(value, ensure_ascii=False)


def sources_toml(subscriptions: list[Subscription]) -> str:
    """[[sources]] tables for site.toml, with the defaults written out so they can be edited."""
    blocks = []
    for s in subscriptions:
        blocks.append("\n".join([
            "[[sources]]",
            f"name = {_toml_string(s.name)}",
            f"feed = {_toml_string(s.feed)}",
            'save = "topics"',
            f"limit = {DEFAULT_LIMIT}",
            f"delay = {DEFAULT_DELAY:g}",
        ]))
    return "\n\n".join(blocks) + ("\n" if blocks else "")
