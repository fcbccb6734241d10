"""Getting articles in: `digest add`, `digest import`, `digest collect`, and the site's feeds.opml.

    sources.py   [[sources]] in site.toml -> FeedSource records (config.py imports it)
    fetch.py     one page over HTTP(S), with every limit; one line per failure
    page.py      fetched bytes -> the file a browser would have saved, and what the reader makes of it
    library.py   what content/articles already holds (addresses, near-duplicate signatures); writes
    add.py       URLs -> saved pages, bounded concurrency, one connection per host
    imports/     read-later and bookmark exports -> Entry records; entries with text -> markdown
    collect.py   [[sources]] feeds -> new entries on a topic, saved; conditional GET state
    opml.py      the site's feeds.opml; a reader's OPML -> [[sources]]
    command.py   the `add`, `import`, `collect` and `sources` subcommands

Nothing here renders JavaScript, gets round a paywall or opens any address but http(s).
"""
