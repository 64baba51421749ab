"""Reading a PDF's pages with poppler, as a reader would see them: the page images
(``pdftoppm``), the text of each page and of each line with its position (``pdftotext``), and
the outline (``pdftohtml -xml``).

The body block of a page is GB/T 9704's 版心: from 37 mm below the top edge to 35 mm above the
bottom edge (the footer with the page number lies below it).
"""

from __future__ import annotations

import html
import re
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

DPI = 40
MM = DPI / 25.4  # pixels per millimetre
BODY_TOP_MM, BODY_BOTTOM_MM = 37.0, 35.0
INK = 160  # a grey level darker than this is ink (text, rules, chart marks)
#: a number as written: digits with thousands commas, a decimal part, a sign, a percent sign
NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?%?")


def page_images(pdf: Path, out: Path, dpi: int = DPI) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(out / "p")], check=True)
    return sorted(out.glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1]))


def body_fill(image: Path) -> float:
    """How far down the body block the ink reaches: 0 for an empty block, 1 when the last ink
    row is at the bottom of the block."""
    grey = Image.open(image).convert("L")
    width, height = grey.size
    top = round(BODY_TOP_MM * MM)
    bottom = height - round(BODY_BOTTOM_MM * MM)
    block = grey.crop((0, top, width, bottom))
    pixels = block.load()
    last = -1
    for y in range(block.height):
        if any(pixels[x, y] < INK for x in range(block.width)):
            last = y
    return (last + 1) / block.height


def fills(pdf: Path) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        return [body_fill(p) for p in page_images(pdf, Path(tmp))]


def page_texts(pdf: Path) -> list[str]:
    """The text of every page (``pdftotext -layout``; pages end with a form feed)."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def compact(text: str) -> str:
    return "".join(text.split())


def outline(pdf: Path) -> list[tuple[str, int]]:
    """The PDF's bookmarks in order, as (title, page number)."""
    xml = subprocess.run(
        ["pdftohtml", "-xml", "-i", "-q", "-stdout", str(pdf)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [
        (html.unescape(title), int(page))
        for page, title in re.findall(r'<item page="(\d+)">([^<]*)</item>', xml)
    ]


def split_numbers(pdf_text: str, numbers: list[str]) -> list[str]:
    """The numbers (texts of numeric table cells) that do not appear whole on a line of the
    PDF's text as often as the tables hold them: a number broken over two lines ("1,87" / "6")
    is missing from every line."""
    tokens: dict[str, int] = {}
    for line in pdf_text.splitlines():
        for token in NUMBER.findall(line):
            tokens[token] = tokens.get(token, 0) + 1
    wanted: dict[str, int] = {}
    for n in numbers:
        wanted[n] = wanted.get(n, 0) + 1
    return sorted(n for n, count in wanted.items() if tokens.get(n, 0) < count)


def footer_centre_mm(image: Path, dpi: int) -> float | None:
    """The vertical centre (mm from the top edge) of the ink below the body block: the page
    number line, or None on a page without one."""
    grey = Image.open(image).convert("L")
    width, height = grey.size
    mm = dpi / 25.4
    pixels = grey.load()
    rows = [
        y
        for y in range(height - round(BODY_BOTTOM_MM * mm), height)
        if any(pixels[x, y] < INK for x in range(width))
    ]
    return (rows[0] + rows[-1]) / 2 / mm if rows else None
