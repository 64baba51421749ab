"""A small hand-made city for the web tests: two chains, two parks, four enterprises.

Who sees which enterprise (the scoped-data assertions rest on this table):

    enterprise  park  chain link   chain office A  park office A  enterprise user (E1)
    E1 阿尔法    A     a1 (chain A)  yes             yes            yes
    E2 贝塔      B     b1 (chain B)  no              no             no
    E3 伽马      A     b1 (chain B)  no              yes            no
    E4 德尔塔    B     a2 (chain A)  yes             no             no
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from gaodi.accounts import service as accounts
from gaodi.audit import service as audit
from gaodi.core.codes import make_uscc
from gaodi.db import session_scope
from gaodi.models import (
    Action,
    Chain,
    Cluster,
    Enterprise,
    EnterpriseLink,
    EnterpriseYear,
    Indicator,
    Link,
    Observation,
    Park,
    Plan,
    SystemInfo,
    Target,
    cluster_chain,
)

PASSWORD = "test-password-1"
ROLES = ("admin", "analyst", "chain_office", "park_office", "viewer", "enterprise")


@dataclass
class World:
    ids: dict[str, int] = field(default_factory=dict)
    uscc: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)  # role -> username

    def hidden_from(self, role: str) -> list[str]:
        """Names and USCCs of the enterprises ``role`` must never see."""
        keys = {
            "chain_office": ("e2", "e3"),
            "park_office": ("e2", "e4"),
            "enterprise": ("e2", "e3", "e4"),
        }
        out: list[str] = []
        for key in keys.get(role, ()):
            out += [self.names[key], self.uscc[key]]
        return out


def seed(engine: Engine, *, demo: bool = True) -> World:
    rng = random.Random(7)
    world = World()
    with session_scope(engine, actor="seed") as s:
        park_a = Park(name="甲园区测试", level="national")
        park_b = Park(name="乙园区测试", level="provincial")
        chain_a = Chain(code="CA", name="测试链甲", name_status="assumed")
        chain_b = Chain(code="CB", name="测试链乙", name_status="assumed")
        s.add_all([park_a, park_b, chain_a, chain_b])
        s.flush()
        a1 = Link(chain_id=chain_a.id, code="a1", name="甲上游", segment="up")
        a2 = Link(chain_id=chain_a.id, code="a2", name="甲中游", segment="mid")
        b1 = Link(chain_id=chain_b.id, code="b1", name="乙上游", segment="up")
        s.add_all([a1, a2, b1])
        s.flush()
        spec = {
            "e1": ("阿尔法机械测试有限公司", park_a, a1, 5000.0),
            "e2": ("贝塔材料测试有限公司", park_b, b1, 2500.0),
            "e3": ("伽马电子测试有限公司", park_a, b1, 800.0),
            "e4": ("德尔塔装备测试有限公司", park_b, a2, 1999.0),
        }
        for key, (name, park, link, revenue) in spec.items():
            uscc = make_uscc("430100", rng)
            ent = Enterprise(uscc=uscc, name=name, park_id=park.id)
            s.add(ent)
            s.flush()
            s.add(EnterpriseLink(enterprise_id=ent.id, link_id=link.id, source="rule"))
            s.add(EnterpriseYear(enterprise_id=ent.id, year=2022, revenue=revenue * 0.9))
            s.add(EnterpriseYear(enterprise_id=ent.id, year=2023, revenue=revenue))
            world.ids[key], world.uscc[key], world.names[key] = ent.id, uscc, name
        cluster = Cluster(name="测试集群", tier="national")
        s.add(cluster)
        plan = Plan(title="测试行动计划", period_start=2021, period_end=2025)
        s.add(plan)
        s.flush()
        s.execute(cluster_chain.insert().values(cluster_id=cluster.id, chain_id=chain_a.id))
        action = Action(plan_id=plan.id, number="一", title="测试行动")
        indicator = Indicator(code="T_OUTPUT", name="测试产值", unit="亿元")
        s.add_all([action, indicator])
        s.flush()
        target = Target(
            plan_id=plan.id, action_id=action.id, indicator_id=indicator.id,
            indicator_name="测试产值", value=100.0, unit="亿元", year=2025,
        )  # fmt: skip
        obs_city = Observation(
            indicator_id=indicator.id, scope="city", period="2023-06", value=40.0
        )
        obs_b = Observation(
            indicator_id=indicator.id,
            scope="chain",
            scope_id=chain_b.id,
            period="2023-12",
            value=9.0,
        )
        s.add_all([target, obs_city, obs_b])
        if demo:
            s.add(
                SystemInfo(
                    key="dataset",
                    value={
                        "demo": True,
                        "size": "test",
                        "seed": 7,
                        "built_at": "2024-01-02T03:04:05",
                    },
                )
            )
        s.flush()
        world.ids.update(
            park_a=park_a.id, park_b=park_b.id, chain_a=chain_a.id, chain_b=chain_b.id,
            a1=a1.id, a2=a2.id, b1=b1.id, cluster=cluster.id, plan=plan.id, action=action.id,
            indicator=indicator.id, target=target.id, observation=obs_city.id,
            observation_b=obs_b.id,
        )  # fmt: skip
        scopes = {
            "chain_office": {"chains": ["CA"]},
            "park_office": {"parks": ["甲园区测试"]},
            "enterprise": {"enterprise": world.uscc["e1"]},
        }
        for role in ROLES:
            username = f"t-{role}"
            accounts.create_user(s, username, role, PASSWORD, **scopes.get(role, {}))
            world.users[role] = username
        target_user = accounts.create_user(s, "t-target", "viewer", PASSWORD)
        world.ids["user"] = target_user.id
        audit.record(s, "dataset", "seed", note="tests/web/seed.py", actor="seed")
    return world
