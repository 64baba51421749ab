"""The enterprises service on the hand-built chains (tests/chains/conftest.py) and a ranking
case whose scores follow from the method's definition."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from gaodi.core.errors import NotFoundError, ValidationError
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.enterprises import service
from gaodi.enterprises.schemas import EnterpriseFilter
from gaodi.models import Chain, Enterprise, EnterpriseLink, EnterpriseYear, Link
from tests.chains.conftest import World


def test_search_filters(db: Engine, world: World) -> None:
    def names(**kw: object) -> list[str]:
        with session_scope(db) as s:
            return [r.name for r in service.search(s, SYSTEM, EnterpriseFilter(**kw)).rows]

    assert len(names(q="测试公司")) == 5
    assert names(tag="srdi") == ["整机二厂测试公司"]
    assert sorted(names(chain="HM")) == sorted(
        ["整机龙头测试公司", "整机二厂测试公司", "液压阀测试公司", "发动机测试公司"]
    )
    assert len(names(park=world.ids["P1"])) == 3
    assert names(q=world.uscc["E4"]) == ["发动机测试公司"]
    with session_scope(db) as s:
        page = service.search(s, SYSTEM, EnterpriseFilter(per_page=2, page=3))
    assert (page.total, page.pages, page.page, len(page.rows)) == (5, 3, 3, 1)


def test_scoped_search_and_profile(db: Engine, world: World) -> None:
    office = Principal("t-office", "chain_office", chain_ids=frozenset({world.ids["OT"]}))
    park = Principal("t-park", "park_office", park_ids=frozenset({world.ids["P2"]}))
    with session_scope(db) as s:
        assert [r.name for r in service.search(s, office, EnterpriseFilter()).rows] == [
            "其他链测试公司"
        ]
        assert sorted(r.name for r in service.search(s, park, EnterpriseFilter()).rows) == [
            "发动机测试公司",
            "整机二厂测试公司",
        ]
        with pytest.raises(NotFoundError):
            service.profile(s, office, world.uscc["E1"])
        with pytest.raises(NotFoundError):
            service.search(s, office, EnterpriseFilter(chain="HM"))


def test_eligibility_above_scale(db: Engine, world: World) -> None:
    # main revenue 110000, 12000, 6500 >= 2000: qualify; 1800: nearly (short by 200 = 10 %);
    # 600: short by 70 %, not near (margin 20 %)
    with session_scope(db) as s:
        report = service.eligibility(s, SYSTEM, level="above_scale")
    (level,) = report.levels
    assert (level.evaluated, level.qualifies, level.nearly, level.undetermined) == (5, 3, 1, 0)
    near = [r for r in report.rows if r.nearly_qualifies]
    assert [r.name for r in near] == ["发动机测试公司"]
    (miss,) = near[0].missed
    assert miss.id == "main_revenue" and miss.shortfall == pytest.approx(200.0)
    assert miss.relative_shortfall == pytest.approx(0.1)
    with session_scope(db) as s:
        only_near = service.eligibility(s, SYSTEM, level="above_scale", near_only=True)
        assert [r.name for r in only_near.rows] == ["发动机测试公司"]
        every = service.eligibility(s, SYSTEM)
        assert [lv.level for lv in every.levels][:1] == ["above_scale"] and every.rows == []
        with pytest.raises(ValidationError):
            service.eligibility(s, SYSTEM, level="unicorn")


def test_profile_tiers_and_links(db: Engine, world: World) -> None:
    with session_scope(db) as s:
        p = service.profile(s, SYSTEM, world.uscc["E4"])
    assert p.name == "发动机测试公司" and [y.year for y in p.years] == [2022, 2023]
    assert [(m.chain_code, m.link_name) for m in p.links] == [("HM", "发动机")]
    tiers = {t.level: t for t in p.tiers}
    assert tiers["above_scale"].nearly_qualifies and not tiers["above_scale"].qualifies
    assert [c.id for c in tiers["above_scale"].missed] == ["main_revenue"]
    # 专精特新: R&D 1800*4% = 72万 < 100万 -> missed; years in niche etc. missing
    srdi = tiers["srdi_sme"]
    assert not srdi.qualifies and srdi.missing
    with session_scope(db) as s:
        e1 = service.profile(s, SYSTEM, world.ids["E1"])
    assert e1.tiers[0].qualifies


def _ranking_chain(engine: Engine) -> dict[str, int]:
    """A dominates B dominates C on every criterion, B exactly midway; D lacks tax."""
    spec = {
        # output, prev output, tax, rd (revenue 1000), patents, employees, debt ratio
        "A": (300.0, 200.0, 30.0, 60.0, 30, 300, 0.3),
        "B": (200.0, 160.0, 20.0, 40.0, 20, 200, 0.5),
        "C": (100.0, 100.0, 10.0, 20.0, 10, 100, 0.7),
        "D": (500.0, 100.0, None, 90.0, 90, 900, 0.1),
    }
    ids: dict[str, int] = {}
    with session_scope(engine) as s:
        chain = Chain(code="RK", name="排序测试链")
        s.add(chain)
        s.flush()
        link = Link(chain_id=chain.id, code="R1", name="唯一环节", segment="mid")
        s.add(link)
        s.flush()
        ids["chain"] = chain.id
        for key, (out, prev, tax, rd, pat, emp, debt) in spec.items():
            e = Enterprise(uscc=f"91430100RANK0000{key}X"[:18], name=f"排序{key}")
            s.add(e)
            s.flush()
            ids[key] = e.id
            s.add(EnterpriseLink(enterprise_id=e.id, link_id=link.id, source="manual"))
            s.add(
                EnterpriseYear(
                    enterprise_id=e.id, year=2023, output=out, tax=tax, revenue=1000.0,
                    rd_spend=rd, invention_patents=pat, employees=emp, debt_ratio=debt,
                )
            )  # fmt: skip
            s.add(EnterpriseYear(enterprise_id=e.id, year=2022, output=prev))
    return ids


@pytest.mark.parametrize("method", ["topsis", "entropy"])
def test_rank_by_dominance(sqlite_db: Engine, method: str) -> None:
    # TOPSIS: A is the ideal and C the anti-ideal on every criterion, so C_A = 1, C_C = 0, and B,
    # midway on each column (vector normalisation and weights are linear per column), is
    # equally far from both: C_B = 0.5. Entropy weights + weighted sum of min-max normalised
    # values: A scores 1 on every criterion, B 0.5, C 0, whatever the weights.
    ids = _ranking_chain(sqlite_db)
    with session_scope(sqlite_db) as s:
        result = service.rank(s, SYSTEM, chain="RK", method=method, top=10)
    assert [r.name for r in result.rows] == ["排序A", "排序B", "排序C"]
    assert [r.score for r in result.rows] == pytest.approx([1.0, 0.5, 0.0])
    assert (result.population, result.excluded) == (4, 1)
    assert sum(c.weight for c in result.criteria) == pytest.approx(1.0)
    assert result.rows[0].values["output_growth"] == pytest.approx(0.5)
    assert ids["D"] not in [r.enterprise_id for r in result.rows]
    if method == "topsis":  # the YAML weights
        assert {c.name: c.weight for c in result.criteria}["output"] == pytest.approx(0.25)


def test_rank_degenerate(sqlite_db: Engine) -> None:
    with session_scope(sqlite_db) as s:
        empty = service.rank(s, SYSTEM)
    assert empty.rows == [] and empty.note_zh
    with session_scope(sqlite_db) as s, pytest.raises(ValidationError):
        service.rank(s, SYSTEM, method="magic")


def test_the_enterprise_user_sees_its_own_links(db: Engine, world: World) -> None:
    # an enterprise user reads no chain, but its own enterprise's links are facts about itself
    own = Principal("t-firm", "enterprise", enterprise_ids=frozenset({world.ids["E4"]}))
    with session_scope(db) as s:
        p = service.profile(s, own, world.ids["E4"])
    assert [(m.chain_code, m.link_name) for m in p.links] == [("HM", "发动机")]
    # a viewer (who may read chains) sees the same links; another firm's user is refused
    viewer = Principal("t-viewer", "viewer")
    other = Principal("t-other", "enterprise", enterprise_ids=frozenset({world.ids["E1"]}))
    with session_scope(db) as s:
        assert [m.link_name for m in service.profile(s, viewer, world.ids["E4"]).links] == [
            "发动机"
        ]
        with pytest.raises(NotFoundError):
            service.profile(s, other, world.ids["E4"])
