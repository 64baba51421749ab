"""The bookmarks (outline) of a PDF that LibreOffice wrote: each heading's text and page.

The PDF route writes a contents page whose page numbers must be those of the PDF itself.
LibreOffice exports the Word headings as the PDF's outline; reading it back gives every
heading's page without a PDF library. LibreOffice writes plain (uncompressed) object
dictionaries: ``/Outlines`` → items linked by ``/First`` and ``/Next``, each with
``/Title<FEFF…>`` (UTF-16BE hex) and ``/Dest[<page> 0 R …]``; the page tree's ``/Kids`` give the
pages' order. Anything else (an object stream, a missing outline) gives an empty list, and the
contents page then lists the headings without page numbers.
"""

from __future__ import annotations

import re
from pathlib import Path

OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)


def _objects(data: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(2) for m in OBJECT.finditer(data)}


def _ref(body: bytes, key: bytes) -> int | None:
    m = re.search(rb"/" + key + rb"\s+(\d+) 0 R", body)
    return int(m.group(1)) if m else None


def _title(body: bytes) -> str | None:
    m = re.search(rb"/Title\s*<([0-9A-Fa-f\s]*)>", body)
    if m:
        raw = bytes.fromhex(m.group(1).decode("ascii"))
        if raw.startswith(b"\xfe\xff"):
            return raw[2:].decode("utf-16-be")
        return raw.decode("latin-1")
    m = re.search(rb"/Title\s*\((.*?)(?<!\\)\)", body, re.S)
    return m.group(1).decode("latin-1") if m else None


def _pages(objects: dict[int, bytes], node: int, out: list[int]) -> None:
    body = objects.get(node, b"")
    kids = re.search(rb"/Kids\s*\[([^\]]*)\]", body)
    if kids is None or b"/Type/Pages" not in body.replace(b" ", b""):
        out.append(node)
        return
    for ref in re.findall(rb"(\d+) 0 R", kids.group(1)):
        _pages(objects, int(ref), out)


def outline(pdf: Path | bytes) -> list[tuple[int, str, int]]:
    """``(depth, title, page number)`` of every bookmark in reading order (depth 1 = top)."""
    data = pdf if isinstance(pdf, bytes) else Path(pdf).read_bytes()
    objects = _objects(data)
    catalog = next((b for b in objects.values() if re.search(rb"/Type\s*/Catalog", b)), None)
    if catalog is None:
        return []
    root, first = _ref(catalog, b"Pages"), _ref(catalog, b"Outlines")
    if root is None or first is None:
        return []
    pages: list[int] = []
    _pages(objects, root, pages)
    number = {obj: i + 1 for i, obj in enumerate(pages)}
    out: list[tuple[int, str, int]] = []

    def walk(item: int | None, depth: int) -> None:
        seen = 0
        while item is not None and item in objects and seen < 10_000:
            body = objects[item]
            title = _title(body)
            dest = re.search(rb"/Dest\s*\[\s*(\d+) 0 R", body)
            if title is not None and dest is not None and int(dest.group(1)) in number:
                out.append((depth, title, number[int(dest.group(1))]))
            walk(_ref(body, b"First"), depth + 1)
            item, seen = _ref(body, b"Next"), seen + 1

    walk(_ref(objects.get(first, b""), b"First"), 1)
    return out
