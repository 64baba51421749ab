"""The plan board's month and its print marks, on the seeded web world (tests/web/seed.py; its
plan runs 2021–2025).

- A board month after the city's current month is refused in words on the page, its JSON twin,
  its Excel export and the target page, as a known-on day after today is; a month after the
  plan's end, up to today's, is still judged (every period in full).
- The board marks what does not print (the filters, the JSON link, the long reasons) and its
  indicator column, for the print style (gaodi.css).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from gaodi.core import clock
from tests.web.helpers import login
from tests.web.live import page_text
from tests.web.seed import PASSWORD

#: the city's today: the December 2023 figures are due
TODAY = datetime(2024, 1, 15, 2, 0)


def _signed_in(site: Any, role: str) -> Any:
    client = site.client()
    login(client, site.world.users[role], PASSWORD)
    return client


# ---------------------------------------------------------------------------- the board's month
def test_a_board_month_after_today_is_refused_in_words(site: Any) -> None:
    client = _signed_in(site, "admin")
    target = site.world.ids["target"]
    en = {"Accept-Language": "en"}
    with clock.frozen(TODAY):
        later = "截至月份 2024-06 晚于今天（2024年1月15日）所在的月份：还没有这个月的数据。"
        for url in ("/plans?as_of=2024-06", "/export/xlsx/plans?as_of=2024-06"):
            r = client.get(url)
            assert r.status_code == 422 and later in page_text(r.text), url
        r = client.get(f"/plans/targets/{target}?as_of=2024-06")
        assert r.status_code == 422 and later in page_text(r.text)
        r = client.get("/api/v1/plans/board?as_of=2024-06", headers=en)
        assert r.status_code == 422
        assert "The month 2024-06 is after the current month (today is 2024-01-15)" in r.text
        # the month under way and the last complete one are judged, and said, as asked
        for month in ("2024-01", "2023-12"):
            r = client.get(f"/api/v1/plans/board?as_of={month}")
            assert r.status_code == 200 and r.json()["as_of"] == month
            r = client.get(f"/export/xlsx/plans?as_of={month}")
            assert r.status_code == 200, page_text(r.text)[:300]
    with clock.frozen(datetime(2026, 3, 20, 2, 0)):  # the plan (2021–2025) has ended
        # after the plan's end, up to today's month, the board judges every period in full
        # (tests/plans/test_board_windows.py); a month after today is still refused
        r = client.get("/api/v1/plans/board?as_of=2026-03")
        assert r.status_code == 200 and r.json()["as_of"] == "2026-03"
        r = client.get("/plans?as_of=2026-04")
        assert r.status_code == 422
        assert "截至月份 2026-04 晚于今天（2026年3月20日）所在的月份" in page_text(r.text)
        assert client.get("/export/xlsx/plans?as_of=2026-04").status_code == 422


# ---------------------------------------------------------------------------- the printed board
def test_the_board_marks_what_does_not_print(site: Any) -> None:
    client = _signed_in(site, "admin")
    with clock.frozen(TODAY):
        html = client.get("/plans?as_of=2023-12").text
    filters = re.search(r'<form class="([^"]*)"[^>]*data-testid="board-filters"', html)
    assert filters and "no-print" in filters.group(1).split()
    json_link = re.search(r'<a class="([^"]*)" href="/api/v1/plans/board\?', html)
    assert json_link and "no-print" in json_link.group(1).split()
    reasons = re.findall(r'<div class="([^"]*)" data-testid="reason">', html)
    assert reasons and all("no-print" in r.split() for r in reasons)
    # the indicator column, header and cells, is marked for the print widths
    assert re.search(r'<th class="board-indicator">指标</th>', html)
    cells = re.findall(r'<td class="board-indicator"><a href="/plans/targets/(\d+)', html)
    assert cells == [str(site.world.ids["target"])]
