"""The peer-city panel and the external enterprise pool (both synthetic, 示例).

Panel: output (亿元) and employment (万人) of ~100 prefecture-level cities x GB/T 4754 中类
manufacturing industries x 2019-2023. Cities have a latent capability and industries a latent
complexity (calibration assumptions in ``changsha_facts.yaml`` ``demo_calibration``: 上海,
深圳, 苏州 and 北京 the most capable, machinery, electronics and instruments the most complex),
so presence is nested (diverse cities make rarer products) and capable cities specialise in
complex industries, as in real data; the demo city's own row is the sum of its synthetic
enterprises.

Pool: enterprises in other cities, the source 招商 candidates are ranked from; most are in
industries of the chains' links so each link has candidates.
"""

from __future__ import annotations

import numpy as np

from gaodi.core.codes import make_usccs
from gaodi.core.reference import industry_codes, prefecture_cities, region_children
from gaodi.demo import facts
from gaodi.demo.names import enterprise_names, scope_text, short_word
from gaodi.demo.synth import YEARS, flat_links

CITY_CODE = "430100"
# Peers the plan names (对标北京、上海、深圳、杭州) and cities of similar size and role.
NAMED_PEERS = (
    "110000",
    "310000",
    "440300",
    "330100",
    "420100",
    "510100",
    "410100",
    "340100",
    "360100",
    "610100",
    "500000",
    "120000",
    "320100",
    "320500",
    "370200",
    "350200",
    "440100",
    "210100",
    "430200",
    "430300",
)


def peer_cities(n: int = 100) -> list[tuple[str, str]]:
    """(code, name) of the demo's peer cities: the named ones, then others in code order."""
    cities = {r.code: r.name for r in prefecture_cities(include_municipalities=True)}
    chosen = [c for c in NAMED_PEERS if c in cities]
    for code in sorted(cities):
        if len(chosen) >= n:
            break
        if code not in chosen and code != CITY_CODE and code[4:] == "00":
            chosen.append(code)
    # Spread the remainder across provinces rather than taking the first provinces only.
    if len(chosen) < n:
        rest = [c for c in sorted(cities) if c not in chosen and c != CITY_CODE]
        chosen.extend(rest[: n - len(chosen)])
    return [(c, cities[c]) for c in chosen[:n]]


def manufacturing_groups() -> list[str]:
    return [r.code for r in industry_codes("group") if "13" <= r.code[:2] <= "43"]


def capabilities(rng: np.random.Generator, codes: list[str]) -> np.ndarray:
    """Each peer city's latent capability: the calibrated value, else a draw."""
    spec = facts.calibration()["peer_capability"]
    known = {str(k): float(v) for k, v in spec["cities"].items()}
    draws = rng.normal(float(spec["others"]["mean"]), float(spec["others"]["sd"]), len(codes))
    return np.array([known.get(c, float(d)) for c, d in zip(codes, draws, strict=True)])


def complexities(rng: np.random.Generator, groups: list[str]) -> np.ndarray:
    """Each industry group's latent complexity: its division's calibrated value plus noise."""
    spec = facts.calibration()["industry_complexity"]
    divisions = {str(k): float(v) for k, v in spec["divisions"].items()}
    noise = rng.normal(0.0, float(spec["noise_sd"]), len(groups))
    return np.array([divisions.get(g[:2], 0.0) for g in groups]) + noise


def panel(
    seed: int,
    city_output_by_group: dict[tuple[str, int], float],
    city_employment_by_group: dict[tuple[str, int], float],
    n_peers: int = 100,
) -> list[dict]:
    rng = np.random.default_rng([seed, 20])
    peers = peer_cities(n_peers)
    groups = manufacturing_groups()
    c, p = len(peers), len(groups)
    capability = capabilities(rng, [code for code, _ in peers])
    complexity = complexities(rng, groups)
    # A city makes an industry when its capability reaches the industry's complexity ...
    presence_logit = 2.5 * (capability[:, None] - complexity[None, :]) + 1.5
    present = rng.random((c, p)) < 1 / (1 + np.exp(-presence_logit))
    # ... and capable cities weigh toward complex industries, the others toward simple ones.
    size = 2500 * np.exp(1.1 * capability + rng.normal(0, 0.3, size=c))  # 亿元 manufacturing
    scale = rng.lognormal(0, 0.8, size=p)  # the industry's national size
    fit = np.exp(0.3 * capability[:, None] * complexity[None, :])
    weights = scale[None, :] * fit * rng.lognormal(0, 0.5, size=(c, p)) * present
    shares = weights / np.maximum(weights.sum(axis=1, keepdims=True), 1e-12)
    growth = rng.normal(0.06, 0.04, size=(c, p))
    productivity = rng.lognormal(np.log(150), 0.3, size=p)  # 万元 output per worker
    rows: list[dict] = []
    for t, year in enumerate(YEARS):
        level = size[:, None] * shares * (1 + growth) ** t
        for ci, (code, _name) in enumerate(peers):
            for pi in np.flatnonzero(level[ci] > 0):
                value = float(level[ci, pi])
                rows.append(
                    {
                        "region_code": code,
                        "industry_code": groups[pi],
                        "year": year,
                        "measure": "output",
                        "value": round(value, 4),
                        "is_demo": True,
                    }
                )
                rows.append(
                    {
                        "region_code": code,
                        "industry_code": groups[pi],
                        "year": year,
                        "measure": "employment",
                        "value": round(value * 1e4 / productivity[pi] / 1e4, 4),
                        "is_demo": True,
                    }
                )
    city_output_by_group, city_employment_by_group = _with_background(
        seed,
        groups,
        complexity,
        scale,
        productivity,
        city_output_by_group,
        city_employment_by_group,
    )
    for (group, year), value in sorted(city_output_by_group.items()):
        rows.append(
            {
                "region_code": CITY_CODE,
                "industry_code": group,
                "year": year,
                "measure": "output",
                "value": round(value, 4),
                "is_demo": True,
            }
        )
        rows.append(
            {
                "region_code": CITY_CODE,
                "industry_code": group,
                "year": year,
                "measure": "employment",
                "value": round(city_employment_by_group.get((group, year), 0.0), 4),
                "is_demo": True,
            }
        )
    return rows


