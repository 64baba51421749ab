"""The smart-manufacturing part of the small demo city: synthetic and labelled, believable
(levels improve over time; larger and 专精特新 firms score higher), stored levels are what the
rules give, the city's level distribution by chain, and the roll-up fed to a plan indicator."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.analytics import digital
from gaodi.cli import app
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.models import Enterprise, EnterpriseYear, Indicator, Observation
from gaodi.smart import rollup
from gaodi.smart.demo import COUNTS, INDICATOR
from gaodi.smart.models import Assessment, Recognition, ServicePlatform, SolutionProvider


def _frame(engine: Engine) -> pl.DataFrame:
    with session_scope(engine) as s:
        rows = s.execute(
            select(
                Assessment.enterprise_id, Assessment.assessed_on, Assessment.level,
                Assessment.total, Assessment.is_demo, Enterprise.tags, EnterpriseYear.revenue,
            )
            .join(Enterprise, Enterprise.id == Assessment.enterprise_id)
            .join(EnterpriseYear, (EnterpriseYear.enterprise_id == Enterprise.id)
                  & (EnterpriseYear.year == 2023))
        ).all()  # fmt: skip
    return pl.DataFrame(
        [tuple(r) for r in rows],
        schema=["eid", "day", "level", "total", "demo", "tags", "revenue"],
        orient="row",
    ).with_columns(year=pl.col("day").dt.year())


def test_counts_and_labels(demo_db: Engine) -> None:
    df = _frame(demo_db)
    small = COUNTS["small"]
    assert df["eid"].n_unique() == small["assessed"]  # a few hundred enterprises
    assert df["demo"].all()
    assert set(df["year"].unique()) == {2021, 2022, 2023}
    with session_scope(demo_db) as s:
        for model, n in (
            (SolutionProvider, small["providers"]),
            (ServicePlatform, small["platforms"]),
        ):
            assert s.scalar(select(func.count()).select_from(model)) == n
            assert s.scalar(select(func.count()).where(model.is_demo.is_(False))) == 0
        kinds = dict(
            s.execute(select(Recognition.kind, func.count()).group_by(Recognition.kind)).all()
        )
        assert set(kinds) == {"benchmark", "factory", "workshop"}
        # the demo enterprise user's firm (id 1) has one assessment a year
        days = s.scalars(select(Assessment.assessed_on).where(Assessment.enterprise_id == 1)).all()
        assert sorted(d.year for d in days) == [2021, 2022, 2023]


def test_stored_levels_are_what_the_rules_give(demo_db: Engine) -> None:
    scheme = digital.load_scheme("miit_sme_digital_2024")
    with session_scope(demo_db) as s:
        rows = s.scalars(select(Assessment).order_by(Assessment.id).limit(40)).all()
        for a in rows:
            r = digital.score_response(scheme, a.answers["items"], a.answers["scenarios"])
            assert (r.total, r.level) == (a.total, a.level)


def test_believable_distribution_and_progress(demo_db: Engine) -> None:
    df = _frame(demo_db)
    share2 = df.group_by("year").agg((pl.col("level") >= 2).mean().alias("s")).sort("year")
    s = share2["s"].to_list()
    assert s[0] < s[1] < s[2]  # more firms at 二级 or above each year
    last = df.filter(pl.col("year") == 2023)
    assert 0.05 < last.filter(pl.col("level") == 0).height / last.height < 0.5
    assert last.filter(pl.col("level") == 4).height / last.height < 0.1
    big = last.filter(pl.col("revenue") >= 20000)["total"].mean()
    small = last.filter(pl.col("revenue") < 2000)["total"].mean()
    assert big > small + 10
    srdi = last.filter(pl.col("tags").list.contains("srdi"))["total"].mean()
    assert srdi > last.filter(~pl.col("tags").list.contains("srdi"))["total"].mean()
    # each firm's score does not fall on average from one assessment to the next
    steps = df.sort("eid", "day").with_columns(d=pl.col("total").diff().over("eid"))
    assert steps["d"].drop_nulls().mean() > 0


def test_city_level_distribution_by_chain(demo_db: Engine) -> None:
    with session_scope(demo_db) as s:
        r = rollup.level_rollup(s, SYSTEM, by="chain", as_of=date(2023, 12, 31))
    chains = [g for g in r.groups if g.key != "none"]
    assert len(chains) >= 15 and r.demo
    assert sum(g.total for g in r.groups) >= r.assessed  # firms on two chains count twice
    assert all(sum(c.count for c in g.levels) == g.total for g in r.groups)
    assert r.groups[-1].key == "none"


def test_rollup_observations_feed_the_indicator(demo_db: Engine) -> None:
    with session_scope(demo_db) as s:
        ind = s.scalars(select(Indicator).where(Indicator.code == INDICATOR["code"])).one()
        obs = s.scalars(
            select(Observation)
            .where(Observation.indicator_id == ind.id)
            .order_by(Observation.period)
        ).all()
        assert [o.period for o in obs] == ["2021", "2022", "2023"]
        assert all(o.source == "smart:rollup" and o.is_demo and o.revision == 1 for o in obs)
        r = rollup.level_rollup(s, SYSTEM, as_of=date(2023, 12, 31), level=2)
    assert obs[-1].value == round(100 * r.city.above_scale_share, 4)


def test_cli_levels_and_providers(demo_db: Engine) -> None:
    runner = CliRunner()
    out = runner.invoke(
        app, ["smart", "levels", "--by", "chain", "--as-of", "2023-12-31", "--json"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["by"] == "chain" and data["assessed"] == COUNTS["small"]["assessed"]
    with session_scope(demo_db) as s:
        uscc = s.scalar(select(Enterprise.uscc).where(Enterprise.id == 1))
    out = runner.invoke(app, ["smart", "providers", "--for", uscc, "--json", "--limit", "3"])
    assert out.exit_code == 0, out.output
    matches = json.loads(out.output)
    assert len(matches) == 3 and matches[0]["score"] >= matches[-1]["score"]
    out = runner.invoke(app, ["smart", "providers", "--for", "91430100MA4L000000"])
    assert out.exit_code == 2
