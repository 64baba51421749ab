"""Fixtures of the report tests: the small demo city (read only, once per module), helpers to
read generated files, and the tools the PDF tests need.

PDF tests need LibreOffice (``soffice``, Debian ``libreoffice-writer-nogui``) and poppler
(``pdftoppm``/``pdftotext``/``pdffonts``, ``poppler-utils``). They are marked ``office``;
without the tools they are skipped with the reason, unless GAODI_REQUIRE_BROWSER=1 (CI), which
turns a missing tool into a failure.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from gaodi.db import make_engine

CJK = re.compile(r"[\u3400-\u9fff]")
TOOLS = {
    "soffice": "libreoffice-writer-nogui",
    "pdftoppm": "poppler-utils",
    "pdftotext": "poppler-utils",
    "pdffonts": "poppler-utils",
    "pdftohtml": "poppler-utils",
    "pdfinfo": "poppler-utils",
}


def require_tools(*names: str) -> None:
    missing = [f"{n} ({TOOLS.get(n, n)})" for n in names if shutil.which(n) is None]
    if not missing:
        return
    reason = (
        "missing: "
        + ", ".join(missing)
        + " — apt-get install "
        + " ".join(sorted({TOOLS.get(n, n) for n in names}))
    )
    if os.environ.get("GAODI_REQUIRE_BROWSER") == "1":
        pytest.fail(f"GAODI_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def demo_engine(demo_template: Path) -> Iterator[Engine]:
    """The small demo city, shared by a module's tests (reports only read it)."""
    engine = make_engine(f"sqlite:///{demo_template}")
    yield engine
    engine.dispose()


def docx_tables(path: Path) -> list[list[list[str]]]:
    """Every table of a Word file as rows of cell texts."""
    import docx

    doc = docx.Document(str(path))
    return [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]


def docx_text(path: Path) -> str:
    import docx

    doc = docx.Document(str(path))
    return "\n".join(p.text for p in doc.paragraphs)
