"""Declarations (申报): submit → return (with a reason) → resubmit → approve, who may take
which step, what approval stores, the history kept; and the office's own fact form."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from gaodi.config import reset_settings
from gaodi.core.codes import make_uscc
from gaodi.core.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.enterprises import declarations, evidence, facts, service
from gaodi.enterprises.models import (
    Enterprise,
    EnterpriseYear,
    TierDeclaration,
    TierDeclarationEvent,
    TierFact,
)
from gaodi.parks.models import Park
from gaodi.regions.models import IndustryCode

PDF = b"%PDF-1.4\n% a tiny test file\n"


@pytest.fixture
def firms(db: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    monkeypatch.setenv("GAODI_DATA_DIR", str(tmp_path))  # where evidence files go
    reset_settings()
    rng = random.Random(11)
    ids: dict[str, int] = {}
    with session_scope(db) as s:
        # manufacturing (3985, 工业) with 120 employees: an SME by 工信部联企业〔2011〕300号, so
        # the SME tiers apply
        if s.get(IndustryCode, "3985") is None:
            s.add(IndustryCode(code="3985", name="电子专用材料制造", level="class"))
        for key in ("A", "B"):
            park = Park(name=f"示例{key}园区", level="provincial")
            s.add(park)
            s.flush()
            ids[f"park_{key}"] = park.id
            e = Enterprise(
                uscc=make_uscc("430104", rng), name=f"示例{key}企业", park_id=park.id,
                industry_code="3985", is_demo=True,
            )  # fmt: skip
            s.add(e)
            s.flush()
            ids[key] = e.id
            # 3000万 revenue, R&D 90万 (3 %), last year 1600 -> 1800 main revenue (12.5 %)
            s.add(EnterpriseYear(enterprise_id=e.id, year=2022, revenue=2800, main_revenue=1600))
            s.add(
                EnterpriseYear(
                    enterprise_id=e.id, year=2023, revenue=3000, main_revenue=1800,
                    rd_spend=90, debt_ratio=0.6, employees=120,
                )
            )  # fmt: skip
    yield ids
    reset_settings()


def _people(ids: dict[str, int]) -> dict[str, Principal]:
    return {
        "firm": Principal("firm-a", "enterprise", enterprise_ids=frozenset({ids["A"]})),
        "park": Principal("park-a", "park_office", park_ids=frozenset({ids["park_A"]})),
        "other_park": Principal("park-b", "park_office", park_ids=frozenset({ids["park_B"]})),
        "chain": Principal("chain-x", "chain_office", chain_ids=frozenset({999})),
        "analyst": Principal("ana", "analyst"),
    }


def _innovative(db: Engine, eid: int) -> tuple[bool, bool]:
    with session_scope(db) as s:
        t = {t.level: t for t in service.profile(s, SYSTEM, eid).tiers}["innovative_sme"]
    return t.qualifies, t.determined


def test_submit_return_resubmit_approve(db: Engine, firms: dict[str, int]) -> None:
    p = _people(firms)
    a = firms["A"]
    assert _innovative(db, a) == (False, False)  # IP and 战略性新兴 unknown
    with session_scope(db) as s:
        d = declarations.create(s, p["firm"], a, 2023)
        did = d.id
        declarations.save(
            s, p["firm"], did,
            {"ip_class1_count": "1", "ip_class1_own_count": "0",
             "ip_class1_high_value_count": "0", "strategic_emerging": "否",
             "national_market_share": "15%"},
        )  # fmt: skip
        declarations.attach(s, p["firm"], did, "证书.pdf", PDF, "ip_class1_count")
        # nothing is stored before approval
        assert s.scalars(select(TierFact)).all() == []
        declarations.act(s, p["firm"], did, "submit")
    # a park office outside the scope does not see it; a chain office reads but may not review
    with session_scope(db) as s, pytest.raises(NotFoundError):
        declarations.act(s, p["other_park"], did, "approve")
    with session_scope(db) as s, pytest.raises(NotFoundError):
        declarations.load(s, p["chain"], did)  # its chain holds no such enterprise
    with session_scope(db) as s, pytest.raises(PermissionDenied):
        declarations.act(s, p["analyst"], did, "approve")
    with session_scope(db) as s, pytest.raises(PermissionDenied):
        declarations.act(s, p["firm"], did, "approve")  # not its own approval
    # return needs a reason
    with session_scope(db) as s, pytest.raises(ValidationError):
        declarations.act(s, p["park"], did, "return", "  ")
    with session_scope(db) as s:
        declarations.act(s, p["park"], did, "return", "请补充知识产权证书编号")
        assert declarations.load(s, p["firm"], did).return_reason == "请补充知识产权证书编号"
        with pytest.raises(ConflictError):  # returned: approving it now is not a step
            declarations.act(s, p["park"], did, "approve")
    with session_scope(db) as s:
        declarations.save(s, p["firm"], did, {"ip_class1_count": "2"})
        declarations.act(s, p["firm"], did, "submit")
    with session_scope(db) as s:
        declarations.act(s, p["park"], did, "approve")
        stored = facts.facts_of(s, [a], 2023)[a]
        assert {k: (v.value, v.source, v.declaration_id) for k, v in stored.items()} == {
            "ip_class1_count": (2, "self_declared", did),
            "ip_class1_own_count": (0, "self_declared", did),
            "ip_class1_high_value_count": (0, "self_declared", did),
            "strategic_emerging": (False, "self_declared", did),
            "national_market_share": (0.15, "self_declared", did),
        }
        events = s.scalars(
            select(TierDeclarationEvent)
            .where(TierDeclarationEvent.declaration_id == did)
            .order_by(TierDeclarationEvent.id)
        ).all()
        assert [(e.action, e.actor, e.to_status) for e in events] == [
            ("create", "firm-a", "draft"),
            ("save", "firm-a", "draft"),
            ("attach", "firm-a", "draft"),
            ("submit", "firm-a", "submitted"),
            ("return", "park-a", "returned"),
            ("save", "firm-a", "returned"),
            ("submit", "firm-a", "submitted"),
            ("approve", "park-a", "approved"),
        ]
        assert events[5].changes == {"ip_class1_count": [1, 2]}
        assert events[-1].changes["ip_class1_count"] == [None, 2]
        with pytest.raises(ConflictError):  # approved is final
            declarations.act(s, p["park"], did, "return", "again")
    # 10 (IP) + 15 (R&D 3 %) = 25; 15 (12.5 %) + 5 (debt 60 %) = 20; 5 + 15 (60 %) = 20 -> 65
    assert _innovative(db, a) == (True, True)


def test_who_may_open_a_declaration(db: Engine, firms: dict[str, int]) -> None:
    p = _people(firms)
    with session_scope(db) as s, pytest.raises(NotFoundError):
        declarations.create(s, p["firm"], firms["B"], 2023)  # not its enterprise: a 404
    with session_scope(db) as s, pytest.raises(PermissionDenied):
        declarations.create(s, p["park"], firms["A"], 2023)  # an office reviews, never declares
    with session_scope(db) as s:
        first = declarations.create(s, p["firm"], firms["A"], 2023).id
    with session_scope(db) as s, pytest.raises(ConflictError) as info:
        declarations.create(s, p["firm"], firms["A"], 2023)
    assert info.value.context["declaration_id"] == first
    with session_scope(db) as s, pytest.raises(ValidationError):
        declarations.save(s, p["firm"], first, {"global_rank": "0", "has_own_brand": "也许"})
    with session_scope(db) as s, pytest.raises(ValidationError):
        declarations.act(s, p["firm"], first, "submit")  # nothing declared yet


def test_a_certified_fact_is_not_downgraded_by_the_same_declared_value(
    db: Engine, firms: dict[str, int]
) -> None:
    p = _people(firms)
    a = firms["A"]
    with session_scope(db) as s:
        facts.set_facts(
            s, p["park"], a, 2023, {"global_rank": "3", "has_own_brand": "是"}, "certified"
        )
        d = declarations.create(s, p["firm"], a, 2023)
        assert d.facts == {"global_rank": 3, "has_own_brand": True}  # pre-filled
        declarations.save(s, p["firm"], d.id, {"global_rank": "2"})
        declarations.act(s, p["firm"], d.id, "submit")
        declarations.act(s, p["park"], d.id, "approve")
        stored = facts.facts_of(s, [a], 2023)[a]
    assert (stored["has_own_brand"].value, stored["has_own_brand"].source) == (True, "certified")
    assert (stored["global_rank"].value, stored["global_rank"].source) == (2, "self_declared")


def test_the_office_form_is_scoped_and_clears_blanks(db: Engine, firms: dict[str, int]) -> None:
    p = _people(firms)
    with session_scope(db) as s, pytest.raises(NotFoundError):
        facts.set_facts(s, p["park"], firms["B"], 2023, {"global_rank": "1"}, "certified")
    with session_scope(db) as s, pytest.raises(PermissionDenied):
        facts.set_facts(s, p["firm"], firms["A"], 2023, {"global_rank": "1"}, "certified")
    with session_scope(db) as s, pytest.raises(ValidationError):
        facts.set_facts(s, p["park"], firms["A"], 2023, {"global_rank": "1"}, "guessed")
    with session_scope(db) as s:
        changes = facts.set_facts(
            s, p["park"], firms["A"], 2023, {"global_rank": "1", "rd_staff_share": "0.5"},
            "statistics",
        )  # fmt: skip
        assert changes == {"global_rank": [None, 1], "rd_staff_share": [None, 0.5]}
        changes = facts.set_facts(
            s, p["park"], firms["A"], 2023, {"global_rank": "", "rd_staff_share": "0.5"},
            "statistics",
        )  # fmt: skip
        assert changes == {"global_rank": [1, None]}
        assert set(facts.facts_of(s, [firms["A"]], 2023)[firms["A"]]) == {"rd_staff_share"}


def test_evidence_is_read_only_in_scope(db: Engine, firms: dict[str, int]) -> None:
    p = _people(firms)
    with session_scope(db) as s:
        row = evidence.store(s, p["park"], firms["A"], 2023, "../../奖励通知.pdf", PDF)
        assert row.filename == "奖励通知.pdf" and row.stored_name.startswith("tier/")
        rid = row.id
    with session_scope(db) as s:
        got, path = evidence.evidence_file(s, p["firm"], rid)
        assert path.read_bytes() == PDF and got.size == len(PDF)
        with pytest.raises(NotFoundError):
            evidence.evidence_file(s, p["other_park"], rid)
    with session_scope(db) as s, pytest.raises(ValidationError):
        evidence.store(s, p["park"], firms["A"], 2023, "x.pdf", b"MZ\x90\x00 not a pdf")


def test_declared_awards_join_the_list_on_approval(db: Engine, firms: dict[str, int]) -> None:
    """A 2022 省级 award (first among the winning units) declared for 2023 (window 2021–2023)
    meets 创新型's direct condition "近三年内获得国家级、省级科技奖励" once approved, not before."""
    from gaodi.enterprises.models import TierAward

    p = _people(firms)
    a = firms["A"]
    award = {"year": "2022", "name": "示例省科学技术进步奖", "level": "省级", "grade": "一等奖",
             "unit_rank": "1"}  # fmt: skip
    with session_scope(db) as s:
        did = declarations.create(s, p["firm"], a, 2023).id
        declarations.save_award(s, p["firm"], did, award)
        with pytest.raises(ValidationError):  # the same award twice
            declarations.save_award(s, p["firm"], did, award)
        with pytest.raises(ValidationError):  # a level the rules do not know
            declarations.save_award(s, p["firm"], did, {**award, "level": "区级"})
        declarations.act(s, p["firm"], did, "submit")
    assert _innovative(db, a) == (False, False)  # declared, not approved: not used
    with session_scope(db) as s:
        declarations.act(s, p["park"], did, "approve")
        rows = s.scalars(select(TierAward).where(TierAward.enterprise_id == a)).all()
        assert [(r.year, r.level, r.grade, r.unit_rank, r.source) for r in rows] == [
            (2022, "provincial", "first", 1, "self_declared")
        ]
        events = s.scalars(
            select(TierDeclarationEvent).where(TierDeclarationEvent.declaration_id == did)
        ).all()
        approve = next(e for e in events if e.action == "approve")
        assert approve.changes == {
            "award 1": [None, "2022 年示例省科学技术进步奖一等奖（省级，获奖单位第 1 名）"]
        }
    assert _innovative(db, a) == (True, True)
    with session_scope(db) as s:
        t = {t.level: t for t in service.profile(s, SYSTEM, a).tiers}["innovative_sme"]
        crit = {c.id: c for c in t.criteria}
        assert crit["award"].met is True and crit["award"].data_source == "self_declared"
        assert "2022 年示例省科学技术进步奖一等奖" in crit["award"].basis_zh


