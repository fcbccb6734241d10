"""Netscape bookmarks HTML: what Chrome, Firefox, Safari and Edge export, and Pinboard, Raindrop,
Karakeep and others write.

    <!DOCTYPE NETSCAPE-Bookmark-file-1>
    <DL><p>
        <DT><H3 ADD_DATE="…">Folder</H3>
        <DL><p>
            <DT><A HREF="https://…" ADD_DATE="1234567890" TAGS="a,b">Title</A>
            <DD>a description
        </DL><p>
    </DL><p>

ADD_DATE is seconds since 1970 (when the bookmark was made); TAGS is comma-separated (Firefox,
Pinboard, Karakeep). Folders are kept as tags, as a person sorts reading by subject into them;
the browsers' own top folders ("Bookmarks bar", "Other bookmarks") say nothing and are left out.
Shapes from Karakeep's parseNetscapeBookmarkFile tests (packages/shared/import-export/) and
Wallabag's chrome-bookmarks and firefox fixtures. Only http(s) bookmarks are kept.
"""

from __future__ import annotations

from lxml import etree, html as lxml_html

from generator.ingest.imports import Entry, ExportError, clean_tags, clean_url, from_unix

# Browser-made top folders: where a bookmark is, not what it is about.
_BROWSER_FOLDERS = frozenset({"bookmarks bar", "bookmarks toolbar", "other bookmarks", "bookmarks menu",
                              "mobile bookmarks", "favorites bar", "favourites bar", "bookmarks", "unsorted bookmarks",
                              "imported", "toolbar", "menu", "unfiled"})


def read(text: str) -> list[Entry]:
    try:
        root = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise ExportError(f"unreadable bookmarks file ({exc})") from None
    entries: list[Entry] = []
    for anchor in root.iter("a"):
        url = clean_url(anchor.get("href"))
        if url is None:
            continue
        tags = [t for t in (anchor.get("tags") or "").split(",")] + _folders(anchor)
        entries.append(Entry(title=" ".join(anchor.text_content().split()), url=url,
                             saved=from_unix(anchor.get("add_date")), tags=clean_tags(tags)))
    return entries


def _folders(anchor) -> list[str]:
    """The names of the folders (<DT><H3>) the bookmark is in, outermost first."""
    names = []
    node = anchor.getparent()
    while node is not None:
        if node.tag == "dl":
            # A folder's <h3> is the element just before its <dl> in document order (a folder's
            # own <dd> description and the <p> of "<DL><p>" aside); where the parser put it (in
            # the <dt> before, nested in another <dt>, or a sibling) does not matter.
            before = node.xpath("preceding::*[not(self::p) and not(self::dd)][1]")
            if before and before[0].tag == "h3":
                name = " ".join(before[0].text_content().split())
                if name and name.casefold() not in _BROWSER_FOLDERS:
                    names.append(name)
        node = node.getparent()
    return names[::-1]
