"""Input-output linkages for the web page and its JSON twin: uploaded Z and Y CSV files (or the
bundled textbook example) through :func:`gaodi.analytics.io.linkages_tables`.

An upload that cannot be used — empty, not CSV, not UTF-8/GB18030, a missing column, a
non-number, a singular table — raises a :class:`ValidationError` naming the form field
(``flows`` or ``final_demand``) with the reason in Chinese and English, so the page shows it
next to the field and the API answers 422; never a server error. Column contracts are those of
``gaodi regions linkages`` (docs/methods/io.md).

The model is dense: n sectors make n × n matrices and an n × n inverse, so a 111 KB table of
3,000 sparse sectors once took the server to 951 MB. Uploads are therefore capped at
``GAODI_IO_MAX_SECTORS`` sectors (and ``MAX_COLUMNS`` CSV columns) before any matrix is built.
"""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

import polars as pl

from gaodi.analytics.io import linkages_tables
from gaodi.config import get_settings
from gaodi.core.errors import GaodiError, ValidationError
from gaodi.core.rulefile import read_yaml
from gaodi.regions.panel import DATA, now_stamp
from gaodi.regions.schemas import LinkageRow, Linkages, MatrixTable

EXAMPLE_FILE = DATA / "io_example.yaml"
MAX_BYTES = 20 * 1024 * 1024
MATRIX_LIMIT = 30
#: The widest contract has 5 columns; room for a few notes, none for a header of a million.
MAX_COLUMNS = 64
SINGLE_Z = ("row_sector", "col_sector", "value")
SINGLE_Y = ("sector", "value")
MULTI_Z = ("row_region", "row_sector", "col_region", "col_sector", "value")
MULTI_Y = ("row_region", "row_sector", "col_region", "category", "value")
LABELS = {
    "flows": ("中间流量 Z", "intermediate flows Z"),
    "final_demand": ("最终需求 Y", "final demand Y"),
}


@lru_cache(maxsize=2)
def example(lang: str = "zh") -> tuple[str, str, pl.DataFrame, pl.DataFrame]:
    """``(title_zh, title_en, Z, Y)`` of the bundled example (Miller & Blair 2009, Table 2.3),
    its sectors named in ``lang``."""
    raw = read_yaml(EXAMPLE_FILE)
    z = pl.DataFrame(
        raw["flows"], schema={"row_sector": pl.String, "col_sector": pl.String, "value": pl.Float64}
    )
    y = pl.DataFrame(raw["final_demand"], schema={"sector": pl.String, "value": pl.Float64})
    if not lang.startswith("zh"):
        names = {str(k): str(v) for k, v in raw["sectors_en"].items()}
        z = z.with_columns(pl.col("row_sector", "col_sector").replace(names))
        y = y.with_columns(pl.col("sector").replace(names))
    return str(raw["title_zh"]), str(raw["title_en"]), z, y


def _bad(field: str, zh: str, en: str, **context: Any) -> ValidationError:
    what_zh, what_en = LABELS[field]
    return ValidationError(f"{what_zh}：{zh}", f"{what_en}: {en}", field=field, **context)


def _decode(data: bytes, field: str) -> str:
    if not data.strip():
        raise _bad(field, "文件是空的。", "the file is empty.")
    if len(data) > MAX_BYTES:
        raise _bad(field, "文件超过 20 MB。", "the file is larger than 20 MB.")
    if b"\x00" in data[:4096]:
        raise _bad(field, "这不是 CSV 文本文件。", "this is not a CSV text file.")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _bad(
        field,
        "编码既不是 UTF-8 也不是 GB18030，请另存为 UTF-8 CSV。",
        "the encoding is neither UTF-8 nor GB18030; save it as UTF-8 CSV.",
    )


def read_upload(data: bytes, field: str, columns: tuple[str, ...]) -> pl.DataFrame:
    """Read ``columns`` of an uploaded CSV (text keys, a numeric ``value``) with clear errors."""
    text = _decode(data, field)
    end = text.find("\n")
    width = text.count(",", 0, end if end >= 0 else len(text)) + 1
    if width > MAX_COLUMNS:
        raise _bad(
            field,
            f"表头有 {width:,} 列，超过上限 {MAX_COLUMNS}。",
            f"the header has {width:,} columns, over the limit of {MAX_COLUMNS}.",
        )
    try:
        raw = pl.read_csv(io.StringIO(text), infer_schema=False)
    except pl.exceptions.PolarsError as exc:
        raise _bad(
            field, f"无法按 CSV 解析（{exc}）。", f"cannot be read as CSV ({exc})."
        ) from None
    clean = [c.lstrip("\ufeff").strip() for c in raw.columns]
    raw.columns = clean
    missing = [c for c in columns if c not in clean]
    if missing:
        raise _bad(
            field,
            f"缺少列 {', '.join(missing)}（需要 {', '.join(columns)}；现有 {', '.join(clean)}）。",
            f"missing column(s) {', '.join(missing)} (needed: {', '.join(columns)}; found: "
            f"{', '.join(clean)}).",
            columns=missing,
        )
    if raw.height == 0:
        raise _bad(field, "没有数据行。", "there are no data rows.")
    frame = raw.select(columns)
    for name in columns:
        empty = frame[name].is_null() | (frame[name].str.strip_chars() == "")
        if empty.any():
            line = int(empty.arg_true()[0]) + 2
            raise _bad(
                field,
                f"第 {line} 行 {name} 列为空。",
                f"line {line}: {name} is empty.",
                row=line,
                column=name,
            )
    value = frame["value"].str.strip_chars().cast(pl.Float64, strict=False)
    bad = value.is_null()
    if bad.any():
        line = int(bad.arg_true()[0]) + 2
        shown = frame["value"][line - 2]
        raise _bad(
            field,
            f"第 {line} 行 value 列的“{shown}”不是数值。",
            f"line {line}: value {shown!r} is not a number.",
            row=line,
            column="value",
        )
    return frame.with_columns(
        value.alias("value"), *[pl.col(c).str.strip_chars() for c in columns if c != "value"]
    )


