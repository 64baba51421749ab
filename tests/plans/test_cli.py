"""``gaodi plan extract`` through the root CLI: formats, encodings, errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from gaodi.cli import app

DATA = Path(__file__).resolve().parents[1] / "data" / "plans"
CHANGSHA = (DATA / "changsha-2021.txt").read_text(encoding="utf-8")
KEYS = ["title", "actions", "targets", "qualitative"]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _targets(doc: dict) -> list[tuple]:
    return [(t["indicator"], t["value"], t["unit"], t["year"]) for t in doc["targets"]]


def test_json_to_stdout(runner: CliRunner) -> None:
    result = runner.invoke(app, ["plan", "extract", str(DATA / "changsha-2021.txt")])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert list(doc) == KEYS
    assert len(doc["actions"]) == 7
    assert ("新材料产业产值", 2500, "亿元", 2023) in _targets(doc)
    assert set(doc["targets"][0]) == {"indicator", "value", "value_max", "unit", "year",
                                      "comparator", "action", "quote"}  # fmt: skip


def test_yaml_and_out_file(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "plan.yaml"
    result = runner.invoke(
        app,
        ["plan", "extract", str(DATA / "changsha-2021.txt"), "--format", "yaml", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert list(doc) == KEYS and ("千亿级园区数量", 5, "个", 2023) in _targets(doc)


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gb18030", b"")]
)
def test_encodings(runner: CliRunner, tmp_path: Path, encoding: str, bom: bytes) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(bom + CHANGSHA.replace("\n", "\r\n").encode(encoding))
    result = runner.invoke(app, ["plan", "extract", str(path)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["title"] == "长沙市打造国家重要先进制造业高地三年行动计划(2021—2023年)"
    assert len(doc["targets"]) == 5


@pytest.mark.parametrize(
    ("content", "zh", "en"),
    [
        (None, "找不到文件", "File not found"),
        (b"", "是空的", "empty"),
        (b"  \r\n\t\n", "是空的", "empty"),
        ("\ufeff测试".encode("utf-16"), "编码", "encoding"),
    ],
)
def test_errors_exit_2_with_both_languages(
    runner: CliRunner, tmp_path: Path, content: bytes | None, zh: str, en: str
) -> None:
    path = tmp_path / "plan.txt"
    if content is not None:
        path.write_bytes(content)
    result = runner.invoke(app, ["plan", "extract", str(path)])
    assert result.exit_code == 2
    assert zh in result.output and en in result.output
    assert "Traceback" not in result.output


def test_directory_and_bad_format_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["plan", "extract", str(tmp_path)])
    assert result.exit_code == 2 and "目录" in result.output and "directory" in result.output
    result = runner.invoke(app, ["plan", "extract", str(DATA / "kaifeng-2020.txt"), "-f", "xml"])
    assert result.exit_code == 2
