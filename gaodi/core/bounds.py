"""Bounds on what a user's file may ask of the reader, checked before the reader sees it.

A workbook is a zip of XML parts, and the Rust reader (python-calamine) allocates the dense
area from a sheet's first to its last cell. A 5 KB file with one cell at XFD1048576 therefore
asks for 16,384 × 1,048,576 cells (hundreds of GiB) and the process aborts. So every workbook is
scanned first, streaming and with bounded memory:

* the zip: number of parts, real unpacked size (counted while inflating, never trusted from the
  header) against ``GAODI_IMPORT_MAX_UNCOMPRESSED_MB`` for every part, XML or not. That is the
  zip-bomb guard rather than a compression-ratio rule: deflate cannot pass about 1,032:1, and
  inflating in 1 MiB chunks stops at the limit, so memory stays flat and the work is bounded,
  while highly repetitive sheets (a legitimate 100:1 and more) are not refused;
* each worksheet: its declared ``<dimension ref>``, the furthest cell reference and row number
  actually present, the number of ``<c>`` and ``<row>`` elements, against
  ``GAODI_IMPORT_MAX_ROWS``, ``GAODI_IMPORT_MAX_COLUMNS`` and ``GAODI_IMPORT_MAX_CELLS``, and
  the areas of all sheets together against ``GAODI_IMPORT_MAX_CELLS`` too (the reader keeps
  every sheet it has read, so fifty sheets just under the limit would add up);
* no part may carry a DTD (``<!DOCTYPE``/``<!ENTITY``): Office never writes one, and entity
  expansion is the classic XML bomb.

Then the reader runs in a worker process with an address-space limit
(``GAODI_PARSE_MEMORY_MB``, :func:`run_isolated`), so whatever the checks miss can only end the
worker, and the user gets a clear error instead of a dead server.
"""

from __future__ import annotations

import io
import logging
import os
import re
import traceback
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from gaodi.config import get_settings
from gaodi.core.errors import GaodiError, ImportRejected, ValidationError

T = TypeVar("T")
log = logging.getLogger(__name__)

#: Excel's own grid: 1,048,576 rows × 16,384 columns (XFD).
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
MAX_PARTS = 10_000
_CHUNK = 1 << 20

#: Every r="…" attribute: a row's number (no letters) or a cell's reference (letters, digits).
_REF_ROW = re.compile(rb'\sr="\$?[A-Za-z]{0,4}\$?(\d{1,9})"')
_REF_COL = re.compile(rb'\sr="\$?([A-Za-z]{1,4})\$?\d')
#: The same as Excel writes them (one space before r, no $): a literal-prefix search, about
#: twice as fast. A chunk where some r=" follows anything but a space, or with a $ anywhere,
#: is read with the two above instead, so no spelling slips through.
_FAST_ROW = re.compile(rb' r="[A-Za-z]{0,4}(\d{1,9})"')
_FAST_COL = re.compile(rb' r="([A-Za-z]{1,4})\d')
_DIMENSION = re.compile(
    rb'<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\sref="\$?([A-Za-z]{1,4})?\$?(\d{1,9})?'
    rb'(?::\$?([A-Za-z]{1,4})\$?(\d{1,9}))?"'
)
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass(frozen=True)
class Limits:
    """The bounds in force (from the settings unless a test gives its own)."""

    max_bytes: int
    max_rows: int
    max_columns: int
    max_cells: int
    max_uncompressed: int

    @classmethod
    def from_settings(cls) -> Limits:
        s = get_settings()
        return cls(
            max_bytes=s.upload_max_mb * 1024 * 1024,
            max_rows=s.import_max_rows,
            max_columns=s.import_max_columns,
            max_cells=s.import_max_cells,
            max_uncompressed=s.import_max_uncompressed_mb * 1024 * 1024,
        )