def _with_background(
    seed: int,
    groups: list[str],
    complexity: np.ndarray,
    scale: np.ndarray,
    productivity: np.ndarray,
    output: dict[tuple[str, int], float],
    employment: dict[tuple[str, int], float],
) -> tuple[dict[tuple[str, int], float], dict[tuple[str, int], float]]:
    """The demo city's panel row: its enterprises plus the rest of its manufacturing.

    The synthetic enterprises stand for the chains' firms; a real city also makes food, paper,
    furniture, textiles … outside its chains. Without them the city's row is a handful of
    complex industries (diversity ~20 against 60–70 for the big peers) and ECI ranks a
    specialised machinery city among China's top four. The rest is drawn with the peers' model
    (``panel``) at the city's calibrated capability and makes ``share`` of the city's
    manufacturing output each year (``demo_calibration.city_background``). A separate random
    stream keeps the peers' rows as they were.
    """
    spec = facts.calibration().get("city_background")
    if not spec:
        return output, employment
    share = float(spec["share"])
    rng = np.random.default_rng([seed, 22])
    capability = float(spec["capability"])
    present = rng.random(len(groups)) < 1 / (1 + np.exp(-(2.5 * (capability - complexity) + 1.5)))
    fit = np.exp(0.3 * capability * complexity)
    weights = scale * fit * rng.lognormal(0, 0.5, size=len(groups)) * present
    weights = weights / max(float(weights.sum()), 1e-12)
    out, emp = dict(output), dict(employment)
    for year in sorted({y for _, y in output}):
        total = sum(v for (_, y), v in output.items() if y == year)
        rest = total * share / (1 - share)
        for j in np.flatnonzero(weights > 0):
            key = (groups[j], year)
            value = rest * float(weights[j])
            out[key] = out.get(key, 0.0) + value
            emp[key] = emp.get(key, 0.0) + value / float(productivity[j])
    return out, emp


def external_pool(
    seed: int, n: int, local_ids_by_link: dict[int, list[int]], used_usccs: set[str]
) -> list[dict]:
    rng = np.random.default_rng([seed, 30])
    peers = peer_cities(100)
    links = flat_links()
    manuf = [r.code for r in industry_codes("class") if "13" <= r.code[:2] <= "43"]
    from_link = rng.random(n) < 0.65
    link_pick = rng.integers(0, len(links), size=n)
    city_pick = rng.integers(0, len(peers), size=n)
    codes: list[str] = []
    scopes: list[str] = []
    words: list[str] = []
    class_cache: dict[str, list[str]] = {}
    for i in range(n):
        if from_link[i]:
            link = links[link_pick[i]][1]
            code = link.industry_codes[rng.integers(len(link.industry_codes))]
            if code not in class_cache:
                from gaodi.demo.synth import _class_codes

                class_cache[code] = _class_codes(code) or [code]
            code4 = class_cache[code][rng.integers(len(class_cache[code]))]
            kws = list(link.keywords)
            picked = [kws[rng.integers(len(kws))]]
            codes.append(code4)
            scopes.append(scope_text(picked, "技术开发"))
            words.append(short_word(link.name))
        else:
            code4 = manuf[rng.integers(len(manuf))]
            codes.append(code4)
            scopes.append(scope_text([], "生产销售"))
            words.append("制造")
    places = [peers[c][1].removesuffix("市")[:2] for c in city_pick]
    names = enterprise_names(rng, words, places)
    county_cache: dict[str, list[str]] = {}
    revenue = rng.lognormal(7.0, 1.6, size=n)
    growth = rng.normal(0.10, 0.2, size=n)
    patents = rng.poisson(np.minimum(revenue * 0.002, 300))
    tags_draw = rng.random((n, 3))
    region_of: list[str] = []
    for i in range(n):
        city = peers[city_pick[i]][0]
        if city not in county_cache:
            county_cache[city] = [r.code for r in region_children(city)] or [city]
        region_of.append(county_cache[city][int(rng.integers(len(county_cache[city])))])
    usccs = make_usccs(region_of, np.random.default_rng([seed, 31]), exclude=used_usccs)
    rows: list[dict] = []
    for i in range(n):
        region6 = region_of[i]
        code = usccs[i]
        tags = [
            t
            for t, flag in zip(
                ("srdi", "little_giant", "listed"),
                (tags_draw[i, 0] < 0.06, tags_draw[i, 1] < 0.012, tags_draw[i, 2] < 0.02),
                strict=True,
            )
            if flag
        ]
        partners: list[int] = []
        if from_link[i] and rng.random() < 0.05:
            local = local_ids_by_link.get(int(link_pick[i]), [])
            if local:
                k = min(len(local), int(rng.integers(1, 4)))
                partners = sorted(int(x) for x in rng.choice(local, size=k, replace=False))
        rows.append(
            {
                "uscc": code,
                "name": names[i],
                "region_code": region6,
                "industry_code": codes[i],
                "scope_text": scopes[i],
                "revenue": round(float(revenue[i]), 2),
                "revenue_growth": round(float(growth[i]), 4),
                "invention_patents": int(patents[i]),
                "employees": int(max(10, revenue[i] / rng.uniform(60, 200))),
                "tags": tags,
                "partner_ids": partners,
                "is_demo": True,
            }
        )
    return rows
