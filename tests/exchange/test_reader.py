"""Reading what users send: encodings, delimiters, row numbers, files that are not what they say."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from gaodi.core.errors import ValidationError
from gaodi.exchange.reader import column_letter, read_file
from tests.exchange.helpers import write_xlsx

#: 䶮 (U+4DAE) is in GB18030 but not in GBK: it proves the GB18030 decoder is used.
ROWS = [
    ["企业名称", "所在园区", "备注"],
    ["示例䶮科技有限公司", "示例园区", "第一行"],
    ["示例乙公司", "", "第二行"],
]


def _csv_bytes(rows: list[list[str]], sep: str = ",") -> str:
    return "\r\n".join(sep.join(r) for r in rows) + "\r\n"


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"), ("utf-16", "utf-16")],
)
def test_csv_encodings(tmp_path: Path, encoding: str, reported: str) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(_csv_bytes(ROWS).encode(encoding))
    raw = read_file(path)
    assert raw.encoding == reported
    sheet = raw.sheets[0]
    assert sheet.headers == ROWS[0]
    assert sheet.rows == [ROWS[1], ["示例乙公司", "", "第二行"]]
    assert sheet.row_numbers == [2, 3]


def test_gbk_csv(tmp_path: Path) -> None:
    rows = [["企业名称", "备注"], ["示例甲科技有限公司", "长沙"]]
    path = tmp_path / "gbk.csv"
    path.write_bytes(_csv_bytes(rows).encode("gbk"))
    raw = read_file(path)
    assert raw.encoding == "gb18030"  # GBK is a subset of GB18030
    assert raw.sheets[0].rows == [rows[1]]


def test_gbk_cannot_hold_the_gb18030_character() -> None:
    with pytest.raises(UnicodeEncodeError):
        "䶮".encode("gbk")


def test_tab_and_semicolon_delimiters(tmp_path: Path) -> None:
    for sep in ("\t", ";"):
        path = tmp_path / "f.csv"
        path.write_bytes(_csv_bytes(ROWS, sep).encode("utf-8"))
        assert read_file(path).sheets[0].headers == ROWS[0]


def test_undecodable_csv(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"name,note\r\nabc,\xff\xfe\xfd\x80\r\n")  # neither UTF-8 nor GB18030
    with pytest.raises(ValidationError, match="Cannot decode"):
        read_file(path)


def test_binary_file_named_csv(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"\x00\x01\x02binary\x00")
    with pytest.raises(ValidationError, match="not a text"):
        read_file(path)


def test_workbook_named_csv(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "book.xlsx", {"s": ROWS})
    renamed = path.rename(tmp_path / "book.csv")
    with pytest.raises(ValidationError, match="is an Excel workbook, not CSV"):
        read_file(renamed)


def test_text_file_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "data.xlsx"
    path.write_text(_csv_bytes(ROWS), encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        read_file(path)
    assert "not a valid Excel workbook" in err.value.en and "rename it to .csv" in err.value.en
    assert "不是有效的 Excel 工作簿" in err.value.zh


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "data.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    with pytest.raises(ValidationError, match="not a valid Excel workbook"):
        read_file(path)


@pytest.mark.parametrize("name", ["empty.xlsx", "empty.csv"])
def test_empty_files(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    with pytest.raises(ValidationError, match="is empty"):
        read_file(path)


def test_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "data.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(ValidationError, match="Unsupported file type"):
        read_file(path)


def test_row_numbers_are_what_excel_shows(tmp_path: Path) -> None:
    """A title row, a blank row and an offset start column keep Excel's numbering."""
    path = write_xlsx(
        tmp_path / "b.xlsx",
        {
            "s": [
                [None, None, None],
                [None, "企业名称", "备注"],  # header on Excel row 2, starting at column B
                [None, "示例甲", "x"],  # row 3
                [None, None, None],  # row 4 blank: skipped
                [None, "示例乙", None, None, "多"],  # row 5, with a stray value in column E
            ]
        },
    )
    sheet = read_file(path).sheets[0]
    assert sheet.header_row == 2
    assert sheet.headers == ["企业名称", "备注"]
    assert sheet.row_numbers == [3, 5]
    assert sheet.rows[1][0] == "示例乙"
    assert sheet.stray == [(5, "E", "多")]


def test_hidden_and_instruction_sheets_are_not_data(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "说明"
    wb.active.append(["这是说明"])
    data = wb.create_sheet("企业 enterprises")
    data.append(["企业名称"])
    hidden = wb.create_sheet("代码表 lists")
    hidden.append(["x"])
    other = wb.create_sheet("secret")
    other.sheet_state = "hidden"
    path = tmp_path / "w.xlsx"
    wb.save(path)
    assert [s.name for s in read_file(path).sheets] == ["企业 enterprises"]


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


def test_openpyxl_fallback_reads_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without python-calamine the reader falls back to openpyxl with the same result."""
    import builtins
    import datetime as dt

    rows = [
        ["示例标题"],
        [],
        ["企业名称", "成立日期", "金额"],
        ["示例甲", dt.date(2020, 1, 2), 1.5],
        [None, None, None],
        ["示例乙", None, 3],
    ]
    path = write_xlsx(tmp_path / "b.xlsx", {"企业": rows, "说明": [["x"]]})
    fast = read_file(path).sheets
    real_import = builtins.__import__

    def no_calamine(name: str, *args: object, **kwargs: object) -> object:
        if name == "python_calamine":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_calamine)
    slow = read_file(path).sheets
    assert [s.name for s in slow] == [s.name for s in fast] == ["企业"]
    assert slow[0].headers == fast[0].headers == ["示例标题"]
    assert slow[0].row_numbers == fast[0].row_numbers == [3, 4, 6]
    # calamine gives floats and dates, openpyxl ints and datetimes: the converters take both
    assert (
        [r[0] for r in slow[0].rows]
        == [r[0] for r in fast[0].rows]
        == ["企业名称", "示例甲", "示例乙"]
    )
    with pytest.raises(ValidationError, match="not a valid Excel workbook"):
        (tmp_path / "t.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
        read_file(tmp_path / "t.xlsx")
