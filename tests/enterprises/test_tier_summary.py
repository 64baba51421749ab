"""The tier summary says who a tier does not apply to (fixer M): beside "evaluated", the SME
tiers (创新型中小企业, 专精特新中小企业, 小巨人) count the large enterprises (不适用) and those whose
size is unknown; 规上 and 单项冠军, which have no size test, say "—".

Five hand-built firms, sized by the industry row of 工信部联企业〔2011〕300号 (an industrial firm is
large when its 从业人员 >= 1000 AND its 营业收入 >= 40000 万元; see
gaodi/analytics/rules/tiers/srdi_sme.yaml, group sme_size). All but one have 近三年股权融资 600
万元 >= 500 万元, a direct condition of 创新型中小企业 (so an SME with it qualifies there), and
nothing else: 专精特新's other criteria (years in the niche, R&D …) stay missing, so no SME is
decided there; nor is 规上 for an industrial firm (主营业务收入 missing).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from gaodi.cli import app
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.enterprises import service
from gaodi.models import Enterprise, EnterpriseYear, IndustryCode
from tests.web.conftest import Site, make_site
from tests.web.helpers import login
from tests.web.seed import PASSWORD

INDUSTRY, WHOLESALE = "3985", "5179"  # 电子专用材料制造 (工业, C); 其他机械设备…批发 (F)
#: name -> (industry code, employees, revenue 万元, 近三年股权融资 万元): the size by hand
FIRMS: dict[str, tuple[str, int | None, float, float | None]] = {
    "大型整机": (INDUSTRY, 1000, 40000.0, 600.0),  # on both floors: large, tiers do not apply
    "中型达标": (INDUSTRY, 999, 40000.0, 600.0),  # one employee under: medium, an SME
    "中型缺项": (INDUSTRY, 999, 12000.0, None),  # an SME (no financing: innovative undetermined)
    "人数不明": (INDUSTRY, None, 50000.0, 600.0),  # revenue above the floor, employees unknown
    "批发商行": (WHOLESALE, 10, 300.0, 600.0),  # not industrial, its sector's size not entered
}
#: level -> (evaluated, not applicable, size unknown, qualify, nearly, undetermined), by hand
EXPECTED: dict[str, tuple[int, int | None, int | None, int, int, int]] = {
    # 中型达标 qualifies by financing; 中型缺项 has no direct condition and no score: unknown;
    # 人数不明 and 批发商行 pass the financing but their size is unknown
    "innovative_sme": (5, 1, 2, 1, 0, 3),
    # every SME or maybe-SME lacks the other criteria: undetermined, never nearly
    "srdi_sme": (5, 1, 2, 0, 0, 4),
    "little_giant": (5, 1, 2, 0, 0, 4),
    # no size test: nothing is "not applicable", and the page says "—", not 0; the four
    # industrial firms lack 主营业务收入, the wholesaler is no industrial firm
    "above_scale": (5, None, None, 0, 0, 4),
    "champion": (5, None, None, 0, 0, 5),
}
WIDE = {"COLUMNS": "220"}
LEGEND_ZH = "大型企业，不属于中小企业梯度"


def _add_firms(engine: Engine) -> dict[str, int]:
    ids: dict[str, int] = {}
    with session_scope(engine, actor="test") as db:
        for code, name in (
            (INDUSTRY, "电子专用材料制造"),
            (WHOLESALE, "其他机械设备及电子产品批发"),
        ):
            if db.get(IndustryCode, code) is None:
                db.add(IndustryCode(code=code, name=name, level="class"))
        db.flush()
        for i, (name, (code, employees, revenue, financing)) in enumerate(FIRMS.items()):
            ent = Enterprise(uscc=f"91430100SUMM{i:04d}0X", name=name, industry_code=code)
            db.add(ent)
            db.flush()
            db.add(
                EnterpriseYear(
                    enterprise_id=ent.id,
                    year=2023,
                    employees=employees,
                    revenue=revenue,
                    extra={} if financing is None else {"equity_financing_3y": financing},
                )
            )
            ids[name] = ent.id
    return ids


@pytest.fixture
def five(sqlite_db: Engine) -> Engine:
    """The five firms alone in an empty database (also the CLI's configured one)."""
    _add_firms(sqlite_db)
    return sqlite_db


def _counts(lv: object) -> tuple[object, ...]:
    names = ("evaluated", "not_applicable", "size_unknown", "qualifies", "nearly", "undetermined")
    return tuple(getattr(lv, n) for n in names)


def test_summary_counts_five_firms(five: Engine) -> None:
    with session_scope(five) as db:
        report = service.eligibility(db, SYSTEM)
        profiles = [service.profile(db, SYSTEM, ref) for ref in range(1, 6)]
    got = {lv.level: _counts(lv) for lv in report.levels}
    assert got == EXPECTED
    # the per-enterprise page (scalar evaluator, tier_size.size_verdict) tells the same story
    for lv in ("innovative_sme", "srdi_sme", "little_giant"):
        said = [{t.level: t for t in p.tiers}[lv].applicable for p in profiles]
        assert said.count(False) == EXPECTED[lv][1]
        assert said.count(None) == EXPECTED[lv][2]
    large = next(p for p in profiles if p.name == "大型整机")
    assert all(
        t.applicable is False for t in large.tiers if t.level in EXPECTED and "sme" in t.level
    )


def test_cli_table_json_and_workbook_show_the_column(five: Engine, tmp_path: Path) -> None:
    runner = CliRunner()
    shown = runner.invoke(app, ["enterprises", "eligibility"], env=WIDE)
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    head = next(line for line in lines if "evaluated" in line)
    titles = [c.strip() for c in head.strip("┃").split("┃")]
    assert "不适用 not applicable" in titles
    col = titles.index("不适用 not applicable")
    for level, want in EXPECTED.items():
        row = next(line for line in lines if f" {level} " in line)
        cells = [c.strip() for c in row.strip("│").split("│")]
        assert cells[col] == ("—" if want[1] is None else str(want[1])), level
    assert LEGEND_ZH in shown.stdout and "a large enterprise" in shown.stdout

    data = runner.invoke(app, ["enterprises", "eligibility", "-f", "json"])
    assert data.exit_code == 0, data.output
    levels = {lv["level"]: lv for lv in json.loads(data.stdout)["levels"]}
    assert {k: (v["not_applicable"], v["size_unknown"]) for k, v in levels.items()} == {
        k: (v[1], v[2]) for k, v in EXPECTED.items()
    }

    out = tmp_path / "tiers.xlsx"
    made = runner.invoke(app, ["enterprises", "eligibility", "-f", "xlsx", "-o", str(out)])
    assert made.exit_code == 0, made.output
    wb = load_workbook(out)
    sheet = wb["层级 levels"]
    rows = list(sheet.iter_rows(values_only=True))
    col = rows[0].index("不适用")
    assert rows[0][col - 1] == "评估"
    cells = {r[0]: r[col] for r in rows[1:]}
    assert cells == {k: ("—" if v[1] is None else v[1]) for k, v in EXPECTED.items()}
    about = [r[0] for r in wb["说明 about"].iter_rows(values_only=True)]
    assert any(LEGEND_ZH in (line or "") for line in about)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """The seeded web site (its world's firms too) with the five firms added."""
    s = make_site(tmp_path)
    _add_firms(s.engine)
    yield s
    s.engine.dispose()


def test_page_shows_the_column(site: Site) -> None:
    with session_scope(site.engine) as db:
        # the seeded world's firms too: count the large ones the way their own pages do
        every = [e.id for e in db.query(Enterprise).all()]
        tiers = [{t.level: t for t in service.profile(db, SYSTEM, i).tiers} for i in every]
    client = site.client()
    login(client, site.world.users["admin"], PASSWORD)
    page = client.get("/enterprises/eligibility", headers={"Accept-Language": "zh"})
    assert page.status_code == 200, page.text
    text = html.unescape(page.text)
    assert "<th>不适用</th>" in text
    for level in EXPECTED:
        cell = re.search(rf'data-testid="not-applicable-{level}">([^<]*)<', text)
        assert cell is not None, level
        if EXPECTED[level][1] is None:
            assert cell.group(1) == "—"
        else:
            large = sum(1 for t in tiers if t[level].applicable is False)
            assert large >= 1
            assert cell.group(1) == f"{large:,}", level
    assert LEGEND_ZH in text
    en = html.unescape(
        client.get("/enterprises/eligibility", headers={"Accept-Language": "en"}).text
    )
    assert "<th>Not applicable</th>" in en and "a large enterprise, not in the SME tiers" in en
    api = client.get("/api/v1/enterprises/eligibility")
    assert api.status_code == 200, api.text
    twin = {lv["level"]: lv for lv in api.json()["report"]["levels"]}
    assert twin["above_scale"]["not_applicable"] is None
    assert twin["srdi_sme"]["not_applicable"] >= 1 and twin["srdi_sme"]["size_unknown"] >= 1
