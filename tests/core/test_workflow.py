"""The core workflow: a machine's rules, its history rows, and an object's state on a past day.

The history below is written by hand in UTC; the city is UTC+8 (the default zone), so a
transition at 15:30 UTC happened at 23:30 that day in the city and one at 16:30 UTC happened
at 00:30 the next day.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from gaodi.core.errors import ConflictError, PermissionDenied, ValidationError
from gaodi.core.permissions import Principal
from gaodi.core.workflow import History, Machine, State, Transition


class Base(DeclarativeBase):
    pass


class Thing(Base):
    __tablename__ = "thing"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16))


class ThingEvent(Base):
    __tablename__ = "thing_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    thing_id: Mapped[int] = mapped_column(ForeignKey("thing.id"))
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)


MACHINE = Machine(
    kind="thing",
    kind_zh="事项",
    states=(
        State("signed", "签约", "signed"),
        State("started", "开工", "started"),
        State("producing", "投产", "producing", terminal=True),
    ),
    transitions=(
        Transition("start", ("signed",), "started", ("office", "admin"), "开工", "start"),
        Transition("produce", ("started",), "producing", ("office",), "投产", "produce"),
        Transition("note", ("signed", "started"), None, ("office",), "备注", "note", True),
    ),
)

AUDITED: list[tuple[Any, ...]] = []


def _audit(session: Session, table: str, action: str, **kw: Any) -> None:
    AUDITED.append((table, action, kw["before"], kw["after"], kw["actor"]))


HISTORY = History(MACHINE, ThingEvent, "thing_id", _audit)
OFFICER = Principal(username="office1", role="chain_office")


@pytest.fixture
def session() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        yield s
    AUDITED.clear()


def _event(s: Session, thing: Thing, at: datetime, action: str, frm: str | None, to: str | None):
    s.add(
        ThingEvent(
            thing_id=thing.id, at=at, actor="x", action=action, from_status=frm, to_status=to
        )
    )


def test_state_as_of_rebuilt_from_a_hand_made_history(session: Session) -> None:
    thing = Thing(status="producing")
    session.add(thing)
    session.flush()
    _event(session, thing, datetime(2024, 3, 1, 2, 0), "create", None, "signed")
    _event(session, thing, datetime(2024, 5, 10, 15, 30), "start", "signed", "started")
    _event(session, thing, datetime(2024, 5, 20, 3, 0), "note", "started", None)
    _event(session, thing, datetime(2024, 6, 1, 16, 30), "produce", "started", "producing")
    session.flush()
    asked = {
        date(2024, 2, 29): None,  # not created yet
        date(2024, 3, 1): "signed",
        date(2024, 5, 9): "signed",
        date(2024, 5, 10): "started",  # 23:30 on 10 May in the city: on the day, counts
        date(2024, 5, 25): "started",  # a note keeps the state
        date(2024, 6, 1): "started",  # produce was 00:30 on 2 June in the city: later
        date(2024, 6, 2): "producing",
    }
    for day, expected in asked.items():
        assert HISTORY.state_as_of(session, thing, day) == expected, day


def test_fire_writes_history_and_audit_through_the_handed_writer(session: Session) -> None:
    thing = Thing(status="signed")
    session.add(thing)
    session.flush()
    t = MACHINE.authorize("start", thing.status, OFFICER, {"office"})
    HISTORY.fire(session, OFFICER, thing, t)
    assert thing.status == "started"
    rows = HISTORY.events(session, thing.id)
    assert [(r.action, r.from_status, r.to_status, r.actor) for r in rows] == [
        ("start", "signed", "started", "office1")
    ]
    assert AUDITED == [
        ("thing", "thing.start", {"status": "signed"}, {"status": "started"}, "office1")
    ]


def test_authorize_refuses_before_anything_changes() -> None:
    with pytest.raises(ConflictError) as illegal:
        MACHINE.authorize("produce", "signed", OFFICER, {"office"})
    assert "当前状态为“签约”" in illegal.value.zh
    assert illegal.value.context["allowed"] == ["start", "note"]
    with pytest.raises(ConflictError, match="final state"):
        MACHINE.check("start", "producing")
    with pytest.raises(PermissionDenied):
        MACHINE.authorize("produce", "started", OFFICER, {"enterprise"})
    with pytest.raises(ValidationError):
        MACHINE.authorize("note", "started", OFFICER, {"office"}, comment="  ")
    assert [t.name for t in MACHINE.available("signed", {"admin"})] == ["start"]
