"""Synthetic enterprises (示例) for the demo city: who they are, where, and their yearly figures.

Everything here is invented from plausible distributions, deterministic given the seed:
revenue is log-normal with a head of leader enterprises (龙头) per chain, sitting in the links
``chains.yaml`` flags ``lead`` and sized so that the chain's output lands on the published
figure of ``changsha_facts.yaml`` ``demo_calibration``; growth follows the chain's trend;
employees follow revenue through a productivity that rises with firm size (so size classes
come out as a city's do); land is fixed per firm; the other figures follow from revenue by
typical ratios. Nothing here describes a real enterprise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gaodi.analytics.rulefiles import above_scale_revenue_wan
from gaodi.core.codes import make_usccs
from gaodi.core.reference import industry_children, industry_codes, industry_lookup
from gaodi.demo import facts
from gaodi.demo.names import enterprise_names, scope_text, short_word

YEARS = (2019, 2020, 2021, 2022, 2023)
CHANGSHA_DISTRICTS = (
    "430102",
    "430103",
    "430104",
    "430105",
    "430111",
    "430112",
    "430121",
    "430181",
    "430182",
)


@dataclass
class Enterprises:
    """Column arrays, one entry per enterprise (index = id - 1)."""

    uscc: list[str]
    name: list[str]
    region_code: list[str]
    park_index: np.ndarray  # -1 = not in a park
    industry_code: list[str]
    founded_year: np.ndarray
    scope: list[str]
    products: list[str]
    chain_index: np.ndarray  # -1 = not on a chain
    link_index: np.ndarray  # index into the flat link list, -1 = none
    leader: np.ndarray
    tags: list[list[str]]
    revenue: np.ndarray  # (n, years) 万元, NaN before founding


def _class_codes(code: str) -> list[str]:
    """4-digit classes under a code of any level (the code itself when it is a class)."""
    if len(code) == 4:
        return [code]
    out: list[str] = []
    for child in industry_children(code):
        out.extend(_class_codes(child.code))
    return out


def flat_links() -> list[tuple[int, facts.LinkSpec]]:
    return [(ci, link) for ci, chain in enumerate(facts.chains()) for link in chain.links]


def _link_sizes(rng: np.random.Generator, chain: facts.ChainSpec, n: int) -> np.ndarray:
    """Enterprises per link: Dirichlet shares; some links deliberately empty (缺链), never a
    link where a leader sits (it holds at least its leader)."""
    k = len(chain.links)
    shares = rng.dirichlet(np.full(k, 0.9))
    key = np.array([lk.key_link for lk in chain.links])
    lead = np.array([lk.lead for lk in chain.links])
    shares = shares * np.where(key | lead, 1.6, 1.0)
    # ~12% of links have no local enterprise; key links are spared more often than not.
    missing = (rng.random(k) < np.where(key, 0.07, 0.14)) & ~lead
    shares[missing] = 0.0
    if shares.sum() == 0:
        shares[0] = 1.0
    floor = lead.astype(int)
    rest = max(0, n - int(floor.sum()))
    return floor + rng.multinomial(rest, shares / shares.sum())


def enterprises(
    seed: int, n: int, park_names: list[str], park_weights: np.ndarray, park_regions: list[str]
) -> Enterprises:
    rng = np.random.default_rng([seed, 1])
    chains = facts.chains()
    links = flat_links()
    link_offset = np.cumsum([0] + [len(c.links) for c in chains])
    park_pos = {name: i for i, name in enumerate(park_names)}

    n_chain = int(n * 0.45)
    chain_w = np.array([c.weight for c in chains])
    per_chain = rng.multinomial(n_chain, chain_w / chain_w.sum())

    chain_index = np.full(n, -1)
    link_index = np.full(n, -1)
    leader = np.zeros(n, dtype=bool)
    leader_park: dict[int, str | None] = {}
    pos = 0
    for ci, chain in enumerate(chains):
        sizes = _link_sizes(rng, chain, int(per_chain[ci]))
        for li, size in enumerate(sizes):
            chain_index[pos : pos + size] = ci
            link_index[pos : pos + size] = link_offset[ci] + li
            link = chain.links[li]
            if link.lead:
                # the link's first enterprise is its leader
                leader[pos] = True
                leader_park[pos] = _park_name(link.lead_park) if link.lead_park else chain.parks[0]
            pos += size
    if pos > n:
        raise ValueError(f"{n} enterprises cannot hold the chains' {pos} leaders and links")

    # Industry codes: the link's classes for chain firms, manufacturing at large for the rest.
    manuf = [r.code for r in industry_codes("class") if "13" <= r.code[:2] <= "43"]
    manuf_w = rng.lognormal(0.0, 1.0, size=len(manuf))
    other_codes = rng.choice(manuf, size=n - pos, p=manuf_w / manuf_w.sum())
    class_cache: dict[str, list[str]] = {}
    industry: list[str] = []
    scope: list[str] = []
    products: list[str] = []
    words: list[str] = []
    for i in range(n):
        li = link_index[i]
        if li >= 0:
            link = links[li][1]
            code = link.industry_codes[rng.integers(len(link.industry_codes))]
            if code not in class_cache:
                class_cache[code] = _class_codes(code) or [code]
            options = class_cache[code]
            code4 = options[rng.integers(len(options))]
            kws = list(link.keywords)
            picked = [
                kws[j] for j in sorted(rng.choice(len(kws), size=min(2, len(kws)), replace=False))
            ]
            industry.append(code4)
            products.append("、".join(picked))
            scope.append(scope_text(picked, "技术开发、技术咨询"))
            words.append(short_word(link.name))
        else:
            code4 = str(other_codes[i - pos])
            row = industry_lookup(code4)
            label = row.name if row else "制造"
            industry.append(code4)
            products.append(label)
            scope.append(scope_text([label.removesuffix("制造")], "技术服务"))
            words.append(short_word(label))

    # Parks: chain firms mostly in their chain's parks; others by park weight or outside.
    park_index = np.full(n, -1)
    region: list[str] = []
    u = rng.random(n)
    pw = park_weights / park_weights.sum()
    for i in range(n):
        ci = chain_index[i]
        if leader[i]:
            park_index[i] = park_pos.get(leader_park[i] or "", -1)
        elif ci >= 0 and u[i] < 0.75:
            options = [park_pos[p] for p in chains[ci].parks if p in park_pos]
            park_index[i] = options[rng.integers(len(options))] if options else -1
        elif u[i] < 0.6 or (ci >= 0 and u[i] < 0.9):
            park_index[i] = rng.choice(len(pw), p=pw)
        pi = park_index[i]
        region.append(
            park_regions[pi]
            if pi >= 0
            else CHANGSHA_DISTRICTS[rng.integers(len(CHANGSHA_DISTRICTS))]
        )

    founded = np.where(
        rng.random(n) < 0.9, rng.integers(1990, 2019, size=n), rng.integers(2019, 2023, size=n)
    )

    # Revenue (万元): log-normal body (calibrated); leaders (头羊) scaled below.
    cal = facts.calibration()
    body = cal["revenue"]
    base = rng.lognormal(mean=float(body["log_mean"]), sigma=float(body["log_sd"]), size=n)
    founded[leader] = rng.integers(1990, 2010, size=int(leader.sum()))
    chain_growth = np.array([rng.uniform(0.03, 0.16) for _ in chains])
    for ci, chain in enumerate(chains):
        if chain.code == "ESM":
            chain_growth[ci] = 0.28  # the storage-materials boom the facts describe
    g_mean = np.where(chain_index >= 0, chain_growth[np.maximum(chain_index, 0)], 0.07)
    sd = np.where(leader, 0.06, 0.16)
    trend = np.repeat(g_mean[:, None], len(YEARS) - 1, axis=1)
    for ci, chain in enumerate(chains):
        path = cal["chain_output"].get(chain.code, {}).get("growth")
        if path:  # a chain's calibrated year-on-year growth (工程机械: +16 % in 2021)
            rates = [float(path.get(y, chain_growth[ci])) for y in YEARS[1:]]
            trend[chain_index == ci] = rates
    growth = trend + rng.normal(0.0, 1.0, size=(n, len(YEARS) - 1)) * sd[:, None]
    growth = np.clip(growth, -0.6, 1.5)
    revenue = np.empty((n, len(YEARS)))
    revenue[:, 0] = base
    for t in range(1, len(YEARS)):
        revenue[:, t] = revenue[:, t - 1] * (1.0 + growth[:, t - 1])
    for t, year in enumerate(YEARS):
        revenue[founded > year, t] = np.nan
    _scale_leaders(rng, revenue, chain_index, leader, cal["chain_output"])

    names = enterprise_names(rng, words)
    usccs = make_usccs(region, np.random.default_rng([seed, 5]))

    tags: list[list[str]] = [["leader"] if leader[i] else [] for i in range(n)]
    return Enterprises(
        usccs,
        names,
        region,
        park_index,
        industry,
        founded,
        scope,
        products,
        chain_index,
        link_index,
        leader,
        tags,
        revenue,
    )


def _park_name(short: str) -> str:
    """A park's full name from its short name in city.yaml (``lead@长沙高新区``)."""
    for p in facts.city()["parks"]:
        if p.get("short") == short:
            return str(p["name"])
    raise ValueError(f"chains.yaml: no park with the short name {short!r}")


