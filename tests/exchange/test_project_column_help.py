"""The monthly investment template says what the import takes: a month that has ended (the
running month is refused too; the help said only "not a future month"), and the longest reason
a 备注 cell may hold (the projects' one limit, 2,000 characters), on the 说明 sheet and in the
header's note."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from gaodi.core.permissions import SYSTEM
from gaodi.exchange.service import template


def _said(entity: str, tmp_path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(the 说明 sheet's zh + en help of each column by key, the header notes by key)."""
    wb = load_workbook(template(entity, tmp_path / f"{entity}.xlsx", principal=SYSTEM))
    info = {
        str(r[2]): f"{r[7] or ''} {r[8] or ''}"
        for r in wb["说明"].iter_rows(values_only=True)
        if len(r) > 8 and r[2]
    }
    sheet = wb.worksheets[1]
    notes = {str(c.value).split("\n")[-1]: c.comment.text if c.comment else "" for c in sheet[1]}
    return info, notes


def test_the_month_is_one_that_has_ended(tmp_path: Path) -> None:
    info, notes = _said("project_progress", tmp_path)
    for text in (info["period"], notes["period"]):
        assert "已结束的月份" in text and "a month that has ended" in text, text
        assert "未来" not in text and "future" not in text, text


@pytest.mark.parametrize("entity", ["project_progress", "project_year_plans"])
def test_the_note_says_its_longest(tmp_path: Path, entity: str) -> None:
    info, notes = _said(entity, tmp_path)
    for text in (info["note"], notes["note"]):
        assert "最多 2,000 个字符" in text and "at most 2,000 characters" in text, text