def column_number(letters: bytes | str) -> int:
    """1-based column number of Excel column letters (A -> 1, XFD -> 16384).

    Examples
    --------
    >>> column_number("A"), column_number("Z"), column_number("AA"), column_number("XFD")
    (1, 26, 27, 16384)
    """
    text = letters.decode("ascii") if isinstance(letters, bytes) else letters
    n = 0
    for ch in text.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def _too_big(name: str, what_zh: str, what_en: str, value: int, limit: int) -> ValidationError:
    return ValidationError(
        f"文件“{name}”{what_zh}为 {value:,}，超过上限 {limit:,}，无法导入。"
        "请删去多余的行、列或远处的空白单元格后另存，或分成几个文件导入。",
        f"File '{name}': {what_en} is {value:,}, over the limit of {limit:,}; it cannot be "
        "imported. Delete the extra rows, columns or far-away cells and save it again, or split "
        "it into several files.",
    )


def check_size(name: str, size: int, limits: Limits | None = None) -> None:
    """Refuse a file larger than ``GAODI_UPLOAD_MAX_MB``."""
    lim = limits or Limits.from_settings()
    if size > lim.max_bytes:
        raise _too_big(name, "大小（字节）", "its size in bytes", size, lim.max_bytes)


@dataclass
class _SheetScan:
    rows: int = 0
    cells: int = 0
    max_row: int = 0
    max_col: int = 0
    declared_rows: int = 0
    declared_cols: int = 0


def _scan_part(stream: Any, part: str, name: str, budget: list[int], lim: Limits) -> _SheetScan:
    """Stream one XML part, counting what it would make the reader allocate.

    Each chunk is cut after its last ``>`` (the rest waits for the next chunk), so no tag is
    split or counted twice; counting uses ``bytes.count`` and one ``findall`` per chunk, which
    keeps the scan of a 100,000-row sheet to about a second.
    """
    scan = _SheetScan()
    is_sheet = part.startswith("xl/worksheets/") or part.startswith("xl/chartsheets/")
    carry = b""
    first = True  # <dimension> comes before the data: look for it in the first chunk only
    while True:
        chunk = stream.read(_CHUNK)
        budget[0] += len(chunk)
        if budget[0] > lim.max_uncompressed:
            raise _too_big(
                name, "解压后的大小（字节）", "its unpacked size in bytes", budget[0],
                lim.max_uncompressed,
            )  # fmt: skip
        data = carry + chunk
        if chunk:
            cut = data.rfind(b">") + 1
            if cut == 0 and len(data) > 64 * _CHUNK:  # one endless tag: not Office XML
                raise _too_big(name, "单个 XML 标记的长度", "the length of one XML tag",
                               len(data), 64 * _CHUNK)  # fmt: skip
            data, carry = data[:cut], data[cut:]
        if b"<!" in data and _DTD.search(data):
            raise ValidationError(
                f"文件“{name}”含有 XML 文档类型定义（DTD），Excel 不会写出这种内容，"
                "为安全起见拒绝读取。",
                f"File '{name}' contains an XML document type definition (DTD), which Excel never "
                "writes; it is refused for safety.",
            )
        if is_sheet and data:
            scan.cells += data.count(b"<c ") + data.count(b"<c>") + data.count(b":c ")
            scan.rows += data.count(b"<row ") + data.count(b"<row>") + data.count(b":row ")
            plain = data.count(b'r="') == data.count(b' r="') and b"$" not in data
            row_ref, col_ref = (_FAST_ROW, _FAST_COL) if plain else (_REF_ROW, _REF_COL)
            numbers = row_ref.findall(data)
            if numbers:
                scan.max_row = max(scan.max_row, max(map(int, numbers)))
            used = set(col_ref.findall(data))
            if used:
                scan.max_col = max(scan.max_col, max(map(column_number, used)))
            if first:
                first = False
                d = _DIMENSION.search(data)
                if d:
                    col = d.group(3) or d.group(1)
                    row = d.group(4) or d.group(2)
                    scan.declared_cols = column_number(col) if col else 0
                    scan.declared_rows = int(row) if row else 0
            _check_sheet(scan, name, lim)
        if not chunk:
            break
    return scan


