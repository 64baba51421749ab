"""docs/regions.md's table of the demo city's figures is what the commands beside it print on
a fresh small demo (seed 2021): each figure is measured here with the same command (its JSON
form) and must appear in the table as written. docs/analysts.md's ``city.info()`` shows the
dataset record nested under 'dataset', as the Python API returns it.

When the demo generator changes, this test names the figure that moved; re-run the command and
write what it prints.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlalchemy.engine import Engine
from typer.testing import CliRunner

import gaodi
from gaodi.cli import app

DOCS = Path(__file__).resolve().parents[2] / "docs"
runner = CliRunner()


def _json(*args: str) -> dict:
    out = runner.invoke(app, list(args), env={"COLUMNS": "260"})
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


def _table() -> dict[str, str]:
    """The demo table's rows: figure -> the value and command cells."""
    text = (DOCS / "regions.md").read_text(encoding="utf-8")
    section = text[text.index("## On the demo city") :]
    rows = re.findall(r"^\| (.+?) \| (.+?) \| (.+?) \|$", section, re.M)
    return {f: f"{value} | {command}" for f, value, command in rows if f != "figure"}


def _pct(x: float) -> str:
    """A growth rate as the doc writes it: one decimal, a true minus sign."""
    return f"{x * 100:.1f} %".replace("-", "−")


def test_demo_table_figures_are_what_the_commands_print(demo_db: Engine) -> None:
    table = _table()
    parks = _json("parks", "evaluate", "--format", "json")
    assert parks["provenance"]["year"] == 2023
    by_name = {p["short_name"]: p for p in parks["parks"]}
    targets = {t["key"]: t for t in parks["targets"]}
    t1000, t3000 = targets["t1000"], targets["t3000"]
    big = sorted(
        (p for p in parks["parks"] if (p["output"] or 0) >= 1000), key=lambda p: -p["output"]
    )
    row = table["千亿级园区"]
    assert f"{t1000['count']} of the {t1000['target_count']} targeted" in row
    assert ", ".join(f"{p['short_name']} {p['output']:,.1f}亿" for p in big) in row
    top = max(parks["parks"], key=lambda p: p["output"] or 0)
    tier = next(t for t in top["tiers"] if t["key"] == "t3000")
    assert f"{t3000['count']} of {t3000['target_count']}" in table["3000亿级园区"]
    assert (
        f"{top['short_name']} at {_pct(top['growth'])}/yr needs {tier['years']:.1f} years "
        f"({tier['reach_year']})" in table["3000亿级园区"]
    )
    nx = by_name["宁乡高新区"]
    tier = next(t for t in nx["tiers"] if t["key"] == "t1000")
    assert (
        f"{nx['output']:,.1f}亿 at {_pct(nx['growth'])}/yr: 千亿 in {tier['years']:.1f} years "
        f"({tier['reach_year']})" in table["宁乡高新区"]
    )
    ranked = sorted((p for p in parks["parks"] if p["rank"]), key=lambda p: p["rank"])
    best, last = ranked[0], ranked[-1]
    row = table["best 亩均 park"]
    assert f"{best['short_name']} (score {best['score']:.1f}), {best['n_evaluated']} firms" in row
    assert f"last {last['short_name']} ({last['score']:.1f}), {last['n_evaluated']} firms" in row

    clusters = _json("clusters", "show", "--format", "json")
    cm = next(
        c for g in clusters["groups"] for c in g["clusters"] if c["name"] == "长沙工程机械集群"
    )
    row = table["“1” 长沙工程机械集群"]
    assert (
        f"{cm['enterprises']} firms, {cm['output']:,.1f}亿, "
        f"{'+' if cm['growth'] >= 0 else ''}{_pct(cm['growth'])}, LQ {cm['lq']:.2f}" in row
    )
    assert f"completeness {cm['completeness'] * 100:.1f} %" in row

    peers = _json("regions", "peers", "--group", "all", "--json")
    eci = next(r for r in peers["rows"] if r["measure"] == "eci")
    n = len(peers["regions"])
    assert f"{eci['city_rank']} of {n} panel regions" in table["city's ECI rank"]
    assert f"排名 {eci['city_rank']}/{n}" in table["city's ECI rank"]
    opportunities = _json("regions", "opportunities", "--json")
    assert table["strategic approach"].startswith(opportunities["approach"] + " ")


def test_analysts_doc_shows_info_as_the_api_returns_it(demo_db: Engine) -> None:
    info = gaodi.open().info()
    dataset = info["dataset"]
    doc = (DOCS / "analysts.md").read_text(encoding="utf-8")
    shown = re.search(r"city\.info\(\).*?#.*?\n(.*?\}\})", doc, re.S)
    assert shown is not None
    text = shown[1]
    assert "{'dataset': {" in text
    for key in ("demo", "size", "seed", "as_of", "today", "city"):
        assert f"'{key}': {dataset[key]!r}" in text, key
