"""Hostile workbooks never take the reader's caller down: a clear error, within a memory bound.

Each workbook is built part by part (the zip's XML written by hand), so the tests control exactly
what the reader is asked to allocate. The benign twin of each shape is read back first, which
shows that a refusal comes from the bounds and not from a malformed file.
"""

from __future__ import annotations

import io
import resource
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app
from gaodi.config import Settings, reset_settings
from gaodi.core.bounds import EXCEL_MAX_COLUMNS, EXCEL_MAX_ROWS, Limits, check_workbook
from gaodi.core.errors import ValidationError
from gaodi.exchange.reader import column_letter, read_file, read_file_isolated

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _sheet(cells: str, dimension: str = "A1") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{_NS}">'
        f'<dimension ref="{dimension}"/><sheetData>{cells}</sheetData></worksheet>'
    )


def _cell(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def _book(path: Path, sheet: str, shared: str | None = None, prefix: str = "") -> Path:
    shared = shared or f'<sst xmlns="{_NS}" count="0" uniqueCount="0"></sst>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", prefix + _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
        zf.writestr("xl/sharedStrings.xml", shared)
    return path


def _multi_book(path: Path, sheets: list[str]) -> Path:
    """A workbook of several sheets (``s1``, ``s2``, …), each its own part."""
    n = range(1, len(sheets) + 1)
    types = _CONTENT_TYPES.replace(
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>',
        "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in n
        ),
    ).replace(
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>',
        "",
    )
    workbook = _WORKBOOK.replace(
        '<sheet name="data" sheetId="1" r:id="rId1"/>',
        "".join(f'<sheet name="s{i}" sheetId="{i}" r:id="rId{i}"/>' for i in n),
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in n
        )
        + "</Relationships>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", types)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", workbook)
        zf.writestr("xl/_rels/workbook.xml.rels", rels)
        for i, sheet in zip(n, sheets, strict=True):
            zf.writestr(f"xl/worksheets/sheet{i}.xml", sheet)
    return path


def _header_and(ref: str) -> str:
    return f'<row r="1">{_cell("A1", "指标")}</row>' + (
        f'<row r="{_row_of(ref)}">{_cell(ref, "x")}</row>' if ref != "A1" else ""
    )


def _row_of(ref: str) -> int:
    return int("".join(ch for ch in ref if ch.isdigit()))


@pytest.fixture(autouse=True)
def _fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in (
        "GAODI_IMPORT_MAX_ROWS",
        "GAODI_IMPORT_MAX_COLUMNS",
        "GAODI_IMPORT_MAX_CELLS",
        "GAODI_PARSE_MEMORY_MB",
        "GAODI_IMPORT_MAX_UNCOMPRESSED_MB",
        "GAODI_UPLOAD_MAX_MB",
    ):
        monkeypatch.delenv(name, raising=False)
    reset_settings()
    yield
    reset_settings()


def test_the_hand_built_workbook_is_a_real_one(tmp_path: Path) -> None:
    path = _book(tmp_path / "ok.xlsx", _sheet(_header_and("B3"), "A1:B3"))
    sheet = read_file(path).sheets[0]
    assert sheet.headers == ["指标"] and sheet.rows == [[""]] and sheet.row_numbers == [3]
    assert sheet.stray == [(3, "B", "x")]


def test_the_hand_built_book_of_many_sheets_is_a_real_one(tmp_path: Path) -> None:
    path = _multi_book(tmp_path / "many.xlsx", [_sheet(_header_and("J150"), "A1:J150")] * 3)
    raw = read_file(path)
    assert [s.name for s in raw.sheets] == ["s1", "s2", "s3"]
    assert all(s.headers == ["指标"] and s.row_numbers == [150] for s in raw.sheets)


def test_many_sheets_each_under_the_limit_are_refused_together(tmp_path: Path) -> None:
    # 10 columns x 150 rows = 1,500 cells a sheet: one passes a 2,000-cell bound, two do not.
    sheet = _sheet(_header_and("J150"), "A1:J150")
    limits = Limits(10**9, 1000, 100, 2000, 10**9)
    check_workbook(_multi_book(tmp_path / "one.xlsx", [sheet]), limits)
    with pytest.raises(ValidationError) as caught:
        check_workbook(_multi_book(tmp_path / "two.xlsx", [sheet, sheet]), limits)
    assert "3,000" in caught.value.en and "all its sheets together" in caught.value.en
    assert "合计" in caught.value.zh


