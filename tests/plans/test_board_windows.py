"""The board judges each target against the as-of month: a window that ended before it counts
in full (a missing final figure is not excused), and a window that has not begun is not due
(未到期), not "no data". On the small hand-made plan (tests/plans/conftest.py: one 2023 plan)."""

from __future__ import annotations

from datetime import datetime

import pytest

from gaodi.core import clock
from gaodi.plans import service

from .conftest import ADMIN, obs
from .test_views import web  # noqa: F401  (the demo city behind the app)


def rows(board):  # type: ignore[no-untyped-def]
    return {(r.indicator_code, r.window, r.target): r for a in board.actions for r in a.rows}


def test_a_window_that_ended_counts_in_full(small) -> None:  # type: ignore[no-untyped-def]
    session, ids = small
    # November's running total 115 of 120, December never reported
    session.add(obs(ids.output, "2023-11", 115, "cumulative", status="approved"))
    session.flush()
    with clock.frozen(datetime(2024, 2, 20, 9, 0)):
        out = rows(service.board(session, ADMIN, "2024-01", forecasts=False))[
            ("output", "2023", 120.0)
        ]
    # the year ended a month before the as-of month: τ = 12/12, not 11/12 at the data's month;
    # c = 115/120 = 0.9583, r = 0.9583 / 1 -> yellow (at 11/12 it was 1.045, green)
    assert out.time_progress == pytest.approx(1.0)
    assert out.ratio == pytest.approx(115 / 120)
    assert out.status == "yellow"
    assert out.actual_period == "2023-11" and out.stale
    assert "序时进度 100.0%" in out.reason_zh and "比值 0.96" in out.reason_zh
    assert "低于绿灯线 1.00" in out.reason_zh
    assert "期末 2023-12 的数据未报，按 2023-11 的数据评价" in out.reason_zh
    assert "final value (2023-12) is missing" in out.reason_en
    assert "2023-12" in out.overdue_periods


def test_the_last_month_of_an_open_window_is_still_judged_at_its_data(small) -> None:  # type: ignore[no-untyped-def]
    session, ids = small
    session.add(obs(ids.output, "2023-11", 115, "cumulative", status="approved"))
    session.flush()
    with clock.frozen(datetime(2024, 1, 2, 9, 0)):
        out = rows(service.board(session, ADMIN, "2023-12", forecasts=False))[
            ("output", "2023", 120.0)
        ]
    # December's figure is not yet due on the December board: 115/120 against 11/12 -> green
    assert out.time_progress == pytest.approx(11 / 12)
    assert out.status == "green" and "期末" not in out.reason_zh


def test_a_window_not_begun_is_not_due(small) -> None:  # type: ignore[no-untyped-def]
    session, _ = small
    board = service.board(session, ADMIN, "2022-06", forecasts=False)
    r = rows(board)
    # the 2022-06 running total 40 lies before the 2023 window: nothing is owed yet
    out = r[("output", "2023", 120.0)]
    assert out.status == "not_due" and out.reason == "not_started" and out.actual is None
    assert out.reason_zh == "截至 2022-06 目标期尚未开始（自 2023-01 起），未到期"
    assert {x.status for x in r.values()} == {"not_due"}
    assert board.counts["not_due"] == 4 and board.counts["no_data"] == 0


def test_the_board_page_says_not_due(web) -> None:  # type: ignore[no-untyped-def] # noqa: F811
    _, c = web
    data = c["ana"].get("/api/v1/plans/board?as_of=2022-06").json()
    rows_ = [r for a in data["actions"] for r in a["rows"]]
    later = [r for r in rows_ if r["window"].startswith("2023")]
    assert later and {r["status"] for r in later} == {"not_due"}
    assert data["counts"]["not_due"] == len(later) and data["counts"]["no_data"] == 0
    html = c["ana"].get("/plans?as_of=2022-06").text
    assert "目标期尚未开始（自 2023-01 起），未到期" in html
    assert "没有已报送或已审核的数据" not in html


def test_no_closed_target_is_green_short_of_its_value(web) -> None:  # type: ignore[no-untyped-def] # noqa: F811
    _, c = web
    data = c["ana"].get("/api/v1/plans/board?as_of=2023-12").json()
    closed = [
        r
        for a in data["actions"]
        for r in a["rows"]
        if r["window"] in ("2021", "2022") and r["time_progress"] is not None
    ]
    assert closed
    for r in closed:  # 2021 and 2022 ended before 2023-12: judged on the whole year
        assert r["time_progress"] == pytest.approx(1.0), r
        if r["status"] == "green" and r["completion"] is not None:
            assert r["completion"] >= 1, r


def test_the_overview_card_counts_only_targets_that_began(web) -> None:  # type: ignore[no-untyped-def] # noqa: F811
    _, c = web
    data = c["ana"].get("/api/v1/overview?as_of=2022-06-15").json()
    card = next(x for x in data["cards"] if x["key"] == "plan_targets")
    board = c["ana"].get("/api/v1/plans/board?as_of=2022-05").json()
    assert "2022-05" in card["note"]  # the board month of 2022-06-15
    rows_ = [r for a in board["actions"] for r in a["rows"]]
    begun = [r for r in rows_ if r["reason"] != "not_started"]
    assert len(begun) < len(rows_)  # the 2023 targets had not begun
    judged = [r for r in begun if r["status"] in ("green", "yellow", "red", "not_due", "at_risk")]
    green = sum(r["status"] == "green" for r in rows_)
    assert card["value"] == f"{green} / {len(judged)}"
