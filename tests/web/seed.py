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
from gaodi.core.permissions import SYSTEM
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
    refs: dict[str, str] = field(default_factory=dict)  # path values that are not ids
    #: text of a feature object (title, name, comment) -> the scoped roles that may see it
    seen_by: dict[str, frozenset[str]] = field(default_factory=dict)

    def hidden_from(self, role: str) -> list[str]:
        """Names and USCCs of the enterprises ``role`` must never see, and the texts of the
        feature objects outside its scope (:func:`seed_features`)."""
        keys = {
            "chain_office": ("e2", "e3"),
            "park_office": ("e2", "e4"),
            "enterprise": ("e2", "e3", "e4"),
        }
        out: list[str] = []
        for key in keys.get(role, ()):
            out += [self.names[key], self.uscc[key]]
        if role in keys:
            out += [text for text, roles in self.seen_by.items() if role not in roles]
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
                        "built_at": "2024-01-02T03:04:05+00:00",
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
            accounts.create_user(
                s, username, role, PASSWORD, principal=SYSTEM, **scopes.get(role, {})
            )
            world.users[role] = username
        target_user = accounts.create_user(s, "t-target", "viewer", PASSWORD, principal=SYSTEM)
        world.ids["user"] = target_user.id
        audit.record(s, "dataset", "seed", note="tests/web/seed.py", actor="seed")
    return world


# ---------------------------------------------------------------------------- feature objects
# What seed_features() adds, and which scoped role may see each (chain office = chain A, park
# office = park A, enterprise user = E1; unscoped roles see everything their role may read):
#
#     object                          chain A/B  park A/B  chain office  park office  enterprise
#     project 甲甲 / 甲乙 / 乙甲 / 乙乙   A/A/B/B    A/B/A/B   甲甲, 甲乙     甲甲, 乙甲    none
#     challenge 甲 (awarded, milestone)  A          -         yes           yes (1)      none
#     challenge 乙 (under review)        B          -         no            yes (1)      none
#     appeal of E1 / E2 / E3 / E4        A/B/B/A    A/B/A/B   E1, E4        E1, E3       E1
#     attachment on E1's / E2's appeal   -          -         E1's          E1's         E1's
#     declaration + evidence of E1 / E2  A/B        A/B       E1's          E1's         E1's
#     assessment, recognition of E1-E4   as the enterprise table at the top of this file
#     submission chain A / chain B       A / B      -         chain A       none (2)     none
#     submission park A / park B         -          A / B     none (2)      park A       none
#
# (1) a park office reads every challenge but only the applications of its parks' enterprises:
#     challenge 甲's applicants are E1 and E4, challenge 乙's E2 and E3.
# (2) an office reads city figures and its own chain's or park's, not another office's.
SCOPED = ("chain_office", "park_office", "enterprise")
ALL_SCOPED = frozenset(SCOPED)
ENTERPRISE_SEEN_BY = {
    "e1": frozenset(SCOPED),
    "e2": frozenset(),
    "e3": frozenset({"park_office"}),
    "e4": frozenset({"chain_office"}),
}


def _assessment_answers() -> tuple[dict[str, object], dict[str, int]]:
    """A complete questionnaire of the default scheme: the lowest option of every item."""
    from gaodi.smart import service as smart

    scheme = smart.scheme()
    items: dict[str, object] = {}
    for item in scheme.items:
        low = min(item.options, key=lambda o: o.points)
        items[item.code] = low.code if item.kind == "single" else [low.code]
    return items, {s.code: 1 for s in scheme.scenarios}


