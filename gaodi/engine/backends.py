"""Backends: open a file, or lift a small Polars table, as a Narwhals LazyFrame on one engine.

Every reduction takes its inputs as Narwhals LazyFrames of a single backend (a join needs both
sides on the same engine), so the small tables a job brings (link rules, code lists) are lifted
onto the backend of the big one with :func:`lazy_table`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import narwhals as nw
import polars as pl

from gaodi.core.errors import ValidationError

BackendName = Literal["polars", "duckdb", "spark"]
BACKENDS: tuple[BackendName, ...] = ("polars", "duckdb", "spark")


@dataclass
class Backend:
    """One engine and its connection (DuckDB connection, Spark session), made on first use."""

    name: BackendName
    _conn: Any = field(default=None, repr=False)

    @property
    def conn(self) -> Any:
        if self._conn is None:
            if self.name == "duckdb":
                import duckdb

                self._conn = duckdb.connect()
            elif self.name == "spark":
                self._conn = _spark_session()
        return self._conn


def backend_of(name: str | None) -> Backend:
    """The backend called ``name`` (default: the ``GAODI_ENGINE`` setting, else polars)."""
    if name is None:
        from gaodi.config import get_settings

        name = get_settings().engine
    if name not in BACKENDS:
        raise ValidationError(
            f"计算引擎须为 {'、'.join(BACKENDS)} 之一，收到“{name}”。",
            f"The engine must be one of {', '.join(BACKENDS)}; got '{name}'.",
            field="engine",
        )
    if name == "spark":
        try:
            import pyspark  # noqa: F401
        except ImportError as exc:
            raise ValidationError(
                "未安装 PySpark：请先 pip install pyspark（需要 Java 17），或改用 polars、duckdb。",
                "PySpark is not installed: pip install pyspark (it needs Java 17), or use the "
                "polars or duckdb engine.",
                field="engine",
            ) from exc
    return Backend(name)  # type: ignore[arg-type]


def _spark_session() -> Any:  # pragma: no cover - needs pyspark and Java
    from pyspark.sql import SparkSession

    from gaodi.config import get_settings

    master = get_settings().spark_master
    builder = SparkSession.builder.appName("gaodi")
    if master:
        builder = builder.master(master)
    return builder.getOrCreate()


def _unreadable(path: Path, exc: Exception) -> ValidationError:
    return ValidationError(
        f"无法读取文件“{path.name}”：{exc}",
        f"Cannot read '{path.name}': {exc}",
    )


def scan(path: str | Path, backend: Backend) -> nw.LazyFrame[Any]:
    """``path`` (.parquet or .csv, text columns read as text) as a LazyFrame on ``backend``."""
    p = Path(path)
    if not p.exists():
        raise ValidationError(f"找不到文件“{p}”。", f"No such file: '{p}'.")
    suffix = p.suffix.lower()
    if suffix not in (".parquet", ".csv"):
        raise ValidationError(
            f"不支持的文件类型“{p.suffix}”：请使用 .parquet 或 .csv。",
            f"Unsupported file type '{p.suffix}': use .parquet or .csv.",
        )
    try:
        if backend.name == "polars":
            native: Any = (
                pl.scan_parquet(p) if suffix == ".parquet" else pl.scan_csv(p, infer_schema=False)
            )
            native.collect_schema()  # fail here, naming the file, not at collection
        elif backend.name == "duckdb":
            reader = "read_parquet" if suffix == ".parquet" else "read_csv"
            extra = "" if suffix == ".parquet" else ", all_varchar = true, header = true"
            native = backend.conn.sql(f"select * from {reader}(?{extra})", params=[str(p)])
        else:  # pragma: no cover - needs pyspark
            spark = backend.conn
            native = (
                spark.read.parquet(str(p))
                if suffix == ".parquet"
                else spark.read.option("header", True).csv(str(p))
            )
    except ValidationError:
        raise
    except Exception as exc:  # every engine has its own error types: name the file
        raise _unreadable(p, exc) from exc
    return nw.from_native(native).lazy()


def lazy_table(frame: pl.DataFrame, backend: Backend) -> nw.LazyFrame[Any]:
    """A small Polars table lifted onto ``backend`` (to join with a big table there)."""
    if backend.name == "polars":
        return nw.from_native(frame.lazy())
    if backend.name == "duckdb":
        arrow = frame.to_arrow()
        return nw.from_native(backend.conn.from_arrow(arrow))
    return nw.from_native(  # pragma: no cover - needs pyspark
        backend.conn.createDataFrame(frame.to_pandas())
    )


def collect(frame: nw.LazyFrame[Any]) -> pl.DataFrame:
    """Run ``frame`` and bring the (compact) result back as a Polars DataFrame."""
    native = nw.to_native(frame)
    if isinstance(native, pl.LazyFrame):
        return native.collect(engine="streaming")
    return nw.to_native(frame.collect(backend="polars"))


def require_columns(frame: nw.LazyFrame[Any], columns: dict[str, str], what: str) -> None:
    """Refuse an input that lacks a column, naming it (``columns``: name -> meaning)."""
    have = set(frame.collect_schema().names())
    missing = [c for c in columns if c not in have]
    if missing:
        listed = ", ".join(f"{c} ({columns[c]})" for c in missing)
        raise ValidationError(
            f"{what}缺少列：{listed}。", f"The {what} lacks column(s): {listed}.", field=missing[0]
        )