def _inflate(stream: Any, name: str, budget: list[int], lim: Limits) -> None:
    """Count a part's real unpacked size against the budget (its header may lie)."""
    while chunk := stream.read(_CHUNK):
        budget[0] += len(chunk)
        if budget[0] > lim.max_uncompressed:
            raise _too_big(name, "解压后的大小（字节）", "its unpacked size in bytes", budget[0],
                           lim.max_uncompressed)  # fmt: skip


def _check_sheet(scan: _SheetScan, name: str, lim: Limits) -> None:
    rows = max(scan.max_row, scan.declared_rows, scan.rows)
    cols = max(scan.max_col, scan.declared_cols)
    if rows > lim.max_rows:
        raise _too_big(name, "一个工作表的行数", "the number of rows of one sheet", rows,
                       lim.max_rows)  # fmt: skip
    if cols > lim.max_columns:
        raise _too_big(name, "一个工作表的列数", "the number of columns of one sheet", cols,
                       lim.max_columns)  # fmt: skip
    if rows * cols > lim.max_cells:
        raise _too_big(name, "一个工作表所占区域的单元格数", "the cell area one sheet spans",
                       rows * cols, lim.max_cells)  # fmt: skip
    if scan.cells > lim.max_cells:
        raise _too_big(name, "一个工作表的单元格数", "the number of cells of one sheet",
                       scan.cells, lim.max_cells)  # fmt: skip


def check_workbook(path: Path, limits: Limits | None = None) -> None:
    """Refuse a workbook whose unpacked size or sheet areas are over the limits.

    Only .xlsx/.xlsm (zip) files are scanned part by part; a legacy .xls or .ods is bounded by
    its size here and by the worker's memory limit when it is read.
    """
    lim = limits or Limits.from_settings()
    check_size(path.name, path.stat().st_size, lim)
    if zipfile.is_zipfile(path):
        _check_zip(path, path.name, lim)


def check_workbook_bytes(data: bytes, name: str, limits: Limits | None = None) -> None:
    """:func:`check_workbook` of a workbook already in memory (an upload read in one piece)."""
    lim = limits or Limits.from_settings()
    check_size(name, len(data), lim)
    source = io.BytesIO(data)
    if zipfile.is_zipfile(source):
        _check_zip(source, name, lim)


def _check_zip(source: Path | io.BytesIO, name: str, lim: Limits) -> None:
    try:
        with zipfile.ZipFile(source) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_PARTS:
                raise _too_big(name, "包含的部件数", "the number of parts", len(infos), MAX_PARTS)
            declared = sum(i.file_size for i in infos)
            if declared > lim.max_uncompressed:
                raise _too_big(name, "解压后的大小（字节）", "its unpacked size in bytes",
                               declared, lim.max_uncompressed)  # fmt: skip
            budget = [0]
            area = 0
            for info in infos:
                if info.is_dir():
                    continue
                with zf.open(info) as stream:
                    if not info.filename.lower().endswith((".xml", ".rels")):
                        _inflate(stream, name, budget, lim)  # pictures, .bin parts: size only
                        continue
                    scan = _scan_part(stream, info.filename, name, budget, lim)
                # The reader keeps every sheet it has read: their areas add up.
                area += max(scan.max_row, scan.declared_rows, scan.rows) * max(
                    scan.max_col, scan.declared_cols
                )
                if area > lim.max_cells:
                    raise _too_big(name, "所有工作表所占区域的单元格数合计",
                                   "the cell area of all its sheets together", area,
                                   lim.max_cells)  # fmt: skip
    # zipfile raises NotImplementedError for a compression method it lacks (e.g. Deflate64):
    # a file Excel does not write, so it is a damaged workbook to the user.
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise ValidationError(
            f"文件“{name}”不是有效的 Excel 工作簿（.xlsx），无法读取。",
            f"File '{name}' is not a valid Excel workbook (.xlsx) and cannot be read.",
        ) from exc
    except (OSError, ValueError, RuntimeError) as exc:  # zlib errors, encrypted parts
        if isinstance(exc, GaodiError):
            raise
        raise ValidationError(
            f"文件“{name}”已损坏，无法读取：{exc}",
            f"File '{name}' is damaged and cannot be read: {exc}",
        ) from exc