def _scale_leaders(
    rng: np.random.Generator,
    revenue: np.ndarray,
    chain_index: np.ndarray,
    leader: np.ndarray,
    targets: dict[str, dict],
) -> None:
    """Scale each chain's leaders so the chain's revenue in the calibration year is the
    published figure (亿元): the leaders make what the other firms do not (at least 30 % of
    it, so a large demo does not erase its leaders), largest first in the order of the lead
    links. Their growth path is kept."""
    for ci, chain in enumerate(facts.chains()):
        spec = targets.get(chain.code)
        leads = np.flatnonzero((chain_index == ci) & leader)
        if spec is None or leads.size == 0:
            continue
        t = YEARS.index(int(spec["year"]))
        target = float(spec["value"]) * 1e4  # 万元
        others = float(np.nansum(revenue[(chain_index == ci) & ~leader, t]))
        need = max(target - others, 0.3 * target)
        # the first lead link in chains.yaml gets the largest leader (工程机械: 挖掘机械)
        shares = np.sort(rng.dirichlet(np.full(leads.size, 2.0)))[::-1]
        revenue[leads, :] *= (need * shares / revenue[leads, t])[:, None]


@dataclass
class YearFigures:
    """Long arrays, one entry per enterprise-year row."""

    enterprise: np.ndarray  # index into Enterprises
    year: np.ndarray
    columns: dict[str, np.ndarray]


