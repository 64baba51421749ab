"""``gaodi demo build``: the Changsha demo city, deterministic given size and seed.

Public facts (the plan, its actions and targets, clusters, parks, confirmed chain names) come
from the package's data files with their sources; everything else is synthetic, flagged
``is_demo`` and labelled 示例数据 wherever it is shown or exported.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
from sqlalchemy import Engine, delete, func, insert, inspect, select, text

from gaodi import migrate
from gaodi.analytics import above_scale
from gaodi.analytics.rulefiles import above_scale_revenue_wan
from gaodi.core import clock
from gaodi.core.errors import ConflictError, ValidationError
from gaodi.core.reference import industry_codes, regions
from gaodi.demo import facts, peers, series, synth
from gaodi.models import (
    Action,
    AuditEvent,
    Base,
    Chain,
    Cluster,
    Enterprise,
    EnterpriseLink,
    EnterpriseYear,
    ExternalEnterprise,
    Indicator,
    IndustryCode,
    Link,
    Observation,
    PanelValue,
    Park,
    Plan,
    Region,
    SystemInfo,
    Target,
    TierFact,
    cluster_chain,
)

SIZES: dict[str, dict[str, int]] = {
    "small": {"enterprises": 2_000, "pool": 20_000},
    "medium": {"enterprises": 30_000, "pool": 100_000},
    "large": {"enterprises": 300_000, "pool": 300_000},
}
#: Timestamps of the demo's own rows: fixed, so the content hash depends on size and seed only.
DEMO_CLOCK = datetime(2024, 1, 15, 9, 0)
#: Tables the builder never touches (accounts and the audit log survive a rebuild).
KEEP = {"user_account", "user_scope", "api_token", "audit_event", "alembic_version"}
DATASET_KEY = "dataset"

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class BuildResult:
    size: str
    seed: int
    counts: dict[str, int]


def _noop(_stage: str, _fraction: float) -> None:
    return None


def dataset_info(engine: Engine) -> dict[str, Any] | None:
    with engine.connect() as conn:
        value = conn.execute(
            select(SystemInfo.value).where(SystemInfo.key == DATASET_KEY)
        ).scalar_one_or_none()
    return value if isinstance(value, dict) else None


def _has_real_data(engine: Engine) -> bool:
    with engine.connect() as conn:
        for model in (Enterprise, Park, Chain, Plan, Indicator):
            n = conn.execute(
                select(func.count()).select_from(model).where(model.is_demo.is_(False))
            ).scalar_one()
            if n:
                return True
    return False


def _tables(conn: Any) -> list[Any]:
    """The demo's tables that exist in this database, parents before children."""
    present = set(inspect(conn).get_table_names())
    return [t for t in Base.metadata.sorted_tables if t.name in present and t.name not in KEEP]


def _wipe(conn: Any) -> None:
    for table in reversed(_tables(conn)):
        conn.execute(delete(table))


def _chunks(rows: list[dict], size: int = 20_000):  # type: ignore[no-untyped-def]
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _insert(conn: Any, table: Any, rows: list[dict]) -> None:
    for chunk in _chunks(rows):
        conn.execute(insert(table), chunk)


