"""Regional commands on a parquet panel or on microdata, on every engine: the same files as the
CSV path of 0.1.0 writes from the same numbers."""

from __future__ import annotations

import random
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from gaodi.cli import app
from gaodi.core.errors import ValidationError
from gaodi.engine.backends import BACKENDS, backend_of, scan
from gaodi.engine.panel import panel

runner = CliRunner()

#: Every engine, Spark included (make test installs pyspark; Java 17 runs it).
ENGINES = list(BACKENDS)


def _panel(seed: int = 3) -> pl.DataFrame:
    rng = random.Random(seed)
    rows = [
        {"region": f"R{r:02d}", "industry": f"{3800 + i}", "year": y,
         "value": float(rng.choice([0, rng.randint(1, 900), rng.randint(1, 900)]))}
        for r in range(12) for i in range(9) for y in (2021, 2022)
    ]  # fmt: skip
    return pl.DataFrame(rows)


def _microdata(data: pl.DataFrame) -> pl.DataFrame:
    """Each panel cell split into two firms' rows (values that sum exactly: halves of ints)."""
    half = data.with_columns(pl.col("value") / 2)
    return pl.concat([half, half]).with_row_index("firm")


def _run(args: list[str]) -> None:
    result = runner.invoke(app, ["regions", *args])
    assert result.exit_code == 0, result.output


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix == ".csv"}


@pytest.mark.parametrize("command", ["specialise", "complexity"])
@pytest.mark.parametrize("engine", ENGINES)
def test_engines_write_what_the_csv_path_writes(tmp_path: Path, command: str, engine: str) -> None:
    data = _panel()
    if command == "complexity":
        data = data.filter(pl.col("year") == 2022).drop("year")
    csv, parquet, micro = tmp_path / "p.csv", tmp_path / "p.parquet", tmp_path / "m.parquet"
    data.write_csv(csv)
    data.write_parquet(parquet)
    _microdata(data).write_parquet(micro)
    _run([command, str(csv), "--out", str(tmp_path / "csv")])
    _run([command, str(parquet), "--out", str(tmp_path / "pq"), "--engine", engine])
    _run([command, str(micro), "--out", str(tmp_path / "micro"), "--engine", engine])
    _run([command, str(csv), "--out", str(tmp_path / "csv-engine"), "--engine", engine])
    want = _files(tmp_path / "csv")
    assert len(want) >= 3
    for folder in ("pq", "micro", "csv-engine"):
        assert _files(tmp_path / folder) == want, folder


@pytest.mark.parametrize("engine", ENGINES)
def test_bad_panels_name_the_column(tmp_path: Path, engine: str) -> None:
    path = tmp_path / "p.parquet"
    _panel().drop("industry").write_parquet(path)
    with pytest.raises(ValidationError, match="industry"):
        panel(scan(path, backend_of(engine)), ["region", "industry", "year"])
    _panel().with_columns(pl.lit(-1.0).alias("value")).write_parquet(path)
    with pytest.raises(ValidationError, match="value"):
        panel(scan(path, backend_of(engine)), ["region", "industry", "year"])
    _panel().with_columns(pl.lit("many").alias("value")).write_parquet(path)
    with pytest.raises(ValidationError, match="not numeric"):
        panel(scan(path, backend_of(engine)), ["region", "industry", "year"])


def test_the_cli_names_a_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    _panel().drop("region").write_parquet(path)
    result = runner.invoke(app, ["regions", "specialise", str(path), "--out", str(tmp_path)])
    assert result.exit_code != 0 and "region" in result.output
