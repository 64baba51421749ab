"""Roll-ups against hand counts of the fixture city (tests/smart/conftest.py), and the share
written to a plan indicator as new revisions with provenance."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.core import clock
from gaodi.core.errors import DataError
from gaodi.models import Indicator, Observation
from gaodi.smart import rollup
from tests.smart.conftest import World, seed_levels

AS_OF = date(2023, 12, 31)


@pytest.fixture
def seeded(session: Session, world: World) -> World:
    seed_levels(session, world)
    return world


def _levels(group: object) -> dict[int, int]:
    return {lc.level: lc.count for lc in group.levels if lc.count}  # type: ignore[attr-defined]


def test_city_distribution_uses_each_enterprise_latest(session: Session, seeded: World) -> None:
    r = rollup.level_rollup(session, seeded.admin, as_of=AS_OF)
    # latest: E1 3, E2 2 (the same-day correction wins), E3 0, E4 1, E5 4; E6 never assessed
    assert r.assessed == 5
    assert _levels(r.city) == {0: 1, 1: 1, 2: 1, 3: 1, 4: 1}
    assert [lc.share for lc in r.city.levels] == [0.2] * 5
    # above-scale: E1 (50000), E2 (2500), E4 (3000); E5 is retail, not 工业; at >= 二级: E1, E2
    assert (r.city.above_scale, r.city.above_scale_at_or_above) == (3, 2)
    assert r.city.above_scale_share == pytest.approx(2 / 3, abs=1e-6)


def test_as_of_an_earlier_day(session: Session, seeded: World) -> None:
    r = rollup.level_rollup(session, seeded.admin, as_of=date(2022, 12, 31))
    # E1 1 (2022-05-01), E2 0 (2021-04-01), E4 1; E3 and E5 not yet assessed
    assert r.assessed == 3
    assert _levels(r.city) == {0: 1, 1: 2}
    # the fixture has 2023 figures only: nobody is known to be above-scale in 2022
    assert (r.city.above_scale, r.city.above_scale_at_or_above, r.city.above_scale_share) == (
        0,
        0,
        None,
    )


def test_by_chain_park_size_and_industry(session: Session, seeded: World) -> None:
    ids = seeded.ids
    chain = {
        g.key: g for g in rollup.level_rollup(session, seeded.admin, by="chain", as_of=AS_OF).groups
    }
    # chain A: E1 3, E2 2, E4 1; chain B: E3 0, E4 1 (E4 counts in both); no chain: E5 4
    assert {k: _levels(g) for k, g in chain.items()} == {
        str(ids["chain_a"]): {1: 1, 2: 1, 3: 1},
        str(ids["chain_b"]): {0: 1, 1: 1},
        "none": {4: 1},
    }
    assert chain[str(ids["chain_a"])].label == "链A"
    assert chain[str(ids["chain_a"])].above_scale_share == pytest.approx(2 / 3, abs=1e-6)
    assert chain[str(ids["chain_b"])].above_scale_share == 0.0  # E4 only, level 1
    park = {
        g.key: _levels(g)
        for g in rollup.level_rollup(session, seeded.admin, by="park", as_of=AS_OF).groups
    }
    assert park == {str(ids["p1"]): {3: 1, 0: 1}, str(ids["p2"]): {2: 1, 4: 1}, "none": {1: 1}}
    size = {
        g.key: _levels(g)
        for g in rollup.level_rollup(session, seeded.admin, by="size", as_of=AS_OF).groups
    }
    # E1 大型; E2 小型 (150 < 300 people); E3 小型; E4 中型; E5 not 工业 -> unknown
    assert size == {"large": {3: 1}, "small": {2: 1, 0: 1}, "medium": {1: 1}, "unknown": {4: 1}}
    industry = rollup.level_rollup(session, seeded.admin, by="industry", as_of=AS_OF).groups
    assert {g.key: g.total for g in industry} == {"34": 2, "35": 1, "39": 1, "52": 1}
    assert next(g.label for g in industry if g.key == "34") == "通用设备制造业"


def test_chain_office_rolls_up_its_chain_only(session: Session, seeded: World) -> None:
    r = rollup.level_rollup(session, seeded.chain_office, by="chain", as_of=AS_OF)
    # chain A's enterprises: E1, E2, E4; E4's other chain (B) is not the office's to see
    assert r.assessed == 3
    assert [(g.key, g.total) for g in r.groups] == [(str(seeded.ids["chain_a"]), 3)]
    assert _levels(r.city) == {1: 1, 2: 1, 3: 1}


def test_enterprise_user_rolls_up_itself(session: Session, seeded: World) -> None:
    r = rollup.level_rollup(session, seeded.enterprise, as_of=AS_OF)
    assert r.assessed == 1 and _levels(r.city) == {3: 1}


def _indicator(session: Session, code: str, unit: str) -> None:
    session.add(Indicator(code=code, name=code, unit=unit, aggregation="point", frequency="yearly"))
    session.flush()


def test_share_becomes_an_observation_and_a_new_revision_each_time(
    session: Session, seeded: World
) -> None:
    _indicator(session, "DIG_SHARE", "%")
    with clock.frozen(datetime(2024, 1, 10, 2, 0)):
        first = rollup.record_rollup_observation(
            session, seeded.admin, indicator="DIG_SHARE", period="2023", level=2
        )
        second = rollup.record_rollup_observation(
            session, seeded.admin, indicator="DIG_SHARE", period="2023", level=2,
            confirm=True, reason="re-run",
        )  # fmt: skip
    rows = session.scalars(select(Observation).order_by(Observation.revision)).all()
    # 2 of the 3 above-scale firms at >= 二级: 66.6667 %
    assert [(o.revision, o.value, o.source) for o in rows] == [
        (1, pytest.approx(66.6667), "smart:rollup"),
        (2, pytest.approx(66.6667), "smart:rollup"),
    ]
    assert first.observation.revision == 1 and second.observation.revision == 2
    assert "2/3" in rows[0].comment and "2023-12-31" in rows[0].comment
    assert not rows[0].is_demo


def test_scoped_counts_and_empty_populations(session: Session, seeded: World) -> None:
    _indicator(session, "DIG_COUNT", "家")
    with clock.frozen(datetime(2024, 1, 10, 2, 0)):
        res = rollup.record_rollup_observation(
            session, seeded.admin, indicator="DIG_COUNT", period="2023", level=3,
            scope="chain", scope_id=seeded.ids["chain_a"], population="all",
        )  # fmt: skip
        # chain A at >= 三级 among all assessed: E1 only
        assert res.observation.value == 1.0
        with pytest.raises(DataError):
            rollup.record_rollup_observation(
                session, seeded.admin, indicator="DIG_COUNT", period="2020", level=1
            )


def test_period_end() -> None:
    assert rollup.period_end("2023-Q4") == date(2023, 12, 31)
    assert rollup.period_end("2023-02") == date(2023, 2, 28)