def test_a_part_that_is_not_xml_is_inflated_and_checked_too(tmp_path: Path) -> None:
    path = _book(tmp_path / "picture.xlsx", _sheet(_header_and("A1")))
    real = 12 * 1024 * 1024
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/image1.png", b"\x00" * real)
    limits = Limits(10**9, 1000, 100, 10**6, 8 * 1024 * 1024)
    with pytest.raises(ValidationError, match="unpacked size"):
        check_workbook(path, limits)  # the declared size is the real one here
    # A picture whose headers (local and central) claim 1 KiB: the declared sum passes, so only
    # inflating the part finds the lie (Python's zip reader stops at the claim: a bad CRC).
    data = path.read_bytes()
    assert data.count(struct.pack("<I", real)) == 2
    path.write_bytes(data.replace(struct.pack("<I", real), struct.pack("<I", 1024)))
    with pytest.raises(ValidationError) as caught:
        check_workbook(path, limits)
    assert "not a valid Excel workbook" in caught.value.en


def test_the_5kb_far_cell_file_of_the_issue_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active["A1"] = "指标"
    wb.active["XFD1048576"] = "x"
    path = tmp_path / "far.xlsx"
    wb.save(path)
    assert path.stat().st_size < 8 * 1024
    with pytest.raises(ValidationError) as caught:
        read_file_isolated(path)
    limit = Settings.model_fields["import_max_rows"].default
    assert "1,048,576" in caught.value.en and f"over the limit of {limit:,}" in caught.value.en
    assert "行数" in caught.value.zh


def test_a_far_cell_under_a_small_declared_dimension_is_still_refused(tmp_path: Path) -> None:
    # The declared <dimension> lies (A1): the real cell reference decides.
    path = _book(tmp_path / "liar.xlsx", _sheet(_header_and("XFD20"), "A1"))
    with pytest.raises(ValidationError) as caught:
        check_workbook(path)
    assert "16,384" in caught.value.en and "columns" in caught.value.en


@pytest.mark.parametrize(
    "far",
    [
        '<c\tr="XFD20" t="inlineStr"><is><t>x</t></is></c>',
        '<c\nr="XFD20" t="inlineStr"><is><t>x</t></is></c>',
        '<c r="$XFD$20" t="inlineStr"><is><t>x</t></is></c>',
    ],
    ids=["tab", "newline", "absolute"],
)
def test_a_far_cell_spelled_unlike_excel_is_found_too(tmp_path: Path, far: str) -> None:
    cells = f'<row r="1">{_cell("A1", "指标")}</row><row r="20">{far}</row>'
    path = _book(tmp_path / "spelled.xlsx", _sheet(cells, "A1"))
    with pytest.raises(ValidationError) as caught:
        check_workbook(path)
    assert "16,384" in caught.value.en


def test_the_bounds_error_wins_over_the_dying_worker(tmp_path: Path) -> None:
    # The worker is parsing (and running out of memory on) the far cell while the bounds are
    # scanned: the user gets the bounds' message naming the limit, not "out of memory".
    path = _book(tmp_path / "far.xlsx", _sheet(_header_and("XFD1048576"), "A1:XFD1048576"))
    with pytest.raises(ValidationError) as caught:
        read_file_isolated(path)
    assert "1,048,576" in caught.value.en and "memory" not in caught.value.en


def test_a_huge_declared_dimension_is_refused(tmp_path: Path) -> None:
    path = _book(tmp_path / "declared.xlsx", _sheet(_header_and("A1"), "A1:ZZ900000"))
    with pytest.raises(ValidationError):
        check_workbook(path)


def test_a_zip_bomb_is_refused_while_inflating(tmp_path: Path) -> None:
    padding = " " * (12 * 1024 * 1024)  # 12 MiB of blanks deflate to a few KiB
    path = _book(tmp_path / "bomb.xlsx", _sheet(_header_and("A1") + padding))
    assert path.stat().st_size < 100 * 1024
    limits = Limits(10**9, 1000, 100, 10**6, 8 * 1024 * 1024)
    with pytest.raises(ValidationError) as caught:
        check_workbook(path, limits)
    assert "unpacked size" in caught.value.en


