"""The kept boundary asset and the build that makes it.

- The asset of 长沙 430100: 9 features, their codes and names exactly the county-level children
  of 430100 in regions_gbt2260.csv, every ring closed, ≥ 4 positions, non-zero area and without
  crossing edges; small (< 100 KB); each centre inside the city's bounding box.
- Douglas–Peucker on a hand-made line (known result).
- The build on a hand-made source: nine unit squares in a 3 × 3 grid, neighbours sharing noisy
  edges; after simplification every shared edge is the same sequence of positions in both
  neighbours (no slivers), the noise within the tolerance is gone, and a county missing from the
  source stops the build with its code.
"""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import pytest

from gaodi.core.errors import NotFoundError, ValidationError
from gaodi.core.reference import region_children
from gaodi.regions import geo

CITY = "430100"


def _rings(feature: dict) -> list[list[tuple[float, float]]]:
    return [
        [tuple(p) for p in ring] for poly in feature["geometry"]["coordinates"] for ring in poly
    ]


def test_asset_has_the_nine_districts_with_valid_polygons() -> None:
    data = geo.load(CITY)
    children = {r.code: r.name for r in region_children(CITY)}
    assert len(data["features"]) == 9 == len(children)
    assert {f["properties"]["code"]: f["properties"]["name"] for f in data["features"]} == children
    for f in data["features"]:
        assert f["geometry"]["type"] == "MultiPolygon"
        for ring in _rings(f):
            assert geo.ring_problems(ring) == [], (f["properties"]["name"], ring[:3])
        x, y = f["properties"]["center"]
        assert 111.8 < x < 114.3 and 27.8 < y < 28.7  # 长沙's extent
    assert geo.asset_path(CITY).stat().st_size < 100_000


def test_ring_problems_finds_a_bow_tie() -> None:
    bow_tie = [(0.0, 0.0), (1.0, 1.0), (1.0, 0.0), (0.0, 1.0), (0.0, 0.0)]
    assert any("cross" in p for p in geo.ring_problems(bow_tie))
    square = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]
    assert geo.ring_problems(square) == []
    assert geo.ring_area(square) == 1.0 and geo.ring_centroid(square) == (0.5, 0.5)


def test_douglas_peucker_known_case() -> None:
    # the middle point is 0.5 from the chord: kept at tolerance 0.4, dropped at 0.6
    line = [(0.0, 0.0), (1.0, 0.5), (2.0, 0.0)]
    assert geo.douglas_peucker(line, 0.4) == line
    assert geo.douglas_peucker(line, 0.6) == [(0.0, 0.0), (2.0, 0.0)]


def _square(i: int, j: int, jitter: float) -> list[list[float]]:
    """Unit cell (i, j) with 4 points on every edge, the inner ones off the line by ±jitter in a
    pattern that depends only on the point's position, so neighbours share identical edges."""

    def bump(x: float, y: float) -> float:
        return jitter if round(x * 5 + y * 7) % 2 else -jitter

    pts: list[list[float]] = []
    corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)]
    for (x0, y0), (x1, y1) in zip(corners, corners[1:] + corners[:1], strict=True):
        for k in range(5):
            t = k / 5
            x, y = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
            if k > 0:
                if x0 == x1:
                    x += bump(x, y)
                else:
                    y += bump(x, y)
            pts.append([x, y])
    pts.append(pts[0])
    return pts


def test_build_keeps_shared_borders_identical(tmp_path: Path) -> None:
    codes = [r.code for r in region_children(CITY)]
    jitter = geo.TOLERANCE / 4
    for n, code in enumerate(codes):
        ring = _square(n % 3, n // 3, jitter)
        (tmp_path / f"{code}.geojson").write_text(
            json.dumps({"type": "Polygon", "coordinates": [ring]}), encoding="utf-8"
        )
    out = geo.build(CITY, tmp_path)
    assert [f["properties"]["code"] for f in out["features"]] == codes
    edges: dict[frozenset, list[tuple]] = {}
    for f in out["features"]:
        (ring,) = _rings(f)
        assert geo.ring_problems(ring) == []
        # the jitter is under the tolerance: each cell is back to its 4 corners (+ closing)
        assert len(ring) == 5, ring
        for a, b in pairwise(ring):
            edges.setdefault(frozenset((a, b)), []).append(f["properties"]["code"])
    # interior edges of a 3 x 3 grid: 12, each drawn by exactly two districts
    shared = [e for e, users in edges.items() if len(users) == 2]
    assert len(shared) == 12


def test_build_refuses_a_missing_county_and_a_non_prefecture(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError) as missing:
        geo.build(CITY, tmp_path)
    assert "430102" in missing.value.zh
    with pytest.raises(ValidationError):
        geo.build("430102", tmp_path)
    with pytest.raises(NotFoundError):
        geo.load("999999")
