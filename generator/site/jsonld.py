"""Structured data (schema.org JSON-LD) for pages shared in chats and read by search engines:
NewsArticle on an article's page, CollectionPage (an ItemList of its articles) on a topic's.

Only what is known is said: no datePublished for an undated article, no author where none was
found, the original's address only when the saved page recorded it. Every address is an ASCII URI.
The JSON is written into a <script type="application/ld+json"> data block (never run; the CSP
allows no inline script anyway) with "<", ">" and "&" escaped, so a headline can never close it.
"""

from __future__ import annotations

import json

from generator.dates import instant
from generator.records import Entry
from generator.urls import ascii_uri, http_url


def _dump(data: dict) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def article_data(entry: Entry, page_url: str, description: str, image: str | None = None) -> str:
    """NewsArticle: the article the page summarises (headline, dates, author, publisher = outlet)."""
    data: dict = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": entry.title[:110],
                  "inLanguage": entry.language, "mainEntityOfPage": page_url}
    if description:
        data["description"] = description
    published = instant(entry.published)
    if published:
        data["datePublished"] = entry.published if "T" in entry.published else published.date().isoformat()
    if entry.author:
        data["author"] = [{"@type": "Person", "name": name.strip()} for name in entry.author.split(",") if name.strip()]
    if entry.outlet:
        data["publisher"] = {"@type": "Organization", "name": entry.outlet}
    if http_url(entry.url):
        data["url"] = ascii_uri(entry.url)
    if image:
        data["image"] = [image]
    if entry.tags:
        data["keywords"] = list(entry.tags)
    return _dump(data)


def collection_data(name: str, description: str, page_url: str, article_urls: list[str], language: str) -> str:
    """CollectionPage of a topic: its articles as an ItemList, in the page's order."""
    items = [{"@type": "ListItem", "position": i, "url": url} for i, url in enumerate(article_urls, start=1)]
    data = {"@context": "https://schema.org", "@type": "CollectionPage", "name": name, "url": page_url,
            "inLanguage": language, "mainEntity": {"@type": "ItemList", "itemListElement": items}}
    if description:
        data["description"] = description
    return _dump(data)