def year_figures(seed: int, ent: Enterprises) -> YearFigures:
    """Yearly figures derived from revenue by typical ratios, with firm-level noise."""
    rng = np.random.default_rng([seed, 2])
    n, _t = ent.revenue.shape
    emerging = np.isin(
        ent.chain_index,
        [i for i, c in enumerate(facts.chains()) if c.kind in ("emerging", "service")],
    )
    # Firm-level constants (a firm keeps its character over the years).
    cal = facts.calibration()
    prod, land_cal = cal["productivity"], cal["land"]
    main_share = rng.uniform(0.72, 1.0, size=n)
    va_rate = rng.uniform(0.18, 0.36, size=n)
    tax_rate = rng.uniform(0.02, 0.05, size=n)
    # 万元 revenue per employee = p0 x (revenue / 2000)^elasticity x this firm's own factor
    productivity = rng.lognormal(0.0, float(prod["log_sd"]), size=n)
    rd_rate = np.clip(rng.gamma(2.0, np.where(emerging, 0.02, 0.01)), 0, 0.3)
    land_yield = rng.lognormal(
        np.log(float(land_cal["yield_median"])), float(land_cal["log_sd"]), size=n
    )
    energy_yield = rng.lognormal(np.log(3.0), 0.4, size=n)  # 万元 value added per tce
    emission_yield = rng.uniform(2000, 9000, size=n)  # 万元 value added per tonne
    debt = rng.beta(5, 5, size=n) * 0.95

    idx, col = np.nonzero(~np.isnan(ent.revenue))
    rev = ent.revenue[idx, col]
    noise = rng.normal(1.0, 0.04, size=(idx.size, 6))
    output = rev * rng.uniform(0.92, 1.08, size=idx.size)
    value_added = output * va_rate[idx] * noise[:, 0]
    rd = rev * rd_rate[idx] * noise[:, 1]
    per_head = (
        float(prod["p0"])
        * (rev / above_scale_revenue_wan()) ** float(prod["elasticity"])
        * productivity[idx]
    )
    employees = np.maximum(2, np.round(rev / per_head * noise[:, 2])).astype(int)
    # Land is the firm's plot, fixed over the years: sized on its first year's revenue.
    first = ent.revenue[np.arange(n), np.argmax(~np.isnan(ent.revenue), axis=1)]
    plot = np.round(np.maximum(1.0, np.nan_to_num(first, nan=0.0) / land_yield) * 2) / 2
    land = plot[idx]
    energy = value_added / energy_yield[idx] * noise[:, 3]
    cols = {
        "revenue": rev,
        "main_revenue": rev * main_share[idx],
        "output": output,
        "value_added": value_added,
        "tax": rev * tax_rate[idx] * noise[:, 4],
        "profit": rev * rng.normal(0.06, 0.05, size=idx.size),
        "employees": employees,
        "rd_spend": rd,
        "invention_patents": rng.poisson(np.minimum(rd / 150.0, 400)).astype(int),
        "land_mu": land,
        "energy_tce": energy,
        "electricity_mwh": energy * rng.uniform(4.0, 7.0, size=idx.size),
        "emissions_t": value_added / emission_yield[idx] * noise[:, 5],
        "debt_ratio": np.clip(debt[idx] + rng.normal(0, 0.03, size=idx.size), 0.02, 0.98),
    }
    return YearFigures(idx, np.asarray(YEARS)[col], cols)