def build(
    engine: Engine,
    size: str = "medium",
    seed: int = 2021,
    force: bool = False,
    progress: Progress = _noop,
) -> BuildResult:
    """Build the demo city into ``engine``'s database (migrated first).

    Refuses to touch a database holding non-demo data; rebuilding an existing demo needs
    ``force``. Everything is written in one transaction: a failure leaves the database as it was.
    """
    if size not in SIZES:
        raise ValidationError(
            f"未知的示例规模“{size}”，可选：small、medium、large。",
            f"Unknown demo size '{size}'; choose small, medium or large.",
        )
    migrate.upgrade(engine)
    if _has_real_data(engine):
        raise ConflictError(
            "数据库中已有非示例数据，示例城市不会覆盖它。请使用另一个数据库（GAODI_DATABASE_URL）。",
            "The database holds non-demo data; the demo will not overwrite it. Use another "
            "database (GAODI_DATABASE_URL).",
        )
    existing = dataset_info(engine)
    if existing and not force:
        raise ConflictError(
            "示例城市已存在；使用 --force 重建，或 --if-missing 跳过。",
            "The demo city already exists; use --force to rebuild it or --if-missing to skip.",
        )
    spec = SIZES[size]
    with engine.begin() as conn:
        progress("reset", 0.0)
        _wipe(conn)
        _code_lists(conn)
        progress("code lists", 0.05)
        park_ids, _chain_ids, link_ids = _structure(conn)
        progress("parks, clusters, chains", 0.1)
        _ent_ids, ent, fig, local_by_link = _enterprises(
            conn, seed, spec["enterprises"], park_ids, link_ids, progress
        )
        progress("external pool", 0.65)
        used = set(ent.uscc)
        _insert(
            conn,
            ExternalEnterprise.__table__,
            peers.external_pool(seed, spec["pool"], local_by_link, used),
        )
        progress("peer panel", 0.8)
        _panel(conn, seed, ent, fig)
        progress("plan and observations", 0.9)
        _plan(conn, seed, ent, fig, park_ids)
        _act(conn, seed, size)
        _smart(conn, seed, size)
        # built on the city's clock: the day the demo lives on (GAODI_TODAY if set), at the time
        # its seeded steps end (DEMO_CLOCK, in the city's zone; the overview names the zone).
        # The clock anchor says so: from this real moment on, steps are stamped after it on
        # that day and never go backwards (gaodi.core.clock.on_configured_day)
        day = clock.configured_day({"demo": True, "today": DEMO_CLOCK.date().isoformat()})
        start = clock.local(DEMO_CLOCK).time()
        built_real = clock.real_now().replace(microsecond=0)
        built_at = datetime.combine(day or DEMO_CLOCK.date(), start, tzinfo=clock.timezone())
        info = {
            "demo": True,
            "size": size,
            "seed": seed,
            "city": "430100",
            "label_zh": "示例数据",
            "label_en": "synthetic demo data",
            "built_at": built_at.isoformat(),
            "clock_anchor": built_real.isoformat(),
            "clock_start": start.isoformat(),
            "as_of": "2023-12",
            # the city's today on the demo (gaodi.core.clock): December's figures are in
            "today": DEMO_CLOCK.date().isoformat(),
            "version": 1,
        }
        conn.execute(
            insert(SystemInfo.__table__),
            [{"key": DATASET_KEY, "value": info, "updated_at": DEMO_CLOCK}],
        )
        counts = _counts(conn)
        conn.execute(
            insert(AuditEvent.__table__),
            [
                {
                    "at": clock.utc(built_at.replace(tzinfo=None)),
                    "actor": "system",
                    "entity": "dataset",
                    "entity_id": "demo",
                    "action": "demo_build",
                    "before": existing,
                    "after": {**info, "counts": counts},
                    "note": f"gaodi demo build --size {size} --seed {seed}",
                }
            ],
        )
    clock.forget_dataset()  # this process asks the new record for the city's today
    progress("done", 1.0)
    return BuildResult(size, seed, counts)


def _counts(conn: Any) -> dict[str, int]:
    return {
        table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
        for table in _tables(conn)
    }


def _code_lists(conn: Any) -> None:
    region_rows = [
        {"code": r.code, "name": r.name, "level": r.level, "parent_code": r.parent}
        for r in regions()
    ]
    # Parents before children: provinces, prefectures, counties.
    order = {"province": 0, "prefecture": 1, "county": 2}
    region_rows.sort(key=lambda r: (order[r["level"]], r["code"]))
    _insert(conn, Region.__table__, region_rows)
    level_order = {"section": 0, "division": 1, "group": 2, "class": 3}
    ind_rows = [
        {"code": r.code, "name": r.name, "level": r.level, "parent_code": r.parent}
        for r in sorted(industry_codes(), key=lambda r: (level_order[r.level], r.code))
    ]
    _insert(conn, IndustryCode.__table__, ind_rows)


