"""Synthetic demo data (示例) for major projects, 揭榜挂帅 challenges and enterprise appeals.

:func:`build_demo` runs inside the demo builder after enterprises, chains and parks exist; it
reads them through the session and writes rows with Core inserts (one audit summary is written
by the builder). Deterministic given the seed: every random draw comes from ``random.Random``
seeded with a string (stable across processes), every list is ordered by id, every timestamp is
derived from the draws. The workflows are simulated up to :data:`DEMO_TODAY` (the dataset is
as of 2023-12): every creation and transition is stamped on the demo's timeline, 2020-07 to
2023-12, so views as of a past day rebuild that day (:mod:`gaodi.core.asof`). The demo city's
today (:mod:`gaodi.core.clock`) is the dataset record's, two weeks later.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from gaodi.chains import loaders as chain_loaders
from gaodi.core.codes import make_uscc
from gaodi.enterprises import loaders as enterprise_loaders
from gaodi.parks import loaders as park_loaders
from gaodi.projects import demo_cases, demo_text
from gaodi.projects.models import (
    Project,
    ProjectEvent,
    ProjectProgress,
    ProjectStage,
    ProjectYearPlan,
)

DEMO_TODAY = date(2023, 12, 31)
#: 16:00 in Changsha on the last day of the demo (timestamps are naive UTC).
DEMO_NOW = datetime(2023, 12, 31, 8, 0)
ACTOR = "demo"
SIZES = {"small": 1.0, "medium": 1.0, "large": 2.0}
COUNTS = {"projects": 150, "challenges": 20, "appeals": 600}


def cst(day: date, hour: int, minute: int = 0) -> datetime:
    """A Changsha wall-clock time as naive UTC."""
    return datetime(day.year, day.month, day.day, hour, minute) - timedelta(hours=8)


def rand_day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


class World:
    """What the demo reads from the database, ordered by id."""

    def __init__(self, session: Session) -> None:
        self.chains: list[tuple[int, str]] = list(chain_loaders.chain_names(session).items())
        self.links: dict[int, list[tuple[int, str, bool]]] = defaultdict(list)
        for lid, cid, name, key in chain_loaders.all_links(session):
            self.links[cid].append((lid, name, key))
        self.parks: list[int] = park_loaders.park_ids(session)
        self.link_counts: dict[int, int] = chain_loaders.current_link_counts(session)
        self.chain_parks: dict[int, dict[int, int]] = defaultdict(dict)
        for cid, pid, n in chain_loaders.chain_park_counts(session):
            self.chain_parks[cid][pid] = n
        self.enterprise_chain: dict[int, int] = {}
        self.chain_members: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
        for eid, cid, name, uscc in chain_loaders.current_members(session):
            if eid not in self.enterprise_chain:
                self.enterprise_chain[eid] = cid
            if len(self.chain_members[cid]) < 60:
                self.chain_members[cid].append((eid, name, uscc))
        self.enterprises: list[tuple[int, int | None]] = enterprise_loaders.parks_by_enterprise(
            session
        )

    def chain_weight(self, cid: int) -> float:
        return 1.0 + sum(self.link_counts.get(lid, 0) for lid, _n, _k in self.links[cid]) ** 0.5


class Ids:
    """Explicit primary keys (children need their parent's id before the insert)."""

    def __init__(self, session: Session, models: list[type]) -> None:
        self.next = {
            m: int(session.scalar(select(func.max(m.id))) or 0) + 1  # type: ignore[attr-defined]
            for m in models
        }

    def take(self, model: type) -> int:
        value = self.next[model]
        self.next[model] = value + 1
        return value


def build_demo(session: Session, seed: int, size: str = "medium") -> dict[str, int]:
    """Write the demo's projects, challenges and appeals; return the row counts written."""
    factor = SIZES.get(size, 1.0)
    world = World(session)
    if not world.chains or not world.enterprises:
        return {}
    rows: dict[type, list[dict[str, Any]]] = defaultdict(list)
    ids = Ids(session, [*PROJECT_MODELS, *demo_cases.MODELS])
    _projects(
        world, random.Random(f"{seed}-projects"), round(COUNTS["projects"] * factor), ids, rows
    )
    demo_cases.challenges(
        world, random.Random(f"{seed}-challenges"), round(COUNTS["challenges"] * factor), ids, rows
    )
    demo_cases.appeals(
        world, random.Random(f"{seed}-appeals"), round(COUNTS["appeals"] * factor), ids, rows
    )
    counts: dict[str, int] = {}
    for model in [*PROJECT_MODELS, *demo_cases.MODELS]:
        batch = rows.get(model, [])
        table = model.__table__  # type: ignore[attr-defined]
        for i in range(0, len(batch), 5000):
            session.execute(insert(table), batch[i : i + 5000])
        counts[table.name] = len(batch)
        if batch and session.get_bind().dialect.name == "postgresql":
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT MAX(id) FROM {table.name}))"
                )
            )
    return counts


