"""The analyst's functions state their formula and source (docs/analysts.md: "Each function's
docstring gives the formula (Notes) and its source (References)").

Issue found by the analyst-path audit, 2026-12-07: the long-table functions analysts call
first (``specialisation_table``, ``shift_share_table``, ``concentration_table``,
``localisation_table``, ``cagr_table``, ``complexity_table``, ``linkages_tables``) described
their columns but gave neither, and ``cagr``, ``specialised`` and ``classify_key_sectors``
lacked one of the two.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import pytest

from gaodi.analytics import complexity, io, regional

#: ``regional.panel`` reshapes a long table into an array: there is no method to state.
RESHAPING = {"panel"}

FUNCTIONS: list[Callable[..., object]] = [
    *(getattr(regional, n) for n in regional.__all__ if n not in RESHAPING and n != "ShiftShare"),
    complexity.complexity,
    complexity.complexity_table,
    io.io_model,
    io.linkages_tables,
    io.classify_key_sectors,
]


def _sections(doc: str) -> set[str]:
    """The numpydoc section titles of ``doc``: a line underlined with dashes."""
    lines = doc.splitlines()
    return {
        lines[k].strip()
        for k in range(len(lines) - 1)
        if lines[k + 1].strip() and set(lines[k + 1].strip()) == {"-"}
    }


def test_the_list_holds_the_long_table_functions() -> None:
    names = {f.__name__ for f in FUNCTIONS}
    assert {"specialisation_table", "shift_share_table", "cagr_table"} <= names
    assert len(FUNCTIONS) == len(names) == 19


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
def test_the_docstring_has_notes_and_references(function: Callable[..., object]) -> None:
    sections = _sections(inspect.getdoc(function) or "")
    assert {"Notes", "References"} <= sections, sorted(sections)
