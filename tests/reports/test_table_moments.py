"""A moment in a report table's cell (a stored naive UTC datetime, e.g. an appeal's 受理时间)
is written as the city's wall time, in the configured zone; it was written as naive UTC, the
city's 05:06 printed as 21:06 of the day before."""

from __future__ import annotations

import datetime as dt

import pytest

from gaodi.config import reset_settings
from gaodi.core import clock
from gaodi.reports.model import Column, Table

RECEIVED = dt.datetime(2023, 12, 28, 21, 6)  # naive UTC


def _cells(*values: object) -> list[str]:
    table = Table([Column("受理时间")], [[v] for v in values], caption="诉求")
    return [row[0] for row in table.cells("zh")]


def test_a_moment_cell_is_the_citys_wall_time() -> None:
    aware = RECEIVED.replace(tzinfo=dt.UTC)  # the same instant with its offset
    assert _cells(RECEIVED, aware, dt.date(2023, 12, 28)) == [
        f"{clock.local(RECEIVED):%Y-%m-%d %H:%M}",
        f"{clock.local(RECEIVED):%Y-%m-%d %H:%M}",
        "2023-12-28",  # a business date is shown as it is
    ]
    assert _cells(RECEIVED)[0] == "2023-12-29 05:06"  # Asia/Shanghai, UTC+8


def test_a_moment_cell_follows_the_configured_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAODI_TIMEZONE", "America/New_York")
    reset_settings()
    try:
        assert _cells(RECEIVED) == ["2023-12-28 16:06"]  # EST, UTC−5
    finally:
        monkeypatch.delenv("GAODI_TIMEZONE")
        reset_settings()