PROJECT_MODELS: list[type] = [Project, ProjectStage, ProjectYearPlan, ProjectProgress, ProjectEvent]

# ---------------------------------------------------------------------------- projects


def _pick_weighted(rng: random.Random, items: list[Any], weights: list[float]) -> Any:
    return rng.choices(items, weights=weights, k=1)[0]


def _investor(rng: random.Random, world: World, cid: int) -> tuple[str, str | None]:
    members = world.chain_members.get(cid, [])
    if members and rng.random() < 0.25:  # a local enterprise expands (增资扩产)
        _eid, member, code = members[rng.randrange(len(members))]
        return member, code
    chars = "恒信华泰中联德力远达博创新兴瑞丰宏源鼎盛金科智诚天宇星辰汇通凯旋永安嘉禾明阳启航"
    trade = rng.choice(chars) + rng.choice(chars)
    place = rng.choice(demo_text.INVESTOR_PLACES)
    name = f"{place}{trade}{rng.choice(['科技', '智能', '新材料', '装备', '实业'])}有限公司（示例）"
    uscc = make_uscc("430100", rng) if rng.random() < 0.7 else None
    return name, uscc


def _year_shares(start: date, end: date) -> dict[int, float]:
    """Share of the days of [start, end] falling in each year."""
    total = max(1, (end - start).days)
    out: dict[int, float] = {}
    for year in range(start.year, end.year + 1):
        a = max(start, date(year, 1, 1))
        b = min(end, date(year, 12, 31))
        out[year] = max(0, (b - a).days) / total
    return out


PHASES = "二三四五六七八九十"  # the 2nd … 10th phase (二期 …)


