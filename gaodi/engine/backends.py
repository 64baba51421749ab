"""Backends: open a file, or lift a small Polars table, as a Narwhals LazyFrame on one engine.

A reduction takes its big input as a Narwhals LazyFrame on one backend, runs there, and brings
back a compact result as Polars (:func:`collect`).
"""

from __future__ import annotations

import os
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


def _spark_session() -> Any:
    """The Spark session: ``GAODI_SPARK_MASTER``, else what spark-submit set, else local.

    A local session binds to 127.0.0.1 and has no web UI: it serves this process only.
    """
    from pyspark import SparkConf
    from pyspark.sql import SparkSession

    from gaodi.config import get_settings

    master = get_settings().spark_master
    builder = SparkSession.builder.appName("gaodi")
    if master:
        builder = builder.master(master)
    elif not SparkConf().contains("spark.master"):  # not under spark-submit
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = (
            builder.master("local[*]")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
        )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


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
        else:
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
