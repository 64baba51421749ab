"""The rule files parse to the same data with the C loader the project uses as with PyYAML's
pure-Python safe loader (the reference)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import gaodi
from gaodi.core.errors import ValidationError
from gaodi.core.rulefile import SAFE_LOADER, read_yaml

FILES = sorted(Path(gaodi.__file__).parent.rglob("*.yaml"))


def test_there_are_rule_files() -> None:
    assert len(FILES) > 10


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_same_data_as_the_pure_python_loader(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert yaml.load(text, Loader=SAFE_LOADER) == yaml.load(text, Loader=yaml.SafeLoader)


def test_unsafe_tags_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    with pytest.raises(ValidationError) as exc:
        read_yaml(bad)
    assert "not valid YAML" in exc.value.en


def test_a_binary_file_is_named_not_a_decoding_trace(tmp_path: Path) -> None:
    # a workbook given where YAML was meant: its zip header has bytes UTF-8 cannot start with
    book = tmp_path / "基准.xlsx"
    book.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\x80\x81")
    with pytest.raises(ValidationError) as exc:
        read_yaml(book)
    assert exc.value.en == (
        "Rule file 基准.xlsx is not UTF-8 text (from byte 15); it must be YAML."
    )
    assert "基准.xlsx 不是 UTF-8 文本" in exc.value.zh
