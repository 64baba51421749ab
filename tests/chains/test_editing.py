"""Editing links and manual assignments (SQLite; the ORM path is backend-neutral)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.audit.models import AuditEvent
from gaodi.chains import editing
from gaodi.chains.editing import LinkInput, split_words
from gaodi.core.errors import ConflictError, NotFoundError, ValidationError
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.models import EnterpriseLink, Link
from tests.chains.conftest import World


def test_split_words() -> None:
    assert split_words("液压泵、液压阀，油缸; 液压泵") == ["液压泵", "液压阀", "油缸"]
    assert split_words(["3444, 3412", "3444"]) == ["3444", "3412"]
    assert split_words(None) == []


def test_create_move_rename_and_validate(sqlite_db: Engine, sqlite_world: World) -> None:
    ids = sqlite_world.ids
    with session_scope(sqlite_db, actor="editor") as s:
        sub = editing.create_link(
            s, SYSTEM, "HM", LinkInput(name="挖掘机", segment="up", parent_id=ids["L3"],
                                       industry_codes=["35"], keywords="挖掘机、挖机")
        )  # fmt: skip
        assert sub.segment == "mid"  # a sub-link lies in its parent's segment
        assert sub.code == "HM-05" and sub.keywords == ["挖掘机", "挖机"]
        sub_id = sub.id
    with session_scope(sqlite_db) as s:
        with pytest.raises(ValidationError) as bad:
            editing.create_link(s, SYSTEM, "HM", LinkInput(name="x", industry_codes=["9999"]))
        assert bad.value.context["field"] == "industry_codes"
        with pytest.raises(ValidationError):
            editing.create_link(s, SYSTEM, "HM", LinkInput(name="x", industry_codes=["C"]))
        with pytest.raises(ConflictError):
            editing.create_link(s, SYSTEM, "HM", LinkInput(name="x", code="L1"))
        with pytest.raises(ValidationError):  # under its own sub-link: a cycle
            editing.update_link(
                s, SYSTEM, "HM", ids["L3"], LinkInput(name="整机", parent_id=sub_id)
            )
        with pytest.raises(ValidationError):  # a parent from another chain
            editing.update_link(
                s, SYSTEM, "HM", ids["L2"], LinkInput(name="发动机", parent_id=ids["O1"])
            )
    with session_scope(sqlite_db, actor="editor") as s:
        moved = editing.update_link(
            s, SYSTEM, "HM", ids["L3"],
            LinkInput(name="整机制造", segment="down", key_link=True, industry_codes=["3511"]),
        )  # fmt: skip
        assert (moved.name, moved.segment) == ("整机制造", "down")
    with session_scope(sqlite_db) as s:
        assert s.get(Link, sub_id).segment == "down"  # type: ignore[union-attr]
        events = s.scalars(
            select(AuditEvent).where(AuditEvent.entity == "link", AuditEvent.action == "update")
        ).all()
        assert any(e.after and e.after.get("name") == "整机制造" for e in events)
        assert all(e.actor == "editor" for e in events)


def test_delete(sqlite_db: Engine, sqlite_world: World) -> None:
    ids = sqlite_world.ids
    with session_scope(sqlite_db) as s:
        editing.create_link(s, SYSTEM, "HM", LinkInput(name="子环节", parent_id=ids["L1"]))
    with session_scope(sqlite_db) as s, pytest.raises(ConflictError):
        editing.delete_link(s, SYSTEM, "HM", ids["L1"])
    with session_scope(sqlite_db) as s:
        assert editing.delete_link(s, SYSTEM, "HM", ids["L2"]) == 1  # E4's row goes with it
    with session_scope(sqlite_db) as s:
        assert s.get(Link, ids["L2"]) is None
        with pytest.raises(NotFoundError):
            editing.delete_link(s, SYSTEM, "HM", ids["O1"])  # not a link of HM


def test_manual_assignment_history(sqlite_db: Engine, sqlite_world: World) -> None:
    ids, uscc = sqlite_world.ids, sqlite_world.uscc
    with session_scope(sqlite_db, actor="office") as s:
        row = editing.assign(s, SYSTEM, "HM", ids["L4"], uscc["E5"], "维修业务")
        assert (row.source, row.confidence, row.excluded) == ("manual", 1.0, False)
        editing.unassign(s, SYSTEM, "HM", ids["L3"], uscc["E1"])
        with pytest.raises(ConflictError):  # E1 is not on L4
            editing.unassign(s, SYSTEM, "HM", ids["L4"], uscc["E1"])
        with pytest.raises(NotFoundError):
            editing.assign(s, SYSTEM, "HM", ids["L4"], "91430100MA00000000")
    with session_scope(sqlite_db) as s:
        rows = s.scalars(
            select(EnterpriseLink)
            .where(EnterpriseLink.enterprise_id == ids["E1"], EnterpriseLink.link_id == ids["L3"])
            .order_by(EnterpriseLink.id)
        ).all()
        # the rule row is closed, the manual exclusion is current
        assert [(r.source, r.excluded, r.valid_to is None) for r in rows] == [
            ("rule", False, False),
            ("manual", True, True),
        ]
    with session_scope(sqlite_db) as s:
        assert editing.release(s, SYSTEM, "HM", ids["L3"], uscc["E1"]) == 1
    with session_scope(sqlite_db) as s:
        current = s.scalars(
            select(EnterpriseLink).where(
                EnterpriseLink.enterprise_id == ids["E1"],
                EnterpriseLink.link_id == ids["L3"],
                EnterpriseLink.valid_to.is_(None),
            )
        ).all()
        assert current == []  # the rule decides again at the next map


def test_chain_office_edits_only_its_chain(sqlite_db: Engine, sqlite_world: World) -> None:
    ids = sqlite_world.ids
    office = Principal("t-office", "chain_office", chain_ids=frozenset({ids["OT"]}))
    with session_scope(sqlite_db) as s:
        with pytest.raises(NotFoundError):
            editing.create_link(s, office, "HM", LinkInput(name="x"))
        with pytest.raises(NotFoundError):
            editing.assign(s, office, "HM", ids["L4"], sqlite_world.uscc["E1"])
        link = editing.create_link(s, office, "OT", LinkInput(name="新环节", segment="up"))
        assert link.chain_id == ids["OT"]