def assign_tiers(seed: int, ent: Enterprises, fig: YearFigures) -> None:
    """Tags for recognised tiers (示例): 专精特新, 小巨人, 单项冠军, 高新技术企业."""
    rng = np.random.default_rng([seed, 3])
    n = len(ent.uscc)
    last = fig.year == YEARS[-1]
    rev = np.zeros(n)
    rd = np.zeros(n)
    rev[fig.enterprise[last]] = fig.columns["revenue"][last]
    rd[fig.enterprise[last]] = fig.columns["rd_spend"][last]
    intensity = np.divide(rd, rev, out=np.zeros(n), where=rev > 0)
    sme = (rev > 0) & (rev < 400000) & ~ent.leader
    srdi_pool = np.flatnonzero(sme & (intensity >= 0.03) & (rev >= 1000))
    srdi = rng.choice(srdi_pool, size=min(srdi_pool.size, int(n * 0.035)), replace=False)
    giant_pool = np.flatnonzero(sme & (intensity >= 0.03) & (rev >= 10000))
    giant_pool = np.intersect1d(giant_pool, srdi)
    giants = rng.choice(
        giant_pool, size=min(giant_pool.size, max(3, int(n * 0.005))), replace=False
    )
    champ_pool = np.flatnonzero((rev >= 40000) & (ent.chain_index >= 0))
    champions = rng.choice(
        champ_pool, size=min(champ_pool.size, max(2, int(n * 0.0006))), replace=False
    )
    high_tech = np.flatnonzero((intensity >= 0.03) & (rng.random(n) < 0.6))
    for label, members in (
        ("srdi", srdi),
        ("little_giant", giants),
        ("champion", champions),
        ("high_tech", high_tech),
    ):
        for i in members:
            ent.tags[i].append(label)
