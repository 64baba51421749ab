"""Every change through the ORM lands in the audit log with who, what, before and after."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.audit import service as audit
from gaodi.db import session_scope
from gaodi.models import AuditEvent, Park, User


def _events(engine: Engine) -> list[AuditEvent]:
    with session_scope(engine) as s:
        return list(s.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_create_update_delete_are_recorded(db: Engine) -> None:
    with session_scope(db, actor="alice") as s:
        s.add(Park(name="示例园区", level="national"))
    with session_scope(db, actor="bob") as s:
        park = s.scalars(select(Park)).one()
        park.area_mu = 1500.0
    with session_scope(db, actor="carol") as s:
        s.delete(s.scalars(select(Park)).one())
    events = _events(db)
    assert [(e.actor, e.action, e.entity) for e in events] == [
        ("alice", "create", "park"),
        ("bob", "update", "park"),
        ("carol", "delete", "park"),
    ]
    assert events[0].after["name"] == "示例园区"
    assert events[1].before == {"area_mu": None} and events[1].after == {"area_mu": 1500.0}
    assert events[2].before["area_mu"] == 1500.0 and events[2].after is None
    assert events[0].entity_id == events[1].entity_id == events[2].entity_id != ""


def test_rolled_back_change_leaves_no_audit(db: Engine) -> None:
    with pytest.raises(RuntimeError), session_scope(db, actor="alice") as s:
        s.add(Park(name="P"))
        s.flush()
        raise RuntimeError("boom")
    assert _events(db) == []


def test_secrets_never_reach_the_log(db: Engine) -> None:
    with session_scope(db, actor="admin") as s:
        s.add(User(username="u1", role="viewer", password_hash="$argon2id$secret"))
    (event,) = _events(db)
    assert "password_hash" not in event.after
    assert "secret" not in str(event.after)


def test_orm_refuses_to_edit_audit(db: Engine) -> None:
    with session_scope(db) as s:
        audit.record(s, "park", "import", note="10 rows", actor="alice")
    with pytest.raises(RuntimeError, match="append-only"), session_scope(db) as s:
        event = s.scalars(select(AuditEvent)).one()
        event.note = "changed"


def test_filters(db: Engine) -> None:
    with session_scope(db) as s:
        audit.record(s, "park", "import", actor="alice")
        audit.record(s, "enterprise", "import", actor="bob")
    with session_scope(db) as s:
        assert [e.actor for e in audit.events(s, entity="enterprise")] == ["bob"]
        assert [e.entity for e in audit.events(s, actor="alice")] == ["park"]
        assert len(audit.events(s)) == 2