def seed_features(engine: Engine, world: World) -> None:
    """Projects, challenges, appeals (with attachments), assessments, the smart registries,
    submissions and a validation rule, each inside and outside every scoped role's scope, made
    through the feature services (the registries have none: plain rows). See the table above.

    Writes attachment files under the configured data directory (``GAODI_DATA_DIR``).
    """
    from datetime import date, timedelta

    from gaodi.core import clock
    from gaodi.core.permissions import SYSTEM, Principal
    from gaodi.enterprises import declarations
    from gaodi.plans import intake
    from gaodi.plans.schemas import ObservationIn
    from gaodi.projects import appeals, challenges, projects
    from gaodi.projects.schemas import AppealIn, ApplicationIn, ChallengeIn, ProjectIn
    from gaodi.smart import service as smart
    from gaodi.smart.models import Recognition, ServicePlatform, SolutionProvider

    ids, seen = world.ids, world.seen_by
    today = clock.today()
    with session_scope(engine, actor="seed") as s:
        # projects: every chain x park combination
        for chain_key, park_key, label in (
            ("chain_a", "park_a", "甲甲"),
            ("chain_a", "park_b", "甲乙"),
            ("chain_b", "park_a", "乙甲"),
            ("chain_b", "park_b", "乙乙"),
        ):
            name = f"测试项目{label}扩产工程"
            project = projects.create_project(
                s,
                SYSTEM,
                ProjectIn(
                    name=name,
                    chain_id=ids[chain_key],
                    link_id=ids["a1" if chain_key == "chain_a" else "b1"],
                    park_id=ids[park_key],
                    investor_name=f"测试投资方{label}",
                    total_investment=1000.0,
                    signed_on=date(2023, 1, 5),
                    planned_start_on=date(2023, 3, 31),
                    year_plans={2023: 120.0},
                ),
            )
            ids[f"project_{label}"] = project.id
            seen[name] = frozenset(
                role
                for role, ok in (
                    ("chain_office", chain_key == "chain_a"),
                    ("park_office", park_key == "park_a"),
                )
                if ok
            )
        ids["project_in"], ids["project_out"] = ids["project_甲甲"], ids["project_乙乙"]

        # challenges: 甲 (chain A) awarded with a milestone; 乙 (chain B) under review
        reviewer = Principal(world.users["viewer"], "viewer")
        for key, chain_key, link_key, applicants, award in (
            ("challenge_a", "chain_a", "a1", ("e1", "e4"), True),
            ("challenge_b", "chain_b", "b1", ("e2", "e3"), False),
        ):
            label = "甲" if key == "challenge_a" else "乙"
            title = f"测试揭榜{label}：关键材料攻关"
            challenge = challenges.create_challenge(
                s,
                SYSTEM,
                ChallengeIn(
                    title=title,
                    problem="测试用榜单内容。",
                    chain_id=ids[chain_key],
                    link_id=ids[link_key],
                    budget=300.0,
                    deadline=today + timedelta(days=30),
                ),
            )
            ids[key] = challenge.id
            seen[title] = frozenset({"park_office"} | ({"chain_office"} if award else set()))
            apps = []
            for ent in applicants:
                proposal = f"测试揭榜方案（{world.names[ent]}）"
                apps.append(
                    challenges.apply(
                        s,
                        SYSTEM,
                        challenge.id,
                        ApplicationIn(
                            applicant_name=world.names[ent],
                            applicant_uscc=world.uscc[ent],
                            enterprise_id=ids[ent],
                            proposal=proposal,
                            requested_budget=200.0,
                        ),
                    )
                )
                office = {"chain_office"} if award else set()
                seen[proposal] = frozenset(office | (ENTERPRISE_SEEN_BY[ent] & {"park_office"}))
            challenges.add_reviewer(s, SYSTEM, challenge.id, reviewer.username, "测试评审专家")
            challenges.close(s, SYSTEM, challenge.id, "提前截止（测试数据）")
            for n, app in enumerate(apps):
                challenges.declare(s, reviewer, challenge.id, app.id, has_conflict=False)
                challenges.score(s, reviewer, challenge.id, app.id, 90.0 - 10 * n)
            if award:
                challenges.award(s, SYSTEM, challenge.id)
                milestone = challenges.add_milestone(
                    s, SYSTEM, challenge.id, "测试攻关节点：样品试制", today + timedelta(days=90)
                )
                challenges.start(s, SYSTEM, challenge.id)
                ids["milestone"] = milestone.id
            ids[f"{key}_application"] = apps[0].id

        # appeals: one per enterprise (its chain is the enterprise's chain), two attachments
        for ent in ("e1", "e2", "e3", "e4"):
            title = f"测试诉求：{world.names[ent][:2]}用地审批"
            appeal = appeals.submit(
                s,
                SYSTEM,
                AppealIn(enterprise_id=ids[ent], category="审批", title=title, text="审批慢。"),
            )
            ids[f"appeal_{ent}"] = appeal.id
            seen[title] = ENTERPRISE_SEEN_BY[ent]
        appeals.assign(s, SYSTEM, ids["appeal_e1"], None, "测试交办")
        for ent, label in (("e1", "甲"), ("e2", "乙")):
            filename = f"测试附件{label}.txt"
            row = appeals.attach(s, SYSTEM, ids[f"appeal_{ent}"], filename, "附件内容\n".encode())
            ids[f"attachment_{ent}"] = row.id
            seen[filename] = ENTERPRISE_SEEN_BY[ent]

        # declarations (申报) of E1 and E2, submitted, each with an evidence file
        for ent, label in (("e1", "甲"), ("e2", "乙")):
            decl = declarations.create(s, SYSTEM, ids[ent], 2023)
            declarations.save(s, SYSTEM, decl.id, {"global_rank": "2", "has_own_brand": "是"})
            filename = f"测试证明{label}.txt"
            row = declarations.attach(s, SYSTEM, decl.id, filename, "证书内容\n".encode())
            declarations.act(s, SYSTEM, decl.id, "submit")
            ids[f"declaration_{ent}"], ids[f"evidence_{ent}"] = decl.id, row.id
            seen[filename] = ENTERPRISE_SEEN_BY[ent]

        # assessments and recognitions of every enterprise; a provider and a platform
        items, scenarios = _assessment_answers()
        for ent in ("e1", "e2", "e3", "e4"):
            enterprise = s.get(Enterprise, ids[ent])
            assert enterprise is not None
            assessor = f"测试评测员{world.names[ent][:2]}"  # shown with the assessment
            smart.record_assessment(
                s, SYSTEM, enterprise, items, scenarios,
                assessed_on=date(2023, 6, 1), assessor=assessor, comment="测试评测",
            )  # fmt: skip
            seen[assessor] = ENTERPRISE_SEEN_BY[ent]
            title = f"{world.names[ent][:2]}测试数字化车间"
            recognition = Recognition(
                kind="workshop", enterprise_id=ids[ent], name=world.names[ent], title=title,
                year=2023, level="municipal", issuer="测试认定机构", source="tests/web/seed.py",
            )  # fmt: skip
            s.add(recognition)
            seen[title] = ENTERPRISE_SEEN_BY[ent]
        s.add(SolutionProvider(name="测试解决方案服务商", local=True, capabilities=[]))
        s.add(ServicePlatform(name="测试公共服务平台", kind="public_service"))

        # submissions for both chains and both parks; a validation rule
        for scope, key, period in (
            ("chain", "chain_a", "2023-05"),
            ("chain", "chain_b", "2023-05"),
            ("park", "park_a", "2023-05"),
            ("park", "park_b", "2023-05"),
        ):
            comment = f"测试报送备注{key}"
            data = ObservationIn(
                indicator="T_OUTPUT",
                period=period,
                value=5.0,
                scope=scope,  # type: ignore[arg-type]
                scope_id=ids[key],
                comment=comment,
            )
            intake.add_observation(s, SYSTEM, data, confirm=True, reason="测试数据")
            world.refs[f"submission_{key}"] = f"{ids['indicator']}:{scope}:{ids[key]}:{period}"
            seen[comment] = frozenset(
                {"chain_a": {"chain_office"}, "park_a": {"park_office"}}.get(key, set())
            )
        intake.add_rule(s, SYSTEM, "测试规则：产值非负", "T_OUTPUT@city >= 0")