def _structure(conn: Any) -> tuple[list[int], dict[str, int], list[int]]:
    city = facts.city()
    park_ids: list[int] = []
    for p in city["parks"]:
        source = p.get("source", "")
        if p.get("area_synthetic"):
            source += "；面积为示例数据 (area is synthetic)"
        if p.get("level_status") == "uncertain":
            source += "；级别待核实 (level uncertain)"
        pid = conn.execute(
            insert(Park.__table__).returning(Park.__table__.c.id),
            [
                {
                    "name": p["name"],
                    "short_name": p.get("short"),
                    "level": p["level"],
                    "kind": p.get("kind"),
                    "region_code": p["region"],
                    "area_mu": float(p["area_mu"]),
                    "founded_year": p.get("founded"),
                    "main_industries": p.get("main", []),
                    "special_industries": p.get("special", []),
                    "source": source,
                    "is_demo": True,
                    "created_at": DEMO_CLOCK,
                    "updated_at": DEMO_CLOCK,
                }
            ],
        ).scalar_one()
        park_ids.append(pid)
    chain_ids: dict[str, int] = {}
    link_ids: list[int] = []
    for chain in facts.chains():
        cid = conn.execute(
            insert(Chain.__table__).returning(Chain.__table__.c.id),
            [
                {
                    "code": chain.code,
                    "name": chain.name,
                    "kind": chain.kind,
                    "office": f"长沙市{chain.name}产业链推进办公室（示例）",
                    "chief": None,
                    "name_status": chain.name_status,
                    "source": chain.source,
                    "description": "环节树为示例数据 (link tree is synthetic)",
                    "is_demo": True,
                    "created_at": DEMO_CLOCK,
                    "updated_at": DEMO_CLOCK,
                }
            ],
        ).scalar_one()
        chain_ids[chain.code] = cid
        by_name: dict[str, int] = {}
        for link in chain.links:
            lid = conn.execute(
                insert(Link.__table__).returning(Link.__table__.c.id),
                [
                    {
                        "chain_id": cid,
                        "parent_id": by_name.get(link.parent) if link.parent else None,
                        "code": link.code,
                        "name": link.name,
                        "segment": link.segment,
                        "industry_codes": list(link.industry_codes),
                        "keywords": list(link.keywords),
                        "exclude_keywords": [],
                        "key_link": link.key_link,
                        "sort_order": link.sort_order,
                        "description": None,
                    }
                ],
            ).scalar_one()
            by_name[link.name] = lid
            link_ids.append(lid)
    for cl in city["clusters"]:
        clid = conn.execute(
            insert(Cluster.__table__).returning(Cluster.__table__.c.id),
            [
                {
                    "name": cl["name"],
                    "tier": cl["tier"],
                    "status": cl["status"],
                    "year": cl.get("year"),
                    "park_id": None,
                    "source": cl["source"],
                    "is_demo": True,
                }
            ],
        ).scalar_one()
        rows = [{"cluster_id": clid, "chain_id": chain_ids[c]} for c in cl["chains"]]
        conn.execute(insert(cluster_chain), rows)
    return park_ids, chain_ids, link_ids


def _enterprises(
    conn: Any, seed: int, n: int, park_ids: list[int], link_ids: list[int], progress: Progress
) -> tuple[list[int], synth.Enterprises, synth.YearFigures, dict[int, list[int]]]:
    city = facts.city()
    names = [p["name"] for p in city["parks"]]
    weights = np.array([p["weight"] for p in city["parks"]], dtype=float)
    park_regions = [p["region"] for p in city["parks"]]
    ent = synth.enterprises(seed, n, names, weights, park_regions)
    progress("enterprises", 0.25)
    fig = synth.year_figures(seed, ent)
    synth.assign_tiers(seed, ent, fig)
    rng = np.random.default_rng([seed, 4])
    rows = []
    for i in range(n):
        founded = int(ent.founded_year[i])
        rows.append(
            {
                "id": i + 1,
                "uscc": ent.uscc[i],
                "name": ent.name[i],
                "region_code": ent.region_code[i],
                "park_id": park_ids[ent.park_index[i]] if ent.park_index[i] >= 0 else None,
                "industry_code": ent.industry_code[i],
                "founded": date(founded, int(rng.integers(1, 13)), int(rng.integers(1, 29))),
                "scope_text": ent.scope[i],
                "products": ent.products[i],
                "tags": ent.tags[i],
                "is_demo": True,
                "created_at": DEMO_CLOCK,
                "updated_at": DEMO_CLOCK,
            }
        )
    _insert(conn, Enterprise.__table__, rows)
    progress("enterprise years", 0.4)
    cols = fig.columns
    year_rows = []
    niche_rows: list[dict[str, Any]] = []
    niche = rng.integers(1, 15, size=n)
    for k in range(fig.enterprise.size):
        i = int(fig.enterprise[k])
        row = {"enterprise_id": i + 1, "year": int(fig.year[k])}
        for name, arr in cols.items():
            value = arr[k]
            row[name] = (
                int(value)
                if name in ("employees", "invention_patents")
                else round(float(value), 2 if name != "debt_ratio" else 4)
            )
        year_rows.append(row)
        # years in the niche is what an enterprise declares (企业申报), not a statistic: a tier
        # fact of a synthetic enterprise (its page says 示例数据), no longer a pretend figure in
        # ``extra`` shown as 统计数据
        niche_rows.append(
            {
                "enterprise_id": i + 1,
                "year": int(fig.year[k]),
                "field": "years_in_niche",
                "value": float(min(niche[i], fig.year[k] - ent.founded_year[i])),
                "source": "self_declared",
                "declaration_id": None,
                "updated_by": "demo",
                "updated_at": DEMO_CLOCK,
            }
        )
    _insert(conn, EnterpriseYear.__table__, year_rows)
    _insert(conn, TierFact.__table__, niche_rows)
    progress("chain links", 0.55)
    link_rows = []
    local_by_link: dict[int, list[int]] = defaultdict(list)
    conf = rng.uniform(0.6, 0.95, size=n)
    for i in range(n):
        li = int(ent.link_index[i])
        if li < 0:
            continue
        local_by_link[li].append(i + 1)
        link_rows.append(
            {
                "enterprise_id": i + 1,
                "link_id": link_ids[li],
                "source": "rule",
                "confidence": round(float(conf[i]), 3),
                "excluded": False,
                "reason": "行业代码与关键词匹配（示例）",
                "valid_from": DEMO_CLOCK,
                "valid_to": None,
                "created_by": "demo",
            }
        )
    _insert(conn, EnterpriseLink.__table__, link_rows)
    if conn.dialect.name == "postgresql":
        for table in ("enterprise",):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )
            )
    return list(range(1, n + 1)), ent, fig, dict(local_by_link)


