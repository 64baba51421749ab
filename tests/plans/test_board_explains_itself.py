"""The board says why, in every place it is shown (audit D, bugs 3, 4 and 8).

- Every light's reason is in the web Excel export (/export/xlsx/plans), in the export's
  language, as in the CLI's workbook (it had no reason column at all).
- A forecast with no estimated interval (one observation carried forward, or two yearly values
  and two parameters: an exact fit) was shown as "3 [3, 3]", a 90% interval of zero width. It is
  now the point alone with the forecast's note in words, on the page, the target page, the CLI,
  the JSON and both workbooks; the forecast itself is unchanged.
- "数据截至" (the latest submission used, stored as naive UTC) was printed raw by the page and
  both workbooks (2023-07-05T16:36) while the monthly report said 2023年7月6日 00:36: it is now
  the city's wall-clock time with its zone named everywhere.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from typer.testing import CliRunner

from gaodi.analytics.forecast import forecast_series
from gaodi.cli import app
from gaodi.core import clock, words
from gaodi.db import session_scope
from gaodi.plans import service
from gaodi.plans.models import Submission, SubmissionEvent
from tests.plans.conftest import ADMIN
from tests.plans.test_views import web  # noqa: F401  (the fixture)

AS_OF = "2023-06"
EXACT_ZH = words.say("forecast.note_exact_fit", "zh")
EXACT_EN = words.say("forecast.note_exact_fit", "en")


def _rows(board: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for a in board["actions"] for r in a["rows"]]


def _tr(html: str, target_id: int) -> str:
    match = re.search(rf'<tr data-target="{target_id}".*?</tr>', html, re.S)
    assert match is not None
    return match.group(0)


def _cell(row_html: str, testid: str) -> str:
    match = re.search(rf'<td[^>]*data-testid="{testid}"[^>]*>(.*?)</td>', row_html, re.S)
    assert match is not None
    return match.group(1)


def _stored(moment: str) -> str:
    """A moment of the JSON API (the city's time with its offset, gaodi.core.moments) as the
    store keeps it: naive UTC ISO text, to the minute."""
    at = datetime.fromisoformat(moment)
    assert at.utcoffset() == timedelta(hours=8), moment
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="minutes")


def _local_words(stamp: str, zh: bool) -> str:
    """The stored UTC time as the city's wall clock, zone named (computed here by hand)."""
    wall = clock.local(datetime.fromisoformat(stamp)).strftime("%Y-%m-%d %H:%M")
    zone = clock.zone_label(zh)
    return f"{wall}（{zone}）" if zh else f"{wall} ({zone})"


def test_an_exact_fit_has_no_interval_only_its_note(small) -> None:  # type: ignore[no-untyped-def]
    session, _ = small
    board = service.board(session, ADMIN, AS_OF)
    firms = next(r for a in board.actions for r in a.rows if r.indicator_code == "firms")
    # two values (12, 12), two parameters: the model's own answer is the point, no spread
    model = forecast_series({"2023-05": 12.0, "2023-06": 12.0}, "2023-12", target=14.0)
    assert model.lower == model.upper == model.point and model.note == EXACT_EN
    assert firms.forecast == model.point  # the number is the model's, unchanged
    assert firms.forecast_lower is None and firms.forecast_upper is None
    assert firms.probability is None
    assert (firms.forecast_note_zh, firms.forecast_note_en) == (EXACT_ZH, EXACT_EN)
    output = next(r for a in board.actions for r in a.rows if r.indicator_code == "output")
    if output.forecast_lower is not None:  # an estimated interval keeps its bounds
        assert output.forecast_lower <= output.forecast <= output.forecast_upper


def test_the_page_and_the_target_page_show_no_fake_interval(web) -> None:  # noqa: F811
    _, c = web
    twin = c["ana"].get(f"/api/v1/plans/board?as_of={AS_OF}").json()
    rows = [r for r in _rows(twin) if r["forecast"] is not None]
    exact = [r for r in rows if r["forecast_note_zh"] == EXACT_ZH]
    assert exact, "the demo board has exact-fit forecasts (two yearly values)"
    # no interval of zero width is claimed anywhere in the JSON
    for r in rows:
        lo, hi = r["forecast_lower"], r["forecast_upper"]
        assert (lo is None) == (hi is None)
        assert lo is None or lo < hi, r["indicator_name"]
    html = c["ana"].get(f"/plans?as_of={AS_OF}").text
    en = c["ana"].get(f"/plans?as_of={AS_OF}", cookies={"gaodi_lang": "en"}).text
    for r in exact:
        assert r["forecast_lower"] is None and r["probability"] is None
        cell = _cell(_tr(html, r["target_id"]), "forecast")
        assert "[" not in cell and EXACT_ZH in cell
        assert EXACT_EN in _cell(_tr(en, r["target_id"]), "forecast")
    with_interval = [r for r in rows if r["forecast_lower"] is not None]
    for r in with_interval[:3]:
        assert "[" in _cell(_tr(html, r["target_id"]), "forecast")
    page = c["ana"].get(f"/plans/targets/{exact[0]['target_id']}?as_of={AS_OF}").text
    assert 'data-testid="forecast-note"' in page and EXACT_ZH in page
    assert "90%: [" not in page
    # the chart's data draws no band at the deadline either
    detail = c["ana"].get(f"/api/v1/plans/targets/{exact[0]['target_id']}?as_of={AS_OF}").json()
    end = detail["fan"][-1]
    assert end["point"] == exact[0]["forecast"] and end["lower"] is None is end["upper"]


def test_every_export_has_the_reasons_and_the_forecast_notes(web, tmp_path: Path) -> None:  # noqa: F811
    _, c = web
    twin = c["ana"].get(f"/api/v1/plans/board?as_of={AS_OF}").json()
    rows = _rows(twin)
    for lang in ("zh", "en"):
        file = c["ana"].get(f"/export/xlsx/plans?as_of={AS_OF}", cookies={"gaodi_lang": lang})
        assert file.status_code == 200
        book = load_workbook(io.BytesIO(file.content))
        ws = book["看板" if lang == "zh" else "Board"]
        header = [cell.value for cell in ws[1]]
        reason = header.index("状态说明" if lang == "zh" else "Reason")
        note = header.index("预测说明" if lang == "zh" else "Forecast note")
        lower = header.index("预测下限" if lang == "zh" else "Forecast lower")
        values = list(ws.iter_rows(min_row=2, values_only=True))
        assert len(values) == len(rows)
        for got, r in zip(values, rows, strict=True):
            assert got[reason] == r[f"reason_{lang}"] and got[reason]
            assert (got[note] or "") == r[f"forecast_note_{lang}"]
            assert got[lower] == (
                None if r["forecast_lower"] is None else pytest.approx(r["forecast_lower"])
            )
    exact = [r for r in rows if r["forecast_note_zh"] == EXACT_ZH]
    assert exact

    # the CLI's workbook and table say the same
    out = tmp_path / "board.xlsx"
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["plan", "status", "--as-of", AS_OF, "-f", "xlsx", "-o", str(out)],
        env={"COLUMNS": "250"},
    )
    assert result.exit_code == 0, result.output
    ws = load_workbook(out)["看板 board"]
    header = [str(cell.value).split("\n")[0] for cell in ws[1]]
    by_code = {
        (row[header.index("指标代码")], row[header.index("期间")]): row
        for row in ws.iter_rows(min_row=2, values_only=True)
    }
    for r in exact:
        row = by_code[(r["indicator_code"], r["window"])]
        assert row[header.index("预测下限")] is None and row[header.index("预测上限")] is None
        assert row[header.index("预测说明")] == EXACT_ZH
        assert row[header.index("Forecast note")] == EXACT_EN
    table = runner.invoke(app, ["plan", "status", "--as-of", AS_OF], env={"COLUMNS": "250"})
    assert table.exit_code == 0, table.output
    # each exact-fit row: the point without brackets, and the note in full (not cut off with …)
    for r in exact:
        line = next(x for x in table.output.splitlines() if r["indicator_name"] in x)
        assert "（无区间）" in line and "[" not in line.split("│")[8]
    reasons = "".join(
        x.split("│")[-2].strip() for x in table.output.splitlines() if x.count("│") > 2
    )
    assert reasons.count(f"预测：{EXACT_ZH}") == len(exact)