def csv_rows(text: str, delimiter: str = ",") -> int:
    r"""How many rows a CSV reader finds in ``text``, the header row included (as a sheet's
    rows are counted, the header being its row 1): each line break (LF, CRLF or a lone CR)
    ends a row and the last one needs none, so a final line break is not one more row; a
    blank line is a row, as the reader gives it. A line break inside a quoted field does not
    end a row: when the text has a quote character, the rows are counted by the csv module's
    own reader (with the file's ``delimiter``, since a quote opens a field only at its start),
    and without one a count of the line breaks is already exact.

    Examples
    --------
    >>> csv_rows("a,b\n1,2\n"), csv_rows("a,b\n1,2"), csv_rows("a\r\n1\r\n"), csv_rows("a\r1\r")
    (2, 2, 2, 2)
    >>> csv_rows('a,b\n1,"two\nlines"\n'), csv_rows("a\n\n1\n"), csv_rows("")
    (2, 3, 0)
    """
    if '"' in text:
        import csv

        try:
            return sum(1 for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error:  # a cell over the field limit: the reader says so in words later
            pass
    crlf = text.count("\r\n")
    breaks = text.count("\n") + text.count("\r") - crlf
    return breaks + (0 if not text or text.endswith(("\n", "\r")) else 1)


def check_text(name: str, text: str, limits: Limits | None = None, delimiter: str = ",") -> None:
    """Refuse a CSV with more rows than the limit, the header included as in a workbook's
    sheet (:func:`csv_rows`; before the file is split into cells)."""
    lim = limits or Limits.from_settings()
    rows = csv_rows(text, delimiter)
    if rows > lim.max_rows:
        raise _too_big(name, "行数", "the number of rows", rows, lim.max_rows)


# -- the worker process ------------------------------------------------------------------------

#: Modules a new fork server imports first (its children start with them loaded); the module of
#: every job is imported there too, before its child is forked.
_PRELOAD: set[str] = {"gaodi.core.bounds", "gaodi.config"}


def _worker_main() -> None:
    """Entry point of a fresh-interpreter worker: read (func, args, memory) from stdin, pickle
    the outcome out (the fallback where the fork server cannot run; see :func:`run_isolated`).

    A fresh interpreter (``python -c``) rather than a fork of the caller: it needs nothing from
    the caller's ``__main__`` (a notebook, ``python -``, a test runner), and the memory limit is
    set by the child on itself, so no code runs between fork and exec in a threaded server.
    """
    import os
    import pickle
    import sys

    func, args, memory = pickle.loads(sys.stdin.buffer.read())
    # The reader's own out-of-memory report is enough: no Rust backtrace in the server's log.
    os.environ["RUST_BACKTRACE"] = "0"
    data = pickle.dumps(_outcome(func, args, memory), protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _outcome(func: Callable[..., Any], args: tuple[Any, ...], memory: int) -> tuple[str, Any]:
    """Run ``func(*args)`` under an address-space limit of ``memory`` bytes: what to send back."""
    import resource

    if memory:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        return ("ok", func(*args))
    except ImportRejected as exc:  # its cell list is the message: keep it whole
        return ("rejected", exc.errors)
    except GaodiError as exc:
        return ("error", (exc.zh, exc.en))
    except MemoryError:
        return ("memory", None)
    except Exception as exc:  # never a dead caller: the file's fault or ours, told apart
        if unreadable(exc):
            return ("unreadable", _detail(exc))
        # the worker's log goes nowhere the administrator reads: the caller logs the traceback
        return ("internal", "".join(traceback.format_exception(exc)))


#: Modules whose own code raises when a file's bytes are not what they should be (a zip, XML,
#: a workbook's parts): an error raised inside them while reading is the file's, whatever its
#: type (openpyxl says TypeError "expected <class 'float'>" of a damaged style, ValueError of a
#: damaged worksheet; zipfile KeyError of a missing part). openpyxl's cell and sheet API is not
#: listed: an error there is a wrong call of ours.
READER_MODULES = (
    "zipfile", "zlib", "gzip", "bz2", "lzma", "xml", "lxml", "defusedxml", "et_xmlfile",
    "python_calamine", "xlrd", "odf", "openpyxl.reader", "openpyxl.xml", "openpyxl.descriptors",
    "openpyxl.packaging", "openpyxl.styles", "openpyxl.workbook._reader",
    "openpyxl.worksheet._reader", "openpyxl.worksheet._read_only", "openpyxl.chart.reader",
    "openpyxl.drawing", "openpyxl.comments", "openpyxl.pivot", "openpyxl.utils.datetime",
)  # fmt: skip


def _format_errors() -> tuple[type[BaseException], ...]:
    """The readers' own "this is not a valid file" exceptions, of the readers loaded (an
    exception of a reader never loaded cannot have been raised)."""
    import csv
    import sys
    import xml.etree.ElementTree as ET
    import xml.parsers.expat
    import zlib

    found: list[type[BaseException]] = [
        zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, UnicodeDecodeError,
        csv.Error, ET.ParseError, xml.parsers.expat.ExpatError,
    ]  # fmt: skip
    for module, name in (
        ("lxml.etree", "LxmlError"),
        ("openpyxl.utils.exceptions", "InvalidFileException"),
        ("python_calamine", "CalamineError"),
        ("xlrd.biffh", "XLRDError"),
        ("defusedxml.common", "DefusedXmlException"),
    ):
        cls = getattr(sys.modules.get(module), name, None)
        if isinstance(cls, type) and issubclass(cls, BaseException):
            found.append(cls)
    return tuple(found)


def unreadable(exc: BaseException) -> bool:
    """Whether ``exc``, raised while reading a user's file, says the file cannot be read
    (damaged, not the format it claims) rather than that the reading code has a bug: one of
    the readers' format errors, or any error raised inside a reader's own parsing code
    (:data:`READER_MODULES`). Anything else — a TypeError, KeyError, AttributeError … of our
    code — is a bug, and it is not the user's file that should be blamed for it."""
    if isinstance(exc, _format_errors()):
        return True
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    where = str(tb.tb_frame.f_globals.get("__name__", ""))
    return any(where == m or where.startswith(m + ".") for m in READER_MODULES)


def _detail(exc: BaseException) -> str:
    """What the reader said, short (the reason shown with the damaged-file words)."""
    text = " ".join(str(exc).split())
    text = text if len(text) <= 160 else text[:157] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _forked_entry(payload: bytes) -> bytes:
    """What a child of the fork server (:mod:`gaodi.core.forkserver`) does with its payload:
    take the caller's environment and folder (the server started with those of an earlier
    moment), run :func:`_outcome`, answer pickled."""
    import os
    import pickle

    from gaodi.config import reset_settings

    func, args, memory, environ, cwd = pickle.loads(payload)
    os.environ.clear()
    os.environ.update(environ)
    os.environ["RUST_BACKTRACE"] = "0"
    os.chdir(cwd)
    reset_settings()
    return pickle.dumps(_outcome(func, args, memory), protocol=pickle.HIGHEST_PROTOCOL)


def _worker_failed(name: str) -> ValidationError:
    return ValidationError(
        f"读取文件“{name}”所需的内存超过上限，或文件已损坏，无法导入。"
        "请删去多余的内容（远处的单元格、图片、超长文本）后另存，或分成几个文件导入。",
        f"Reading '{name}' needs more memory than allowed, or the file is damaged; it cannot be "
        "imported. Remove what is not needed (far-away cells, pictures, very long texts) and "
        "save it again, or split it into several files.",
    )


def _damaged(name: str, detail: str) -> ValidationError:
    return ValidationError(
        f"文件“{name}”已损坏或不是它声称的格式，无法读取（{detail}）。"
        "请确认文件能在 Excel 中正常打开，另存后再导入。",
        f"File '{name}' is damaged or not in the format it claims and cannot be read "
        f"({detail}). Check that it opens in Excel, save it again and import it again.",
    )


class ReadingFailed(GaodiError):
    """Reading a user's file failed for a fault of the program (a bug in the reading code),
    not of the file: a 500 in words — the file was not stored, please report it — while the
    traceback goes to the server's log."""

    status_code = 500
    code = "internal_error"

    def __init__(self, name: str) -> None:
        super().__init__(
            f"读取文件“{name}”时程序内部出错（很可能不是文件本身的问题），文件未保存，"
            "未写入任何数据。请把此消息和时间告诉系统管理员。",
            f"An internal error occurred while reading '{name}' (most likely not a problem of "
            "the file); the file was not stored and nothing was written. Please report this "
            "message and the time to the system administrator.",
            file=name,
        )


def _timed_out(name: str, timeout: int) -> ValidationError:
    return ValidationError(
        f"读取文件“{name}”超过 {timeout} 秒仍未完成，已停止。请分成几个较小的文件导入。",
        f"Reading '{name}' took longer than {timeout} s and was stopped; split it into "
        "smaller files.",
    )


#: Seconds a worker may parse one file.
PARSE_TIMEOUT = 900


def run_isolated(
    func: Callable[..., T],
    *args: Any,
    name: str,
    memory_mb: int | None = None,
    precheck: Callable[[], None] | None = None,
) -> T:
    """Run ``func(*args)`` in a worker process limited to ``memory_mb`` of address space.

    ``func`` must be importable (a module-level function) and its arguments and result
    picklable. An :class:`ImportRejected` raised in the worker is raised again here with its
    cells, any other ``GaodiError`` as a :class:`ValidationError`; a signal or running out of
    memory becomes a :class:`ValidationError` naming the file, and so does a reader's error
    that says the file cannot be read (:func:`unreadable`: damaged). Any other exception is a
    bug of the reading code, not the user's fault: :class:`ReadingFailed` (500, in words) and
    its traceback in the log. ``memory_mb=0`` (or the setting at 0) runs ``func`` in this
    process, with the same answers.

    The worker is a child of a fork server (:mod:`gaodi.core.forkserver`): one single-threaded
    process per caller that imported the reader once, so a worker starts in milliseconds instead
    of the half second a fresh interpreter takes to import it (benchmarks/parse_worker.py), and
    the fork happens in that server, never in a threaded web server. Where no fork server can
    run, a fresh interpreter is the worker. Either way the worker sets the limit on itself.

    ``precheck`` (the bounds of the file) runs here while the worker starts and parses, so the
    two take the time of the longer rather than of both: its error wins and stops the worker,
    whose memory limit covers the moment before.
    """
    memory = get_settings().parse_memory_mb if memory_mb is None else memory_mb
    if not memory:
        if precheck is not None:
            precheck()
        try:
            return func(*args)
        except GaodiError:
            raise
        except MemoryError:
            raise _worker_failed(name) from None
        except Exception as exc:  # the same three answers as from a worker
            if unreadable(exc):
                raise _damaged(name, _detail(exc)) from exc
            log.exception("internal error while reading %s (a bug, not the file)", name)
            raise ReadingFailed(name) from exc
    if _can_fork():
        status, result = _run_forked(func, args, name, memory * 1024 * 1024, precheck)
    else:
        status, result = _run_fresh(func, args, name, memory * 1024 * 1024, precheck)
    if status == "ok":
        return result  # type: ignore[no-any-return]
    if status == "error":
        zh, en = result
        raise ValidationError(zh, en)
    if status == "rejected":
        raise ImportRejected(errors=result)
    if status == "unreadable":
        raise _damaged(name, result)
    if status == "internal":
        log.error("internal error while reading %s (a bug, not the file); in the worker:\n%s",
                  name, result)  # fmt: skip
        raise ReadingFailed(name)
    raise _worker_failed(name)  # out of memory, or the worker died without a word


def _can_fork() -> bool:
    import socket

    return hasattr(os, "fork") and hasattr(socket, "AF_UNIX")


def _run_forked(
    func: Callable[..., Any],
    args: tuple[Any, ...],
    name: str,
    memory: int,
    precheck: Callable[[], None] | None,
) -> tuple[str, Any]:
    """The worker as a child of this process's fork server; a fresh interpreter if none starts."""
    import pickle

    from gaodi.core import forkserver

    try:
        job = forkserver.start_job(func.__module__, _PRELOAD)
    except OSError as exc:
        log.warning("no fork server for the parser (%s): a fresh interpreter parses %s", exc, name)
        return _run_fresh(func, args, name, memory, precheck)
    try:
        try:
            job.send(pickle.dumps((func, args, memory, dict(os.environ), os.getcwd())))
        except ConnectionError:  # the child died before it read the file: reported below
            sent = False
        else:
            sent = True
        if precheck is not None:
            precheck()
        data = job.answer(PARSE_TIMEOUT) if sent else b""
    except TimeoutError:
        job.kill()
        raise _timed_out(name, PARSE_TIMEOUT) from None
    except BaseException:
        job.kill()
        raise
    finally:
        job.close()
    if not data:
        log.warning("parsing %s failed in the worker (process %s ended without an answer)",
                    name, job.pid)  # fmt: skip
        return ("failed", None)
    return pickle.loads(data)  # type: ignore[no-any-return]


def _run_fresh(
    func: Callable[..., Any],
    args: tuple[Any, ...],
    name: str,
    memory: int,
    precheck: Callable[[], None] | None,
) -> tuple[str, Any]:
    """The worker as a fresh interpreter (``python -c``): the fallback, and the baseline of
    benchmarks/parse_worker.py."""
    import pickle
    import subprocess
    import threading

    from gaodi.core import forkserver

    payload = pickle.dumps((func, args, memory))
    code = "from gaodi.core.bounds import _worker_main; _worker_main()"
    worker = subprocess.Popen(
        forkserver.python_command(code),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    box: dict[str, Any] = {}

    def talk() -> None:
        try:
            box["out"] = worker.communicate(payload, timeout=PARSE_TIMEOUT)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.communicate()
            box["timeout"] = True
        except Exception as exc:  # a broken pipe: the worker died, reported below
            box["failed"] = exc

    talker = threading.Thread(target=talk, name=f"parse {name}", daemon=True)
    talker.start()
    try:
        if precheck is not None:
            precheck()
    except BaseException:
        worker.kill()
        talker.join()
        raise
    talker.join()
    if box.get("timeout"):
        raise _timed_out(name, PARSE_TIMEOUT)
    stdout, stderr = box.get("out", (b"", b""))
    if worker.returncode != 0 or not stdout:
        # What the worker said (a Rust allocation failure, a signal) goes to the server's log.
        log.warning(
            "parsing %s failed in the worker (exit %s): %s",
            name, worker.returncode, stderr.decode("utf-8", "replace")[-2000:] or box.get("failed"),
        )  # fmt: skip
        return ("failed", None)
    return pickle.loads(stdout)  # type: ignore[no-any-return]