def _projects(
    world: World, rng: random.Random, n: int, ids: Ids, rows: dict[type, list[dict[str, Any]]]
) -> None:
    chain_ids = [c for c, _name in world.chains if world.links.get(c)]
    weights = [world.chain_weight(c) for c in chain_ids]
    used: set[tuple[str, str]] = set()
    for k in range(n):
        # The first chain always has a few projects (its office walks through the demo).
        cid = chain_ids[0] if k < 6 else _pick_weighted(rng, chain_ids, weights)
        links = world.links[cid]
        # Gaps attract projects: fewer local enterprises and key links weigh more.
        lw = [
            (3.0 if key else 1.0) / (1.0 + world.link_counts.get(lid, 0)) ** 0.5
            for lid, _name, key in links
        ]
        lid, lname, _key = _pick_weighted(rng, links, lw)
        parks = world.chain_parks.get(cid) or {p: 1 for p in world.parks}
        pid = _pick_weighted(rng, list(parks), list(parks.values())) if parks else None
        if k < 3 and world.parks:
            pid = world.parks[0]  # … and so does the first park's committee
        investor, uscc = _investor(rng, world, cid)
        total = round(min(2_000_000.0, max(10_000.0, rng.lognormvariate(11.3, 0.9))), -2)
        sign = rand_day(rng, date(2020, 7, 1), date(2023, 11, 30))
        planned = {"signed": sign}
        planned["started"] = sign + timedelta(days=rng.randint(60, 240))
        planned["producing"] = planned["started"] + timedelta(days=rng.randint(300, 720))
        planned["full_output"] = planned["producing"] + timedelta(days=rng.randint(180, 540))
        laggard = rng.random() < 0.22
        actual: dict[str, date | None] = {"signed": sign}
        prev = sign
        stage = "signed"
        for st in ("started", "producing", "full_output"):
            slip = rng.gauss(10, 40) + rng.randint(90, 300) if laggard else rng.gauss(-5, 25)
            day = max(prev + timedelta(days=30), planned[st] + timedelta(days=round(slip)))
            if day > DEMO_TODAY:
                break
            actual[st] = day
            prev = day
            stage = st
        ident = ids.take(Project)
        form = rng.choice(demo_text.PROJECT_FORMS)
        name = form.format(
            investor=investor[:4].replace("（", ""), link=lname, n=rng.choice([10, 20, 50, 100])
        )
        # (name, investor) identifies a project in Excel exchange: a repeat is the next phase
        base, phase = name.removesuffix("项目"), 1
        while (name, investor) in used:
            phase += 1
            name = f"{base}（{PHASES[phase - 2] if phase <= 10 else phase}期）项目"
        used.add((name, investor))
        events: list[tuple[datetime, str, str | None, str, str | None]] = [
            (cst(sign, 10), "create", None, "signed", "签约（示例）")
        ]
        for st, verb in (
            ("started", "start"),
            ("producing", "produce"),
            ("full_output", "reach_full_output"),
        ):
            reached = actual.get(st)
            if reached is not None:
                prev_st = {"started": "signed", "producing": "started", "full_output": "producing"}
                events.append((cst(reached, 11), verb, prev_st[st], st, None))
        rows[Project].append(
            {
                "id": ident,
                "name": name,
                "chain_id": cid,
                "link_id": lid,
                "park_id": pid,
                "investor_name": investor,
                "investor_uscc": uscc,
                "total_investment": total,
                "stage": stage,
                "description": "示例数据",
                "is_demo": True,
                "created_at": events[0][0],
                "updated_at": events[-1][0],
            }
        )
        for st in ("signed", "started", "producing", "full_output"):
            rows[ProjectStage].append(
                {
                    "id": ids.take(ProjectStage),
                    "project_id": ident,
                    "stage": st,
                    "planned_on": planned[st],
                    "actual_on": actual.get(st),
                }
            )
        build_end = planned["producing"] + timedelta(days=180)
        plans = {}
        for year, share in _year_shares(planned["started"], build_end).items():
            if share > 0 and year >= 2020:
                plans[year] = round(total * 0.9 * share, -1)
                rows[ProjectYearPlan].append(
                    {
                        "id": ids.take(ProjectYearPlan),
                        "project_id": ident,
                        "year": year,
                        "amount": plans[year],
                    }
                )
        began = actual.get("started")
        if began is not None and not laggard:  # preparatory investment runs from the plan
            began = min(began, planned["started"])
        _monthly(
            rng, ident, began, (planned["started"], build_end), plans, total, laggard, ids, rows
        )
        for at, action, frm, to, comment in events:
            rows[ProjectEvent].append(
                {
                    "id": ids.take(ProjectEvent),
                    "project_id": ident,
                    "at": at,
                    "actor": ACTOR,
                    "action": action,
                    "from_status": frm,
                    "to_status": to,
                    "comment": comment,
                }
            )


def _monthly(
    rng: random.Random,
    ident: int,
    start: date | None,
    window: tuple[date, date],
    plans: dict[int, float],
    total: float,
    laggard: bool,
    ids: Ids,
    rows: dict[type, list[dict[str, Any]]],
) -> None:
    """Monthly investment: each year's plan spread over the months the plan covers."""
    if start is None:
        return

    def months(year: int) -> int:
        first = window[0].month if window[0].year == year else 1
        last = window[1].month if window[1].year == year else 12
        return max(1, last - first + 1)

    pace = rng.uniform(0.35, 0.8) if laggard else rng.uniform(0.97, 1.12)
    year, month = start.year, start.month
    done = 0.0
    while (year, month) <= (DEMO_TODAY.year, DEMO_TODAY.month):
        plan = plans.get(year, 0.0)
        if plan <= 0 or done >= total:
            break
        base = plan / months(year)
        amount = round(min(total - done, base * pace * rng.lognormvariate(0, 0.25)), 1)
        done += amount
        rows[ProjectProgress].append(
            {
                "id": ids.take(ProjectProgress),
                "project_id": ident,
                "period": f"{year}-{month:02d}",
                "amount": amount,
                "note": None,
                "reported_by": ACTOR,
                "reported_at": cst(_next_month_day(year, month, 5), 10),
            }
        )
        month += 1
        if month == 13:
            year, month = year + 1, 1


def _next_month_day(year: int, month: int, day: int) -> date:
    return date(year + (month == 12), 1 if month == 12 else month + 1, day)
