"""Enterprise appeals: every transition, time limits and escalation with a frozen clock
(working days counted by hand on the 2023 calendar), statistics by hand, attachments,
illegal transitions (nothing changed) and permissions."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gaodi.config import get_settings
from gaodi.core.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from gaodi.models import AuditEvent
from gaodi.projects import appeal_queries as aq
from gaodi.projects import appeals as ap
from gaodi.projects.models import Appeal, AppealEvent
from gaodi.projects.schemas import AppealFilter, AppealIn
from tests.projects.conftest import World, snapshot

# 2023-06-01 is a Thursday. Working days after it: Fri 06-02, Mon 05, Tue 06, Wed 07, Thu 08,
# Fri 09, Mon 12, Tue 13, Wed 14, Thu 15, Fri 16, Mon 19, Tue 20, Wed 21, Thu 22 …


def _submit(
    session: Session, w: World, enterprise: int | None = None, category: str = "审批", who=None
) -> int:
    # each its own problem: the same appeal while the first is open is refused as a repeat
    n = session.scalar(select(func.count()).select_from(Appeal)) or 0
    a = ap.submit(
        session,
        who or w.admin,
        AppealIn(
            enterprise_id=enterprise or w.e1,
            category=category,
            title="审批慢",
            text=f"环评审批超期（第 {n + 1} 件）",
        ),
    )
    session.commit()
    return a.id


def _get(session: Session, aid: int) -> Appeal:
    session.expire_all()
    return session.get(Appeal, aid)  # type: ignore[return-value]


def _level(session: Session, w: World, aid: int) -> tuple[int, int]:
    (row,) = [r for r in aq.list_appeals(session, w.admin) if r.id == aid]
    return row.level, row.overdue_days


def test_handover_limit_and_escalation(session: Session, world: World, frozen) -> None:
    aid = _submit(session, world)
    a = _get(session, aid)
    # Hand-over limit 3 working days from Thu 06-01: 02, 05, 06 -> due 06-06; twice: -> 06-09.
    assert (a.due_on, a.escalate_on, a.time_limit, a.limit_unit) == (
        date(2023, 6, 6),
        date(2023, 6, 9),
        3,
        "working_days",
    )
    assert _level(session, world, aid) == (0, 0)
    frozen(datetime(2023, 6, 6, 9, 0))  # the due day itself (17:00 in Changsha)
    assert _level(session, world, aid) == (0, 0)
    frozen(datetime(2023, 6, 7, 2, 0))
    assert _level(session, world, aid) == (1, 1)
    frozen(datetime(2023, 6, 9, 2, 0))
    assert _level(session, world, aid) == (1, 3)
    frozen(datetime(2023, 6, 12, 2, 0))  # working days 07, 08, 09, 12 past the due day
    assert _level(session, world, aid) == (2, 4)


def test_category_limit_after_assignment(session: Session, world: World, frozen) -> None:
    aid = _submit(session, world)
    ap.assign(session, world.park_office, aid)
    session.commit()
    a = _get(session, aid)
    # 审批: 5 working days from 06-01 -> 06-08; ten -> 06-15. Default department from the rules.
    assert (a.department, a.time_limit, a.due_on, a.escalate_on) == (
        "市行政审批服务局",
        5,
        date(2023, 6, 8),
        date(2023, 6, 15),
    )
    for day, expected in ((8, 0), (9, 1), (15, 1), (16, 2)):
        frozen(datetime(2023, 6, day, 2, 0))
        assert _level(session, world, aid)[0] == expected, day
    flt = AppealFilter(level=2)
    assert [r.id for r in aq.list_appeals(session, world.admin, flt)] == [aid]
    assert [r.id for r in aq.list_appeals(session, world.admin, AppealFilter(overdue=True))] == [
        aid
    ]
    frozen(datetime(2023, 6, 8, 2, 0))
    assert aq.list_appeals(session, world.admin, AppealFilter(overdue=True)) == []


def test_full_walk_with_reopen(session: Session, world: World, frozen) -> None:
    aid = _submit(session, world, who=world.enterprise)
    ap.assign(session, world.park_office, aid, "市生态环境局", "涉及环评")
    ap.start(session, world.park_office, aid)
    frozen(datetime(2023, 6, 5, 2, 0))
    ap.resolve(session, world.park_office, aid, "已协调加快审批")
    ap.reopen(session, world.enterprise, aid, "问题未解决")
    session.commit()
    a = _get(session, aid)
    # Reopened on Mon 06-05: a fresh 5-working-day limit 06, 07, 08, 09, 12 -> 06-12.
    assert (a.status, a.reopen_count, a.limit_start_on, a.due_on, a.resolved_at) == (
        "reopened",
        1,
        date(2023, 6, 5),
        date(2023, 6, 12),
        None,
    )
    ap.start(session, world.park_office, aid)
    ap.resolve(session, world.park_office, aid, "审批已完成")
    ap.confirm(session, world.enterprise, aid, 4, "满意")
    session.commit()
    a = _get(session, aid)
    assert (a.status, a.satisfaction, a.resolution) == ("confirmed", 4, "审批已完成")
    events = session.scalars(
        select(AppealEvent).where(AppealEvent.appeal_id == aid).order_by(AppealEvent.id)
    ).all()
    assert [(e.action, e.from_status, e.to_status, e.actor) for e in events] == [
        ("submit", None, "received", "ent_1"),
        ("assign", "received", "assigned", "park_1"),
        ("start", "assigned", "in_progress", "park_1"),
        ("resolve", "in_progress", "resolved", "park_1"),
        ("reopen", "resolved", "reopened", "ent_1"),
        ("start", "reopened", "in_progress", "park_1"),
        ("resolve", "in_progress", "resolved", "park_1"),
        ("confirm", "resolved", "confirmed", "ent_1"),
    ]
    audits = session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("appeal.%")).order_by(AuditEvent.id)
    ).all()
    assert [x.action for x in audits] == [f"appeal.{e.action}" for e in events]
    assert audits[1].after["department"] == "市生态环境局" and audits[1].note == "涉及环评"
    assert audits[-1].after == {"status": "confirmed", "satisfaction": 4}
    assert _level(session, world, aid) == (0, 0)  # closed appeals never escalate


def test_reassign_keeps_the_clock(session: Session, world: World, frozen) -> None:
    aid = _submit(session, world)
    ap.assign(session, world.admin, aid)
    frozen(datetime(2023, 6, 5, 2, 0))
    ap.reassign(session, world.admin, aid, "市财政局", "涉及资金")
    session.commit()
    a = _get(session, aid)
    assert (a.department, a.due_on) == ("市财政局", date(2023, 6, 8))
    with pytest.raises(ValidationError, match="comment"):
        ap.reassign(session, world.admin, aid, "市商务局", "")
    with pytest.raises(ConflictError, match="already assigned"):
        ap.reassign(session, world.admin, aid, "市财政局", "重复")


def test_illegal_transitions_change_nothing(session: Session, world: World, frozen) -> None:
    aid = _submit(session, world)
    before = snapshot(session)
    for call in (
        lambda: ap.start(session, world.admin, aid),
        lambda: ap.resolve(session, world.admin, aid, "x"),
        lambda: ap.confirm(session, world.admin, aid, 5),
        lambda: ap.reopen(session, world.admin, aid, "x"),
    ):
        with pytest.raises(ConflictError) as err:
            call()
        assert "已受理" in err.value.zh and "received" in err.value.en
        assert err.value.context["allowed"] == ["assign", "attach"]
    with pytest.raises(ValidationError, match="not in the list"):
        ap.assign(session, world.admin, aid, "不存在的局")
    assert snapshot(session) == before
    ap.assign(session, world.admin, aid)
    ap.start(session, world.admin, aid)
    ap.resolve(session, world.admin, aid, "done")
    ap.confirm(session, world.admin, aid, 5)
    session.commit()
    before = snapshot(session)
    for name in ("assign", "start", "reopen", "attach"):
        with pytest.raises(ConflictError, match="final state"):
            if name == "attach":
                ap.attach(session, world.admin, aid, "a.txt", b"hello")
            elif name == "reopen":
                ap.reopen(session, world.admin, aid, "again")
            else:
                getattr(ap, name)(session, world.admin, aid)
    assert snapshot(session) == before


def test_roles_own_their_steps(session: Session, world: World, frozen) -> None:
    aid = _submit(session, world, who=world.enterprise)
    before = snapshot(session)
    with pytest.raises(PermissionDenied):  # the enterprise does not assign
        ap.assign(session, world.enterprise, aid)
    with pytest.raises(PermissionDenied):  # a viewer reads only
        ap.assign(session, world.viewer, aid)
    assert snapshot(session) == before
    ap.assign(session, world.chain_office, aid)
    ap.start(session, world.chain_office, aid)
    ap.resolve(session, world.chain_office, aid, "ok")
    session.commit()
    before = snapshot(session)
    with pytest.raises(PermissionDenied):  # only the enterprise (or an admin) confirms
        ap.confirm(session, world.park_office, aid, 5)
    with pytest.raises(ValidationError, match="from 1 to 5"):
        ap.confirm(session, world.enterprise, aid, 6)
    with pytest.raises(ValidationError, match="comment"):
        ap.reopen(session, world.enterprise, aid, " ")
    assert snapshot(session) == before


def test_submission_scope_and_default_chain(session: Session, world: World, frozen) -> None:
    # another enterprise answers exactly as a missing one: nothing says it exists
    with pytest.raises(NotFoundError) as missing:
        _submit(session, world, enterprise=987654, who=world.enterprise)
    with pytest.raises(NotFoundError) as other:
        _submit(session, world, enterprise=world.e2, who=world.enterprise)
    assert (other.value.zh, other.value.en) == (missing.value.zh, missing.value.en)
    with pytest.raises(NotFoundError):  # E3 is in park P2
        _submit(session, world, enterprise=world.e3, who=world.park_office)
    with pytest.raises(ValidationError, match="category"):
        _submit(session, world, category="天气")
    session.rollback()
    chains = {
        e: _get(session, _submit(session, world, enterprise=e)).chain_id
        for e in (world.e1, world.e2, world.e3)
    }
    assert chains == {world.e1: world.chain_a, world.e2: None, world.e3: world.chain_b}


def test_visibility_by_role(session: Session, world: World, frozen) -> None:
    a1 = _submit(session, world, enterprise=world.e1)  # park P1, chain A
    a2 = _submit(session, world, enterprise=world.e2)  # park P1, no chain
    a3 = _submit(session, world, enterprise=world.e3)  # park P2, chain B
    a4 = _submit(session, world, enterprise=world.e4)  # no park, no chain
    ids = lambda who: sorted(r.id for r in aq.list_appeals(session, who))  # noqa: E731
    assert ids(world.park_office) == [a1, a2]
    assert ids(world.chain_office) == [a1]
    assert ids(world.enterprise) == [a1]
    assert ids(world.viewer) == ids(world.admin) == [a1, a2, a3, a4]
    with pytest.raises(NotFoundError):
        aq.appeal_detail(session, world.park_office, a3)
    with pytest.raises(NotFoundError):
        ap.assign(session, world.park_office, a3)
    assert aq.appeal_stats(session, world.park_office).total == 2


def _resolve_at(session: Session, w: World, frozen, aid: int, when: datetime, sat: int) -> None:
    frozen(when)
    ap.start(session, w.admin, aid)
    ap.resolve(session, w.admin, aid, "ok")
    ap.confirm(session, w.admin, aid, sat)
    session.commit()


def test_statistics_by_hand(session: Session, world: World, frozen) -> None:
    a = _submit(session, world, category="审批")
    b = _submit(session, world, category="审批")
    c = _submit(session, world, category="用地")
    _submit(session, world, category="用地")  # d
    for x in (a, b, c):
        ap.assign(session, world.admin, x)
    session.commit()
    _resolve_at(session, world, frozen, a, datetime(2023, 6, 3, 2, 0), 5)  # 2.0 days
    _resolve_at(session, world, frozen, b, datetime(2023, 6, 12, 2, 0), 3)  # 11.0 days, late
    frozen(datetime(2023, 6, 26, 2, 0))
    # c: 用地 15 working days from 06-01 -> due 06-22, open on 06-26: overdue (level 1).
    # d: never assigned, hand-over due 06-06, twice 06-09: level 2.
    s = aq.appeal_stats(session, world.admin)
    cat = {r.key: r for r in s.by_category}
    sp = cat["审批"]
    assert (sp.count, sp.open, sp.overdue_now, sp.resolved, sp.resolved_late) == (2, 0, 0, 2, 1)
    # median of [2, 11] = 6.5; p90 by linear interpolation = 2 + 0.9 × (11 - 2) = 10.1
    assert (sp.overdue_share, sp.median_days, sp.p90_days, sp.mean_satisfaction) == (
        0.5,
        6.5,
        10.1,
        4.0,
    )
    land = cat["用地"]
    assert (land.count, land.open, land.overdue_now, land.overdue_share, land.median_days) == (
        2,
        2,
        2,
        1.0,
        None,
    )
    assert s.overall.overdue_share == 0.75  # (2 overdue now + 1 resolved late) / 4
    assert {r.key: r.count for r in s.by_department} == {
        "市行政审批服务局": 2,
        "市自然资源和规划局": 1,
        "（未交办）": 1,
    }
    assert s.by_level == {0: 2, 1: 1, 2: 1}
    assert s.satisfaction == {1: 0, 2: 0, 3: 1, 4: 0, 5: 1}
    assert s.by_status["confirmed"] == 2 and s.by_status["assigned"] == 1


# ---------------------------------------------------------------------------- attachments

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def test_attachment_is_stored_with_its_hash(
    lite_session: Session, lite_world: World, frozen
) -> None:
    aid = _submit(lite_session, lite_world, who=lite_world.enterprise)
    row = ap.attach(lite_session, lite_world.enterprise, aid, "../../证明材料.pdf", PDF)
    lite_session.commit()
    assert row.filename == "证明材料.pdf" and row.content_type == "application/pdf"
    assert row.sha256 == hashlib.sha256(PDF).hexdigest() and row.size == len(PDF)
    got, path = ap.attachment_file(lite_session, lite_world.park_office, row.id)
    assert got.id == row.id
    assert path.read_bytes() == PDF
    assert path.is_relative_to(get_settings().data_dir / "attachments")
    with pytest.raises(NotFoundError):  # chain B's office cannot fetch it
        ap.attachment_file(
            lite_session,
            lite_world.chain_office.__class__(
                "office_b", "chain_office", chain_ids=frozenset({lite_world.chain_b})
            ),
            row.id,
        )
    assert len(aq.appeal_detail(lite_session, lite_world.enterprise, aid).attachments) == 1


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("tool.exe", b"MZ\x90\x00rest", "Executable"),
        ("report.pdf", b"MZ\x90\x00disguised", "Executable"),
        ("run.txt", b"#!/bin/sh\nrm -rf /\n", "Executable"),
        ("lib.so", b"\x7fELF\x02\x01", "Executable"),
        ("photo.png", PDF, "does not match"),
        ("macro.docm", b"PK\x03\x04", "not allowed"),
        ("notes.txt", b"\xff\xfe\x00a", "UTF-8"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_refused_files_change_nothing(
    lite_session: Session, lite_world: World, frozen, name: str, content: bytes, reason: str
) -> None:
    aid = _submit(lite_session, lite_world)
    before = snapshot(lite_session)
    with pytest.raises(ValidationError, match=reason):
        ap.attach(lite_session, lite_world.admin, aid, name, content)
    assert snapshot(lite_session) == before
    folder = get_settings().data_dir / "attachments"
    assert not folder.exists() or not any(folder.rglob("*"))


def test_size_and_count_limits(lite_session: Session, lite_world: World, frozen) -> None:
    rules = ap.appeal_rules()
    aid = _submit(lite_session, lite_world)
    with pytest.raises(ValidationError, match="too large"):
        ap.attach(lite_session, lite_world.admin, aid, "big.pdf", b"%PDF" + b"0" * rules.max_bytes)
    for i in range(rules.max_files):
        ap.attach(lite_session, lite_world.admin, aid, f"f{i}.txt", b"text")
    with pytest.raises(ConflictError, match="at most"):
        ap.attach(lite_session, lite_world.admin, aid, "one-more.txt", b"text")


def test_a_reassigned_appeal_counts_for_the_department_that_held_it(
    session: Session, world: World, frozen
) -> None:
    aid = _submit(session, world)  # Thu 2023-06-01 10:00 in the city
    first = ap.assign(session, world.admin, aid, "市生态环境局", "涉及环评").department
    session.commit()
    frozen(datetime(2023, 6, 5, 2, 0))  # Mon 06-05: 市财政局 takes it over
    ap.reassign(session, world.admin, aid, "市财政局", "涉及资金")
    frozen(datetime(2023, 6, 7, 2, 0))  # Wed 06-07: 财政局 settles it; the firm gives 2 of 5
    ap.start(session, world.admin, aid)
    ap.resolve(session, world.admin, aid, "已拨付")
    ap.confirm(session, world.admin, aid, 2)
    session.commit()
    assert first == "市生态环境局"

    def departments(day: date) -> dict[str, tuple[int, int, float | None]]:
        stats = aq.appeal_stats(session, world.admin, as_of=day)
        return {
            d.key: (d.count, d.resolved, d.mean_satisfaction)
            for d in stats.by_department
            if d.count
        }

    # on 06-02 the appeal was with 市生态环境局 (open, no score yet)
    assert departments(date(2023, 6, 2)) == {"市生态环境局": (1, 0, None)}
    # on 06-06 with 市财政局, still open; on 06-07 resolved there with a score of 2
    assert departments(date(2023, 6, 6)) == {"市财政局": (1, 0, None)}
    assert departments(date(2023, 6, 7)) == {"市财政局": (1, 1, 2.0)}
    # the list and its department filter as of a day say the same
    (row,) = aq.list_appeals(session, world.admin, as_of=date(2023, 6, 2))
    assert row.department == "市生态环境局"
    then = AppealFilter(department="市生态环境局")
    assert [r.id for r in aq.list_appeals(session, world.admin, then, as_of=date(2023, 6, 2))] == [
        aid
    ]
    assert aq.list_appeals(session, world.admin, then, as_of=date(2023, 6, 7)) == []
    detail = aq.appeal_detail(session, world.admin, aid, as_of=date(2023, 6, 2))
    assert detail.appeal.department == "市生态环境局"