def test_data_as_of_is_the_city_time_with_its_zone_everywhere(web, tmp_path: Path) -> None:  # noqa: F811
    engine, c = web
    twin = c["ana"].get(f"/api/v1/plans/board?as_of={AS_OF}").json()
    assert twin["provenance"]["data_as_of"] is not None
    stamp = _stored(twin["provenance"]["data_as_of"])  # stored: naive UTC
    zh, en = _local_words(stamp, True), _local_words(stamp, False)
    local = clock.local(datetime.fromisoformat(stamp))
    assert twin["provenance"]["data_as_of_local"].startswith(local.strftime("%Y-%m-%dT%H:%M"))
    raw = stamp.replace("T", " ")
    if local.strftime("%Y-%m-%d %H:%M") != raw:  # the demo's latest submission: 8 hours apart
        html = c["ana"].get(f"/plans?as_of={AS_OF}").text
        assert stamp not in html and raw not in html
    page = c["ana"].get(f"/plans?as_of={AS_OF}").text
    assert re.search(r'data-testid="data-as-of">([^<]*)<', page).group(1) == zh  # type: ignore[union-attr]
    page_en = c["ana"].get(f"/plans?as_of={AS_OF}", cookies={"gaodi_lang": "en"}).text
    assert en in page_en
    target_id = _rows(twin)[0]["target_id"]
    detail_twin = c["ana"].get(f"/api/v1/plans/targets/{target_id}?as_of={AS_OF}").json()
    detail = c["ana"].get(f"/plans/targets/{target_id}?as_of={AS_OF}").text
    assert _local_words(_stored(detail_twin["provenance"]["data_as_of"]), True) in detail
    # its revision list tells the times on the same clock, the zone named in the heading
    rev = detail_twin["revisions"][0]
    rev["submitted_at"] = _stored(rev["submitted_at"])
    local_rev = clock.local(datetime.fromisoformat(rev["submitted_at"])).strftime("%Y-%m-%d %H:%M")
    assert local_rev in detail
    assert rev["submitted_at"].replace("T", " ") not in detail
    assert f"（{clock.zone_label(True)}）</span></th>" in detail
    with session_scope(engine, actor="test") as s:
        sub_row = s.scalars(
            select(Submission).join(SubmissionEvent).order_by(SubmissionEvent.id)
        ).first()
        assert sub_row is not None  # the demo's submissions with a history
        key = f"{sub_row.indicator_id}:{sub_row.scope}:{sub_row.scope_id}:{sub_row.period}"
    sub = c["ana"].get(f"/plans/submissions/{key}")
    assert sub.status_code == 200
    sub_twin = c["ana"].get(f"/api/v1/plans/submissions/{key}").json()
    assert sub_twin["events"]
    for e in sub_twin["events"]:
        e["at"] = _stored(e["at"])
        assert clock.local(datetime.fromisoformat(e["at"])).strftime("%Y-%m-%d %H:%M") in sub.text
        assert e["at"].replace("T", " ") not in sub.text

    file = c["ana"].get(f"/export/xlsx/plans?as_of={AS_OF}")
    info = {row[0]: row[1] for row in load_workbook(io.BytesIO(file.content))["说明"].iter_rows(values_only=True) if row and row[0]}  # fmt: skip
    assert info["数据截至"] == zh
    file_en = c["ana"].get(f"/export/xlsx/plans?as_of={AS_OF}", cookies={"gaodi_lang": "en"})
    info_en = {row[0]: row[1] for row in load_workbook(io.BytesIO(file_en.content))["About"].iter_rows(values_only=True) if row and row[0]}  # fmt: skip
    assert info_en["Data as of"] == en

    out = tmp_path / "board.xlsx"
    runner = CliRunner()
    result = runner.invoke(app, ["plan", "status", "--as-of", AS_OF, "--no-forecast", "-f", "xlsx", "-o", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    prov = {row[0]: row[1] for row in load_workbook(out)["来源 provenance"].iter_rows(values_only=True)}  # fmt: skip
    assert prov["数据截至 data as of"] == zh
    table = runner.invoke(app, ["plan", "status", "--as-of", AS_OF, "--no-forecast"], env={"COLUMNS": "250"})  # fmt: skip
    assert zh in re.sub(r"\s+", " ", table.output)