def _panel(conn: Any, seed: int, ent: synth.Enterprises, fig: synth.YearFigures) -> None:
    groups = set(peers.manufacturing_groups())
    out: dict[tuple[str, int], float] = defaultdict(float)
    emp: dict[tuple[str, int], float] = defaultdict(float)
    codes = np.array([c[:3] for c in ent.industry_code])
    ecodes = codes[fig.enterprise]
    for k in range(fig.enterprise.size):
        group = str(ecodes[k])
        if group in groups:
            key = (group, int(fig.year[k]))
            out[key] += float(fig.columns["output"][k]) / 1e4  # 亿元
            emp[key] += float(fig.columns["employees"][k]) / 1e4  # 万人
    _insert(conn, PanelValue.__table__, peers.panel(seed, dict(out), dict(emp)))


def _derived(ent: synth.Enterprises, fig: synth.YearFigures, park_count: int) -> dict[str, dict]:
    """Series counted from the microdata: parks over 千亿/3000亿, above-scale enterprises
    (规上工业企业 as the rule file defines them, :mod:`gaodi.analytics.above_scale`: industrial
    and main-business revenue at the threshold, the count the eligibility page gives)."""
    years = series.PLAN_YEARS
    park_of = ent.park_index[fig.enterprise]
    industrial = above_scale.industrial_mask(ent.industry_code)[fig.enterprise]
    out: dict[str, dict] = {
        "parks_over_1000yi": {},
        "parks_over_3000yi": {},
        "above_scale_count": {},
    }
    for year in (2020, *years):
        mask = fig.year == year
        totals = (
            np.bincount(
                park_of[mask & (park_of >= 0)],
                weights=fig.columns["output"][mask & (park_of >= 0)],
                minlength=park_count,
            )
            / 1e4
        )  # 亿元
        out["parks_over_1000yi"][year] = int((totals >= 1000).sum())
        out["parks_over_3000yi"][year] = int((totals >= 3000).sum())
        out["above_scale_count"][year] = int(
            (
                industrial[mask] & (fig.columns["main_revenue"][mask] >= above_scale_revenue_wan())
            ).sum()
        )
    return out