def test_a_dtd_entity_bomb_is_refused(tmp_path: Path) -> None:
    lol = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{"&lol" + (str(i - 1) if i > 1 else "") + ";" * 1}' * 10 + '">'
            for i in range(1, 9)
        )
        + "]>"
    )
    path = _book(
        tmp_path / "lol.xlsx",
        _sheet(_header_and("A1")),
        shared=lol + f'<sst xmlns="{_NS}">&lol8;</sst>',
    )
    with pytest.raises(ValidationError) as caught:
        read_file_isolated(path)
    assert "DTD" in caught.value.en


def test_what_the_bounds_miss_ends_the_worker_not_the_caller(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Bounds opened wide on purpose: only the worker's memory limit stands in the way.
    monkeypatch.setenv("GAODI_IMPORT_MAX_ROWS", str(EXCEL_MAX_ROWS))
    monkeypatch.setenv("GAODI_IMPORT_MAX_COLUMNS", str(EXCEL_MAX_COLUMNS))
    monkeypatch.setenv("GAODI_IMPORT_MAX_CELLS", str(EXCEL_MAX_ROWS * EXCEL_MAX_COLUMNS))
    monkeypatch.setenv("GAODI_PARSE_MEMORY_MB", "768")
    reset_settings()
    path = _book(tmp_path / "far.xlsx", _sheet(_header_and("XFD1048576"), "A1:XFD1048576"))
    with pytest.raises(ValidationError) as caught:
        read_file_isolated(path)
    assert "memory" in caught.value.en and "内存" in caught.value.zh


def test_a_normal_workbook_reads_the_same_in_the_worker(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "园区 parks"
    rows = [["园区名称", "级别"], ["示例园区", "provincial"], ["示例二园", "national"]]
    for r in rows:
        ws.append(r)
    path = tmp_path / "parks.xlsx"
    wb.save(path)
    direct, isolated = read_file(path).sheets[0], read_file_isolated(path).sheets[0]
    assert isolated.headers == direct.headers == rows[0]
    assert isolated.rows == direct.rows == rows[1:]


def test_csv_bounds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAODI_IMPORT_MAX_ROWS", "10")
    monkeypatch.setenv("GAODI_IMPORT_MAX_COLUMNS", "5")
    reset_settings()
    long = tmp_path / "long.csv"
    long.write_text("a,b\n" + "1,2\n" * 20, encoding="utf-8")
    with pytest.raises(ValidationError, match="rows"):
        read_file(long)
    wide = tmp_path / "wide.csv"
    wide.write_text("a,b\n1,2\n" + ",".join(["h"] * 6) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="line 3 has 6 columns, over the limit of 5"):
        read_file(wide)


def test_a_csv_cell_past_the_field_limit_is_a_clear_error(tmp_path: Path) -> None:
    # An unmatched quote swallows the rest of the file into one cell: refused, named, in zh/en.
    path = tmp_path / "quote.csv"
    path.write_text('园区名称,级别\n"示例园区,省级\n' + "x" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        read_file_isolated(path)
    assert "131,072" in caught.value.en and "unmatched quote" in caught.value.en
    assert "引号" in caught.value.zh


# -- the property: whatever shape, a clear error or a bounded read --------------------------------

_far_refs = st.tuples(st.integers(1, EXCEL_MAX_COLUMNS), st.integers(1, EXCEL_MAX_ROWS)).filter(
    lambda cr: cr[0] > 256 or cr[1] > Settings.model_fields["import_max_rows"].default
)


@st.composite
def hostile_books(draw: st.DrawFn) -> tuple[str, str | list[str], str | None, bool]:
    """(kind, sheet XML (a list: one per sheet), shared strings XML, must be refused)."""
    kind = draw(
        st.sampled_from(
            ["far", "dimension", "nesting", "shared", "many_cells", "zip_bomb", "many_sheets"]
        )
    )
    if kind == "zip_bomb":  # blanks deflate about 1,000:1; the test's unpack limit is 8 MiB
        mib = draw(st.integers(9, 64))
        return kind, _sheet(_header_and("A1") + " " * (mib * 1024 * 1024)), None, True
    if kind == "many_sheets":  # each sheet's area under the 2,000-cell bound, the sum over it
        cols, rows = draw(st.integers(5, 20)), draw(st.integers(50, 100))
        count = draw(st.integers(2_000 // (cols * rows) + 1, 60))
        sheet = _sheet(_header_and(f"{column_letter(cols - 1)}{rows}"))
        return kind, [sheet] * count, None, True
    if kind == "far":
        col, row = draw(_far_refs)
        ref = f"{column_letter(col - 1)}{row}"
        declared = draw(st.sampled_from(["A1", f"A1:{ref}"]))
        return kind, _sheet(_header_and(ref), declared), None, True
    if kind == "dimension":
        col, row = draw(_far_refs)
        return kind, _sheet(_header_and("A1"), f"A1:{column_letter(col - 1)}{row}"), None, True
    if kind == "nesting":
        depth = draw(st.integers(1_000, 50_000))
        inner = "<r>" * depth + "</r>" * depth
        return (
            kind,
            _sheet(f'<row r="1"><c r="A1" t="inlineStr"><is>{inner}</is></c></row>'),
            None,
            False,
        )
    if kind == "shared":
        count = draw(st.integers(50_000, 200_000))
        shared = f'<sst xmlns="{_NS}">' + "<si><t>x</t></si>" * count + "</sst>"
        return kind, _sheet(_header_and("A1")), shared, False
    cells = draw(st.integers(2_001, 6_000))
    row = "".join(
        f'<c r="{column_letter(j % 200)}{2 + j // 200}"><v>1</v></c>' for j in range(cells)
    )
    return (
        kind,
        _sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row>' + row),
        None,
        True,
    )


@settings(
    max_examples=16, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(book=hostile_books())
def test_hostile_workbooks_give_a_clear_error_within_a_memory_bound(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    book: tuple[str, str | list[str], str | None, bool],
) -> None:
    kind, sheet, shared, refused = book
    monkeypatch.setenv("GAODI_IMPORT_MAX_CELLS", "2000")  # small, so "many cells" is hostile
    monkeypatch.setenv("GAODI_IMPORT_MAX_UNCOMPRESSED_MB", "8")
    monkeypatch.setenv("GAODI_PARSE_MEMORY_MB", "1024")
    reset_settings()
    if isinstance(sheet, list):
        path = _multi_book(tmp_path / f"{kind}.xlsx", sheet)
    else:
        path = _book(tmp_path / f"{kind}.xlsx", sheet, shared)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        raw = read_file_isolated(path)
    except ValidationError as exc:
        assert exc.zh and exc.en and "Traceback" not in exc.en
    else:
        assert not refused, f"{kind} should have been refused"
        assert len(raw.sheets) <= 1
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 200 * 1024, f"the caller grew by {grown_kib} KiB"


# -- through the CLI and the web ------------------------------------------------------------------


def _far_file(tmp_path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "园区 parks"
    ws["A1"] = "园区名称"
    ws["XFD1048576"] = "x"
    path = tmp_path / "far.xlsx"
    wb.save(path)
    return path


def test_gaodi_import_of_the_far_file_exits_with_a_clear_error(
    sqlite_db: Engine, tmp_path: Path
) -> None:
    result = CliRunner().invoke(app, ["import", "parks", str(_far_file(tmp_path)), "--dry-run"])
    assert result.exit_code not in (0, -6), result.output
    assert "1,048,576" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_uploading_the_far_file_answers_a_clear_error_and_the_server_lives_on(
    tmp_path: Path,
) -> None:
    from tests.web.conftest import make_site
    from tests.web.helpers import login
    from tests.web.seed import PASSWORD

    site = make_site(tmp_path)
    try:
        client = site.client()
        csrf = login(client, site.world.users["admin"], PASSWORD)
        response = client.post(
            "/data/import",
            data={"entity": "parks", "csrf_token": csrf, "dry_run": "1"},
            files={
                "file": ("far.xlsx", _far_file(tmp_path).read_bytes(), "application/octet-stream")
            },
            follow_redirects=False,
        )
        assert response.status_code == 422
        assert "1,048,576" in response.text
        assert client.get("/data").status_code == 200
    finally:
        site.engine.dispose()


def test_io_bytes_are_not_a_workbook_reader_input() -> None:
    # A guard for the guard: bytes that merely start like a zip are a clear error too.
    with pytest.raises(ValidationError):
        data = io.BytesIO(b"PK\x03\x04" + b"\x00" * 64)
        path = Path("/tmp") / "broken-gaodi-test.xlsx"
        path.write_bytes(data.getvalue())
        try:
            read_file_isolated(path)
        finally:
            path.unlink()
