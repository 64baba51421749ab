"""The Excel questionnaire: generate a form for a scheme (a drop-down on every answer cell) and
import a filled one, all-or-nothing, with a cell-level error report.

Layout of sheet ``问卷`` (rows are found by the key in column A, never by position, so a
person may sort or insert rows):

- rows 3–8: scheme id and version, the enterprise's USCC and name, the assessment date, the
  assessor; the value is in column B;
- from row 11, one row per single-choice item (key = item code, answer "B. 单个业务环节" or just
  "B"), one header row per multiple-choice item followed by one row per option (key
  ``item.OPTION``, answer 是/否; blank counts as 否 once any option of the item says 是), and
  one row per 数字化经营 scenario (key ``scenario.code``, answer 0–4).

An uploaded form is bounded before openpyxl sees it (size, sheet rows and columns, unpacked
size: :func:`read_form`) and parsed in the exchange's worker process: a 494 KB file with a far
cell once held the server at 1.3 GB for 48 s, as openpyxl built every row up to it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from openpyxl import load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from gaodi.analytics import digital
from gaodi.config import get_settings
from gaodi.core import words
from gaodi.core.bounds import Limits, check_workbook_bytes, run_isolated
from gaodi.core.codes import is_valid_uscc, normalize_uscc
from gaodi.core.errors import CellError, GaodiError, ImportRejected, ValidationError
from gaodi.core.excel import new_workbook
from gaodi.core.permissions import Principal
from gaodi.core.rulefile import read_yaml
from gaodi.smart import service
from gaodi.smart.models import Assessment

SHEET = "问卷"
LISTS = "_lists"
ANSWER_COL = 6  # F
KEY_COL = 1  # A
FIRST_ROW = 11
YES = ("是", "√", "✓", "Y", "YES", "1", "TRUE")
NO = ("否", "×", "N", "NO", "0", "FALSE")
META = {
    "scheme": (3, "方案编号 scheme"),
    "version": (4, "方案版本 version"),
    "uscc": (5, "统一社会信用代码 USCC"),
    "name": (6, "企业名称 enterprise"),
    "assessed_on": (7, "评测日期 date (YYYY-MM-DD)"),
    "assessor": (8, "填报人 assessor"),
}
SCENARIO_CHOICES = ("0 未达到一级", "1 一级", "2 二级", "3 三级", "4 四级")
INPUT_FILL = PatternFill("solid", fgColor="FFF7E0")
HEAD_FILL = PatternFill("solid", fgColor="E8ECF2")
WRAP = Alignment(wrap_text=True, vertical="top")
#: The bundled form is about 20 KB, 6 columns and under 100 rows; these leave room for
#: longer schemes and hand edits, and nothing for a sheet padded out to Excel's edge.
FORM_MAX_BYTES = 5 * 1024 * 1024
FORM_MAX_COLUMNS = 64
FORM_MAX_UNPACKED = 64 * 1024 * 1024


def _option_text(o: digital.Option) -> str:
    return f"{o.code}. {o.label_zh}"


def build_form(
    s: digital.Scheme,
    *,
    uscc: str | None = None,
    name: str | None = None,
    assessed_on: dt.date | None = None,
    lang: str = "zh",
) -> bytes:
    """The questionnaire of scheme ``s`` as an .xlsx file (bytes), optionally pre-filled with
    the enterprise; every answer cell has a drop-down list. The items exist in Chinese only;
    ``lang`` is the language of the explanation sheet."""
    if not s.scorable:
        service.scorable_scheme(s.id)  # raises the explanation
    wb = new_workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    lists = wb.create_sheet(LISTS)
    lists.sheet_state = "hidden"
    _about(wb.create_sheet("说明" if lang.startswith("zh") else "About"), s, lang)
    ws["A1"] = f"{s.title_zh}（{s.document_number}）自评问卷 — 自评结果，非官方认定"
    ws["A1"].font = Font(bold=True, size=13)
    values = {
        "scheme": s.id,
        "version": s.version,
        "uscc": uscc or "",
        "name": name or "",
        "assessed_on": assessed_on.isoformat() if assessed_on else "",
        "assessor": "",
    }
    for key, (row, label) in META.items():
        ws.cell(row, 1, label).font = Font(bold=True)
        cell = ws.cell(row, 2, values[key])
        if key in ("uscc", "assessed_on", "assessor"):
            cell.fill = INPUT_FILL
    headers = (
        "编号 key",
        "维度 dimension",
        "题目 / 选项 item",
        "题型 kind",
        "说明 help",
        "作答 answer",
    )
    for col, text in enumerate(headers, start=1):
        c = ws.cell(FIRST_ROW - 1, col, text)
        c.font, c.fill = Font(bold=True), HEAD_FILL
    dims = {code: nm for code, nm, _ in s.dimensions}
    row = FIRST_ROW
    list_col = 1
    yes_no = DataValidation(
        type="list", formula1='"是,否"', allow_blank=True, showErrorMessage=True
    )
    ws.add_data_validation(yes_no)
    for it in s.items:
        ws.cell(row, 1, it.code)
        ws.cell(row, 2, dims.get(it.dimension, it.dimension))
        ws.cell(row, 3, it.title_zh).alignment = WRAP
        if it.kind == "single":
            ws.cell(row, 4, "单选")
            ws.cell(row, 5, "\n".join(_option_text(o) for o in it.options)).alignment = WRAP
            ref = _write_list(lists, list_col, [_option_text(o) for o in it.options])
            list_col += 1
            dv = DataValidation(type="list", formula1=ref, allow_blank=True, showErrorMessage=True)
            ws.add_data_validation(dv)
            dv.add(ws.cell(row, ANSWER_COL))
            ws.cell(row, ANSWER_COL).fill = INPUT_FILL
            row += 1
            continue
        ws.cell(row, 4, "多选")
        ws.cell(row, 5, "逐项选择 是/否；“无”不能与其他选项同选").alignment = WRAP
        row += 1
        for o in it.options:
            ws.cell(row, 1, f"{it.code}.{o.code}")
            ws.cell(row, 3, f"  {_option_text(o)}").alignment = WRAP
            ws.cell(row, 4, "多选项")
            yes_no.add(ws.cell(row, ANSWER_COL))
            ws.cell(row, ANSWER_COL).fill = INPUT_FILL
            row += 1
    if s.scenarios:
        ref = _write_list(lists, list_col, list(SCENARIO_CHOICES))
        scen_dv = DataValidation(type="list", formula1=ref, allow_blank=True, showErrorMessage=True)
        ws.add_data_validation(scen_dv)
        ops = next((nm for code, nm, scored in s.dimensions if not scored), "应用场景")
        for sc in s.scenarios:
            ws.cell(row, 1, f"scenario.{sc.code}")
            ws.cell(row, 2, ops)
            ws.cell(row, 3, sc.name_zh + ("（约束性场景）" if sc.binding else ""))
            ws.cell(row, 4, "场景等级")
            desc = "\n".join(f"{k}级：{t}" for k, t in enumerate(sc.levels_zh, start=1))
            ws.cell(row, 5, desc).alignment = WRAP
            scen_dv.add(ws.cell(row, ANSWER_COL))
            ws.cell(row, ANSWER_COL).fill = INPUT_FILL
            row += 1
    for letter, width in zip("ABCDEF", (26, 14, 48, 10, 60, 24), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = ws.cell(FIRST_ROW, 1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _write_list(ws: Worksheet, col: int, values: list[str]) -> str:
    for i, v in enumerate(values, start=1):
        ws.cell(i, col, v)
    letter = get_column_letter(col)
    return f"={LISTS}!${letter}$1:${letter}${len(values)}"


def _missing_zh(s: digital.Scheme) -> list[str]:
    """The Chinese lines for what the scheme's rule file lists as missing (form_notes.yaml);
    the rule file writes them in English, for its maintainers."""
    path = resources.files("gaodi.smart").joinpath("rules/form_notes.yaml")
    notes = read_yaml(path).get("missing_zh", {}).get(s.id) or {}
    return [
        notes.get(m)
        or f"规则文件 {s.id}.yaml 的“missing”一节还列有一项缺失资料（尚无中文说明），请查阅该文件。"
        for m in s.missing
    ]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _about(ws: Worksheet, s: digital.Scheme, lang: str = "zh") -> None:
    """The 说明 sheet, all in one language: Chinese for the Chinese questionnaire (it printed
    the rule file's English notes as "缺失：official annex text…"), English for the English one."""
    code = "digital.level_unverified"
    unverified = [
        words.say(code, lang, level_name=lv.name_zh, level=lv.code)
        for lv in s.levels
        if not lv.verified
    ]
    if lang.startswith("zh"):
        lines = [
            f"{s.title_zh}（{s.document_number}）",
            "本表用于企业数字化水平自评。自评结果不是官方认定。",
            "填写：在“问卷”表的“作答”列选择答案（下拉列表）；多选题逐项选择 是/否；"
            "应用场景选择达到的等级（0 表示未达到一级）。",
            "导入：gaodi smart assess 统一社会信用代码 --file 本文件.xlsx，"
            "或在网页自评页点“上传并导入”。任何一处有误则整份不导入，并逐格列出错误。"
            "与已导入的同日记录答案完全相同的问卷不再重复导入；"
            "答案不同则作为当日记录的更正保存，原记录保留在历史中。",
            *[f"{t}。" for t in unverified],
            *[f"缺失：{m}" for m in _missing_zh(s)],
        ]
    else:
        lines = [
            f"{s.title_en or s.title_zh} ({s.document_number})",
            "This workbook is an enterprise's digital-level self-assessment. A self-assessment "
            "is not an official recognition. The items and options are published in Chinese only.",
            "Filling in: in sheet 问卷, choose each answer in column 作答 (drop-down list); for a "
            "multiple-choice item answer 是 (yes) or 否 (no) per option; for each scenario choose "
            "the level reached (0 = below level 1).",
            "Importing: gaodi smart assess <USCC> --file <this file>.xlsx, or “Upload and import” "
            "on the enterprise's self-assessment page. Any error and nothing is imported; every "
            "bad cell is listed. A form with the same date and answers as a record already "
            "imported is not imported again; with different answers it is stored as that "
            "day's correction, and the earlier record stays in the history.",
            *[_sentence(t) for t in unverified],
            *[f"Missing: {m}" for m in s.missing],
        ]
    for i, text in enumerate(lines, start=1):
        ws.cell(i, 1, text).alignment = WRAP
    ws.column_dimensions["A"].width = 110


# ---------------------------------------------------------------------------- reading
@dataclass
class FilledForm:
    scheme_id: str
    uscc: str
    assessed_on: dt.date
    assessor: str | None
    items: dict[str, Any] = field(default_factory=dict)
    scenarios: dict[str, int] = field(default_factory=dict)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_CODE = re.compile(r"^\s*([A-Za-z0-9]+)\s*(?:[.．、:：)）]|\s|$)")


def _option_code(item: digital.Item, raw: str) -> str | None:
    codes = {o.code.upper(): o.code for o in item.options}
    labels = {o.label_zh: o.code for o in item.options}
    if raw in labels:
        return labels[raw]
    m = _CODE.match(raw)
    if m and m.group(1).upper() in codes:
        return codes[m.group(1).upper()]
    return None


def form_limits() -> Limits:
    """The bounds of an uploaded questionnaire (rows from ``GAODI_SMART_FORM_MAX_ROWS``)."""
    rows = get_settings().smart_form_max_rows
    return Limits(
        max_bytes=FORM_MAX_BYTES,
        max_rows=rows,
        max_columns=FORM_MAX_COLUMNS,
        max_cells=rows * FORM_MAX_COLUMNS,
        max_uncompressed=FORM_MAX_UNPACKED,
    )


def read_form(data: bytes, name: str = "问卷.xlsx") -> FilledForm:
    """:func:`parse_form` of an uploaded file: bounded first, then parsed in a worker process.

    A file over the bounds, or one the worker cannot read within its memory limit, is refused
    as one :class:`ImportRejected` cell error, like a file that is not a workbook at all.
    """
    try:
        check_workbook_bytes(data, name, form_limits())
        return run_isolated(parse_form, data, name=name)
    except ImportRejected:
        raise
    except ValidationError as exc:
        raise ImportRejected(errors=[CellError(SHEET, 0, "", None, exc.zh, exc.en)]) from None


def parse_form(data: bytes) -> FilledForm:
    """Read a filled questionnaire; raise :class:`ImportRejected` listing every bad cell.

    Trusts its input's size: files from users go through :func:`read_form`.
    """
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # not an xlsx file: one error for the whole file
        raise ImportRejected(
            errors=[
                CellError(SHEET, 0, "", None, "不是有效的 .xlsx 文件。", "Not a valid .xlsx file.")
            ]
        ) from None
    if SHEET not in wb.sheetnames:
        raise ImportRejected(
            errors=[
                CellError(
                    SHEET, 0, "", None, f"缺少工作表“{SHEET}”。", f"Sheet '{SHEET}' is missing."
                )
            ]
        )
    ws = wb[SHEET]
    errors: list[CellError] = []

    def err(row: int, col: int, value: Any, zh: str, en: str) -> None:
        errors.append(CellError(SHEET, row, get_column_letter(col), value, zh, en))

    meta = {key: ws.cell(row, 2).value for key, (row, _label) in META.items()}
    scheme_id = _text(meta["scheme"])
    try:
        s = service.scorable_scheme(scheme_id)
    except GaodiError as exc:
        err(META["scheme"][0], 2, meta["scheme"], exc.zh, exc.en)
        raise ImportRejected(errors=errors) from None
    if _text(meta["version"]) != s.version:
        err(
            META["version"][0], 2, meta["version"],
            f"问卷版本“{_text(meta['version'])}”与方案版本“{s.version}”不符，请重新下载问卷。",
            f"Form version '{_text(meta['version'])}' differs from the scheme's ({s.version}); "
            "download the form again.",
        )  # fmt: skip
    uscc = normalize_uscc(meta["uscc"]) if meta["uscc"] is not None else ""
    if not is_valid_uscc(uscc):
        err(
            META["uscc"][0], 2, meta["uscc"],
            "统一社会信用代码无效（18位，校验位须正确）。",
            "Invalid USCC (18 characters with a correct check character).",
        )  # fmt: skip
    day = _date(meta["assessed_on"])
    if day is None:
        err(
            META["assessed_on"][0], 2, meta["assessed_on"],
            "评测日期须为 YYYY-MM-DD 格式的日期。", "The date must be a date (YYYY-MM-DD).",
        )  # fmt: skip
    rows: dict[str, tuple[int, Any]] = {}
    for r in range(FIRST_ROW, ws.max_row + 1):
        key = _text(ws.cell(r, KEY_COL).value)
        if not key:
            continue
        if key in rows:
            err(r, KEY_COL, key, f"编号“{key}”重复。", f"Key '{key}' appears twice.")
            continue
        rows[key] = (r, ws.cell(r, ANSWER_COL).value)
    items: dict[str, Any] = {}
    anchor: dict[str, int] = {}
    for it in s.items:
        if it.kind == "single":
            if it.code not in rows:
                err(
                    0,
                    KEY_COL,
                    it.code,
                    f"缺少题目“{it.code}”所在行。",
                    f"Row of '{it.code}' missing.",
                )
                continue
            r, value = rows[it.code]
            anchor[it.code] = r
            raw = _text(value)
            if not raw:
                continue  # unanswered: reported below with the other problems
            code = _option_code(it, raw)
            if code is None:
                valid = "、".join(o.code for o in it.options)
                err(
                    r, ANSWER_COL, value,
                    f"“{raw}”不是本题的选项（可选：{valid}）。",
                    f"'{raw}' is not an option of this item (valid: {valid}).",
                )  # fmt: skip
                anchor.pop(it.code)
                continue
            items[it.code] = code
            continue
        chosen: list[str] = []
        seen = False
        for o in it.options:
            key = f"{it.code}.{o.code}"
            if key not in rows:
                err(0, KEY_COL, key, f"缺少选项行“{key}”。", f"Row of option '{key}' missing.")
                continue
            r, value = rows[key]
            anchor.setdefault(it.code, r)
            raw = _text(value).upper()
            if not raw:
                continue
            seen = True
            if raw in YES:
                chosen.append(o.code)
            elif raw not in NO:
                err(r, ANSWER_COL, value, "须填“是”或“否”。", "Answer 是 (yes) or 否 (no).")
        if seen:
            items[it.code] = chosen
    scenarios: dict[str, Any] = {}
    for sc in s.scenarios:
        key = f"scenario.{sc.code}"
        if key not in rows:
            err(0, KEY_COL, key, f"缺少场景行“{key}”。", f"Row of scenario '{key}' missing.")
            continue
        r, value = rows[key]
        anchor[f"scenario:{sc.code}"] = r
        raw = _text(value)
        if raw:
            # a level the cell does not state as a whole number (2.5, 2-3) goes on as written, so
            # check_answers refuses it at this cell; keeping its leading digits stored 2.5 as 2
            scenarios[sc.code] = _scenario_level(raw)
    _clean, _scen, problems = service.check_answers(s, items, scenarios)
    for p in problems:
        at = anchor.get(p.key)
        if at is None and p.key in (it.code for it in s.items) and p.key not in items:
            continue  # its row is missing or its answer was refused: already reported
        err(at or 0, ANSWER_COL, _cell_value(ws, at), p.zh, p.en)
    if errors:
        errors.sort(key=lambda e: (e.row, e.column))
        raise ImportRejected(errors=errors)
    assert day is not None
    return FilledForm(
        scheme_id=s.id,
        uscc=uscc,
        assessed_on=day,
        assessor=_text(meta["assessor"]) or None,
        items=_clean,
        scenarios=_scen,
    )


_LEVEL = re.compile(r"^(\d+)(?:\.0+)?\s*(?:级)?$")
_CHOICES = {" ".join(c.split()): c.split()[0] for c in SCENARIO_CHOICES}


def _scenario_level(raw: str) -> str:
    """The level a scenario cell states: a whole number ("2", "2级", a cell holding 2.0) or the
    drop-down's text ("2 二级"); anything else is returned unchanged, to be refused.

    Examples
    --------
    >>> [_scenario_level(v) for v in ("2", "２级", "2 二级", "3.0", "2.5", "2-3", "三级")]
    ['2', '2', '2', '3', '2.5', '2-3', '三级']
    """
    text = " ".join(unicodedata.normalize("NFKC", raw).split())
    if text in _CHOICES:
        return _CHOICES[text]
    m = _LEVEL.match(text)
    return m.group(1) if m else raw


def _cell_value(ws: Worksheet, row: int | None) -> Any:
    return ws.cell(row, ANSWER_COL).value if row else None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        return None


def import_form(
    session: Session,
    principal: Principal,
    data: bytes,
    *,
    uscc: str | None = None,
    source: str = "excel",
    file_name: str = "问卷.xlsx",
) -> Assessment:
    """Import a filled questionnaire as a new assessment (all-or-nothing).

    A form that repeats the day's record of the enterprise and scheme (same date, same answers)
    is refused at the date cell, naming that record; one with different answers for that day is
    stored as its correction (:func:`service.refuse_repeat`, :func:`service.superseded`).

    ``uscc``, when given (the CLI argument, the enterprise whose page the form is uploaded on),
    must match the form's; the enterprise must exist and be within the principal's scope. Any
    problem — in the answers, the date, the USCC — is reported cell by cell and nothing is
    written. The file is bounded and parsed apart from this process (:func:`read_form`).
    """
    form = read_form(data, file_name)
    row_uscc = META["uscc"][0]
    if uscc is not None and normalize_uscc(uscc) != form.uscc:
        raise ImportRejected(
            errors=[
                CellError(
                    SHEET,
                    row_uscc,
                    "B",
                    form.uscc,
                    f"问卷中的统一社会信用代码与所选企业（{normalize_uscc(uscc)}）不一致。",
                    f"The form's USCC differs from the chosen enterprise ({normalize_uscc(uscc)}).",
                )
            ]
        )
    try:
        ent = service.enterprise(session, principal, uscc=form.uscc, action="edit")
        # a repeat of the day's record is refused there, at the date cell (field assessed_on)
        return service.record_assessment(
            session,
            principal,
            ent,
            form.items,
            form.scenarios,
            scheme_id=form.scheme_id,
            assessed_on=form.assessed_on,
            assessor=form.assessor,
            source=source,
        )
    except GaodiError as exc:
        if exc.status_code == 403:
            raise
        field = exc.context.get("field")
        row = META["assessed_on"][0] if field == "assessed_on" else row_uscc
        value = form.assessed_on if field == "assessed_on" else form.uscc
        raise ImportRejected(errors=[CellError(SHEET, row, "B", value, exc.zh, exc.en)]) from None
