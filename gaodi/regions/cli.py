"""``gaodi regions``: specialisation, economic complexity and input-output linkages from CSV.

Each command reads UTF-8 CSV files with Polars, calls the pure functions of
``gaodi.analytics`` and writes CSV files into ``--out``. Input contracts are in
``docs/methods/regional.md``, ``docs/methods/complexity.md`` and ``docs/methods/io.md``.
Bad input (missing column, non-numeric or negative values, an empty file) ends with a message
in Chinese and English and exit code 2, never a traceback.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from gaodi.core.errors import DataError
from gaodi.core.text_safety import csv_frame
from gaodi.ui.cli.output import FORCE_DIR, check_out_dir, drop_stale, writable_dir
from gaodi.ui.cli.support import cli_session, console, handle_errors

app = typer.Typer(
    help="地区 Regions: specialisation (LQ, shift-share), economic complexity, IO linkages.",
    no_args_is_help=True,
)

# Rows per chunk when writing the big tables (cells.csv, proximity.csv).
CHUNK_ROWS = 2_000_000


# --------------------------------------------------------------------------- CSV helpers
def _transcoded(path: Path) -> Any:
    """The file as UTF-8 bytes: UTF-8 (with or without BOM) or GB18030/GBK (Excel's default
    on Chinese Windows)."""
    import io

    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return io.BytesIO(data.decode(encoding).encode("utf-8"))
        except UnicodeDecodeError:
            continue
    raise DataError(
        f"无法读取 {path.name}：编码既不是 UTF-8 也不是 GB18030（GBK）。请另存为 UTF-8 CSV。",
        f"Cannot read {path.name}: the encoding is neither UTF-8 nor GB18030 (GBK). Save it "
        "as a UTF-8 CSV file.",
    )


def read_table(path: Path, columns: dict[str, Any], what: tuple[str, str]) -> Any:
    """Read ``columns`` (name -> Polars dtype) of a CSV file (UTF-8 or GB18030); clear errors
    for a missing column, a non-number, an empty file. ``what`` names the file in Chinese and
    in English, each for its own sentence."""
    import polars as pl

    if not path.exists():
        raise FileNotFoundError(2, "No such file", str(path))
    if path.is_dir():
        raise IsADirectoryError(21, "Is a directory", str(path))
    source: Any = path
    for attempt in range(2):
        try:
            return _read_source(source, path, columns, what)
        except (pl.exceptions.ComputeError, UnicodeDecodeError):
            if attempt:
                raise
            source = _transcoded(path)  # not UTF-8: decode once and read from memory
    raise AssertionError("unreachable")  # pragma: no cover


def _read_source(source: Any, path: Path, columns: dict[str, Any], what: tuple[str, str]) -> Any:
    import polars as pl

    what_zh, what_en = what
    if hasattr(source, "seek"):
        source.seek(0)
    try:
        header = pl.read_csv(source, n_rows=0, infer_schema=False).columns
    except pl.exceptions.NoDataError as exc:
        raise DataError(
            f"{what_zh}文件 {path} 是空的。", f"The {what_en} file {path} is empty."
        ) from exc
    clean = [c.lstrip("\ufeff").strip() for c in header]
    missing = [c for c in columns if c not in clean]
    if missing:
        raise DataError(
            f"{what_zh}文件 {path.name} 缺少列：{', '.join(missing)}"
            f"（现有列：{', '.join(clean)}）。",
            f"The {what_en} file {path.name} misses column(s): {', '.join(missing)} "
            f"(found: {', '.join(clean)}).",
            columns=missing,
        )
    rename = {h: c for h, c in zip(header, clean, strict=True) if h != c}
    schema = {h: columns.get(c, pl.String) for h, c in zip(header, clean, strict=True)}
    if hasattr(source, "seek"):
        source.seek(0)
    try:
        df = pl.read_csv(source, schema=schema).rename(rename)
    except pl.exceptions.PolarsError as exc:
        if "utf-8" in str(exc).lower():
            raise pl.exceptions.ComputeError(str(exc)) from exc
        if hasattr(source, "seek"):
            source.seek(0)
        text = pl.read_csv(source, schema=dict.fromkeys(header, pl.String)).rename(rename)
        df = _locate_bad_cell(text, columns, path)
    df = df.select(list(columns))
    if df.height == 0:
        raise DataError(
            f"{what_zh}文件 {path.name} 没有数据行。",
            f"The {what_en} file {path.name} has no data rows.",
        )
    return df


def _locate_bad_cell(text: Any, columns: dict[str, Any], path: Path) -> Any:
    """Name the first cell that is not a number (or, in a year column, not a whole year);
    when every year is whole but written with a decimal point (``2021.0``), the table with
    the years as integers, as the Python functions read the same values."""
    import polars as pl

    parsed_columns = []
    for name, dtype in columns.items():
        if dtype == pl.String:
            parsed_columns.append(text[name])
            continue
        cells = text[name].str.strip_chars()
        number = cells.cast(pl.Float64, strict=False) if dtype.is_integer() else None
        parsed = cells.cast(dtype, strict=False)
        if number is not None:
            whole = number.is_finite() & (number == number.floor()) & (number.abs() < 1e15)
            parsed = parsed.fill_null(pl.when(whole).then(number).otherwise(None).cast(dtype))
        bad = parsed.is_null() & text[name].is_not_null()
        if bad.any():
            row = int(bad.arg_true()[0])
            value = text[name][row]
            if number is not None and number[row] is not None:
                # a number, just not a whole one: the year must be a whole number
                raise DataError(
                    f"{path.name} 第 {row + 2} 行 {name} 列的值“{value}”不是整数年份"
                    "（年份须为整数，如 2023）。",
                    f"{path.name}, line {row + 2}, column {name}: {value!r} is not a whole year "
                    "(a year is a whole number, e.g. 2023).",
                    row=row + 2,
                    column=name,
                    value=value,
                )
            raise DataError(
                f"{path.name} 第 {row + 2} 行 {name} 列的值“{value}”不是数值。",
                f"{path.name}, line {row + 2}, column {name}: {value!r} is not a number.",
                row=row + 2,
                column=name,
                value=value,
            )
        parsed_columns.append(parsed.alias(name))
    if any(c.dtype != columns[c.name] for c in parsed_columns):
        raise DataError(f"无法解析 {path.name}。", f"Cannot parse {path.name}.")
    return pl.DataFrame(parsed_columns)


def _check_unique(df: Any, path: Path, keys: list[str], what: tuple[str, str]) -> None:
    """Refuse a key given twice, naming both lines: the tables need one value per key."""
    import polars as pl

    repeated = df.select(keys).is_duplicated()
    if not repeated.any():
        return
    first = int(repeated.arg_true()[0])  # the first line of the first repeated key
    key = df.row(first, named=True)
    same = df.with_row_index("_line").filter(pl.all_horizontal(pl.col(k) == key[k] for k in keys))[
        "_line"
    ]
    row = int(same[1])
    what_zh, what_en = what
    shown = ", ".join(f"{k} {key[k]}" for k in keys)
    raise DataError(
        f"{what_zh}文件 {path.name} 第 {row + 2} 行与第 {first + 2} 行重复（{shown}）："
        "每个键只能有一行。",
        f"The {what_en} file {path.name}, line {row + 2} repeats line {first + 2} ({shown}): "
        "each key may appear once.",
        row=row + 2,
        column=", ".join(keys),
    )


def _check_values(df: Any, path: Path, *, allow_negative: bool = False) -> None:
    nulls = [c for c in df.columns if df[c].null_count()]
    if nulls:
        row = int(df[nulls[0]].is_null().arg_true()[0])
        raise DataError(
            f"{path.name} 第 {row + 2} 行 {nulls[0]} 列为空。",
            f"{path.name}, line {row + 2}: column {nulls[0]} is empty.",
            row=row + 2,
            column=nulls[0],
        )
    value = df["value"]
    bad = ~value.is_finite() if allow_negative else (~value.is_finite()) | (value < 0)
    if bad.any():
        row = int(bad.arg_true()[0])
        raise DataError(
            f"{path.name} 第 {row + 2} 行的 value 为 {value[row]}；只接受非负有限数。"
            if not allow_negative
            else f"{path.name} 第 {row + 2} 行的 value 不是有限数。",
            f"{path.name}, line {row + 2}: value {value[row]} is not a non-negative finite number."
            if not allow_negative
            else f"{path.name}, line {row + 2}: value is not a finite number.",
            row=row + 2,
            column="value",
        )


ENGINE = typer.Option(
    None,
    "--engine",
    help="Sum the input (microdata or a panel, .csv or .parquet) on polars, duckdb or spark "
    "first; a .parquet input always goes through the engine (default GAODI_ENGINE).",
)


def _use_engine(path: Path, engine: str | None) -> bool:
    return engine is not None or path.suffix.lower() == ".parquet"


def _engine_panel(
    path: Path, engine: str | None, keys: list[str], optional: list[str] | None = None
) -> Any:
    """The input summed by ``keys`` (and by any of ``optional`` it has) on the engine."""
    from gaodi.engine.backends import backend_of, scan
    from gaodi.engine.panel import panel

    frame = scan(path, backend_of(engine))
    have = set(frame.collect_schema().names())
    return panel(frame, keys + [k for k in optional or [] if k in have])


def _plain_zero(frame: Any) -> Any:
    """``frame`` with every float -0.0 written as 0.0: a component that is exactly zero (an
    industry-mix term, a COG) is not "minus nothing" to a reader of the CSV."""
    import polars as pl

    floats = [n for n, t in frame.schema.items() if t.is_float()]
    if not floats:
        return frame
    return frame.with_columns(
        pl.when(pl.col(n) == 0)
        .then(pl.lit(0.0, dtype=frame.schema[n]))
        .otherwise(pl.col(n))
        .alias(n)
        for n in floats
    )


def write_csv(frame: Any, path: Path) -> int:
    # Region and industry names come from the input file: inert text in a spreadsheet.
    csv_frame(_plain_zero(frame)).write_csv(path)
    return int(frame.height)


def write_chunked(path: Path, n_rows: int, make: Callable[[int, int], Any], step: int) -> int:
    """Write a big table in chunks of ``step`` units (``make(start, stop)`` builds one)."""
    total = 0
    with path.open("wb") as fh:
        for start in range(0, max(n_rows, 1), step):
            chunk = make(start, min(start + step, n_rows))
            csv_frame(_plain_zero(chunk)).write_csv(fh, include_header=start == 0)
            total += chunk.height
    return total


def _report(out: Path, written: dict[str, int], started: float, notes: list[str]) -> None:
    from rich.table import Table

    table = Table(title=f"{out}  ({time.perf_counter() - started:.1f} s)")
    table.add_column("file 文件")
    table.add_column("rows 行数", justify="right")
    for name, rows in written.items():
        table.add_row(name, f"{rows:,}")
    console.print(table)
    for note in notes:
        console.print(note)


#: The files each command writes into --out (a second run is refused unless --force).
SPECIALISE_FILES = (
    "specialisation.csv",
    "shift_share.csv",
    "shift_share_dynamic.csv",
    "cagr.csv",
    "concentration.csv",
    "localisation.csv",
)
COMPLEXITY_FILES = ("regions.csv", "industries.csv", "cells.csv", "proximity.csv")
LINKAGES_FILES = ("A.csv", "L.csv", "B.csv", "G.csv", "linkages.csv")


def _finish(
    out: Path, names: tuple[str, ...], written: dict[str, int], started: float, notes: list[str]
) -> None:
    removed = drop_stale(out, names, written)
    if removed:
        notes.append(
            f"已删除上次运行留下、本次未生成的文件 Removed an earlier run's files this run did not "
            f"write: {', '.join(removed)}"
        )
    _report(out, written, started, notes)


# --------------------------------------------------------------------------- commands
@app.command()
@handle_errors
def specialise(
    input_csv: Path = typer.Argument(
        ..., metavar="INPUT.csv", help="Long table: region,industry,year,value."
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Directory for the output CSV files."),
    force: bool = FORCE_DIR,
    reference: Path | None = typer.Option(
        None, "--reference", help="Reference-economy totals industry,year,value (LQ, shift-share)."
    ),
    start: int | None = typer.Option(None, "--start", help="First year (default: earliest)."),
    end: int | None = typer.Option(None, "--end", help="Last year (default: latest)."),
    engine: str | None = ENGINE,
) -> None:
    """区位商、偏离—份额、结构指数 Specialisation: LQ/RCA, shift-share, HHI, Krugman, CAGR.

    Writes specialisation.csv, shift_share.csv, shift_share_dynamic.csv, concentration.csv,
    localisation.csv and cagr.csv into --out.
    """
    import polars as pl

    from gaodi.analytics import regional_tables as regional

    started = time.perf_counter()
    check_out_dir(out, SPECIALISE_FILES, force)
    cols = {"region": pl.String, "industry": pl.String, "year": pl.Int64, "value": pl.Float64}
    if _use_engine(input_csv, engine):
        data = _engine_panel(input_csv, engine, ["region", "industry", "year"])
    else:
        data = read_table(input_csv, cols, ("输入", "input"))
        _check_values(data, input_csv)
        _check_unique(data, input_csv, ["region", "industry", "year"], ("输入", "input"))
    ref = None
    if reference is not None:
        ref = read_table(
            reference,
            {"industry": pl.String, "year": pl.Int64, "value": pl.Float64},
            ("参照", "reference"),
        )
        _check_values(ref, reference)
        _check_unique(ref, reference, ["industry", "year"], ("参照", "reference"))
    years = data["year"].unique().sort().to_list()
    # every table first, then the files: a table that cannot be computed (one region, a zero
    # total) stops the run before anything is written, so --out never holds half a result
    tables = {"specialisation.csv": regional.specialisation_table(data, reference=ref)}
    notes: list[str] = []
    if len(years) >= 2:
        tables["shift_share.csv"] = regional.shift_share_table(
            data, reference=ref, start=start, end=end
        )
        tables["shift_share_dynamic.csv"] = regional.shift_share_table(
            data, reference=ref, start=start, end=end, dynamic=True
        )
        tables["cagr.csv"] = regional.cagr_table(data, start=start, end=end)
    else:
        notes.append(
            "只有一年数据：未计算偏离—份额与复合增长率。 One year only: no shift-share or CAGR."
        )
    tables["concentration.csv"] = regional.concentration_table(data)
    tables["localisation.csv"] = regional.localisation_table(data)
    out = writable_dir(out, SPECIALISE_FILES, force)
    written = {name: write_csv(frame, out / name) for name, frame in tables.items()}
    _finish(out, SPECIALISE_FILES, written, started, notes)


@app.command()
@handle_errors
def complexity(
    input_csv: Path = typer.Argument(
        ..., metavar="INPUT.csv", help="Long table for one year: region,industry,value."
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Directory for the output CSV files."),
    force: bool = FORCE_DIR,
    threshold: float = typer.Option(1.0, "--threshold", help="M = 1 when RCA >= this."),
    drop_empty: bool = typer.Option(
        False, "--drop-empty", help="Leave out regions/industries whose total is 0."
    ),
    year: int | None = typer.Option(
        None, "--year", help="If INPUT has a year column with several years, use this one."
    ),
    engine: str | None = ENGINE,
) -> None:
    """经济复杂度 Economic complexity (ecomplexity conventions): ECI, PCI, density, COI, COG.

    Writes regions.csv (region,diversity,eci,coi), industries.csv (industry,ubiquity,pci),
    cells.csv (region,industry,rca,mcp,density,cog; every pair) and proximity.csv
    (industry_1,industry_2,proximity; every ordered pair including the diagonal).
    """
    import numpy as np
    import polars as pl

    from gaodi.analytics.complexity import complexity as compute
    from gaodi.analytics.complexity import to_matrix

    started = time.perf_counter()
    check_out_dir(out, COMPLEXITY_FILES, force)
    cols = {"region": pl.String, "industry": pl.String, "value": pl.Float64}
    if _use_engine(input_csv, engine):
        data = _engine_panel(input_csv, engine, ["region", "industry"], optional=["year"])
    else:
        if year is not None or _has_column(input_csv, "year"):
            cols["year"] = pl.Int64
        data = read_table(input_csv, cols, ("输入", "input"))
        _check_values(data, input_csv)
    if "year" in data.columns:
        data = _one_year(data, year, input_csv)
    matrix, regions, industries = to_matrix(data)
    del data
    res = compute(matrix, regions, industries, threshold=threshold, drop_empty_rows=drop_empty)
    del matrix
    out = writable_dir(out, COMPLEXITY_FILES, force)
    # Enum columns: 4-byte codes that Polars writes several times faster than strings.
    reg = pl.Series(res.regions, dtype=pl.Enum(res.regions))
    ind = pl.Series(res.industries, dtype=pl.Enum(res.industries))
    c, p = len(res.regions), len(res.industries)
    written = {
        "regions.csv": write_csv(
            pl.DataFrame(
                {
                    "region": reg,
                    "diversity": res.diversity.astype(np.int64),
                    "eci": res.eci,
                    "coi": res.coi,
                }
            ),
            out / "regions.csv",
        ),
        "industries.csv": write_csv(
            pl.DataFrame(
                {"industry": ind, "ubiquity": res.ubiquity.astype(np.int64), "pci": res.pci}
            ),
            out / "industries.csv",
        ),
    }
    step = max(1, CHUNK_ROWS // max(p, 1))
    # The second key column repeats the same pattern in every chunk: build it once.
    tiled = ind.gather(np.tile(np.arange(p), step))
    mcp8 = res.mcp.astype(np.int8)

    def cells(a: int, b: int) -> Any:
        return pl.DataFrame(
            {
                "region": reg.gather(np.repeat(np.arange(a, b), p)),
                "industry": tiled.slice(0, (b - a) * p),
                "rca": res.rca[a:b].reshape(-1),
                "mcp": mcp8[a:b].reshape(-1),
                "density": res.density[a:b].reshape(-1),
                "cog": res.cog[a:b].reshape(-1),
            }
        )

    def proximity(a: int, b: int) -> Any:
        return pl.DataFrame(
            {
                "industry_1": ind.gather(np.repeat(np.arange(a, b), p)),
                "industry_2": tiled.slice(0, (b - a) * p),
                "proximity": res.proximity[a:b].reshape(-1),
            }
        )

    written["cells.csv"] = write_chunked(out / "cells.csv", c, cells, step)
    written["proximity.csv"] = write_chunked(out / "proximity.csv", p, proximity, step)
    notes = []
    if res.dropped_regions or res.dropped_industries:
        dropped = ", ".join((res.dropped_regions + res.dropped_industries)[:10])
        notes.append(f"已删除合计为 0 的地区/产业 Dropped (zero total): {dropped}")
    _finish(out, COMPLEXITY_FILES, written, started, notes)


@app.command()
@handle_errors
def linkages(
    flows: Path = typer.Option(
        ...,
        "--flows",
        help="Z: row_sector,col_sector,value (or the "
        "multi-regional row_region,row_sector,col_region,col_sector,value).",
    ),
    final_demand: Path = typer.Option(
        ...,
        "--final-demand",
        help="Y: sector,value (or row_region,row_sector,col_region,category,value).",
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Directory for the output CSV files."),
    force: bool = FORCE_DIR,
) -> None:
    """投入产出关联 Input-output linkages: A, L, B, G, multipliers, key sectors.

    Writes A.csv, L.csv, B.csv, G.csv (same key columns as Z) and linkages.csv
    ([region,]sector,output_multiplier,backward_linkage,forward_linkage,key_sector).
    """
    import polars as pl

    from gaodi.analytics.io import linkages_tables

    started = time.perf_counter()
    check_out_dir(out, LINKAGES_FILES, force)
    multi = _has_column(flows, "row_region")
    if multi:
        zcols = {
            "row_region": pl.String,
            "row_sector": pl.String,
            "col_region": pl.String,
            "col_sector": pl.String,
            "value": pl.Float64,
        }
        ycols = {
            "row_region": pl.String,
            "row_sector": pl.String,
            "col_region": pl.String,
            "category": pl.String,
            "value": pl.Float64,
        }
    else:
        zcols = {"row_sector": pl.String, "col_sector": pl.String, "value": pl.Float64}
        ycols = {"sector": pl.String, "value": pl.Float64}
    z = read_table(flows, zcols, ("中间流量", "flows"))
    _check_values(z, flows)
    y = read_table(final_demand, ycols, ("最终需求", "final demand"))
    _check_values(y, final_demand, allow_negative=True)
    tables = linkages_tables(z, y)
    out = writable_dir(out, LINKAGES_FILES, force)
    written = {
        f"{name}.csv": write_csv(frame, out / f"{name}.csv") for name, frame in tables.items()
    }
    _finish(out, LINKAGES_FILES, written, started, [])


def _one_year(data: Any, year: int | None, path: Path) -> Any:
    import polars as pl

    years = data["year"].unique().sort().to_list()
    if year is None:
        if len(years) > 1:
            shown = ", ".join(map(str, years[:10]))
            raise DataError(
                f"{path.name} 含有多个年份（{shown}）；复杂度按年计算，请用 --year 指定一年。",
                f"{path.name} holds several years ({shown}); complexity is computed for one "
                "year: choose it with --year.",
            )
        return data.drop("year")
    if year not in years:
        raise DataError(
            f"{path.name} 中没有 {year} 年的数据（现有：{', '.join(map(str, years[:10]))}）。",
            f"{path.name} has no rows for {year} (found: {', '.join(map(str, years[:10]))}).",
        )
    return data.filter(pl.col("year") == year).drop("year")


def _has_column(path: Path, name: str) -> bool:
    import polars as pl

    if not path.exists():
        raise FileNotFoundError(2, "No such file", str(path))
    try:
        header = pl.read_csv(path, n_rows=0, infer_schema=False).columns
    except pl.exceptions.PolarsError:
        return False
    return name in [c.lstrip("\ufeff").strip() for c in header]


# --------------------------------------------------------------------------- the city (database)
@app.command("opportunities")
@handle_errors
def opportunities_cmd(
    strategy: str = typer.Option(
        "balanced", "--strategy", "-s", help="low_hanging_fruit, balanced or long_jumps."
    ),
    year: int | None = typer.Option(None, "--year", "-y", help="Panel year (default latest)."),
    group: str | None = typer.Option(None, "--group", "-g", help="Peer group (peer growth)."),
    peers: str | None = typer.Option(None, "--peers", help="Codes for --group custom."),
    top: int = typer.Option(20, "--top", min=1, help="Rows to print."),
    as_json: bool = typer.Option(False, "--json", help="Print the whole result as JSON."),
    as_user: str | None = typer.Option(None, "--as", help="See what this user may see."),
) -> None:
    """发展机会 The city's opportunities from the database panel, ranked by an Atlas preset."""
    from rich.table import Table

    from gaodi.regions import service
    from gaodi.regions.panel import parse_codes

    with cli_session(as_user) as (session, principal):
        res = service.opportunities(
            session,
            principal,
            strategy=strategy,
            year=year,
            group=group,
            peers=parse_codes(peers),
        )
    if as_json:
        typer.echo(res.model_dump_json(indent=2))
        return
    if res.notice_zh:
        console.print(f"[yellow]{res.notice_zh}[/]")
    p = res.provenance
    table = Table(title=f"发展机会 Opportunities（{p.year}, {strategy}, 战略路径 {res.approach}）")
    for col in ("#", "产业 industry", "可行性 feas.", "吸引力 attr.", "得分 score", "PCI", "COG"):
        table.add_column(col, justify="left" if col.startswith("产业") else "right")
    for r in res.rows[:top]:
        table.add_row(
            str(r.rank),
            f"{r.industry} {r.name}",
            f"{r.feasibility:.3f}",
            f"{r.attractiveness:.3f}",
            f"{r.score:.3f}",
            f"{r.pci:.2f}",
            f"{r.cog:.3f}",
        )
    console.print(table)


