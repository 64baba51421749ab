"""The city's rank among its peers counts only the regions that have a value: "2 / 4" when a
peer has none read as if that peer had been ranked below the city (audit I #9, the follow-up
fixer B named). The CLI says 无排名 for a city without a value, not "None/4"."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.models import PanelValue
from gaodi.regions import service
from tests.regions.test_service import BJ, CITY, build


def test_a_peer_without_a_value_is_not_counted_in_the_rank(db: Engine) -> None:
    build(db)
    with session_scope(db, actor="test") as s:  # no 2021 figures for 北京: no CAGR of its own
        s.execute(delete(PanelValue).where(PanelValue.region_code == BJ, PanelValue.year == 2021))
    with session_scope(db) as s:
        rows = {r.measure: r for r in service.peer_comparison(s, SYSTEM, group="plan").rows}
    assert rows["cagr"].values[1] is None
    assert rows["cagr"].ranked == 3  # the city and two peers have a CAGR
    assert rows["total"].ranked == 4 and rows["total"].city_rank == 2


def test_the_cli_says_an_unranked_city_in_words(db: Engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    build(db)
    with session_scope(db, actor="test") as s:  # no 2021 figures for the city: no CAGR
        s.execute(delete(PanelValue).where(PanelValue.region_code == CITY, PanelValue.year == 2021))
    output = _peers_table(db, monkeypatch)
    assert "无排名" in output and "None/" not in output


def test_the_cli_writes_each_measure_as_the_page_does(db: Engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # every measure with three decimals (diversity counts as "28.000", 总量 112.000) and the
    # growth rate as a bare fraction (0.116); the page writes 112.0 and 11.6%
    build(db)
    output = _peers_table(db, monkeypatch)
    with session_scope(db) as s:
        rows = {r.measure: r for r in service.peer_comparison(s, SYSTEM, group="plan").rows}
    lines = {line.split("│")[1].strip(): line for line in output.splitlines() if "│" in line}
    total = next(v for k, v in lines.items() if k.startswith("总量"))
    assert f" {rows['total'].values[0]:,.1f} " in total and ".000" not in total, total  # 112.0
    growth = next(v for k, v in lines.items() if k.startswith("年均增速"))
    assert f"{rows['cagr'].values[0]:.1%}" in growth, growth  # 11.6%, not 0.116


def _peers_table(db: Engine, monkeypatch) -> str:  # type: ignore[no-untyped-def]
    """What `gaodi regions peers --group plan` prints on ``db``."""
    from gaodi.config import reset_settings
    from gaodi.db import get_engine

    monkeypatch.setenv("GAODI_DATABASE_URL", db.url.render_as_string(hide_password=False))
    reset_settings()
    get_engine.cache_clear()
    try:
        result = CliRunner().invoke(
            app, ["regions", "peers", "--group", "plan"], env={"COLUMNS": "250"}
        )
    finally:
        reset_settings()
        get_engine.cache_clear()
    assert result.exit_code == 0, result.output
    return result.output
