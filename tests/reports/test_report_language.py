"""``gaodi report`` without ``--lang`` writes the configured language (GAODI_LANGUAGE, documented
as the default report language; it always wrote Chinese), and ``--lang`` still wins."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app
from gaodi.config import reset_settings

runner = CliRunner()


@pytest.mark.parametrize(("setting", "asked", "first_sheet"), [
    ("en", None, "About"), ("en", "zh", "说明"), ("zh", None, "说明"),
])  # fmt: skip
def test_the_configured_language_is_the_default(
    demo_db: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    setting: str, asked: str | None, first_sheet: str,
) -> None:  # fmt: skip
    monkeypatch.setenv("GAODI_LANGUAGE", setting)
    reset_settings()
    out = tmp_path / "m.xlsx"
    args = ["report", "monthly", "--period", "2023-06", "-o", str(out)]
    result = runner.invoke(app, [*args, *(["--lang", asked] if asked else [])])
    reset_settings()
    assert result.exit_code == 0, result.output
    assert load_workbook(out).sheetnames[0] == first_sheet


def test_english_park_report_names_segments_in_english(demo_db: Engine, tmp_path: Path) -> None:
    """The park report's enterprise table wrote each enterprise's segment (分组) in Chinese in the
    English report; the English report now uses the segment's English name."""
    import re

    out = tmp_path / "p.xlsx"
    result = runner.invoke(app, ["report", "park", "1", "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out)["Enterprises"]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    col = header.index("Segment")
    segments = {r[col] for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]}
    assert segments, "the table lists evaluated enterprises"
    assert not any(re.search(r"[\u4e00-\u9fff]", str(s)) for s in segments), segments


@pytest.mark.parametrize(
    ("lang", "said", "codes"),
    [
        ("zh", ["尚未与官方原文核对", "按组内排名比例：前20%为A类"], ["uncertain", "rank_share"]),
        ("en", ["not confirmed against the official text", "by rank within each group"],
         ["uncertain)", "rank_share"]),
    ],
)  # fmt: skip
def test_the_park_reports_rules_are_in_words(
    demo_db: Engine, tmp_path: Path, lang: str, said: list[str], codes: list[str]
) -> None:
    """The park report's sources printed the rule codes ("rank_share 0.2/0.6/0.15", "uncertain")
    where the parks page and its workbook say them in words; it now says them as they do."""
    out = tmp_path / f"p-{lang}.xlsx"
    result = runner.invoke(app, ["report", "park", "1", "-o", str(out), "--lang", lang])
    assert result.exit_code == 0, result.output
    text = " ".join(
        str(c) for ws in load_workbook(out).worksheets for row in ws.iter_rows(values_only=True)
        for c in row if c is not None
    )  # fmt: skip
    for words in said:
        assert words in text, words
    for code in codes:
        assert code not in text, code


def test_the_english_monthly_report_says_units_in_words(demo_db: Engine, tmp_path: Path) -> None:
    """The English monthly report wrote the plans' units as stored ("Target ≥ 1,950 亿元",
    "Output (亿元)") where the English pages say them in words; it now uses the product's one
    table of unit words (gaodi.core.units), in the document and in the workbook."""
    import re

    from docx import Document

    han = re.compile(r"[\u4e00-\u9fff]")
    doc_out, book_out = tmp_path / "m.docx", tmp_path / "m.xlsx"
    for out in (doc_out, book_out):
        args = ["report", "monthly", "--period", "2023-06", "-o", str(out), "--lang", "en"]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    risks = [p.text for p in Document(str(doc_out)).paragraphs if "Target " in p.text]
    assert risks, "the report words the targets most at risk"
    for text in risks:
        sentence = text[text.index("Target ") :]
        assert not han.search(sentence), sentence
    labels = [
        str(row[0])
        for ws in load_workbook(book_out).worksheets
        if ws.title.startswith("Action ")
        for row in ws.iter_rows(values_only=True)
        if row and isinstance(row[0], str) and re.search(r"\((\S[^()]*)\)$", row[0])
    ]
    units = [re.search(r"\(([^()]*)\)$", label)[1] for label in labels]  # type: ignore[index]
    assert any("yuan" in u for u in units), units
    assert not any(han.search(u) for u in units), units
