"""Major projects: stage transitions, delay flags (hand-computed), roll-ups, permissions."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.core.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from gaodi.models import AuditEvent
from gaodi.projects import hooks, projects
from gaodi.projects.models import ProjectEvent, ProjectProgress, ProjectStage
from gaodi.projects.schemas import ProjectFilter, ProjectIn
from tests.projects.conftest import World, snapshot, uscc


def _new(session: Session, w: World, **kw: object) -> int:
    data = {
        "name": "项目",
        "chain_id": w.chain_a,
        "link_id": w.link_a1,
        "park_id": w.park_1,
        "investor_name": "投资方",
        "total_investment": 10000.0,
        "signed_on": date(2023, 1, 10),
        "planned_start_on": date(2023, 3, 31),
        "planned_producing_on": date(2023, 12, 31),
        "planned_full_output_on": date(2024, 12, 31),
        "year_plans": {2023: 1200.0},
    }
    data.update(kw)
    p = projects.create_project(session, w.admin, ProjectIn(**data))  # type: ignore[arg-type]
    session.commit()
    return p.id


def _progress(session: Session, w: World, pid: int, amounts: dict[str, float]) -> None:
    for period, amount in amounts.items():
        projects.report_progress(session, w.admin, pid, period, amount)
    session.commit()


FIVE_MONTHS_400 = {"2023-01": 100, "2023-02": 100, "2023-03": 100, "2023-04": 50, "2023-05": 50}


def test_stage_and_investment_delays_by_hand(session: Session, world: World, frozen) -> None:
    pid = _new(session, world)
    _progress(session, world, pid, FIVE_MONTHS_400)
    # the running month, stored before a month had to end to be reported (the service now
    # refuses it): a row as an older database may hold
    session.add(ProjectProgress(project_id=pid, period="2023-06", amount=500))
    session.commit()
    (row,) = projects.list_projects(session, world.admin)
    assert row.delayed
    kinds = {d.kind: d for d in row.delays}
    # Planned start 2023-03-31, today 2023-06-01 (frozen): 30 (Apr) + 31 (May) + 1 = 62 days.
    assert kinds["stage"].stage == "started" and kinds["stage"].days_late == 62
    assert "2023-03-31" in kinds["stage"].reason_zh and "62" in kinds["stage"].reason_en
    # Jan..May complete: expected 1200 × 5/12 = 500; done 100+100+100+50+50 = 400 < 0.9 × 500.
    # June (the running month) does not count toward the check.
    assert kinds["investment"].expected == 500.0
    assert kinds["investment"].completed == 400.0
    assert "80%" in kinds["investment"].reason_zh
    # completed_year counts every month up to the as-of month: 400 + 500.
    assert row.completed_year == 900.0


def test_investment_within_tolerance_is_not_flagged(session: Session, world: World, frozen) -> None:
    # 460 >= 0.9 × 500 = 450: on schedule; planned start in the future: no stage delay.
    pid = _new(session, world, planned_start_on=date(2023, 7, 1))
    _progress(session, world, pid, {**FIVE_MONTHS_400, "2023-05": 110})
    (row,) = projects.list_projects(session, world.admin)
    assert not row.delayed and row.delays == []


def test_stage_due_today_is_not_late_yet(session: Session, world: World, frozen) -> None:
    _new(session, world, planned_start_on=date(2023, 6, 1), year_plans={})
    assert not projects.list_projects(session, world.admin)[0].delayed
    frozen(datetime(2023, 6, 2, 2, 0))
    row = projects.list_projects(session, world.admin)[0]
    assert row.delayed and row.delays[0].days_late == 1


def test_january_has_no_investment_check(session: Session, world: World, frozen) -> None:
    frozen(datetime(2023, 1, 20, 2, 0))
    _new(session, world, signed_on=date(2023, 1, 10), planned_start_on=date(2023, 5, 1))
    assert not projects.list_projects(session, world.admin)[0].delayed


def test_every_stage_transition_and_its_record(session: Session, world: World, frozen) -> None:
    pid = _new(session, world)
    frozen(datetime(2024, 6, 1, 2, 0))
    projects.advance(session, world.admin, pid, "started", date(2023, 4, 10), "开工仪式")
    projects.advance(session, world.admin, pid, "producing", date(2024, 1, 5))
    projects.advance(session, world.admin, pid, "full_output", date(2024, 5, 30))
    session.commit()
    stages = {
        s.stage: s.actual_on
        for s in session.scalars(select(ProjectStage).where(ProjectStage.project_id == pid))
    }
    assert stages == {
        "signed": date(2023, 1, 10),
        "started": date(2023, 4, 10),
        "producing": date(2024, 1, 5),
        "full_output": date(2024, 5, 30),
    }
    events = session.scalars(
        select(ProjectEvent).where(ProjectEvent.project_id == pid).order_by(ProjectEvent.id)
    ).all()
    assert [(e.action, e.from_status, e.to_status) for e in events] == [
        ("create", None, "signed"),
        ("start", "signed", "started"),
        ("produce", "started", "producing"),
        ("reach_full_output", "producing", "full_output"),
    ]
    assert events[1].comment == "开工仪式" and events[1].actor == "root"
    audits = session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("project.%")).order_by(AuditEvent.id)
    ).all()
    assert [(a.action, a.before, a.after["status"]) for a in audits][1:] == [
        ("project.start", {"status": "signed"}, "started"),
        ("project.produce", {"status": "started"}, "producing"),
        ("project.reach_full_output", {"status": "producing"}, "full_output"),
    ]
    assert audits[1].after["date"] == "2023-04-10"
    # Late stages: started 10 days after plan (03-31 -> 04-10), producing 5 days (12-31 -> 01-05)
    detail = projects.project_detail(session, world.admin, pid)
    late = {s.stage: s.late_days for s in detail.stages}
    assert late == {"signed": None, "started": 10, "producing": 5, "full_output": None}


def test_illegal_transitions_change_nothing(session: Session, world: World, frozen) -> None:
    pid = _new(session, world)
    before = snapshot(session)
    with pytest.raises(ConflictError) as err:
        projects.advance(session, world.admin, pid, "producing", date(2023, 5, 1))
    assert "签约" in err.value.zh and "开工" in err.value.zh
    assert "signed" in err.value.en and "start" in err.value.en
    assert snapshot(session) == before
    projects.advance(session, world.admin, pid, "started", date(2023, 5, 1))
    projects.advance(session, world.admin, pid, "producing", date(2023, 5, 2))
    projects.advance(session, world.admin, pid, "full_output", date(2023, 5, 3))
    session.commit()
    before = snapshot(session)
    with pytest.raises(ConflictError) as err:
        projects.advance(session, world.admin, pid, "full_output", date(2023, 5, 4))
    assert "终态" in err.value.zh and "final" in err.value.en
    with pytest.raises(ValidationError):
        projects.advance(session, world.admin, pid, "signed", date(2023, 5, 4))
    assert snapshot(session) == before


def test_bad_dates_are_refused_and_change_nothing(session: Session, world: World, frozen) -> None:
    pid = _new(session, world)
    before = snapshot(session)
    with pytest.raises(ValidationError, match="before"):
        projects.advance(session, world.admin, pid, "started", date(2023, 1, 9))
    with pytest.raises(ValidationError, match="later than today"):
        projects.advance(session, world.admin, pid, "started", date(2023, 6, 2))
    with pytest.raises(ValidationError, match="future month"):
        projects.report_progress(session, world.admin, pid, "2023-07", 10)
    with pytest.raises(ValidationError, match="negative"):
        projects.report_progress(session, world.admin, pid, "2023-05", -1)
    with pytest.raises(ValidationError, match="month"):
        projects.report_progress(session, world.admin, pid, "2023-Q1", 1)
    assert snapshot(session) == before


def test_date_problems_name_the_stage_and_the_rule() -> None:
    """The one set of date rules the forms, the API and Excel imports share."""
    today, signed = date(2023, 6, 1), date(2023, 1, 10)

    def found(planned: dict, actual: dict) -> list[tuple[str, str]]:
        return [(p.stage, p.kind) for p in projects.date_problems(planned, actual, today)]

    assert found({"started": date(2023, 3, 31)}, {"signed": signed}) == []
    # 投产 without 开工: the error is on the producing date and names both stages
    (gap,) = projects.date_problems({}, {"signed": signed, "producing": date(2023, 5, 1)}, today)
    assert (gap.stage, gap.kind) == ("producing", "actual")
    assert "投产" in gap.zh and "开工" in gap.zh
    assert "producing date (2023-05-01)" in gap.en and "started date is missing" in gap.en
    # 达效 given, 开工 and 投产 missing: the first missing stage is named
    (gap,) = projects.date_problems({}, {"signed": signed, "full_output": date(2023, 5, 1)}, today)
    assert "开工" in gap.zh and gap.stage == "full_output"
    # an actual date before the previous stage's, one in the future (the day after "today")
    assert found({}, {"signed": signed, "started": date(2023, 1, 9)}) == [("started", "actual")]
    (late,) = projects.date_problems({}, {"signed": signed, "started": date(2023, 6, 2)}, today)
    assert "later than today (2023-06-01)" in late.en
    # planned dates run forward from the signing date
    assert found({"started": date(2022, 12, 1)}, {"signed": signed}) == [("started", "planned")]
    assert found(
        {"started": date(2023, 3, 1), "producing": date(2023, 2, 1)}, {"signed": signed}
    ) == [("producing", "planned")]
    assert projects.reached_stage({"signed": signed}) == "signed"
    assert projects.reached_stage({"signed": signed, "started": date(2023, 2, 1)}) == "started"


def test_create_validates_uscc_link_and_plan_order(session: Session, world: World, frozen) -> None:
    with pytest.raises(ValidationError, match="check character"):
        _new(session, world, investor_uscc=uscc(9)[:17] + ("0" if uscc(9)[17] != "0" else "1"))
    with pytest.raises(ValidationError, match="does not belong"):
        _new(session, world, link_id=world.link_b1)
    with pytest.raises(ValidationError, match="before the previous stage"):
        _new(session, world, planned_start_on=date(2022, 12, 1))
    session.rollback()
    pid = _new(session, world, investor_uscc=" " + uscc(9).lower())
    assert projects.project_detail(session, world.admin, pid).investor_uscc == uscc(9)


def test_progress_correction_overwrites_the_month(session: Session, world: World, frozen) -> None:
    pid = _new(session, world)
    _progress(session, world, pid, {"2023-01": 100})
    projects.report_progress(session, world.admin, pid, "2023-01", 120, "发票补录")
    session.commit()
    detail = projects.project_detail(session, world.admin, pid)
    assert [(p.period, p.amount) for p in detail.progress] == [("2023-01", 120.0)]
    audit = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "project.report_progress")
    ).all()
    assert [a.after["previous"] for a in audit] == [None, 100.0]


def _three(session: Session, w: World) -> tuple[int, int, int]:
    p1 = _new(session, w, name="P1")
    _progress(session, w, p1, FIVE_MONTHS_400)
    p2 = _new(
        session,
        w,
        name="P2",
        park_id=w.park_2,
        total_investment=5000.0,
        signed_on=date(2022, 12, 1),  # it reports December 2022's investment
        planned_start_on=date(2023, 2, 1),
        year_plans={2023: 600.0},
    )
    projects.advance(session, w.admin, p2, "started", date(2023, 2, 1))
    _progress(session, w, p2, {"2022-12": 100, "2023-01": 150, "2023-03": 150})
    p3 = _new(
        session,
        w,
        name="P3",
        chain_id=w.chain_b,
        link_id=w.link_b1,
        total_investment=2000.0,
        planned_start_on=date(2023, 7, 1),
        year_plans={},
    )
    return p1, p2, p3


def test_rollups_by_hand(session: Session, world: World, frozen) -> None:
    _three(session, world)
    # P1: A/P1, 10000, plan 1200, done 400 (behind: 400 < 450; start late).
    # P2: A/P2, 5000, plan 600, done 2023 300 (expected 250: fine), 2022 100.
    # P3: B/P1, 2000, no plan, nothing done, start planned in July.
    by_chain = {r.label: r for r in projects.rollup(session, world.admin, "chain")}
    a, b = by_chain["链A"], by_chain["链B"]
    assert (a.count, a.delayed, a.total_investment, a.year_plan) == (2, 1, 15000.0, 1800.0)
    assert (a.completed_year, a.completed_total) == (700.0, 800.0)
    assert (b.count, b.delayed, b.total_investment, b.year_plan, b.completed_year) == (
        1,
        0,
        2000.0,
        0.0,
        0.0,
    )
    by_park = {r.label: r for r in projects.rollup(session, world.admin, "park")}
    assert (by_park["P1"].count, by_park["P1"].total_investment, by_park["P1"].year_plan) == (
        2,
        12000.0,
        1200.0,
    )
    assert (by_park["P2"].count, by_park["P2"].completed_year) == (1, 300.0)
    by_stage = [(r.key, r.count) for r in projects.rollup(session, world.admin, "stage")]
    assert by_stage == [("signed", 2), ("started", 1)]
    with pytest.raises(ValidationError):
        projects.rollup(session, world.admin, "region")


def test_filters(session: Session, world: World, frozen) -> None:
    p1, p2, p3 = _three(session, world)
    ids = lambda flt: [r.id for r in projects.list_projects(session, world.admin, flt)]  # noqa: E731
    assert ids(ProjectFilter(delayed=True)) == [p1]
    assert ids(ProjectFilter(delayed=False)) == [p2, p3]
    assert ids(ProjectFilter(chain_id=world.chain_b)) == [p3]
    assert ids(ProjectFilter(park_id=world.park_1)) == [p1, p3]
    assert ids(ProjectFilter(stage="started")) == [p2]
    assert ids(ProjectFilter(q="P2")) == [p2]


def test_permissions(session: Session, world: World, frozen) -> None:
    p1, p2, p3 = _three(session, world)
    seen = lambda who: [r.id for r in projects.list_projects(session, who)]  # noqa: E731
    assert seen(world.park_office) == [p1, p3]  # park P1
    assert seen(world.chain_office) == [p1, p2]  # chain A
    assert seen(world.viewer) == [p1, p2, p3]
    with pytest.raises(PermissionDenied):
        projects.list_projects(session, world.enterprise)
    before = snapshot(session)
    with pytest.raises(NotFoundError):  # chain B's project is invisible to chain A's office
        projects.advance(session, world.chain_office, p3, "started", date(2023, 5, 1))
    with pytest.raises(NotFoundError):
        projects.project_detail(session, world.park_office, p2)
    for who in (world.viewer, world.analyst):
        with pytest.raises(PermissionDenied):
            projects.advance(session, who, p1, "started", date(2023, 5, 1))
    with pytest.raises(NotFoundError):  # another park answers as a missing park would
        projects.create_project(
            session,
            world.park_office,
            ProjectIn(
                name="x",
                chain_id=world.chain_a,
                park_id=world.park_2,
                investor_name="i",
                total_investment=1,
                signed_on=date(2023, 1, 1),
            ),
        )
    assert snapshot(session) == before
    projects.advance(session, world.park_office, p1, "started", date(2023, 5, 1))
    projects.advance(session, world.chain_office, p2, "producing", date(2023, 5, 1))
    session.commit()
    assert {r.id: r.stage for r in projects.list_projects(session, world.admin)} == {
        p1: "started",
        p2: "producing",
        p3: "signed",
    }


def test_link_status_hook(session: Session, world: World, frozen) -> None:
    pid = _new(session, world)
    assert projects.project_detail(session, world.admin, pid).link_status is None
    hooks.set_link_status_provider(
        lambda _s, ids: {i: hooks.LinkStatus("missing", "缺链", "missing link") for i in ids}
    )
    try:
        status = projects.project_detail(session, world.admin, pid).link_status
    finally:
        hooks.set_link_status_provider(None)
    assert status is not None and status.link_id == world.link_a1 and status.label_zh == "缺链"


def test_a_registration_reaching_later_stages_is_audited_as_signed_then_advanced(
    session: Session, world: World, frozen
) -> None:
    """One batch registers a project whose actual dates already reach 'producing': the
    project row holds 'producing', its ``create`` audit entry the stage it was registered at
    ('signed'), and the workflow entries each step after it — as if the form had registered
    it and then advanced it twice."""
    from gaodi.projects import batch as project_batch

    frozen(datetime(2024, 6, 1, 2, 0))
    data = ProjectIn(
        name="批量登记项目",
        chain_id=world.chain_a,
        link_id=world.link_a1,
        park_id=world.park_1,
        investor_name="投资方",
        total_investment=5000.0,
        signed_on=date(2023, 1, 10),
        planned_start_on=date(2023, 3, 31),
        planned_producing_on=date(2023, 12, 31),
        planned_full_output_on=date(2024, 12, 31),
    )
    row = project_batch.ProjectWrite(
        data=data, actual={"started": date(2023, 4, 10), "producing": date(2024, 1, 5)}
    )
    prepared = project_batch.prepare_projects(session, world.admin, [row])
    assert prepared.refusals == []
    (project,) = project_batch.write_projects(session, world.admin, prepared)
    session.commit()
    assert project.stage == "producing"
    created = session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity == "project",
            AuditEvent.entity_id == str(project.id),
            AuditEvent.action == "create",
        )
    ).one()
    assert created.after["stage"] == "signed" and created.after["name"] == "批量登记项目"
    steps = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action.like("project.%"), AuditEvent.entity_id == str(project.id))
        .order_by(AuditEvent.id)
    ).all()
    assert [(a.action, a.after["status"]) for a in steps][-2:] == [
        ("project.start", "started"),
        ("project.produce", "producing"),
    ]