def _plan(
    conn: Any, seed: int, ent: synth.Enterprises, fig: synth.YearFigures, park_ids: list[int]
) -> None:
    city = facts.city()
    p = city["plan"]
    plan_id = conn.execute(
        insert(Plan.__table__).returning(Plan.__table__.c.id),
        [
            {
                "title": p["title"],
                "region_code": city["city"]["code"],
                "period_start": p["period_start"],
                "period_end": p["period_end"],
                "status": p["status"],
                "source_name": p["source_name"],
                "source_text": facts.plan_text(),
                "adopted_at": datetime(2021, 2, 20),
                "adopted_by": "demo",
                "is_demo": True,
                "created_at": DEMO_CLOCK,
            }
        ],
    ).scalar_one()
    action_ids = {}
    for order, a in enumerate(p["actions"]):
        action_ids[a["number"]] = conn.execute(
            insert(Action.__table__).returning(Action.__table__.c.id),
            [
                {
                    "plan_id": plan_id,
                    "number": a["number"],
                    "title": a["title"],
                    "text": _action_text(a["title"]),
                    "sort_order": order,
                }
            ],
        ).scalar_one()
    derived = _derived(ent, fig, len(park_ids))
    for index, spec in enumerate(city["indicators"]):
        synthetic_any = any(t.get("synthetic", True) for t in spec["targets"])
        ind_id = conn.execute(
            insert(Indicator.__table__).returning(Indicator.__table__.c.id),
            [
                {
                    "code": spec["code"],
                    "name": spec["name"],
                    "unit": spec["unit"],
                    "aggregation": spec.get("aggregation", "cumulative"),
                    "direction": spec.get("direction", "higher"),
                    "kind": spec.get("kind", "level"),
                    "owner": spec.get("owner"),
                    "frequency": spec.get("frequency", "monthly"),
                    "deadline_day": 5,
                    "description": "示例监测指标 (synthetic monitoring indicator)"
                    if synthetic_any
                    else None,
                    "is_demo": True,
                }
            ],
        ).scalar_one()
        source = spec.get("derived")
        for t in spec["targets"]:
            value = t.get("value")
            baseline = t.get("baseline")
            if source:
                counts = derived[source]
                baseline = counts[2020] if baseline is None else baseline
                if value is None:
                    value = float(round(counts[2020] * (1 + t["growth_over_baseline"])))
            synthetic = t.get("synthetic", True)
            note = None if not synthetic else "示例目标"
            if t.get("synthetic_baseline"):
                note = "基期值为示例数据 (baseline is synthetic)"
            conn.execute(
                insert(Target.__table__),
                [
                    {
                        "plan_id": plan_id,
                        "action_id": action_ids[spec["action"]],
                        "indicator_id": ind_id,
                        "indicator_name": spec["name"],
                        "scope": "city",
                        "scope_id": 0,
                        "value": float(value),
                        "value_max": None,
                        "unit": spec["unit"],
                        "year": t["year"],
                        "comparator": t.get("comparator", ">="),
                        "baseline": None if baseline is None else float(baseline),
                        "baseline_year": t.get("baseline_year"),
                        "quote": t.get("quote"),
                        "note": note,
                    }
                ],
            )
        if source:
            obs = [
                series.Obs(str(y), float(v), "current", 1, "approved", datetime(y + 1, 1, 8, 10, 0))
                for y, v in sorted(derived[source].items())
                if y in series.PLAN_YEARS
            ]
        else:
            obs = series.indicator_series(spec, seed, index)
        conn.execute(
            insert(Observation.__table__),
            [
                {
                    "indicator_id": ind_id,
                    "scope": "city",
                    "scope_id": 0,
                    "period": o.period,
                    "value": o.value,
                    "kind": o.kind,
                    "revision": o.revision,
                    "status": o.status,
                    "submitted_by": spec.get("owner") or "demo",
                    "submitted_at": o.submitted_at,
                    "source": "示例数据",
                    "comment": o.comment,
                    "is_demo": True,
                }
                for o in obs
            ],
        )


def _action_text(title: str) -> str | None:
    """The action's original text (原文) from the plan article, when it can be found."""
    lines = facts.plan_text().splitlines()
    for i, line in enumerate(lines):
        if line.strip().endswith(title) and i + 2 < len(lines) and lines[i + 1].strip() == "原文":
            return lines[i + 2].strip()
    return None


def _act(conn: Any, seed: int, size: str) -> None:
    """Projects, challenges and appeals, when that feature is installed."""
    try:
        from gaodi.projects.demo import build_demo
    except ImportError:
        return
    from sqlalchemy.orm import Session

    session = Session(bind=conn)
    session.info["actor"] = "demo"
    build_demo(session, seed, size)
    session.flush()


def _smart(conn: Any, seed: int, size: str) -> None:
    """Smart-manufacturing assessments and registries, when that feature is installed."""
    try:
        from gaodi.smart.demo import build_demo
    except ImportError:
        return
    from sqlalchemy.orm import Session

    session = Session(bind=conn)
    session.info["actor"] = "demo"
    build_demo(session, seed, size)
    session.flush()


def content_hash(engine: Engine) -> str:
    """SHA-256 over every demo table's rows in primary-key order (accounts, audit excluded).

    Two builds with the same size and seed give the same hash; when it was built (``built_at``
    and the clock anchor's real moment) is left out.
    """
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table in _tables(conn):
            pk = list(table.primary_key.columns) or list(table.columns)
            digest.update(table.name.encode())
            for row in conn.execute(select(table).order_by(*pk)):
                values = dict(row._mapping)
                if table.name == "system_info" and isinstance(values.get("value"), dict):
                    values["value"] = sorted(
                        (k, v)
                        for k, v in values["value"].items()
                        if k not in ("built_at", "clock_anchor")
                    )
                digest.update(repr(tuple(values.values())).encode())
    return digest.hexdigest()
