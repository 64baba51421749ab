"""The 头羊 page and its JSON twin with entropy weights + TOPSIS (issue [11] item 6)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select

from gaodi.analytics.scoring import entropy_weights
from gaodi.db import session_scope
from gaodi.enterprises.params import load_leader_rules
from gaodi.models import EnterpriseYear
from tests.web.conftest import Site, make_site
from tests.web.helpers import login
from tests.web.seed import PASSWORD

# four firms with every leader figure: output, growth, tax, R&D, patents, staff, debt
FIGURES = {
    "e1": (5000.0, 4000.0, 300.0, 250.0, 40, 500, 0.40),
    "e2": (3000.0, 3000.0, 100.0, 60.0, 5, 200, 0.70),
    "e3": (1000.0, 800.0, 80.0, 50.0, 12, 90, 0.55),
    "e4": (2000.0, 2100.0, 150.0, 20.0, 2, 300, 0.30),
}


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    s = make_site(tmp_path)
    with session_scope(s.engine, actor="test") as db:
        for key, (out, prev, tax, rd, pat, emp, debt) in FIGURES.items():
            eid = s.world.ids[key]
            years = {
                y.year: y
                for y in db.scalars(
                    select(EnterpriseYear).where(EnterpriseYear.enterprise_id == eid)
                )
            }
            now, before = years[2023], years[2022]
            now.output, now.tax, now.rd_spend, now.revenue = out, tax, rd, out
            now.invention_patents, now.employees, now.debt_ratio = pat, emp, debt
            before.output = prev
    yield s
    s.engine.dispose()


def test_rank_page_entropy_topsis_shows_weights_and_distances(site: Site) -> None:
    client = site.client()
    login(client, site.world.users["admin"], PASSWORD)
    api = client.get("/api/v1/enterprises/rank", params={"method": "entropy_topsis"})
    assert api.status_code == 200, api.text
    result = api.json()["result"]
    assert result["method"] == "entropy_topsis" and result["normalisation"] == "minmax"
    ranked = {r["name"]: r for r in result["rows"]}
    assert len(ranked) == 4
    # the weights are the entropy weights of the four firms' figures (min-max variant)
    rules = load_leader_rules()
    names = [c.criterion.name for c in rules.criteria]
    growth = {k: v[0] / v[1] - 1 for k, v in FIGURES.items()}
    cols = {
        "output": [v[0] for v in FIGURES.values()],
        "output_growth": list(growth.values()),
        "tax": [v[2] for v in FIGURES.values()],
        "rd_intensity": [v[3] / v[0] for v in FIGURES.values()],
        "invention_patents": [float(v[4]) for v in FIGURES.values()],
        "employees": [float(v[5]) for v in FIGURES.values()],
        "debt_ratio": [v[6] for v in FIGURES.values()],
    }
    x = pl.DataFrame({n: cols[n] for n in names}).to_numpy()
    expected = entropy_weights(x, [c.criterion.direction for c in rules.criteria], "minmax")
    got = {c["name"]: c["weight"] for c in result["criteria"]}
    assert [got[n] for n in names] == pytest.approx(list(expected))
    for r in ranked.values():
        assert r["score"] == pytest.approx(r["d_minus"] / (r["d_plus"] + r["d_minus"]))
    html = client.get(
        "/enterprises/rank", params={"method": "entropy_topsis", "normalisation": "minmax"}
    ).text
    assert "D+" in html and "D−" in html
    weights_line = re.search(r'data-testid="weights">(.*?)</p>', html, re.S)
    assert weights_line is not None
    for n in names:
        assert f"{got[n]:.3f}" in weights_line.group(1)
    first = result["rows"][0]
    assert f'data-col="d_plus">{first["d_plus"]:.4f}<' in html
    # the sum variant with a negative growth (e4: 2000 / 2100 − 1 < 0) explains itself
    shares = client.get(
        "/enterprises/rank", params={"method": "entropy_topsis", "normalisation": "sum"}
    )
    assert shares.status_code == 200
    assert "数值不能为负" in shares.text or "cannot be turned into shares" in shares.text
    assert 'data-testid="weights"' not in shares.text
    bad = client.get("/api/v1/enterprises/rank", params={"normalisation": "zscore"})
    assert bad.status_code == 422
