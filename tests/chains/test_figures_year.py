"""A chain judged on a year of figures the city does not hold is refused, not diagnosed.

The hand-built city (tests/chains/conftest.py) holds enterprise figures for 2022 and 2023 only.
Diagnosed on 2030 (or 2021), no link has a firm with figures: every link that has firms would be
called 弱链 (no output, no above-scale firm) and the chain's strength 0 %, a judgement of a year
nobody reported, written into pages, workbooks and the chain report. Parks and clusters refuse
such a year already; the chains say which years they hold in the same words.
"""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.chains import service
from gaodi.cli import app
from gaodi.core.errors import NotFoundError
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.reports.chain import build_chain
from tests.chains.conftest import World

runner = CliRunner()


@pytest.mark.parametrize("year", [2030, 2021])
def test_a_year_without_figures_is_refused_everywhere(db: Engine, world: World, year: int) -> None:
    with session_scope(db) as s:
        calls = (
            lambda: service.diagnose(s, SYSTEM, "HM", year=year),
            lambda: service.diagnose_all(s, SYSTEM, year=year),
            lambda: service.chain_summary(s, SYSTEM, year=year),
            lambda: service.recommend(s, SYSTEM, "HM", year=year),
        )
        for call in calls:
            with pytest.raises(NotFoundError) as refused:
                call()
            assert f"没有 {year} 年的企业数据（可用：2022, 2023）" in refused.value.zh
            assert f"No enterprise figures for {year} (available: 2022, 2023)" in refused.value.en


def test_a_held_year_is_still_diagnosed(db: Engine, world: World) -> None:
    with session_scope(db) as s:
        d = service.diagnose(s, SYSTEM, "HM", year=2022)
    assert d.provenance.year == 2022
    # 2022's outputs (conftest): E1 80000, E2 10000 on L3; E3 5000 on L1; E4 2000 on L2
    assert d.chain_output == pytest.approx(97000.0)


def test_cli_and_chain_report_refuse_the_year(sqlite_world: World, sqlite_db: Engine) -> None:
    result = runner.invoke(app, ["chains", "diagnose", "HM", "--year", "2030"])
    assert result.exit_code == 2
    assert "No enterprise figures for 2030 (available: 2022, 2023)" in result.output
    with session_scope(sqlite_db) as s, pytest.raises(NotFoundError):
        build_chain(s, SYSTEM, "HM", "zh", year=2030)
