"""The submission cycle with frozen clocks: deadlines, overdue flags, every transition, illegal
transitions (clear error, nothing changed) and scoped permissions."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from gaodi.audit.models import AuditEvent
from gaodi.core import clock
from gaodi.core.errors import ConflictError, PermissionDenied, ValidationError
from gaodi.core.permissions import Principal
from gaodi.plans import service, submission
from gaodi.plans.models import Observation, Submission, SubmissionEvent
from gaodi.plans.schemas import ObservationIn

from .conftest import ADMIN, ANALYST, CHECKER


def key(ids, period: str = "2023-06", scope: str = "city", scope_id: int = 0) -> str:  # type: ignore[no-untyped-def]
    return f"{ids.output}:{scope}:{scope_id}:{period}"


def counts(session) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    return tuple(  # type: ignore[return-value]
        session.scalar(select(func.count()).select_from(m))
        for m in (Observation, Submission, SubmissionEvent, AuditEvent)
    )


@pytest.mark.parametrize(
    ("period", "day", "due"),
    [
        ("2023-06", 5, date(2023, 7, 5)),
        ("2023-12", 5, date(2024, 1, 5)),  # across the year end
        ("2023-01", 31, date(2023, 2, 28)),  # clamped to February's length
        ("2024-01", 31, date(2024, 2, 29)),  # leap year
        ("2023-Q2", 15, date(2023, 7, 15)),
        ("2023", 20, date(2024, 1, 20)),
    ],
)
def test_due_date(period: str, day: int, due: date) -> None:
    assert submission.due_date(period, day) == due


def test_overdue_boundary_at_the_deadline(small) -> None:  # type: ignore[no-untyped-def]
    session, _ids = small
    # 2023-06-04 20:00 UTC is 2023-06-05 04:00 in China: the deadline day of May itself
    with clock.frozen(datetime(2023, 6, 4, 20, 0)):
        rows = {
            r.period: r
            for r in submission.submission_rows(session, ADMIN)
            if r.indicator_code == "output" and r.scope == "city"
        }
        assert list(rows) == ["2023-02", "2023-03", "2023-04", "2023-05"]  # June not ended
        assert rows["2023-05"].due == "2023-06-05" and not rows["2023-05"].overdue
        assert rows["2023-04"].overdue  # due 2023-05-05
    with clock.frozen(datetime(2023, 6, 5, 16, 0)):  # 2023-06-06 00:00 in China
        rows = {
            r.period: r
            for r in submission.submission_rows(session, ADMIN)
            if r.indicator_code == "output" and r.scope == "city"
        }
        assert rows["2023-05"].overdue


def test_statuses_from_observations_and_lateness(small) -> None:  # type: ignore[no-untyped-def]
    session, _ids = small
    rows = {
        r.period: r
        for r in submission.submission_rows(session, ADMIN)
        if r.indicator_code == "output" and r.scope == "city"
    }
    assert rows["2023-02"].status == "approved" and rows["2023-02"].locked
    assert rows["2023-06"].status == "submitted" and rows["2023-06"].value == 54
    assert rows["2023-04"].status == "expected" and rows["2023-04"].value is None
    # submitted 2023-07-03 10:00 China time, due 2023-07-05: on time; 2023-02 was due 03-05
    assert not rows["2023-06"].late and rows["2023-02"].late


def test_approve_locks_and_records(small) -> None:  # type: ignore[no-untyped-def]
    session, ids = small
    before = counts(session)
    row = submission.approve(session, CHECKER, key(ids), "核对无误")
    assert row.status == "approved" and row.locked and row.reviewed_by == "checker"
    latest = session.scalars(
        select(Observation).where(
            Observation.indicator_id == ids.output,
            Observation.period == "2023-06",
            Observation.revision == 2,
        )
    ).one()
    assert latest.status == "approved"
    after = counts(session)
    assert after[0] == before[0]  # no value written
    assert after[1] == before[1] + 1 and after[2] == before[2] + 1
    audit = session.scalars(select(AuditEvent).where(AuditEvent.entity == "submission")).all()
    # the explicit workflow event, besides the automatic row audit of the submission record
    assert [(a.action, a.after["status"], a.note) for a in audit if a.action != "create"] == [
        ("approve", "approved", "核对无误")
    ]
    # locked: a new value is refused, nothing changes
    session.commit()
    snapshot = counts(session)
    with pytest.raises(ConflictError) as exc:
        service.add_observation(
            session, ANALYST, ObservationIn(indicator="output", period="2023-06", value=55)
        )
    assert "approved" in exc.value.en and "unlock" in exc.value.en
    session.rollback()
    assert counts(session) == snapshot


def test_return_then_resubmit_as_new_revision(small) -> None:  # type: ignore[no-untyped-def]
    session, ids = small
    with pytest.raises(ValidationError):  # returning needs a comment
        submission.return_submission(session, CHECKER, key(ids), " ")
    row = submission.return_submission(session, CHECKER, key(ids), "与统计快报不符")
    assert row.status == "returned" and row.review_comment == "与统计快报不符"
    result = service.add_observation(
        session, ANALYST, ObservationIn(indicator="output", period="2023-06", value=56)
    )
    assert result.observation.revision == 3 and result.observation.status == "submitted"
    d = submission.detail(session, ADMIN, key(ids))
    assert d.row.status == "submitted" and d.row.value == 56
    assert [(e.action, e.from_status, e.to_status) for e in d.events] == [
        ("return", "submitted", "returned"),
        ("submit", "returned", "submitted"),
    ]
    assert [o.revision for o in d.observations] == [3, 2, 1]  # history kept


def test_unlock_needs_an_admin_and_a_reason(small) -> None:  # type: ignore[no-untyped-def]
    session, ids = small
    k = key(ids, "2023-02")  # approved by import: locked
    snapshot = counts(session)
    with pytest.raises(PermissionDenied):
        submission.unlock(session, ANALYST, k, "需要更正")
    with pytest.raises(ValidationError):
        submission.unlock(session, ADMIN, k, "")
    session.rollback()
    assert counts(session) == snapshot
    row = submission.unlock(session, ADMIN, k, "统计局修订了2月数据")
    assert row.status == "returned" and not row.locked
    service.add_observation(
        session, ANALYST, ObservationIn(indicator="output", period="2023-02", value=21)
    )
    assert submission.detail(session, ADMIN, k).row.status == "submitted"


@pytest.mark.parametrize(
    ("period", "name", "status"),
    [
        ("2023-04", "approve", "expected"),  # nothing submitted yet
        ("2023-04", "return", "expected"),
        ("2023-04", "unlock", "expected"),
        ("2023-06", "unlock", "submitted"),  # only approved data is unlocked
        ("2023-02", "approve", "approved"),
        ("2023-02", "return", "approved"),
    ],
)
def test_illegal_transitions_change_nothing(small, period: str, name: str, status: str) -> None:  # type: ignore[no-untyped-def]
    session, ids = small
    snapshot = counts(session)
    with pytest.raises(ConflictError) as exc:
        submission.transition(session, ADMIN, key(ids, period), name, "理由")
    assert exc.value.context["status"] == status
    session.rollback()
    assert counts(session) == snapshot


def test_no_self_approval(small) -> None:  # type: ignore[no-untyped-def]
    session, ids = small
    with pytest.raises(PermissionDenied):  # "ana" submitted the June figure
        submission.approve(session, ANALYST, key(ids))
    assert submission.approve(session, ADMIN, key(ids)).status == "approved"  # admins may


def test_scoped_park_office(small) -> None:  # type: ignore[no-untyped-def]
    session, ids = small
    park = Principal("park1", "park_office", park_ids=frozenset({ids.park1}))
    with pytest.raises(ValidationError) as exc:  # a park office does not report city figures
        service.add_observation(
            session, park, ObservationIn(indicator="output", period="2023-05", value=40)
        )
    assert exc.value.context["field"] == "scope"
    with pytest.raises(ValidationError):  # nor another park's
        service.add_observation(
            session,
            park,
            ObservationIn(
                indicator="output", period="2023-05", value=40, scope="park", scope_id=ids.park2
            ),
        )
    result = service.add_observation(
        session,
        park,
        ObservationIn(
            indicator="output", period="2023-05", value=25, scope="park", scope_id=ids.park1
        ),
    )
    assert result.observation.scope_id == ids.park1
    with pytest.raises(PermissionDenied):  # offices submit, they do not approve
        submission.approve(session, park, key(ids, "2023-05", "park", ids.park1))
    tasks = submission.tasks(session, park)
    assert [g.owner for g in tasks.owners] == ["甲园区管委会"]
    assert {r.scope_id for g in tasks.owners for r in g.rows} == {ids.park1}
    assert tasks.to_review == []  # no approve right


def test_tasks_and_completeness(small) -> None:  # type: ignore[no-untyped-def]
    session, _ids = small
    tasks = submission.tasks(session, ADMIN)
    owners = {g.owner: g for g in tasks.owners}
    assert owners["市工信局"].overdue == 2  # output 2023-04, 2023-05
    assert [r.period for r in owners["市工信局"].rows] == ["2023-04", "2023-05"]
    # to review: output 06, firms 06, growth 06 (submitted, not approved)
    assert sorted(r.indicator_code for r in tasks.to_review) == ["firms", "output", "va_growth"]
    c = submission.completeness(session, ADMIN, 2023)
    assert c.periods[0] == "2023-01" and c.periods[-1] == "2023-06"
    cell = c.cells["市工信局"]["2023-06"]
    assert (cell.submitted, cell.approved, cell.expected, cell.overdue) == (1, 0, 0, 0)
    cell = c.cells["市工信局"]["2023-04"]
    assert (cell.expected, cell.overdue) == (1, 1)
    park = c.cells["甲园区管委会"]["2023-02"]
    assert (park.expected, park.overdue) == (1, 1)


def test_bad_keys() -> None:
    with pytest.raises(ValidationError):
        submission.parse_key("1:city:0")
    with pytest.raises(ValidationError):
        submission.parse_key("1:region:0:2023-06")
    assert str(submission.parse_key("7:park:3:2023-06")) == "7:park:3:2023-06"
