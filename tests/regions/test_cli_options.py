"""``gaodi regions`` options and messages a user meets: --top refuses a count below 1 (0 printed
an empty table, -1 all rows but one), and each language's sentence names the file in its own
language ('The 输入 input input file … is empty' mixed them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app

runner = CliRunner()


@pytest.mark.parametrize("top", ["0", "-1"])
def test_opportunities_top_below_one_is_refused(demo_db: Engine, top: str) -> None:
    result = runner.invoke(app, ["regions", "opportunities", "--top", top], env={"COLUMNS": "200"})
    assert result.exit_code == 2
    assert (
        "Invalid value for '--top'" in result.output
        and "greater than or equal to 1" in result.output
    )
    assert "Opportunities" not in result.output


def test_opportunities_top_prints_that_many_rows(demo_db: Engine) -> None:
    result = runner.invoke(app, ["regions", "opportunities", "--top", "3"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    ranks = [line.split("│")[1].strip() for line in result.output.splitlines() if "│" in line]
    assert [r for r in ranks if r.isdigit()] == ["1", "2", "3"]


def test_an_empty_input_file_is_named_in_each_language(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    result = runner.invoke(
        app, ["regions", "specialise", str(empty), "--out", str(tmp_path / "o")],
        env={"COLUMNS": "300"},
    )  # fmt: skip
    assert result.exit_code == 2
    (english,) = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert f"The input file {empty} is empty." in english
    assert not re.search(r"[\u4e00-\u9fff]", english), english
    assert f"输入文件 {empty} 是空的。" in result.output


def _panel(path: Path, years: tuple[int, ...]) -> Path:
    rows = ["region,industry,year,value"]
    for y in years:
        rows += [f"A,x,{y},{10 + y % 7}", f"A,y,{y},5", f"B,x,{y},3", f"B,y,{y},{8 + y % 3}"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_second_run_into_the_same_directory_is_refused_unless_forced(tmp_path: Path) -> None:
    """``--out DIR`` took a directory that already held an earlier run's results and wrote
    over them without a word; now the files are named and kept unless ``--force``; with it,
    the earlier run's files that the new one does not write are removed, so DIR never mixes
    two runs (two years give shift_share.csv, one year does not)."""
    out = tmp_path / "o"
    two = _panel(tmp_path / "two.csv", (2020, 2021))
    first = runner.invoke(app, ["regions", "specialise", str(two), "--out", str(out)])
    assert first.exit_code == 0, first.output
    assert (out / "shift_share.csv").exists()
    before = (out / "specialisation.csv").read_bytes()

    one = _panel(tmp_path / "one.csv", (2022,))
    args = ["regions", "specialise", str(one), "--out", str(out)]
    again = runner.invoke(app, args, env={"COLUMNS": "300"})
    assert again.exit_code != 0
    assert "Add --force to overwrite them" in again.output and "specialisation.csv" in again.output
    assert "如要覆盖，请加 --force" in again.output
    assert (out / "specialisation.csv").read_bytes() == before

    forced = runner.invoke(app, [*args, "--force"], env={"COLUMNS": "300"})
    assert forced.exit_code == 0, forced.output
    assert (out / "specialisation.csv").read_bytes() != before
    assert "2022" in (out / "specialisation.csv").read_text(encoding="utf-8")
    for stale in ("shift_share.csv", "shift_share_dynamic.csv", "cagr.csv"):
        assert not (out / stale).exists(), stale
    assert "shift_share.csv" in forced.output  # the removal is said


def test_other_files_in_the_directory_do_not_block_a_run(tmp_path: Path) -> None:
    out = tmp_path / "o"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    panel = _panel(tmp_path / "p.csv", (2020, 2021))
    result = runner.invoke(app, ["regions", "specialise", str(panel), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
