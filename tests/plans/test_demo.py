"""The demo city's board: a believable mix of statuses (issue 4's "done when")."""

from __future__ import annotations

from collections import Counter

from sqlalchemy.engine import Engine

from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.plans import service


def test_demo_board_shows_a_mix(demo_db: Engine) -> None:
    with session_scope(demo_db) as s:
        final = service.board(s, SYSTEM, "2023-12", forecasts=False)
        mid = service.board(s, SYSTEM, "2023-06")
    for board in (final, mid):
        assert board.plan_title and "2021—2023" in board.plan_title
        counts = board.counts
        assert counts["green"] >= 1
        assert counts["yellow"] + counts["red"] >= 1
        assert counts["invalid"] == 0
    # every one of the 31 targets is judged at the deadline: none lacks data
    assert sum(final.counts.values()) == 31 and final.counts["no_data"] == 0
    # mid-2023, the 2023 targets still open carry forecasts with a probability
    open_rows = [r for a in mid.actions for r in a.rows if r.year == 2023 and r.forecast]
    assert len(open_rows) >= 5
    assert all(0 <= (r.probability or 0) <= 1 for r in open_rows)
    # the profiles steer the lights: "behind" indicators are red, "ahead" ones green
    lights = {(r.indicator_code, r.year): r.status for a in mid.actions for r in a.rows}
    assert lights[("industrial_investment", 2023)] == "red"
    assert lights[("esm_output", 2023)] == "green"
    assert len(Counter(lights.values())) >= 3
