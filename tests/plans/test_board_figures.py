"""The board's figures (target, actual, forecast and its interval) are shown with the digits
that tell them apart, the same in the cells and in the reason beside them: the demo's energy
intensity row (a cap of 0.36, a forecast of 0.3645 whose whole 90 % interval lies above the
cap, a 1.4 % chance) read "0.36 [0.36, 0.37]" with two decimals, as if it met the cap.
"""

from __future__ import annotations

import re
from decimal import Decimal

from tests.plans.test_views import web  # noqa: F401  (the fixture)

AS_OF = "2023-06"
FIGURES = ("actual", "forecast", "forecast_lower", "forecast_upper")


def _meant(v: float) -> Decimal:
    """The value as entered or computed, without float noise (12 significant digits)."""
    d = Decimal(repr(v))
    return Decimal(0) if d == 0 else round(d, 11 - d.adjusted())


def _cells(html: str, target_id: int) -> dict[str, str]:
    row = re.search(rf'<tr data-target="{target_id}"[^>]*>(.*?)</tr>', html, re.S)
    assert row is not None, target_id
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    text = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip() for c in cells]
    forecast = re.match(r"(\S+)(?: \[ ?(\S+) ?, (\S+) ?\])?", text[6])
    assert forecast is not None
    return {
        "target": text[2].split()[-1],
        "actual": text[3].split()[0],
        "reason": text[5],
        "forecast": forecast.group(1),
        "forecast_lower": forecast.group(2) or "",
        "forecast_upper": forecast.group(3) or "",
    }


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def test_figures_that_differ_from_the_target_look_different(web) -> None:  # type: ignore[no-untyped-def] # noqa: F811
    _, c = web
    board = c["ana"].get(f"/api/v1/plans/board?as_of={AS_OF}").json()
    html = c["ana"].get(f"/plans?as_of={AS_OF}").text
    rows = [r for a in board["actions"] for r in a["rows"]]
    checked = 0
    for r in rows:
        shown = _cells(html, r["target_id"])
        target = _meant(r["target"])
        assert _number(shown["target"]) == target  # the target as entered
        for name in FIGURES:
            if r[name] is None or not shown[name]:
                continue
            value, text = _meant(r[name]), shown[name]
            # a figure that differs from the target never reads as the target, nor on its
            # other side; one that equals it (a count fitted as 158.99999999999994) reads whole
            assert (_number(text) == target) == (value == target), (r["target_id"], name, text)
            assert (_number(text) > target) == (value > target), (r["target_id"], name, text)
            checked += 1
        if r["actual"] is not None and r["reason"] in ("compound", "direct"):
            # the reason writes the actual and the target as the cells do
            assert f"实际 {shown['actual']}" in shown["reason"], shown
            assert shown["target"] in shown["reason"], shown
    assert checked > 10
    energy = next(r for r in rows if r["unit"] == "吨标准煤/万元")
    shown = _cells(html, energy["target_id"])
    assert energy["probability"] < 0.05 and energy["forecast_lower"] > energy["target"]
    assert shown["target"] == "0.36"
    assert shown["forecast"] == "0.3645"
    assert (shown["forecast_lower"], shown["forecast_upper"]) == ("0.3612", "0.3676")
    assert shown["actual"] == "0.3721" and "实际 0.3721" in shown["reason"]
    # whole numbers stay whole: no "159.00 家" for a count fitted as 158.99999999999994
    for r in rows:
        shown = _cells(html, r["target_id"])
        assert not any(shown[k].endswith(".00") for k in ("target", *FIGURES)), shown
