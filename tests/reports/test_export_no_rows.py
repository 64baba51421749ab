"""A download whose filter matches nothing held a header row and nothing else, with no word
saying why, and the page's own "no rows" note dropped: a reader took it for a broken file. Such
a workbook now says under the header, and beside the sheet's count in 说明/About, that no record
matches — in the file's language — and it still opens as a valid workbook."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from gaodi.accounts import service as accounts
from gaodi.reports.model import Column
from gaodi.reports.xlsx import Sheet, write_table_workbook
from tests.reports.workbooks import book_of, demo_client, demo_site, sheet_rows

WORDS = {"zh": "无数据：没有符合条件的记录。", "en": "No data: no record matches."}
NOWHERE = "zzzz-no-such-firm"


@pytest.fixture(scope="module")
def site(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    def accounts_of(s: Session) -> None:
        accounts.demo_accounts(s)

    with demo_site(demo_template, tmp_path_factory, "no-rows", accounts_of) as site:
        yield site


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "url",
    [
        f"/export/xlsx/enterprises?q={NOWHERE}",  # the curated workbook of the list
        f"/export/table/enterprises?q={NOWHERE}&xlsx_table=0",  # the table's own download
        f"/export/xlsx/projects?q={NOWHERE}",
    ],
)
def test_a_filter_matching_nothing_gives_a_file_that_says_so(
    site: Any, url: str, lang: str
) -> None:
    book = book_of(demo_client(site, "demo-admin", lang).get(url))
    about, table = book.worksheets[0], book.worksheets[1]
    rows = sheet_rows(table)
    assert len(rows) == 2, rows  # the header, then the words
    assert all(isinstance(h, str) and h for h in rows[0])
    assert rows[1][0] == WORDS[lang]
    assert all(v is None for v in rows[1][1:])
    # 说明 counts the sheet's rows as 0 and says the same words beside the count
    counts = {r[0]: r[1:] for r in sheet_rows(about) if r and r[0] == table.title}
    assert counts[table.title][:2] == (0, WORDS[lang])


def test_a_table_with_rows_has_no_such_line() -> None:
    data = write_table_workbook(
        [Sheet("甲", [Column("名称"), Column("数", fmt="int")], [["a", 1], ["b", 2]]),
         Sheet("乙", [Column("名称")], [])],
        [],
        title="t",
        is_demo=False,
        lang="zh",
    )  # fmt: skip
    assert data is not None
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(data))
    assert sheet_rows(book["甲"]) == [("名称", "数"), ("a", 1), ("b", 2)]
    assert sheet_rows(book["乙"]) == [("名称",), (WORDS["zh"],)]
    about = sheet_rows(book["说明"])
    assert ("甲", 2, None) in about and ("乙", 0, WORDS["zh"]) in about
