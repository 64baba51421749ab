"""Successful imports of every entity, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.exchange.service import import_file
from gaodi.models import (
    Action,
    AuditEvent,
    Chain,
    Enterprise,
    EnterpriseLink,
    EnterpriseYear,
    Indicator,
    IndustryCode,
    Link,
    Observation,
    Park,
    Plan,
    Region,
    Target,
)
from tests.exchange.helpers import (
    CITY,
    USCCS,
    adopt_imported_plans,
    load_city,
    table_counts,
    write_csv,
    write_xlsx,
)


def _import(db: Engine, tmp_path: Path, entity: str) -> dict[str, int]:
    load_city(db, tmp_path, upto=entity)
    before = table_counts(db)
    report = import_file(
        db, entity, write_xlsx(tmp_path / f"{entity}.xlsx", CITY[entity]), principal=SYSTEM
    )
    after = table_counts(db)
    rows = sum(len(rows) - 1 for rows in CITY[entity].values())
    assert report.created == rows and report.updated == report.unchanged == 0
    return {k: after[k] - before[k] for k in after if after[k] != before[k]}


def test_parks(db: Engine, tmp_path: Path) -> None:
    added = _import(db, tmp_path, "parks")
    assert added["park"] == 2
    with session_scope(db) as s:
        p = s.scalars(select(Park).order_by(Park.id)).all()
        assert [x.name for x in p] == ["示例高新技术产业开发区", "示例经济开发区"]
        assert (p[0].level, p[0].kind, p[0].region_code) == ("national", "htz", "430104")
        assert p[0].main_industries == ["电子信息", "新材料"] and p[1].main_industries == []
        assert p[1].area_mu == 4500.5 and p[0].is_demo and p[1].level == "provincial"
        # the park's county and its ancestors were added to the code list: 湖南省, 长沙市, 岳麓区
        codes = set(s.scalars(select(Region.code)))
        assert {"430000", "430100", "430104", "430121"} <= codes


def test_enterprises(db: Engine, tmp_path: Path) -> None:
    added = _import(db, tmp_path, "enterprises")
    assert added["enterprise"] == 3
    with session_scope(db) as s:
        parks = {p.name: p.id for p in s.scalars(select(Park))}
        e = {x.uscc: x for x in s.scalars(select(Enterprise))}
        first = e[USCCS[0]]
        assert first.name == "示例智能装备有限公司"
        assert first.park_id == parks["示例高新技术产业开发区"]
        assert first.founded == dt.date(2012, 3, 15)
        assert first.tags == ["srdi", "leader"] and first.is_demo
        assert e[USCCS[1]].founded == dt.date(2018, 7, 1)
        assert e[USCCS[2]].park_id is None and e[USCCS[2]].tags == ["high_tech"]
        # 3511 brings its 门类 C, 大类 35 and 中类 351 into the industry table
        assert {"C", "35", "351", "3511", "6513"} <= set(s.scalars(select(IndustryCode.code)))


def test_enterprise_years(db: Engine, tmp_path: Path) -> None:
    """Headers given as English keys only."""
    added = _import(db, tmp_path, "enterprise_years")
    assert added["enterprise_year"] == 3
    with session_scope(db) as s:
        row = s.execute(
            select(EnterpriseYear)
            .join(Enterprise)
            .where(Enterprise.uscc == USCCS[0], EnterpriseYear.year == 2022)
        ).scalar_one()
        assert (row.revenue, row.output, row.tax, row.employees) == (12000.5, 11800.0, 350.25, 420)
        assert (row.land_mu, row.debt_ratio, row.profit) == (80.0, 0.45, None)


def test_chains_and_links(db: Engine, tmp_path: Path) -> None:
    added = _import(db, tmp_path, "chains")
    assert added["chain"] == 1 and added["link"] == 3
    with session_scope(db) as s:
        chain = s.scalars(select(Chain)).one()
        assert (chain.code, chain.kind, chain.name_status) == (
            "demo_machinery",
            "advantage",
            "assumed",
        )
        links = {x.code: x for x in s.scalars(select(Link))}
        assert links["hydraulics"].parent_id == links["parts"].id
        assert links["parts"].parent_id is None and links["assembly"].parent_id is None
        assert links["parts"].industry_codes == ["3444", "3451"]
        assert links["parts"].keywords == ["液压", "轴承"] and links["parts"].key_link
        assert links["hydraulics"].segment == "up" and links["assembly"].segment == "mid"
        assert not links["hydraulics"].key_link and links["assembly"].sort_order == 3
        assert {x.chain_id for x in links.values()} == {chain.id}


def test_enterprise_links(db: Engine, tmp_path: Path) -> None:
    added = _import(db, tmp_path, "enterprise_links")
    assert added["enterprise_link"] == 2
    with session_scope(db) as s:
        rows = s.execute(
            select(Enterprise.uscc, Link.code, EnterpriseLink)
            .join(EnterpriseLink, EnterpriseLink.enterprise_id == Enterprise.id)
            .join(Link, Link.id == EnterpriseLink.link_id)
            .order_by(Enterprise.uscc)
        ).all()
        got = {(u, code): el for u, code, el in rows}
        first = got[(USCCS[0], "assembly")]
        assert (first.source, first.confidence, first.excluded) == ("manual", 1.0, False)
        assert first.reason == "示例：人工确认" and first.created_by == "system"
        assert first.valid_to is None and first.valid_from is not None
        assert got[(USCCS[1], "hydraulics")].confidence == 0.8


def test_indicators(db: Engine, tmp_path: Path) -> None:
    _import(db, tmp_path, "indicators")
    with session_scope(db) as s:
        ind = {i.code: i for i in s.scalars(select(Indicator))}
        assert (ind["demo_output"].aggregation, ind["demo_output"].frequency) == (
            "cumulative",
            "monthly",
        )
        assert (ind["demo_firms"].aggregation, ind["demo_firms"].frequency) == ("point", "yearly")
        assert ind["demo_firms"].unit == "家" and ind["demo_firms"].deadline_day == 5


def test_plans_and_actions(db: Engine, tmp_path: Path) -> None:
    added = _import(db, tmp_path, "plans")
    assert added["plan"] == 1 and added["action"] == 2
    with session_scope(db) as s:
        plan = s.scalars(select(Plan)).one()
        # an import writes drafts: adopting is the plan page's step, with its checks
        assert (plan.period_start, plan.period_end, plan.status) == (2021, 2025, "draft")
        actions = s.scalars(select(Action).order_by(Action.sort_order)).all()
        assert [(a.number, a.title, a.plan_id) for a in actions] == [
            ("1", "示例智能制造行动", plan.id),
            ("2", "示例产业链提升行动", plan.id),
        ]


def test_targets(db: Engine, tmp_path: Path) -> None:
    _import(db, tmp_path, "targets")
    with session_scope(db) as s:
        chain_id = s.scalars(select(Chain.id)).one()
        park_id = s.scalars(select(Park.id).where(Park.name == "示例高新技术产业开发区")).one()
        actions = {a.number: a.id for a in s.scalars(select(Action))}
        t = s.scalars(select(Target).order_by(Target.id)).all()
        assert [(x.scope, x.scope_id) for x in t] == [
            ("city", 0),
            ("chain", chain_id),
            ("park", park_id),
        ]
        assert [x.action_id for x in t] == [actions["1"], actions["2"], None]
        # the indicator name comes from the indicator when the file leaves it out
        assert (
            t[0].indicator_name == "示例规模工业总产值"
            and t[2].indicator_name == "示例专精特新企业数"
        )
        assert (t[0].value, t[0].baseline, t[0].baseline_year, t[1].baseline) == (
            1000.0,
            600.0,
            2020,
            None,
        )


def test_observations(db: Engine, tmp_path: Path) -> None:
    _import(db, tmp_path, "observations")
    with session_scope(db) as s:
        obs = s.scalars(select(Observation).order_by(Observation.id)).all()
        assert [(o.period, o.value, o.kind, o.scope) for o in obs] == [
            ("2023-06", 480.5, "cumulative", "city"),
            ("2023-Q2", 480.5, "cumulative", "city"),
            ("2023-06", 150.0, "cumulative", "chain"),
            ("2023", 31.0, "current", "park"),
        ]
        assert {(o.revision, o.status, o.submitted_by) for o in obs} == {(1, "submitted", "system")}


def test_one_audit_event_per_import(db: Engine, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "parks.xlsx", CITY["parks"])
    import_file(db, "parks", path, principal=SYSTEM)
    with session_scope(db) as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "import")).all()
    assert len(events) == 1
    after = events[0].after
    assert events[0].entity == "parks" and events[0].actor == "system"
    assert after["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (after["file"], after["created"], after["updated"]) == ("parks.xlsx", 2, 0)


def test_dry_run_writes_nothing(db: Engine, tmp_path: Path) -> None:
    before = table_counts(db)
    report = import_file(
        db, "parks", write_xlsx(tmp_path / "p.xlsx", CITY["parks"]), dry_run=True, principal=SYSTEM
    )
    assert report.created == 2 and report.dry_run
    assert table_counts(db) == before


def test_upsert_updates_only_changed_rows_and_audits_them(db: Engine, tmp_path: Path) -> None:
    import_file(db, "parks", write_xlsx(tmp_path / "p.xlsx", CITY["parks"]), principal=SYSTEM)
    changed = [row[:] for row in CITY["parks"]["园区 parks"]]
    changed[2][4] = 5000  # 示例经济开发区 area 4500.5 -> 5000
    path = write_xlsx(tmp_path / "p2.xlsx", {"园区 parks": changed})
    report = import_file(db, "parks", path, mode="upsert", principal=SYSTEM)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    with session_scope(db) as s:
        park = s.scalars(select(Park).where(Park.name == "示例经济开发区")).one()
        assert park.area_mu == 5000.0
        update = s.scalars(select(AuditEvent).where(AuditEvent.action == "update")).one()
        assert (update.entity, update.before, update.after) == (
            "park",
            {"area_mu": 4500.5},
            {"area_mu": 5000.0},
        )


def test_upsert_leaves_columns_missing_from_the_file(db: Engine, tmp_path: Path) -> None:
    import_file(db, "parks", write_xlsx(tmp_path / "p.xlsx", CITY["parks"]), principal=SYSTEM)
    only_names = [["园区名称", "级别", "简称"], ["示例经济开发区", "省级", "示例经开"]]
    import_file(
        db,
        "parks",
        write_xlsx(tmp_path / "p2.xlsx", {"parks": only_names}),
        mode="upsert",
        principal=SYSTEM,
    )
    with session_scope(db) as s:
        park = s.scalars(select(Park).where(Park.name == "示例经济开发区")).one()
        assert (park.short_name, park.area_mu, park.kind) == ("示例经开", 4500.5, "etdz")


@pytest.mark.parametrize(
    "header",
    [
        ["园区名称", "级别"],  # Chinese only
        ["name", "level"],  # English keys only
        ["*园区名称\nname", "*级别\nlevel"],  # what the template writes
        ["园区名称 name", "级别（level）"],  # retyped by hand
        ["  NAME ", "Level"],  # case and spaces
    ],
)
def test_header_spellings(sqlite_db: Engine, tmp_path: Path, header: list[str]) -> None:
    path = write_xlsx(tmp_path / "p.xlsx", {"Sheet1": [header, ["示例园区", "国家级"]]})
    assert import_file(sqlite_db, "parks", path, principal=SYSTEM).created == 1


def test_title_rows_above_the_header_are_skipped(sqlite_db: Engine, tmp_path: Path) -> None:
    rows = [["示例园区名单（2024 年）"], [], ["园区名称", "级别"], ["示例园区", "国家级"]]
    path = write_xlsx(tmp_path / "p.xlsx", {"园区": rows})
    assert import_file(sqlite_db, "parks", path, principal=SYSTEM).created == 1


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_each_encoding(sqlite_db: Engine, tmp_path: Path, encoding: str) -> None:
    # 䶮 exists only in GB18030 among the Chinese national encodings
    name = "示例䶮园区" if encoding != "gbk" else "示例园区"
    path = write_csv(tmp_path / "p.csv", [["园区名称", "级别"], [name, "省级"]], encoding)
    report = import_file(sqlite_db, "parks", path, principal=SYSTEM)
    assert report.created == 1 and report.encoding in (encoding, "gb18030")
    with session_scope(sqlite_db) as s:
        assert s.scalars(select(Park.name)).one() == name


def test_imported_values_and_memberships_are_dated_on_the_citys_clock(
    db: Engine, tmp_path: Path
) -> None:
    """An import stamped its rows with the machine's time: on a city living on another day
    (the demo, GAODI_TODAY) an imported value was dated years after the city's today, and the
    board's known-on views and the chain history placed it there. Now the city's clock."""
    from gaodi.core import clock

    city_now = dt.datetime(2024, 1, 10, 2, 30)  # after every period of the file's values
    load_city(db, tmp_path, upto="enterprise_links")
    names = list(CITY)
    with clock.frozen(city_now):  # the links and everything after them, up to the values
        for entity in names[names.index("enterprise_links") : names.index("observations") + 1]:
            path = write_xlsx(tmp_path / f"{entity}-c.xlsx", CITY[entity])
            import_file(db, entity, path, principal=SYSTEM)
            if entity == "targets":
                adopt_imported_plans(db)
    with session_scope(db) as s:
        stamps = {o.submitted_at for o in s.scalars(select(Observation))}
        since = {el.valid_from for el in s.scalars(select(EnterpriseLink))}
    assert stamps == {city_now}
    assert city_now in since
