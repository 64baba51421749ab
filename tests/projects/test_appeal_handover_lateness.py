"""An appeal handed over (交办) after the hand-over limit stays late in the statistics and on its
page once assigned: assigning starts a fresh limit, which must not make it count as on time."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.models import AuditEvent
from gaodi.projects import appeal_queries as aq
from gaodi.projects import appeals as ap
from gaodi.projects.schemas import AppealIn
from tests.projects.conftest import World

# 2023-06-01 is a Thursday; the hand-over limit (3 working days) ends on Tue 06-06.


def _submit(session: Session, w: World, enterprise: int) -> int:
    a = ap.submit(
        session,
        w.admin,
        AppealIn(enterprise_id=enterprise, category="审批", title="审批慢", text="环评审批超期"),
    )
    session.commit()
    return a.id


def _handle(session: Session, w: World, aid: int) -> None:
    ap.assign(session, w.admin, aid)
    ap.start(session, w.admin, aid)
    ap.resolve(session, w.admin, aid, "已协调办结")
    session.commit()


def test_a_late_hand_over_keeps_the_appeal_late(session: Session, world: World, frozen) -> None:
    on_time = _submit(session, world, world.e1)
    late = _submit(session, world, world.e2)
    _handle(session, world, on_time)
    # Thu 06-15: working days 07, 08, 09, 12, 13, 14, 15 after the hand-over limit (06-06)
    frozen(datetime(2023, 6, 15, 2, 0))
    _handle(session, world, late)

    stats = aq.appeal_stats(session, world.admin)
    overall = stats.overall
    assert (overall.resolved, overall.resolved_late, overall.handover_late) == (2, 1, 1)
    assert overall.overdue_now == 0
    assert overall.overdue_share == 0.5  # one of the two appeals missed a limit

    detail = aq.appeal_detail(session, world.admin, late)
    assert detail.handover_due_on == date(2023, 6, 6)
    assert detail.handover_late_days == 7
    assert aq.appeal_detail(session, world.admin, on_time).handover_late_days == 0

    entries = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "appeal.resolve", AuditEvent.entity_id == str(late)
        )
    ).all()
    assert len(entries) == 1
    assert entries[0].after["late"] is True and entries[0].after["handover_late_days"] == 7

    # as of a day before it was handled the appeal was open and overdue: late either way
    before = aq.appeal_stats(session, world.admin, as_of=date(2023, 6, 12)).overall
    assert (before.overdue_now, before.overdue_share) == (1, 0.5)
