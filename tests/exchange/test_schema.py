"""The code lists accept every coded value the rest of Gaodi writes (so exports re-import)."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.resources import files
from typing import Any

import yaml

from gaodi.exchange.entities import ENTITIES
from gaodi.exchange.schema import CHOICES, choice_lookup, normalise_header


def _values(node: Any, key: str) -> Iterator[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key and isinstance(v, str):
                yield v
            yield from _values(v, key)
    elif isinstance(node, list):
        for item in node:
            yield from _values(item, key)


def test_demo_data_values_are_in_the_code_lists() -> None:
    data = files("gaodi.demo") / "data"
    chains = yaml.safe_load((data / "chains.yaml").read_text(encoding="utf-8"))
    city = yaml.safe_load((data / "city.yaml").read_text(encoding="utf-8"))
    codes = {name: {c.code for c in CHOICES[name]} for name in CHOICES}
    assert set(_values(chains, "name_status")) <= codes["name_status"]
    assert set(_values(chains, "kind")) <= codes["chain_kind"]
    assert set(_values(city["parks"], "level")) <= codes["park_level"]
    assert set(_values(city["parks"], "kind")) <= codes["park_kind"]
    assert set(_values(city["indicators"], "aggregation")) <= codes["aggregation"]
    assert set(_values(city["indicators"], "frequency")) <= codes["frequency"]


def test_labels_are_unambiguous() -> None:
    """No spelling names two codes of one list, and every label maps back to its code."""
    for name, choices in CHOICES.items():
        lookup = choice_lookup(name)
        for c in choices:
            assert lookup[normalise_header(c.zh)] == c.code
            assert lookup[normalise_header(c.en)] == c.code
            assert lookup[normalise_header(c.code)] == c.code


def test_headers_are_unambiguous() -> None:
    """Within a sheet, no header spelling names two columns; sheet names fit Excel's limit."""
    for entity in ENTITIES.values():
        for sheet in entity.sheets:
            seen: dict[str, str] = {}
            for col in sheet.columns:
                for spelling in col.spellings():
                    assert seen.setdefault(spelling, col.key) == col.key, (sheet.key, spelling)
            assert len(sheet.sheet_name) <= 31
            assert not set(sheet.sheet_name) & set("[]:*?/\\")