def test_the_database_holds_one_open_declaration_per_enterprise_and_year(
    db: Engine, firms: dict[str, int]
) -> None:
    """Two requests opening one at the same moment both pass the service's check; the partial
    unique index refuses the second row (SQLite and PostgreSQL alike), while approved ones of a
    year may be many."""
    a = firms["A"]

    def row(status: str) -> TierDeclaration:
        return TierDeclaration(enterprise_id=a, year=2023, status=status, facts={})

    with session_scope(db) as s:
        s.add_all([row("approved"), row("approved"), row("draft")])
    with pytest.raises(IntegrityError), session_scope(db) as s:
        s.add(row("submitted"))
    with session_scope(db) as s:  # another year is another declaration
        s.add(TierDeclaration(enterprise_id=a, year=2022, status="draft", facts={}))


def test_a_declaration_opened_in_the_race_window_is_refused_in_words(
    db: Engine, firms: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other request's declaration lands after this one's check: the database refuses the
    row and the person is told, naming the first, as the check itself would have."""
    p = _people(firms)
    a = firms["A"]
    with session_scope(db) as s:
        first = declarations.create(s, p["firm"], a, 2023).id
    checks: list[int] = []
    real = declarations._refuse_second

    def late(session: Any, enterprise_id: int, year: int) -> None:
        checks.append(enterprise_id)
        if len(checks) > 1:  # the check after the refused insert is the real one
            real(session, enterprise_id, year)

    monkeypatch.setattr(declarations, "_refuse_second", late)
    with session_scope(db) as s, pytest.raises(ConflictError) as info:
        declarations.create(s, p["firm"], a, 2023)
    assert info.value.context["declaration_id"] == first
    assert f"(#{first})" in str(info.value)
    with session_scope(db) as s:
        assert s.scalar(select(func.count()).select_from(TierDeclaration)) == 1
