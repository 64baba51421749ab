"""A small hand-made city for the projects, challenges and appeals tests.

Two chains (A: links a1, a2; B: link b1), two parks (P1, P2), four enterprises (E1, E2 in P1,
E3 in P2, E4 in no park); E1 is attached to link a1 (chain A), E3 to b1 (chain B).
Principals: admin, a chain office of A, a park office of P1, the enterprise user of E1, a viewer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from gaodi.accounts.models import User
from gaodi.core import clock
from gaodi.core.codes import make_uscc
from gaodi.core.permissions import Principal
from gaodi.models import Base, Chain, Enterprise, EnterpriseLink, Link, Park
from tests.sessions import acting_session


@dataclass(frozen=True)
class World:
    chain_a: int
    chain_b: int
    link_a1: int
    link_a2: int
    link_b1: int
    park_1: int
    park_2: int
    e1: int
    e2: int
    e3: int
    e4: int
    admin: Principal
    chain_office: Principal  # chain A
    park_office: Principal  # park P1
    enterprise: Principal  # E1
    viewer: Principal
    analyst: Principal


def uscc(n: int) -> str:
    import random

    return make_uscc("430100", random.Random(n))


def build_world(session: Session) -> World:
    ca = Chain(code="A", name="链A")
    cb = Chain(code="B", name="链B")
    p1 = Park(name="园区一", short_name="P1")
    p2 = Park(name="园区二", short_name="P2")
    session.add_all([ca, cb, p1, p2])
    session.flush()
    a1 = Link(chain_id=ca.id, code="a1", name="环节a1", segment="up")
    a2 = Link(chain_id=ca.id, code="a2", name="环节a2", segment="mid")
    b1 = Link(chain_id=cb.id, code="b1", name="环节b1", segment="up")
    session.add_all([a1, a2, b1])
    ents = [
        Enterprise(uscc=uscc(1), name="企业一", park_id=p1.id),
        Enterprise(uscc=uscc(2), name="企业二", park_id=p1.id),
        Enterprise(uscc=uscc(3), name="企业三", park_id=p2.id),
        Enterprise(uscc=uscc(4), name="企业四", park_id=None),
    ]
    session.add_all(ents)
    session.flush()
    session.add_all(
        [
            EnterpriseLink(enterprise_id=ents[0].id, link_id=a1.id, source="manual"),
            EnterpriseLink(enterprise_id=ents[2].id, link_id=b1.id, source="manual"),
        ]
    )
    # the reviewers the tests put on panels act through accounts (a reviewer must have one)
    session.add_all(
        [
            User(username=name, role=role, password_hash="-", is_active=True)
            for name, role in (("expert", "viewer"), ("expert1", "viewer"), ("expert2", "analyst"))
        ]
    )
    session.flush()
    return World(
        chain_a=ca.id, chain_b=cb.id, link_a1=a1.id, link_a2=a2.id, link_b1=b1.id,
        park_1=p1.id, park_2=p2.id, e1=ents[0].id, e2=ents[1].id, e3=ents[2].id, e4=ents[3].id,
        admin=Principal("root", "admin"),
        chain_office=Principal("office_a", "chain_office", chain_ids=frozenset({ca.id})),
        park_office=Principal("park_1", "park_office", park_ids=frozenset({p1.id})),
        enterprise=Principal("ent_1", "enterprise", enterprise_ids=frozenset({ents[0].id})),
        viewer=Principal("viewer", "viewer"),
        analyst=Principal("analyst", "analyst"),
    )  # fmt: skip


@pytest.fixture
def session(db: Engine) -> Iterator[Session]:
    """One session on a migrated database (both backends); what the test leaves uncommitted is
    rolled back."""
    with acting_session(db) as s:
        yield s


@pytest.fixture
def world(session: Session) -> World:
    w = build_world(session)
    session.commit()
    return w


@pytest.fixture
def lite_session(sqlite_db: Engine) -> Iterator[Session]:
    """Like ``session`` on SQLite only (for logic where the backend does not matter)."""
    with acting_session(sqlite_db) as s:
        yield s


@pytest.fixture
def lite_world(lite_session: Session) -> World:
    w = build_world(lite_session)
    lite_session.commit()
    return w


@pytest.fixture
def frozen() -> Iterator[object]:
    """Call ``frozen(datetime)`` to move the frozen clock; starts at 2023-06-01 02:00 UTC."""
    moment = {"at": datetime(2023, 6, 1, 2, 0)}
    clock.set_source(lambda: moment["at"])

    def move(at: datetime) -> None:
        moment["at"] = at

    yield move
    clock.set_source(None)


def snapshot(session: Session) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table (for "nothing changed" checks)."""
    session.flush()
    out = {}
    present = set(inspect(session.connection()).get_table_names())
    for table in Base.metadata.sorted_tables:
        if table.name not in present:  # a model whose migration is not written yet
            continue
        cols = list(table.columns)
        rows = session.execute(select(*cols).order_by(*table.primary_key.columns)).all()
        out[table.name] = [tuple(r) for r in rows]
    return out
