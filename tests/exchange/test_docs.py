"""docs/exchange.md holds the data dictionary generated from the column specs, unchanged."""

from __future__ import annotations

from pathlib import Path

from gaodi.exchange.docs import data_dictionary
from gaodi.exchange.entities import ENTITIES

DOC = Path(__file__).resolve().parents[2] / "docs" / "exchange.md"


def test_data_dictionary_is_current() -> None:
    assert data_dictionary() in DOC.read_text(encoding="utf-8"), (
        "docs/exchange.md is out of date: regenerate its data dictionary with "
        "python -m gaodi.exchange.docs"
    )


def test_every_column_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for entity in ENTITIES.values():
        assert f"### `{entity.key}`" in text
        for sheet in entity.sheets:
            for column in sheet.columns:
                assert f"| `{column.key}` | {column.zh} |" in text
