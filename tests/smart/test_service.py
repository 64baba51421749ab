"""Self-assessment: a questionnaire scored by hand against the 2024 rule file, stored by date,
its gap to the next level item by item, validation of every item, and permissions."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gaodi.core import clock
from gaodi.core.errors import NotFoundError, PermissionDenied, ValidationError
from gaodi.smart import service
from gaodi.smart.models import Assessment, SolutionProvider
from tests.smart.conftest import World

# A questionnaire with every answer chosen by hand. Points from the 2024 rule file
# (miit_sme_digital_2024.yaml, as served by MIIT's assessment system):
ITEMS: dict[str, str | list[str]] = {
    "b_network": ["B", "C"],  # 2 + 2 = 4
    "b_equipment_digital": "D",  # 4.5
    "b_equipment_networked": "C",  # 3
    "b_data_collection": ["B", "G", "O"],  # 0.7 + 0.7 + 0.9 = 2.3
    "b_info_systems": "C",  # 5
    "b_network_security": ["B", "C", "D"],  # 3 x 1.25 = 3.75
    "b_data_security": ["B"],  # 1.25          -> 数字化基础 23.8
    "m_planning": "D",  # 4.5
    "m_mechanisms": ["B", "C"],  # 2 x 1.875 = 3.75
    "m_talent": ["B", "D"],  # 2 x 1.5 = 3
    "m_funding": "B",  # 1.875                 -> 数字化管理 13.125
    "e_energy": "C",  # 7
    "e_quality": "B",  # 3.5
    "e_revenue_per_head": "C",  # 3
    "e_cost_ratio": "B",  # 1.5                -> 数字化成效 15
}  # total 23.8 + 13.125 + 15 = 51.925
# Scenario grades: 7 scenarios at >= 2 (product_design, marketing, production_control, quality,
# warehousing, finance are binding; office is not) -> 二级's rule (6 at >= 2, 3 binding) holds;
# 三级 needs 60 points, so the level is 二级.
SCENARIOS = {
    "product_design": 2, "process_design": 0, "marketing": 2, "after_sales": 0, "planning": 1,
    "production_control": 3, "quality": 2, "equipment": 1, "safety": 1, "energy": 1,
    "procurement": 1, "warehousing": 2, "finance": 2, "human_resources": 1, "office": 2,
    "decision_support": 0,
}  # fmt: skip


@pytest.fixture(autouse=True)
def _today() -> object:
    with clock.frozen(date(2024, 3, 1)):
        yield


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Assessment)) or 0


def test_hand_scored_questionnaire_is_stored_with_its_level(session: Session, world: World) -> None:
    ent = service.enterprise(session, world.admin, uscc=world.uscc["e1"], action="edit")
    row = service.record_assessment(
        session, world.admin, ent, ITEMS, SCENARIOS, assessed_on=date(2023, 9, 1), assessor="张三"
    )
    assert row.total == pytest.approx(51.925)
    assert row.scores["by_dimension"] == pytest.approx(
        {"basic": 23.8, "management": 13.125, "effect": 15.0}
    )
    assert (row.level, row.level_name) == (2, "二级")
    assert row.answers["items"]["b_info_systems"] == ["C"]
    assert row.caveats, "2024 level rules are unverified: the result must say so"
    assert row.scheme_version == "2024" and row.source == "web" and row.assessor == "张三"


def test_gap_to_the_next_level_item_by_item(session: Session, world: World) -> None:
    ent = service.enterprise(session, world.admin, enterprise_id=world.ids["e1"])
    row = service.record_assessment(session, world.admin, ent, ITEMS, SCENARIOS)
    res = service.result(session, world.admin, row)
    assert (res.next_level, res.next_level_name) == (3, "三级")
    assert res.points_needed == pytest.approx(60 - 51.925)  # 8.075
    gains = [(m.item, m.gain) for m in res.moves[:5]]
    # max - current: data collection 10 - 2.3; funding 7.5 - 1.875; info systems 10 - 5;
    # talent 7.5 - 3; network 8 - 4
    assert gains == [
        ("b_data_collection", pytest.approx(7.7)),
        ("m_funding", pytest.approx(5.625)),
        ("b_info_systems", pytest.approx(5.0)),
        ("m_talent", pytest.approx(4.5)),
        ("b_network", pytest.approx(4.0)),
    ]
    assert {m.item for m in res.moves} == set(ITEMS) - {"e_energy", "e_revenue_per_head"}
    # 7.7 < 8.075 <= 7.7 + 5.625: the plan is the first two moves
    assert [m.item for m in res.moves if m.in_plan] == ["b_data_collection", "m_funding"]
    funding = next(m for m in res.moves if m.item == "m_funding")
    assert funding.target == ["E"] and funding.target_labels == ["(60%,100%]"]
    # 三级 needs 8 scenarios at >= 3, 5 binding; only production_control (binding) is there
    assert res.scenario_shortfall is not None
    assert (res.scenario_shortfall.need_total, res.scenario_shortfall.need_binding) == (7, 4)
    assert [d.score for d in res.dimensions] == pytest.approx([23.8, 13.125, 15.0])
    assert [d.max for d in res.dimensions] == pytest.approx([50.0, 30.0, 20.0])


def test_every_problem_is_reported_and_nothing_is_written(session: Session, world: World) -> None:
    ent = service.enterprise(session, world.admin, enterprise_id=world.ids["e1"])
    bad = dict(ITEMS)
    del bad["m_planning"]
    bad["b_equipment_digital"] = "Z"
    bad["b_network"] = ["A", "B"]  # 无 with another option
    bad["e_energy"] = ["A", "B"]  # two options on a single-choice item
    scen = dict(SCENARIOS) | {"energy": 5}
    del scen["office"]
    with pytest.raises(service.AnswersInvalid) as err:
        service.record_assessment(session, world.admin, ent, bad, scen)
    keys = [p.key for p in err.value.problems]
    assert keys == [
        "b_network",
        "b_equipment_digital",
        "m_planning",
        "e_energy",
        "scenario:energy",
        "scenario:office",
    ]
    assert _count(session) == 0


def test_assessments_are_kept_by_date(session: Session, world: World) -> None:
    ent = service.enterprise(session, world.admin, enterprise_id=world.ids["e1"])
    weaker = dict(ITEMS) | {"b_info_systems": "A"}  # 5 points less: 46.925, still 二级
    service.record_assessment(
        session, world.admin, ent, ITEMS, SCENARIOS, assessed_on=date(2023, 9, 1)
    )
    service.record_assessment(
        session, world.admin, ent, weaker, SCENARIOS, assessed_on=date(2022, 9, 1)
    )
    past = service.history(session, world.admin, ent.id)
    assert [(a.assessed_on, a.total) for a in past] == [
        (date(2022, 9, 1), pytest.approx(46.925)),
        (date(2023, 9, 1), pytest.approx(51.925)),
    ]
    assert service.latest(session, world.admin, ent.id).total == pytest.approx(51.925)


def test_a_future_date_or_the_unscorable_2022_scheme_is_refused(
    session: Session, world: World
) -> None:
    ent = service.enterprise(session, world.admin, enterprise_id=world.ids["e1"])
    with pytest.raises(ValidationError) as err:
        service.record_assessment(
            session, world.admin, ent, ITEMS, SCENARIOS, assessed_on=date(2024, 3, 2)
        )
    assert err.value.context["field"] == "assessed_on"
    with pytest.raises(ValidationError) as err:
        service.record_assessment(
            session, world.admin, ent, ITEMS, SCENARIOS, scheme_id="miit_sme_digital_2022"
        )
    assert "无法用于自评" in err.value.zh


def test_enterprise_user_sees_and_assesses_only_itself(session: Session, world: World) -> None:
    own = service.enterprise(session, world.enterprise, uscc=world.uscc["e1"], action="edit")
    mine = service.record_assessment(session, world.enterprise, own, ITEMS, SCENARIOS)
    other = service.enterprise(session, world.admin, enterprise_id=world.ids["e2"])
    theirs = service.record_assessment(session, world.admin, other, ITEMS, SCENARIOS)
    with pytest.raises(NotFoundError):
        service.enterprise(session, world.enterprise, uscc=world.uscc["e2"], action="edit")
    with pytest.raises(NotFoundError):
        service.get_assessment(session, world.enterprise, theirs.id)
    assert service.get_assessment(session, world.enterprise, mine.id).id == mine.id
    assert service.history(session, world.enterprise, world.ids["e2"]) == []
    assert mine.created_by == "e1-user"


def test_scoped_offices_and_read_only_roles(session: Session, world: World) -> None:
    e2 = service.enterprise(session, world.admin, enterprise_id=world.ids["e2"])  # chain A, P2
    e3 = service.enterprise(session, world.admin, enterprise_id=world.ids["e3"])  # chain B, P1
    a2 = service.record_assessment(session, world.admin, e2, ITEMS, SCENARIOS)
    a3 = service.record_assessment(session, world.admin, e3, ITEMS, SCENARIOS)
    # chain office of A reads its chain's enterprises only and may not edit
    assert service.get_assessment(session, world.chain_office, a2.id).id == a2.id
    with pytest.raises(NotFoundError):
        service.get_assessment(session, world.chain_office, a3.id)
    with pytest.raises(PermissionDenied):
        service.enterprise(
            session, world.chain_office, enterprise_id=world.ids["e2"], action="edit"
        )
    # park office of P1 may assess its park's enterprises
    e3_park = service.enterprise(
        session, world.park_office, enterprise_id=world.ids["e3"], action="edit"
    )
    # (a day of its own: the admin's identical answers of today are that day's record)
    day = date(2024, 1, 5)
    assert service.record_assessment(
        session, world.park_office, e3_park, ITEMS, SCENARIOS, assessed_on=day
    ).id
    with pytest.raises(NotFoundError):
        service.get_assessment(session, world.park_office, a2.id)
    for who in (world.viewer, world.analyst):
        assert service.get_assessment(session, who, a3.id).id == a3.id
        with pytest.raises(PermissionDenied):
            service.record_assessment(session, who, e3, ITEMS, SCENARIOS)


def test_providers_ranked_for_the_gaps(session: Session, world: World) -> None:
    # Gap needs by sub-domain come from the moves above (data 7.7 = b_data_collection; network
    # 4 + 3 = 7 for b_network and b_equipment_networked), so a data+network provider ranks first.
    session.add_all(
        [
            SolutionProvider(name="甲数据", capabilities=["data", "network"], industries=["34"],
                             reference_projects=[{"title": "x"}], local=True),
            SolutionProvider(name="乙能源", capabilities=["energy_management"], industries=[],
                             reference_projects=[], local=True),
            SolutionProvider(name="丙网络", capabilities=["network"], industries=[],
                             reference_projects=[], local=False),
        ]
    )  # fmt: skip
    session.flush()
    ent = service.enterprise(session, world.admin, enterprise_id=world.ids["e1"])
    row = service.record_assessment(session, world.admin, ent, ITEMS, SCENARIOS)
    res = service.result(session, world.admin, row)
    names = [p.name for p in res.providers]
    assert names[0] == "甲数据" and "丙网络" in names
    assert "有本行业（34）服务经验" in res.providers[0].reasons
    assert res.providers[0].fit > next(p.fit for p in res.providers if p.name == "丙网络")


def _at_40() -> dict[str, str | list[str]]:
    """Zero everywhere except 10 + 10 + 8 + 6 + 6 = 40 points in 数字化基础."""
    answers: dict[str, str | list[str]] = {}
    for it in service.scheme().items:
        zero = min(it.options, key=lambda o: o.points)
        answers[it.code] = [zero.code] if it.kind == "multi" else zero.code
    data = [chr(c) for c in range(ord("B"), ord("O") + 1)]  # 13 x 0.7 + 0.9 = 10
    return answers | {
        "b_info_systems": "E",  # 10
        "b_data_collection": data,  # 10
        "b_network": ["B", "C", "D", "E"],  # 4 x 2 = 8
        "b_equipment_digital": "E",  # 6
        "b_equipment_networked": "E",  # 6
    }


# 二级 (rule file, unverified): total >= 40 and 6 scenarios at grade >= 2, 3 of them binding.
SIX_AT_2 = {c: 0 for c in SCENARIOS} | {
    "product_design": 2, "marketing": 2, "production_control": 2,  # binding
    "process_design": 2, "after_sales": 2, "planning": 2,  # not binding
}  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "scenarios", "expected"),
    [
        ({}, SIX_AT_2, (40.0, 2)),  # exactly 40 with the scenario rule met: 二级 (lower-closed)
        ({"b_equipment_networked": "D"}, SIX_AT_2, (38.5, 1)),  # 40 - 1.5: 一级
        # 40 points, but only 5 scenarios at >= 2 (planning dropped to 1): the scenario rule
        # keeps it at 一级 (一级 needs 6 at >= 1, 3 binding: still met)
        ({}, SIX_AT_2 | {"planning": 1}, (40.0, 1)),
        # 40 points, 6 at >= 2 but only 2 binding: 一级
        ({}, SIX_AT_2 | {"production_control": 1, "equipment": 0, "office": 2}, (40.0, 1)),
        ({"b_info_systems": "A"}, {c: 0 for c in SCENARIOS}, (30.0, 0)),  # no scenario: none
    ],
)
def test_level_rules_at_the_boundary(
    session: Session,
    world: World,
    changes: dict[str, str],
    scenarios: dict[str, int],
    expected: tuple[float, int],
) -> None:
    ent = service.enterprise(session, world.admin, enterprise_id=world.ids["e1"])
    row = service.record_assessment(session, world.admin, ent, _at_40() | changes, scenarios)
    assert (row.total, row.level) == (pytest.approx(expected[0]), expected[1])


def test_gbt39116_maturity_hand_case(session: Session, world: World) -> None:
    # level 1: data 1.0, network 0.8 -> S1 = 0.9 >= 0.8 attained; level 2: data 0.5 (部分满足),
    # network 1.0 -> S2 = 0.75 < 0.8: 一级（规划级）, short by 0.05; bringing data to 1 adds
    # (1 - 0.5) / 2 = 0.25 (GB/T 39117 clause 6 defaults, unverified: see the rule file)
    ent = service.enterprise(session, world.admin, enterprise_id=world.ids["e1"])
    ratings = [
        {"level": 1, "subdomain": "data", "rating": 1.0},
        {"level": 1, "subdomain": "network", "rating": "大部分满足"},
        {"level": 2, "subdomain": "data", "rating": "部分满足"},
        {"level": 2, "subdomain": "network", "rating": "full"},
    ]
    row = service.record_maturity(session, world.admin, ent, ratings)
    assert (row.level, row.level_name) == (1, "一级（规划级）")
    assert row.scores["level_scores"] == pytest.approx({"1": 0.9, "2": 0.75})
    res = service.result(session, world.admin, row)
    assert res.kind == "maturity" and res.points_needed == pytest.approx(0.05)
    assert [(b.subdomain, b.gain_if_full) for b in res.maturity_blockers] == [("data", 0.25)]
    with pytest.raises(ValidationError):
        service.record_maturity(session, world.admin, ent, [{"level": 1, "subdomain": "data"}])
