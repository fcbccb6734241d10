"""The lead images the site serves (og:image): each article's, copied from the build cache's
images/ (where the record cache stored it, by the hash of its bytes) to the same name in _site/.

A name unchanged since the last build is the same bytes (the name is their hash), so it is kept
where it is (OutputFile data None); an image the cache no longer holds is dropped from its entry,
so no page ever points at a missing picture.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from generator.records import Entry, OutputFile


def image_files(entries: list[Entry], store: Path, output: Path, previous: list[str] | None
                ) -> tuple[list[Entry], list[OutputFile]]:
    """(the entries, each with an image only where one can be served; the image output files)."""
    kept = set(previous or ())
    files: dict[str, bytes | None] = {}
    out = []
    for e in entries:
        if e.image and e.image not in files:
            if e.image in kept and (output / e.image).is_file():
                files[e.image] = None
            elif (store / e.image).is_file():
                files[e.image] = (store / e.image).read_bytes()
            else:
                e = replace(e, image=None)
        out.append(e)
    return out, [OutputFile(path, data) for path, data in sorted(files.items())]