def _peer_value(measure: str, v: float | None) -> str:
    """A peer measure as the peers page writes it (regions/peers.html): the growth rate as a
    percentage, diversity (a count) whole, the total with one decimal, the rest with three."""
    if v is None:
        return "—"
    if measure == "cagr":
        return f"{v:.1%}"
    digits = {"diversity": 0, "total": 1}.get(measure, 3)
    return f"{v:,.{digits}f}"


@app.command("peers")
@handle_errors
def peers_cmd(
    year: int | None = typer.Option(None, "--year", "-y", help="Panel year (default latest)."),
    group: str = typer.Option(
        "plan_and_similar", "--group", "-g", help="plan, similar_size, plan_and_similar, all."
    ),
    peers: str | None = typer.Option(None, "--peers", help="Codes: a custom group."),
    as_json: bool = typer.Option(False, "--json", help="Print the whole result as JSON."),
    as_user: str | None = typer.Option(None, "--as", help="See what this user may see."),
) -> None:
    """城市对标 The city against its peers (total, growth, diversity, ECI, COI, HHI, Krugman)."""
    from rich.table import Table

    from gaodi.regions import service
    from gaodi.regions.panel import parse_codes

    chosen = parse_codes(peers)
    with cli_session(as_user) as (session, principal):
        res = service.peer_comparison(
            session, principal, year=year, group="custom" if chosen else group, peers=chosen
        )
    if as_json:
        typer.echo(res.model_dump_json(indent=2))
        return
    if res.notice_zh:
        console.print(f"[yellow]{res.notice_zh}[/]")
    table = Table(title=f"城市对标 Peers（{res.provenance.year}, {res.group.label_zh}）")
    table.add_column("指标 measure")
    for r in res.regions:
        table.add_column(r.name, justify="right")
    table.add_column("中位数 median", justify="right")
    table.add_column("排名 rank", justify="right")
    for row in res.rows:
        cells = [_peer_value(row.measure, v) for v in row.values]
        median = _peer_value(row.measure, row.peer_median)
        # ranked among the regions that have a value; the city without one is not ranked
        rank = "无排名 unranked" if row.city_rank is None else f"{row.city_rank}/{row.ranked}"
        table.add_row(row.label_zh, *cells, median, rank)
    console.print(table)
