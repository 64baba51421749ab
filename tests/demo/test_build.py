"""The demo builder: deterministic, honest about what is synthetic, safe with real data."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from gaodi.core.codes import is_valid_uscc
from gaodi.core.errors import ConflictError, ValidationError
from gaodi.db import make_engine, session_scope
from gaodi.demo import build as builder
from gaodi.models import (
    Chain,
    Cluster,
    Enterprise,
    EnterpriseLink,
    EnterpriseYear,
    ExternalEnterprise,
    Link,
    Observation,
    Park,
    Plan,
    Target,
)


def _count(engine: Engine, model: type, *where: object) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def test_same_seed_same_content(demo_template: Path, tmp_path: Path) -> None:
    again = make_engine(f"sqlite:///{tmp_path / 'again.sqlite'}")
    builder.build(again, size="small", seed=2021)
    original = make_engine(f"sqlite:///{demo_template}")
    assert builder.content_hash(again) == builder.content_hash(original)
    other = make_engine(f"sqlite:///{tmp_path / 'other.sqlite'}")
    builder.build(other, size="small", seed=7)
    assert builder.content_hash(other) != builder.content_hash(original)


def test_structure_from_public_facts(demo_db: Engine) -> None:
    assert _count(demo_db, Chain) == 22
    with session_scope(demo_db) as s:
        per_chain = s.execute(select(Link.chain_id, func.count()).group_by(Link.chain_id)).all()
        assert all(15 <= n <= 40 for _, n in per_chain)
        statuses = {c.name: c.name_status for c in s.scalars(select(Chain))}
        # Named in 湖南日报 2021-09-05 as Changsha chains (reference facts §1).
        for name in ("工程机械", "汽车", "先进储能材料", "显示功能器件", "检验检测"):
            assert statuses[name] == "confirmed"
        assert set(statuses.values()) <= {"confirmed", "uncertain", "assumed"}
        plan = s.scalars(select(Plan)).one()
        assert plan.period_start == 2021 and plan.period_end == 2023
        quoted = {
            t.indicator_name: t.value
            for t in s.scalars(select(Target).where(Target.quote.is_not(None)))
        }
        # The plan's own quantified targets (plan text, actions 5 and 7).
        assert quoted == {"新材料产业产值": 2500, "3000亿级园区数量": 1, "千亿级园区数量": 5}
        assert _count(demo_db, Park) == 7


def test_everything_synthetic_is_flagged(demo_db: Engine) -> None:
    for model in (Enterprise, Park, Chain, ExternalEnterprise, Observation, Plan, Cluster):
        assert _count(demo_db, model, model.is_demo.is_(False)) == 0, model
    assert builder.dataset_info(demo_db)["demo"] is True


def test_enterprises_are_plausible(demo_db: Engine) -> None:
    with session_scope(demo_db) as s:
        codes = s.scalars(select(Enterprise.uscc)).all()
        assert len(codes) == 2000 and len(set(codes)) == 2000
        assert all(is_valid_uscc(c) for c in codes)
        above = s.scalar(
            select(func.count()).where(
                EnterpriseYear.year == 2023, EnterpriseYear.main_revenue >= 2000
            )
        )
        assert 0.05 * 2000 < above < 0.4 * 2000
        # Each chain has at least one link with no local enterprise (缺链) somewhere.
        linked = set(s.scalars(select(EnterpriseLink.link_id).distinct()))
        assert len(linked) < _count(demo_db, Link)
    assert _count(demo_db, ExternalEnterprise) == 20_000


def test_observations_keep_revisions(demo_db: Engine) -> None:
    assert _count(demo_db, Observation, Observation.revision == 2) > 0
    # No January for cumulative series (1–2月 are reported together).
    assert (
        _count(
            demo_db, Observation, Observation.kind == "cumulative", Observation.period.like("%-01")
        )
        == 0
    )


def test_refuses_real_data(sqlite_db: Engine) -> None:
    with session_scope(sqlite_db) as s:
        s.add(Park(name="真实园区", is_demo=False))
    with pytest.raises(ConflictError, match="non-demo"):
        builder.build(sqlite_db, size="small")
    assert _count(sqlite_db, Park) == 1


def test_rebuild_needs_force(demo_db: Engine) -> None:
    with pytest.raises(ConflictError, match="--force"):
        builder.build(demo_db, size="small")


def test_unknown_size(sqlite_db: Engine) -> None:
    with pytest.raises(ValidationError, match="Unknown demo size"):
        builder.build(sqlite_db, size="huge")
