"""The board as it was known on a day (issue [9]): a value sent, corrected, returned or approved
after that day does not change what the board of that day showed.

The small plan (tests/plans/conftest.py): 工业产值 2023-06 is 50 (revision 1) then 54 (revision
2); the clock stands at 2023-07-10 17:00 China time. Here revision 1 is moved to 2023-07-01 and
revision 2 stays at 2023-07-03 10:00, so:

- known on 2023-06-30: nothing is known yet (every value arrived on 07-01 or later);
- known on 2023-07-02: revision 1 only → 50;
- known on 2023-07-03 or today: revision 2 → 54.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select, update

from gaodi.core.errors import ValidationError
from gaodi.plans import service, submission
from gaodi.plans.models import Observation

from .conftest import ADMIN, CHECKER


def row(board, target_id: int):  # type: ignore[no-untyped-def]
    return next(r for a in board.actions for r in a.rows if r.target_id == target_id)


@pytest.fixture
def moved(small):  # type: ignore[no-untyped-def]
    session, ids = small
    session.execute(
        update(Observation)
        .where(
            Observation.indicator_id == ids.output,
            Observation.period == "2023-06",
            Observation.revision == 1,
        )
        .values(submitted_at=datetime(2023, 7, 1, 2, 0))
    )
    session.commit()
    return session, ids


@pytest.mark.parametrize(
    ("known_on", "actual", "period"),
    [
        (date(2023, 6, 30), None, None),  # every value of the plan was sent on 07-01 or later
        (date(2023, 7, 2), 50.0, "2023-06"),
        (date(2023, 7, 3), 54.0, "2023-06"),
        (None, 54.0, "2023-06"),
    ],
)
def test_corrections_after_the_day_do_not_count(moved, known_on, actual, period) -> None:  # type: ignore[no-untyped-def]
    session, ids = moved
    board = service.board(session, ADMIN, "2023-06", forecasts=False, known_on=known_on)
    r = row(board, ids.t_output)
    assert (r.actual, r.actual_period) == (actual, period)
    assert board.provenance.known_on == (known_on or date(2023, 7, 10)).isoformat()
    assert board.known_on == (known_on.isoformat() if known_on else None)


def test_a_value_returned_later_still_counted_then(moved) -> None:  # type: ignore[no-untyped-def]
    session, ids = moved
    # returned on 2023-07-10 (the frozen clock): today revision 2 no longer counts and
    # revision 1 (50, still "submitted") is the value in force
    submission.return_submission(session, CHECKER, f"{ids.output}:city:0:2023-06", "与统计快报不符")
    session.commit()
    today = service.board(session, ADMIN, "2023-06", forecasts=False)
    assert row(today, ids.t_output).actual == 50.0
    before = service.board(session, ADMIN, "2023-06", forecasts=False, known_on=date(2023, 7, 9))
    assert row(before, ids.t_output).actual == 54.0
    same_day = service.board(session, ADMIN, "2023-06", forecasts=False, known_on=date(2023, 7, 10))
    assert row(same_day, ids.t_output).actual == 50.0


def test_approval_after_the_day_was_pending_then(moved) -> None:  # type: ignore[no-untyped-def]
    session, ids = moved
    submission.approve(session, CHECKER, f"{ids.firms}:city:0:2023-06", "核对无误")
    session.commit()
    firms_june = session.scalars(
        select(Observation).where(
            Observation.indicator_id == ids.firms, Observation.period == "2023-06"
        )
    ).one()
    assert firms_june.status == "approved"
    today = service.board(session, ADMIN, "2023-06", forecasts=False)
    before = service.board(session, ADMIN, "2023-06", forecasts=False, known_on=date(2023, 7, 9))
    # the same values count on both days; on 07-09 the firms value was not yet approved
    assert before.provenance.n_observations == today.provenance.n_observations
    assert before.provenance.n_unapproved == today.provenance.n_unapproved + 1


def test_target_detail_lists_only_revisions_known_then(moved) -> None:  # type: ignore[no-untyped-def]
    session, ids = moved
    detail = service.target_detail(
        session, ADMIN, ids.t_output, "2023-06", known_on=date(2023, 7, 2)
    )
    june = [r for r in detail.revisions if r.period == "2023-06"]
    assert [r.revision for r in june] == [1]
    assert detail.row.actual == 50.0
    assert detail.provenance.known_on == "2023-07-02"
    now = service.target_detail(session, ADMIN, ids.t_output, "2023-06")
    assert sorted(r.revision for r in now.revisions if r.period == "2023-06") == [1, 2]


def test_the_future_is_not_known(moved) -> None:  # type: ignore[no-untyped-def]
    session, _ids = moved
    with pytest.raises(ValidationError) as exc:
        service.board(session, ADMIN, "2023-06", known_on=date(2023, 7, 11))
    assert "2023-07-11" in exc.value.zh and "after today" in exc.value.en