def _output(z: pl.DataFrame, y: pl.DataFrame, multi: bool) -> dict[tuple[str, ...], float]:
    keys = ["row_region", "row_sector"] if multi else ["row_sector"]
    ykeys = ["row_region", "row_sector"] if multi else ["sector"]
    out: dict[tuple[str, ...], float] = {}
    for frame, cols in ((z, keys), (y, ykeys)):
        for row in frame.group_by(cols).agg(pl.col("value").sum()).iter_rows():
            key = tuple(str(v) for v in row[:-1])
            out[key] = out.get(key, 0.0) + float(row[-1])
    return out


def compute(z: pl.DataFrame, y: pl.DataFrame, *, source: str, label: str) -> Linkages:
    """Linkages of parsed Z and Y tables (analytics errors become field errors on Z)."""
    multi = "row_region" in z.columns
    try:
        tables = linkages_tables(z, y)
    except GaodiError as exc:
        raise ValidationError(exc.zh, exc.en, field="flows") from None
    link = tables["linkages"]
    totals = _output(z, y, multi)
    rows = []
    for r in link.iter_rows(named=True):
        key = (str(r["region"]), str(r["sector"])) if multi else (str(r["sector"]),)
        rows.append(
            LinkageRow(
                region=str(r["region"]) if multi else None,
                sector=str(r["sector"]),
                output=totals.get(key, 0.0),
                output_multiplier=float(r["output_multiplier"]),
                backward_linkage=float(r["backward_linkage"]),
                forward_linkage=float(r["forward_linkage"]),
                key_sector=str(r["key_sector"]),
            )
        )
    n = len(rows)
    matrices = []
    if n <= MATRIX_LIMIT:
        labels = [f"{r.region} / {r.sector}" if multi else r.sector for r in rows]
        for name in ("A", "L", "B", "G"):
            values = tables[name]["value"].to_list()
            matrices.append(
                MatrixTable(
                    name=name,
                    labels=labels,
                    values=[values[i * n : (i + 1) * n] for i in range(n)],
                )
            )
    return Linkages(
        source=source,  # type: ignore[arg-type]
        source_label=label,
        n_sectors=n,
        multi_regional=multi,
        rows=rows,
        matrices=matrices,
        computed_at=now_stamp(),
    )


def check_sectors(z: pl.DataFrame, multi: bool) -> None:
    """Refuse a Z table of more sectors than ``GAODI_IO_MAX_SECTORS`` (before any matrix)."""
    limit = get_settings().io_max_sectors
    keys = ["row_region", "row_sector"] if multi else ["row_sector"]
    n = z.select(keys).n_unique()
    if n > limit:
        raise _bad(
            "flows",
            f"有 {n:,} 个部门，超过上限 {limit:,}（GAODI_IO_MAX_SECTORS）。"
            "请合并部门后再上传，或用命令行 gaodi regions linkages 计算。",
            f"{n:,} sectors, over the limit of {limit:,} (GAODI_IO_MAX_SECTORS). Aggregate "
            "sectors and upload again, or compute it with gaodi regions linkages.",
            sectors=n,
            limit=limit,
        )


def linkages(
    flows: bytes | None = None,
    final_demand: bytes | None = None,
    *,
    flows_name: str = "Z.csv",
    final_demand_name: str = "Y.csv",
    lang: str = "zh",
) -> Linkages:
    """Linkages of uploaded CSV bytes, or of the bundled example when neither is given."""
    if not flows and not final_demand:
        zh, en, z, y = example(lang)
        return compute(z, y, source="example", label=zh if lang == "zh" else en)
    if not flows:
        raise _bad("flows", "请上传中间流量 Z 的 CSV 文件。", "upload the Z CSV file.")
    if not final_demand:
        raise _bad("final_demand", "请上传最终需求 Y 的 CSV 文件。", "upload the Y CSV file.")
    head = _decode(flows, "flows").lstrip("\ufeff").split("\n", 1)[0]
    multi = "row_region" in [c.strip() for c in head.split(",")]
    z = read_upload(flows, "flows", MULTI_Z if multi else SINGLE_Z)
    check_sectors(z, multi)
    y = read_upload(final_demand, "final_demand", MULTI_Y if multi else SINGLE_Y)
    if (z["value"] < 0).any():
        line = int((z["value"] < 0).arg_true()[0]) + 2
        raise _bad(
            "flows", f"第 {line} 行的中间流量为负数。", f"line {line}: a negative flow.", row=line
        )
    return compute(z, y, source="upload", label=f"{flows_name} + {final_demand_name}")
