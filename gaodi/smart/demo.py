"""Synthetic demo data (示例) for smart manufacturing: self-assessments over 2021–2023, solution
providers, recognitions (benchmark enterprises, demonstration factories and workshops), service
platforms, and a plan indicator fed by the level roll-up.

Nothing here describes a real enterprise or provider. Answers are drawn from a latent
"digital capability" per enterprise that grows year by year and is higher for larger and
专精特新 firms; the answers are then scored by the published rules
(:func:`gaodi.analytics.digital.score_response`), so every stored level is what the rules give.
Deterministic given the seed: every draw comes from ``random.Random`` seeded with a string,
every list is ordered by id, every timestamp is fixed.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from gaodi.analytics import digital
from gaodi.chains import loaders as chain_loaders
from gaodi.core import clock
from gaodi.core.codes import make_uscc
from gaodi.core.permissions import SYSTEM
from gaodi.enterprises import loaders as enterprise_loaders
from gaodi.plans.intake import add_demo_indicators
from gaodi.smart import service
from gaodi.smart.models import Assessment, Recognition, ServicePlatform, SolutionProvider
from gaodi.smart.schemas import DEFAULT_SCHEME

#: When the demo's yearly roll-ups are reported (the dataset is as of 2023-12; like the demo
#: builder's own timestamps, mid-January 2024).
DEMO_NOW = datetime(2024, 1, 15, 9, 0)
YEARS = (2021, 2022, 2023)
#: Enterprises assessed, providers, recognitions and platforms per demo size.
COUNTS: dict[str, dict[str, int]] = {
    "small": {"assessed": 300, "providers": 50, "recognitions": 30, "platforms": 8},
    "medium": {"assessed": 3000, "providers": 200, "recognitions": 80, "platforms": 14},
    "large": {"assessed": 6000, "providers": 220, "recognitions": 120, "platforms": 16},
}
INDICATOR = {
    "code": "digital_level2_share",
    "name": "规上工业企业数字化水平二级及以上占比（自评）",
    "unit": "%",
    "aggregation": "point",
    "kind": "level",
    "owner": "市工信局智能制造处",
    "frequency": "yearly",
    "description": (
        "规上工业企业中，最近一次中小企业数字化水平自评达到二级及以上的比例（示例指标，由自评汇总"
        "smart:rollup 写入）。"
    ),
}
_SYLLABLES = "智联云数工创芯视链达科拓擎图灵睿算模控网安信融汇湘麓星岳楚航精准优维"
_SUFFIX = ("智能科技有限公司", "信息技术有限公司", "数字科技有限公司", "工业互联网有限公司",
           "自动化有限公司", "软件有限公司")  # fmt: skip
CATEGORIES = {
    "integrator": ("integration", "production_operation", "planning_scheduling", "equipment"),
    "software": ("product_design", "process_design", "planning_scheduling", "data", "sales"),
    "equipment": ("equipment", "equipment_management", "production_operation", "logistics"),
    "network": ("network", "info_security", "integration"),
    "consulting": ("org_strategy", "personnel_skills", "data"),
    "cloud": ("data", "integration", "info_security", "customer_service", "procurement"),
}
CLIENTS = ("零部件", "整机", "材料", "电子", "食品")
PROJECTS = ("智能产线改造", "数字化车间建设", "MES实施", "设备联网", "能耗监测")
ISSUERS = {
    "national": "工业和信息化部等（示例）",
    "provincial": "湖南省工业和信息化厅（示例）",
    "municipal": "长沙市工业和信息化局（示例）",
}
OTHER_REGIONS = ("440300", "330100", "310000", "110000", "320500", "420100", "510100")


def _rng(seed: int, *parts: object) -> random.Random:
    return random.Random(":".join(["smart", str(seed), *map(str, parts)]))


def _day(rng: random.Random, year: int) -> date:
    return date(year, 3, 1) + timedelta(days=rng.randint(0, 250))


class _Firm:
    __slots__ = ("chains", "employees", "id", "industry", "name", "revenue", "tags", "uscc")

    def __init__(self, row: Any) -> None:
        self.id, self.uscc, self.name, self.industry, self.tags = (
            int(row[0]), row[1], row[2], row[3] or "", list(row[4] or []),
        )  # fmt: skip
        self.revenue = 0.0
        self.employees = 0
        self.chains: list[int] = []


def _firms(session: Session) -> list[_Firm]:
    firms = {int(r[0]): _Firm(r) for r in enterprise_loaders.every_identity(session)}
    for eid, rev, emp in enterprise_loaders.year_figures(session, 2023, ("revenue", "employees")):
        if int(eid) in firms:
            firms[int(eid)].revenue = float(rev or 0.0)
            firms[int(eid)].employees = int(emp or 0)
    for eid, cid in chain_loaders.current_assignments(session):
        if int(eid) in firms:
            firms[int(eid)].chains.append(int(cid))
    return list(firms.values())


def _capability(firm: _Firm, rng: random.Random) -> float:
    """Latent digital capability in 2021 (0..1): larger, srdi and chain firms start higher."""
    size = math.log10(max(firm.revenue, 100.0))  # 万元: 2 (100万) .. 6 (100亿)
    base = 0.25 + 0.09 * (size - 3.0)
    if {"srdi", "little_giant", "champion"} & set(firm.tags):
        base += 0.10
    if "leader" in firm.tags:
        base += 0.08
    if firm.chains:
        base += 0.03
    return min(0.9, max(0.03, rng.gauss(base, 0.09)))


def _answers(
    s: digital.Scheme, theta: float, rng: random.Random
) -> tuple[dict[str, Any], dict[str, int]]:
    items: dict[str, Any] = {}
    for it in s.items:
        opts = sorted(it.options, key=lambda o: o.points)
        if it.kind == "single":
            k = sum(rng.random() < theta for _ in range(len(opts) - 1))
            items[it.code] = opts[k].code
        else:
            chosen = [o.code for o in it.options if not o.exclusive and rng.random() < theta]
            none = [o.code for o in it.options if o.exclusive]
            items[it.code] = chosen or none[:1] or [it.options[0].code]
    scen = {}
    for sc in s.scenarios:
        lift = 0.08 if sc.binding else 0.0
        scen[sc.code] = sum(rng.random() < min(0.97, theta + lift + 0.1) for _ in range(4))
    return items, scen


def _listed(items: dict[str, Any]) -> dict[str, list[str]]:
    return {k: sorted([v] if isinstance(v, str) else v) for k, v in items.items()}


def _assessments(
    session: Session, seed: int, firms: list[_Firm], n: int
) -> dict[int, tuple[int, int]]:
    """Insert the assessments; return {enterprise_id: (latest level, latest year)}."""
    s = service.scheme(DEFAULT_SCHEME)
    pick = _rng(seed, "pick")
    weights = []
    for f in firms:
        w = 1.0 + (2.0 if f.revenue >= 2000 else 0.0) + (2.0 if "srdi" in f.tags else 0.0)
        weights.append(w + (0.5 if f.chains else 0.0))
    chosen: set[int] = {firms[0].id} if firms else set()
    keys = sorted(
        ((pick.random() ** (1.0 / w), f.id) for f, w in zip(firms, weights, strict=True)),
        reverse=True,
    )
    for _key, fid in keys:
        if len(chosen) >= min(n, len(firms)):
            break
        chosen.add(fid)
    rows: list[dict[str, Any]] = []
    latest: dict[int, tuple[int, int]] = {}
    for f in firms:
        if f.id not in chosen:
            continue
        rng = _rng(seed, "assess", f.id)
        theta = _capability(f, rng)
        first = 2021 if f.id == firms[0].id else rng.choice((2021, 2021, 2022, 2022, 2023))
        for year in YEARS:
            if year < first:
                continue
            skip = rng.random() < 0.15 and f.id != firms[0].id  # the demo user's firm: yearly
            if year > first and skip:  # skipped a year
                continue
            items, scen = _answers(s, theta, rng)
            res = digital.score_response(s, items, scen)
            day = _day(rng, year)
            rows.append(
                {
                    "enterprise_id": f.id,
                    "scheme_id": s.id,
                    "scheme_version": s.version,
                    "assessed_on": day,
                    "answers": {"items": _listed(items), "scenarios": scen},
                    "scores": {
                        "by_dimension": dict(res.by_dimension),
                        "item_points": dict(res.item_points),
                    },
                    "total": res.total,
                    "level": res.level,
                    "level_name": res.level_name_zh,
                    "caveats": list(res.caveats),
                    "assessor": "示例填报人",
                    "source": "demo",
                    "comment": None,
                    "created_by": "demo",
                    "created_at": datetime(day.year, day.month, day.day, 2, 0),
                    "is_demo": True,
                }
            )
            latest[f.id] = (res.level, year)
            theta = min(0.95, theta + rng.uniform(0.02, 0.09))  # a year of progress
    rows.sort(key=lambda r: (r["assessed_on"], r["enterprise_id"]))
    for i in range(0, len(rows), 5000):
        session.execute(insert(Assessment), rows[i : i + 5000])
    return latest


def _provider_name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = "湖南" if rng.random() < 0.3 else ""
        name += rng.choice(_SYLLABLES) + rng.choice(_SYLLABLES) + rng.choice(_SUFFIX)
        if name not in used:
            used.add(name)
            return name


def _industries(firms: list[_Firm]) -> list[str]:
    counts: dict[str, int] = defaultdict(int)
    for f in firms:
        if len(f.industry) >= 2:
            counts[f.industry[:2]] += 1
    return [code for code, _n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:20]]


def _k(values: list[str], rng: random.Random) -> int:
    return min(len(values), rng.randint(1, 4))


def _providers(session: Session, seed: int, firms: list[_Firm], n: int) -> None:
    rng = _rng(seed, "providers")
    divisions = _industries(firms) or ["35"]
    used: set[str] = set()
    rows = []
    subs = sorted(service.subdomain_names())
    for i in range(n):
        category = rng.choice(sorted(CATEGORIES))
        caps = set(rng.sample(CATEGORIES[category], k=min(3, len(CATEGORIES[category]))))
        caps |= set(rng.sample(subs, k=rng.randint(0, 2)))
        local = rng.random() < 0.55
        region = rng.choice(("430102", "430104", "430111", "430121")) if local else None
        region = region or rng.choice(OTHER_REGIONS)
        refs = [
            {
                "title": f"{rng.choice(CLIENTS)}企业{rng.choice(PROJECTS)}（示例）",
                "client": "某制造企业",
                "year": rng.randint(2018, 2023),
            }
            for _ in range(min(30, int(rng.expovariate(1 / 6))))
        ]
        rows.append(
            {
                "name": _provider_name(rng, used),
                "uscc": make_uscc(region, random.Random(f"{seed}:prov:{i}")),
                "region_code": region,
                "local": local,
                "category": category,
                "capabilities": sorted(caps),
                "industries": sorted(
                    rng.sample(divisions, k=min(len(divisions), rng.randint(1, 4)))
                ),
                "reference_projects": refs,
                "recognition": (
                    "湖南省智能制造系统解决方案供应商（示例）" if rng.random() < 0.15 else None
                ),
                "website": None,
                "description": "示例服务商（合成数据，非真实企业）。",
                "is_demo": True,
                "created_at": DEMO_NOW,
                "updated_at": DEMO_NOW,
            }
        )
    session.execute(insert(SolutionProvider), rows)


def _recognitions(
    session: Session, seed: int, firms: list[_Firm], latest: dict[int, tuple[int, int]], n: int
) -> None:
    rng = _rng(seed, "recognitions")
    by_id = {f.id: f for f in firms}
    strong = sorted(eid for eid, (lv, _y) in latest.items() if lv >= 3)
    rest = sorted(eid for eid, (lv, _y) in latest.items() if lv == 2)
    pool = strong + rng.sample(rest, k=min(len(rest), max(0, n - len(strong))))
    rows = []
    subs = sorted(service.subdomain_names())
    for eid in pool[:n]:
        f = by_id[eid]
        kind = rng.choices(("benchmark", "factory", "workshop"), weights=(2, 2, 3))[0]
        level = rng.choices(("national", "provincial", "municipal"), weights=(1, 3, 6))[0]
        issuer = ISSUERS[level]
        short = f.name[2:6] if len(f.name) > 6 else f.name
        title = {"benchmark": None, "factory": f"{short}智能工厂", "workshop": f"{short}数字化车间"}
        rows.append(
            {
                "kind": kind,
                "enterprise_id": eid,
                "name": f.name,
                "title": title[kind],
                "year": rng.choice(YEARS),
                "level": level,
                "issuer": issuer,
                "scenarios": sorted(rng.sample(subs, k=2)),
                # both halves: an English page cites it in English (Provenance.describe)
                "source": "示例数据（合成），非真实认定名单 (synthetic demo data, not a real list)",
                "is_demo": True,
                "created_at": DEMO_NOW,
            }
        )
    rows.sort(key=lambda r: (r["year"], r["enterprise_id"]))
    if rows:
        session.execute(insert(Recognition), rows)


def _platforms(session: Session, seed: int, n: int) -> None:
    rng = _rng(seed, "platforms")
    kinds = ("industrial_internet", "public_service", "testing", "innovation_center", "training")
    names = {
        "industrial_internet": "工业互联网平台",
        "public_service": "中小企业数字化转型公共服务平台",
        "testing": "智能制造检验检测公共服务平台",
        "innovation_center": "智能制造创新中心",
        "training": "数字化人才实训基地",
    }
    services = {
        "industrial_internet": ["设备上云", "数据采集", "工业APP"],
        "public_service": ["诊断评估", "政策咨询", "供需对接"],
        "testing": ["检验检测", "标准验证", "网络安全测评"],
        "innovation_center": ["共性技术研发", "中试验证"],
        "training": ["数字化人才培训", "技能认证"],
    }
    subs = sorted(service.subdomain_names())
    rows = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        prefix = rng.choice(("长沙", "湘江", "麓谷", "星沙", "岳麓"))
        rows.append(
            {
                "name": f"{prefix}{names[kind]}（示例{i + 1}）",
                "kind": kind,
                "level": rng.choices(("national", "provincial", "municipal"), (1, 3, 4))[0],
                "operator": f"{prefix}示例运营机构",
                "year": rng.randint(2018, 2023),
                "services": services[kind],
                "capabilities": sorted(rng.sample(subs, k=3)),
                "industries": [],
                "local": True,
                "url": None,
                "description": "示例平台（合成数据）。",
                "is_demo": True,
                "created_at": DEMO_NOW,
            }
        )
    session.execute(insert(ServicePlatform), rows)


def _indicator(session: Session) -> None:
    """A plan indicator fed by the roll-up: one value per year, through the plans intake."""
    from gaodi.smart.rollup import record_rollup_observation

    add_demo_indicators(session, [INDICATOR])
    with clock.frozen(DEMO_NOW):
        for year in YEARS:
            record_rollup_observation(
                session,
                SYSTEM,
                indicator=INDICATOR["code"],
                period=str(year),
                level=2,
                confirm=True,
                reason="示例数据：由自评汇总生成",
            )


def build_demo(session: Session, seed: int, size: str) -> dict[str, int]:
    """Write the smart-manufacturing demo rows into ``session`` (the builder's transaction)."""
    counts = COUNTS.get(size, COUNTS["small"])
    firms = _firms(session)
    latest = _assessments(session, seed, firms, counts["assessed"])
    _providers(session, seed, firms, counts["providers"])
    _recognitions(session, seed, firms, latest, counts["recognitions"])
    _platforms(session, seed, counts["platforms"])
    session.flush()
    _indicator(session)
    session.flush()
    return {"assessed": len(latest), **counts}
