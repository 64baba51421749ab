"""The board's overdue flags come from the observations the board has already read
(``submission.overdue_from``); ``submission_rows`` reads the submissions and their history on
its own. On every day of a return → resubmit → approve cycle the two agree, and the flags are
the ones known by hand."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from gaodi.core import clock
from gaodi.plans import service, submission
from gaodi.plans.models import Target
from gaodi.plans.schemas import ObservationIn

from .conftest import ADMIN, ANALYST, CHECKER


def reference(session, day: date) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    out: dict[str, list[str]] = defaultdict(list)
    for r in submission.submission_rows(session, ADMIN, as_of=day):
        if r.overdue:
            out[f"{r.indicator_id}|{r.scope}|{r.scope_id}"].append(r.period)
    return out


def flags(session, day: date | None, month: str | None = "2023-06") -> dict[int, list[str]]:  # type: ignore[no-untyped-def]
    board = service.board(session, ADMIN, month, forecasts=False, overdue_as_of=day)
    return {r.target_id: r.overdue_periods for a in board.actions for r in a.rows}


def test_board_flags_are_the_submission_rows_flags_on_every_day(small) -> None:  # type: ignore[no-untyped-def]
    session, ids = small
    key = f"{ids.output}:city:0:2023-06"  # sent 2023-07-03 (revisions 1 and 2), due 07-05
    # the fixture's clock is 2023-07-10 09:00 UTC: returned then, sent again 07-20, approved 08-01
    submission.return_submission(session, CHECKER, key, "与统计快报不符")
    with clock.frozen(datetime(2023, 7, 20, 2, 0)):
        service.add_observation(
            session, ANALYST, ObservationIn(indicator="output", period="2023-06", value=56)
        )
    with clock.frozen(datetime(2023, 8, 1, 2, 0)):
        submission.approve(session, CHECKER, key, "核对无误")
    session.flush()
    days = [date(2023, 7, 4), date(2023, 7, 12), date(2023, 7, 25), date(2023, 8, 5)]
    with clock.frozen(datetime(2023, 9, 1, 2, 0)):
        series = {
            t.id: f"{t.indicator_id}|{t.scope}|{t.scope_id}"
            for t in session.query(Target).all()
            if t.indicator_id is not None
        }
        seen: dict[date, dict[int, list[str]]] = {}
        for day in days:
            expected = reference(session, day)
            seen[day] = flags(session, day)
            assert seen[day] == {t: expected.get(series.get(t, ""), []) for t in seen[day]}
        now = flags(session, None, None)  # today's to-do list: 2023-09-01, the cycle over
        today = reference(session, date(2023, 9, 1))
        assert now == {t: today.get(series.get(t, ""), []) for t in now}
    output = next(t for t, s in series.items() if s == f"{ids.output}|city|0")
    # 2023-06 (due 07-05): submitted on 07-04, returned (so overdue) on 07-12, sent again by
    # 07-25, approved by 08-05; 04 and 05 were never sent (overdue since 05-05 and 06-05)
    assert seen[date(2023, 7, 4)][output] == ["2023-04", "2023-05"]
    assert seen[date(2023, 7, 12)][output] == ["2023-04", "2023-05", "2023-06"]
    assert seen[date(2023, 7, 25)][output] == ["2023-04", "2023-05"]
    # on 09-01, 07 (due 08-05) is owed too; 2023-06 is approved
    assert now[output] == ["2023-04", "2023-05", "2023-07"]
