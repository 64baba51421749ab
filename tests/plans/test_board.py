"""The board and the target detail on the small hand-made plan (tests/plans/conftest.py)."""

from __future__ import annotations

import pytest

from gaodi.core.errors import NotFoundError, PermissionDenied
from gaodi.core.permissions import Principal
from gaodi.plans import service
from gaodi.plans.inference import rule_file
from gaodi.plans.schemas import BoardFilter

from .conftest import ADMIN, VIEWER


def rows(board):  # type: ignore[no-untyped-def]
    return {(r.indicator_code, r.window, r.target): r for a in board.actions for r in a.rows}


def test_board_hand_computed(small) -> None:  # type: ignore[no-untyped-def]
    session, ids = small
    board = service.board(session, ADMIN, "2023-06")
    assert board.plan_id == ids.plan_id and board.as_of == "2023-06"
    r = rows(board)
    out = r[("output", "2023", 120.0)]
    # latest revision 54 (rev 2 beats rev 1 = 50); τ = 6/12; c = 54/120 = 0.45; r = 0.45/0.5 = 0.9
    assert out.actual == 54 and out.time_progress == pytest.approx(0.5)
    assert out.completion == pytest.approx(0.45) and out.ratio == pytest.approx(0.9)
    assert out.status == "yellow"  # 0.9 <= r < 1.0
    assert out.expected_value == pytest.approx(60) and out.gap == pytest.approx(6)  # 0.5·120 − 54
    firms = r[("firms", "2023", 14.0)]
    # count 10 -> 14: E = floor(0.5·4)/4 = 0.5, c = (12 − 10)/4 = 0.5, r = 1 -> green
    assert firms.completion == pytest.approx(0.5) and firms.status == "green"
    assert firms.expected_value == pytest.approx(12) and firms.gap == pytest.approx(0)
    growth = r[("va_growth", "2023", 8.0)]
    assert growth.ratio == pytest.approx(6.8 / 8) and growth.status == "red"  # 0.85 < 0.9
    assert growth.gap == pytest.approx(1.2)  # 8 − 6.8 percentage points
    park = next(x for x in r.values() if x.target == 60.0)
    assert park.status == "no_data" and park.actual is None
    assert board.counts == {
        "green": 1,
        "yellow": 1,
        "red": 1,
        "not_due": 0,
        "at_risk": 0,
        "no_data": 1,
        "invalid": 0,
    }


def test_board_earlier_month_and_no_data(small) -> None:  # type: ignore[no-untyped-def]
    session, _ = small
    r = rows(service.board(session, ADMIN, "2023-03", forecasts=False))
    out = r[("output", "2023", 120.0)]
    assert out.actual == 30 and out.ratio == pytest.approx(1.0)  # 30/120 = 0.25 = 3/12
    assert out.status == "green"
    assert r[("va_growth", "2023", 8.0)].status == "no_data"  # first growth figure is May


def test_forecasts(small) -> None:  # type: ignore[no-untyped-def]
    session, _ = small
    r = rows(service.board(session, ADMIN, "2023-06"))
    firms = r[("firms", "2023", 14.0)]
    # two equal values (12, 12): the linear trend is flat at 12; two points, two parameters,
    # no residual degrees of freedom: no interval, no probability
    assert firms.forecast == pytest.approx(12) and firms.probability is None
    out = r[("output", "2023", 120.0)]
    assert out.forecast is not None and out.forecast_lower <= out.forecast <= out.forecast_upper
    assert out.probability is None or 0 <= out.probability <= 1
    assert r[("va_growth", "2023", 8.0)].forecast is None  # growth rates are not forecast


