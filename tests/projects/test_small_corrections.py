"""A correction smaller than two decimals is shown with the digits that tell old from new: the
refusal and the history read "3,400 → 3,400" for 3,400 → 3,400.00001, a step that looked like
no change. Fixture of tests/projects/test_replays_and_reasons.py: 2023-04 reported 20, the 2023
plan 120."""

from __future__ import annotations

from tests.projects.test_replays_and_reasons import (  # noqa: F401
    _act,
    _detail,
    _history,
    _office,
    moment,
    site,
)
from tests.web.conftest import Site


def test_a_correction_below_the_shown_precision_shows_its_digits(site: Site) -> None:  # noqa: F811
    client, csrf = _office(site)
    pid = site.world.ids["project"]
    body = {"action": "report_progress", "period": "2023-04", "amount": 20.00001}
    r = _act(client, csrf, pid, body)
    assert r.status_code == 422
    assert "（20 → 20.00001 万元）" in r.json()["message_zh"]
    assert "(20 → 20.00001, 10k yuan)" in r.json()["message_en"]
    assert _act(client, csrf, pid, {**body, "comment": "微调"}).status_code == 200
    plan = {"action": "set_year_plan", "year": 2023, "amount": 120.000001, "comment": "x"}
    assert _act(client, csrf, pid, plan).status_code == 200
    history = _history(_detail(client, pid))
    assert "2023-04: 20 → 20.00001 · 微调" in history
    assert "2023: 120 → 120.000001 · x" in history
    # an ordinary correction keeps two decimals at most (enough to tell them apart)
    assert _act(client, csrf, pid, {**body, "amount": 25.5, "comment": "补录"}).status_code == 200
    assert "2023-04: 20 → 25.5 · 补录" in _history(_detail(client, pid))
