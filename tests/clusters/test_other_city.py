"""The "1+2+N" targets and quotes are Changsha's plan's (rules/system.yaml): another city's
clusters page must not claim them as its plan's targets.

Before, a bureau that installed Gaodi for 芜湖市 saw on /clusters "Plan target 1 ·
“继续培育工程机械1个世界级先进制造业集群”" and "Plan target 2 · “创建先进储能材料…”" — words of
a plan it never adopted."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from gaodi.clusters import service
from gaodi.clusters.models import Cluster
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.plans import service as plans
from gaodi.text.schema import PlanExtraction
from tests.plans.conftest import ADMIN


def _groups(engine: Engine) -> dict[str, tuple[int | None, str, list[str]]]:
    with session_scope(engine) as s:
        res = service.cluster_system(s, SYSTEM)
    return {g.key: (g.target, g.quote, [c.name for c in g.clusters]) for g in res.groups}


def test_another_citys_clusters_carry_no_changsha_targets(sqlite_db: Engine) -> None:
    with session_scope(sqlite_db, actor="test") as s:
        plans.load_plan(
            s,
            ADMIN,
            PlanExtraction(
                title="芜湖市推进先进制造业高质量发展三年行动计划（2024—2026年）",
                actions=[],
                targets=[],
                qualitative=[],
            ),
            region_code="340200",
        )
        s.add(Cluster(name="芜湖新能源汽车集群", tier="national", status="recognised", year=2024))
    groups = _groups(sqlite_db)
    assert groups["2"] == (None, "", ["芜湖新能源汽车集群"])
    assert all(target is None and quote == "" for target, quote, _ in groups.values())


def test_a_fresh_install_claims_no_plan_targets(sqlite_db: Engine) -> None:
    groups = _groups(sqlite_db)
    assert all(target is None and quote == "" for target, quote, _ in groups.values())


def test_the_demo_city_keeps_its_plans_targets(demo_db: Engine) -> None:
    # the plan (gaodi/demo/data/changsha-plan-2021.txt, 行动三 解读): 1 world-class and
    # 2 national clusters
    groups = _groups(demo_db)
    assert groups["1"][0] == 1 and "工程机械1个世界级" in groups["1"][1]
    assert groups["2"][0] == 2


def test_another_citys_groups_are_named_by_tier_not_by_changsha_s_1_2_n(
    sqlite_db: Engine,
) -> None:
    with session_scope(sqlite_db, actor="test") as s:
        plans.load_plan(
            s,
            ADMIN,
            PlanExtraction(
                title="芜湖市推进先进制造业高质量发展三年行动计划（2024—2026年）",
                actions=[],
                targets=[],
                qualitative=[],
            ),
            region_code="340200",
        )
    with session_scope(sqlite_db) as s:
        res = service.cluster_system(s, SYSTEM)
    assert not res.plan_system
    labels = [(g.label_zh, g.label_en) for g in res.groups]
    assert labels and not [x for x in labels if "“" in x[0] or "“" in x[1]]


def test_the_demo_city_keeps_its_1_2_n_names(demo_db: Engine) -> None:
    with session_scope(demo_db) as s:
        res = service.cluster_system(s, SYSTEM)
    assert res.plan_system
    assert res.groups[0].label_zh == "“1”：世界级先进制造业集群"