def test_overdue_flags_follow_the_frozen_clock(small) -> None:  # type: ignore[no-untyped-def]
    session, _ = small
    r = rows(service.board(session, ADMIN, "2023-06", forecasts=False))
    # today 2023-07-10: output owes 2023-02..06 (no January for running totals); 04 and 05
    # are missing and past their deadlines (05-05, 06-05)
    assert r[("output", "2023", 120.0)].overdue_periods == ["2023-04", "2023-05"]
    # growth rates (deadline day 10): 02, 03, 04 missing; 04 was due 05-10
    assert r[("va_growth", "2023", 8.0)].overdue_periods == ["2023-02", "2023-03", "2023-04"]
    # a point series owes January too: 01..04 missing
    assert r[("firms", "2023", 14.0)].overdue_periods == [f"2023-0{m}" for m in range(1, 5)]


def test_filters(small) -> None:  # type: ignore[no-untyped-def]
    session, _ = small
    red = service.board(session, ADMIN, "2023-06", BoardFilter(status="red"), forecasts=False)
    assert [r.indicator_code for a in red.actions for r in a.rows] == ["va_growth"]
    assert red.counts["yellow"] == 1  # counts describe the whole board
    mine = service.board(session, ADMIN, "2023-06", BoardFilter(owner="市统计局"), forecasts=False)
    assert {r.owner for a in mine.actions for r in a.rows} == {"市统计局"}
    assert "市工信局" in mine.owners


def test_provenance(small) -> None:  # type: ignore[no-untyped-def]
    session, _ = small
    p = service.board(session, ADMIN, "2023-06", forecasts=False).provenance
    # the board names the versions of the rule files it was made with
    assert p.rules_version == "1.1"
    assert p.plausibility_version == rule_file("plausibility.yaml")["version"]
    # counted: 2022-06, 2023-02, 03, 06 (two revisions); firms 05, 06; growth 05, 06
    assert p.n_observations == 9
    assert p.n_unapproved == 4  # 2023-06 rev 1 and 2, firms 06, growth 06
    assert p.data_as_of == "2023-07-03T02:00"


def test_permissions(small) -> None:  # type: ignore[no-untyped-def]
    session, _ = small
    assert service.board(session, VIEWER, "2023-06", forecasts=False).counts["red"] == 1
    with pytest.raises(PermissionDenied):
        service.board(session, Principal("e", "enterprise"), "2023-06")


def test_target_detail(small) -> None:  # type: ignore[no-untyped-def]
    session, ids = small
    d = service.target_detail(session, ADMIN, ids.t_output, "2023-06")
    points = {p.period: p for p in d.series}
    assert len(d.series) == 12
    assert points["2023-01"].actual is None  # 1–2月 are reported together
    assert points["2023-04"].actual == 30  # latest running total of the year so far
    assert points["2023-06"].actual == 54 and points["2023-07"].actual is None
    assert points["2023-06"].expected == pytest.approx(60)  # 序时进度 6/12 · 120
    assert points["2023-12"].expected == pytest.approx(120)
    assert [(o.period, o.revision) for o in d.revisions][:2] == [("2023-06", 2), ("2023-06", 1)]
    assert d.fan[0].period == "2023-06" and d.fan[-1].period == "2023-12"
    assert d.provenance.as_of == "2023-06"
    with pytest.raises(NotFoundError):
        service.target_detail(session, ADMIN, 99999)


def test_an_earlier_month_flags_what_was_overdue_then(small) -> None:  # type: ignore[no-untyped-def]
    session, _ = small
    # as of 2023-03 (before the current 2023-06) the flags are judged on 03-31, not today.
    # Every value of the fixture was sent on 07-03, so on 03-31 nothing had arrived yet:
    # output (running totals, no January, deadline day 5): 02 was due 03-05, 03 due 04-05;
    # firms (point): 01 due 02-05 and 02 due 03-05; growth (day 10): 02 due 03-10.
    r = rows(service.board(session, ADMIN, "2023-03", forecasts=False))
    assert r[("output", "2023", 120.0)].overdue_periods == ["2023-02"]
    assert r[("firms", "2023", 14.0)].overdue_periods == ["2023-01", "2023-02"]
    assert r[("va_growth", "2023", 8.0)].overdue_periods == ["2023-02"]
