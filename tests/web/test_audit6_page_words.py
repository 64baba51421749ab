"""What a screen reader and an English reader get from the pages (audit 6, findings Q7, Q10, Q13,
Q14, Q15, Q16, Q19, Q20): every field of the 梯度申报 form is named by its row (fact and unit),
the upload controls are labelled, the 新建申报 button says what it does, the enterprise list
filters by a park chosen by name, charts have a text alternative, tab strips mark the current
tab, the roll-up's first column is named, codes are said in words, and a new, empty city tells
its administrator there is no data yet and where it is loaded, not that it is out of scope."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import datetime
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from gaodi.accounts import service as accounts
from gaodi.chains import service as chains
from gaodi.chains.export import diagnosis_workbook
from gaodi.config import Settings
from gaodi.core import clock
from gaodi.core.permissions import SYSTEM
from gaodi.db import make_engine, session_scope
from gaodi.parks.models import Park
from gaodi.web.app import create_app
from tests.web.conftest import Site, featured_site
from tests.web.helpers import csrf_of, login, post_form
from tests.web.seed import PASSWORD

EN = {"Accept-Language": "en"}
NOW = datetime(2023, 6, 1, 2, 0)  # the featured site's clock: the city's today is 2023-06-01


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside each element that has an id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text_of: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if tag not in ("input", "br", "img", "meta", "link", "hr"):
            self._open.append((tag, a.get("id")))
            if a.get("id"):
                self.text_of[a["id"]] = ""

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            name, _ = self._open.pop()
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, ident in self._open:
            if ident:
                self.text_of[ident] += data


def parse(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    return parser


def signed_in(site: Site, role: str) -> TestClient:
    client = site.client()
    login(client, site.world.users[role], PASSWORD)
    return client


def _section(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</table>", start)]


# ------------------------------------------------------------------ Q15, Q16: the declaration form


def test_every_declared_fact_is_named_by_its_fact_and_unit(shared_site: Site) -> None:
    client = signed_in(shared_site, "enterprise")
    page = client.get("/declarations")
    assert page.status_code == 200
    # the button that opens a new draft says so: 新建, not 在办 (the appeal status "Open")
    button = re.search(
        r'data-testid="new-declaration".*?<button[^>]*>([^<]*)</button>', page.text, re.S
    )
    assert button and button.group(1) == "新建", button and button.group(1)
    assert "在办" not in page.text
    english = client.get("/declarations", headers=EN).text
    assert re.search(r'data-testid="new-declaration".*?<button[^>]*>Create</button>', english, re.S)

    made = post_form(
        client, "/declarations", {"enterprise_id": shared_site.world.ids["e1"], "year": "2021"},
        csrf_of(page.text),
    )  # fmt: skip
    assert made.status_code == 303, made.text[:300]
    html = client.get(made.headers["location"]).text
    doc = parse(_section(html, "declared-table"))
    fields = [(t, a) for t, a in doc.tags if t in ("input", "select") and a.get("type") != "hidden"]
    assert len(fields) > 20  # the whole set of tier facts
    for tag, attrs in fields:
        ids = attrs.get("aria-labelledby", "").split()
        assert ids, (tag, attrs.get("name"))
        words = [doc.text_of.get(i, "").strip() for i in ids]
        assert words[0], (attrs.get("name"), ids)  # the fact's own words
    # one row checked against its known label and unit (gaodi/enterprises tier facts)
    share = next(a for _, a in fields if a.get("name") == "main_business_share")
    label, unit = (doc.text_of[i].strip() for i in share["aria-labelledby"].split())
    assert (label, unit) == ("主营业务收入占营业收入比重", "0–1 小数")

    attach = html[html.index('data-testid="attach-form"') :]
    attach = attach[: attach.index("</form>")]
    assert re.search(r'<label>证明材料 <input type="file" name="file"', attach), attach
    assert re.search(r'<label>对应 <select name="field"', attach), attach


def test_the_smart_assessment_upload_is_labelled_and_the_heading_has_no_chinese_colon(
    shared_site: Site,
) -> None:
    client = signed_in(shared_site, "admin")
    e1 = shared_site.world.ids["e1"]
    zh = client.get(f"/smart/enterprises/{e1}/assess").text
    assert re.search(r'<label>填好的 Excel 表 <input type="file" name="file"', zh)
    en = client.get(f"/smart/enterprises/{e1}/assess", headers=EN).text
    heading = re.search(r"<h1>(.*?)</h1>", en, re.S)
    assert heading
    assert heading.group(1).startswith(
        f"Digital-level self-assessment: {shared_site.world.names['e1']}"
    ), heading.group(1)
    assert "：" not in heading.group(1)


# ------------------------------------------------------------------ Q7: the park filter


def _park_options(html: str) -> list[tuple[str, str, bool]]:
    select = re.search(r'<select name="park"[^>]*>(.*?)</select>', html, re.S)
    assert select, "no park select"
    return [
        (v, label, bool(sel))
        for v, sel, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select.group(1)
        )
    ]


def test_the_enterprise_list_filters_by_a_park_chosen_by_name(shared_site: Site) -> None:
    w = shared_site.world
    admin = signed_in(shared_site, "admin")
    page = admin.get(f"/enterprises?park={w.ids['park_a']}").text
    assert 'name="park" value' not in page  # no number box for a database id
    options = _park_options(page)
    assert options == [
        ("", "（不限）", False),
        (str(w.ids["park_a"]), "甲园区测试", True),
        (str(w.ids["park_b"]), "乙园区测试", False),
    ], options
    # the bookmarked ?park=<id> still filters: 甲园区测试 holds E1 and E3
    assert w.names["e1"] in page and w.names["e3"] in page
    assert w.names["e2"] not in page and w.names["e4"] not in page

    # a park office is offered its own park only
    park = signed_in(shared_site, "park_office").get("/enterprises").text
    assert [label for _, label, _ in _park_options(park)] == ["（不限）", "甲园区测试"]
    # an id outside the user's parks stays chosen and says so (not whether it exists)
    stale = park = signed_in(shared_site, "park_office").get(f"/enterprises?park={w.ids['park_b']}")
    chosen = [o for o in _park_options(stale.text) if o[2]]
    assert chosen == [
        (str(w.ids["park_b"]), f"园区 #{w.ids['park_b']}（不在您可查看的园区中）", True)
    ]


# ------------------------------------------------------------------ Q10, Q19, Q20: words for all


def test_charts_tabs_and_headers_have_words(shared_site: Site) -> None:
    admin = signed_in(shared_site, "admin")
    overview = admin.get("/").text
    assert 'data-testid="first-data"' not in overview  # a city with data is not told to load it
    # the 各产业链企业数 chart's figures as a table: 测试链甲 holds E1 (甲上游) and E4 (甲中游),
    # 测试链乙 holds E2 and E3 (乙上游)
    figures = overview[overview.index('data-testid="overview-chart-figures"') :]
    figures = figures[: figures.index("</details>")]
    rows = re.findall(r'<tr><td>([^<]*)</td><td class="num">(\d+)</td></tr>', figures)
    assert sorted(rows) == [("测试链乙", "2"), ("测试链甲", "2")], rows

    for url, testid in (
        ("/map", "map-chart"),
        ("/regions", "bubble-chart"),
        ("/regions/complexity", "eci-chart"),
    ):
        tag = re.search(rf'<div[^>]*data-testid="{testid}"[^>]*>', admin.get(url).text)
        assert tag, url
        assert 'role="img"' in tag.group(0) and re.search(
            r'aria-label="[^"]*数据见下表"', tag.group(0)
        ), tag.group(0)

    rollup = admin.get("/projects?by=park").text
    rollup = rollup[rollup.index('data-testid="rollup"') :]
    assert re.search(r"<thead><tr><th>园区</th><th>项目数", rollup), rollup[:800]

    for url, nav in (("/plans", "plan-tabs"), ("/smart", "smart-tabs")):
        strip = re.search(rf'<nav class="{nav}[^"]*".*?</nav>', admin.get(url).text, re.S)
        assert strip, url
        current = re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]*)</a>', strip.group(0))
        assert len(current) == 1, (url, current)


@pytest.fixture(scope="module")
def featured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The seeded world with its projects and appeals (seed_features), the city's clock at
    NOW so that they were received before the city's today."""
    with featured_site(tmp_path_factory, "audit6-features", NOW) as made:
        yield made


def test_the_appeal_pager_says_next_in_words(
    featured: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gaodi.projects.views import appeals as appeal_pages

    # the seeded world has four appeals: at two a page there are pages to go to
    monkeypatch.setattr(appeal_pages, "PAGE_SIZE", 2)
    html = signed_in(featured, "admin").get("/appeals").text
    pager = re.search(r'<nav class="act-pager"[^>]*>.*?</nav>', html, re.S)
    assert pager, "no pager"
    assert 'aria-label="分页"' in pager.group(0)
    assert re.search(r'>下一页 <span aria-hidden="true">→</span></a>', pager.group(0)), pager.group(
        0
    )


def test_the_demo_badge_is_said_in_the_pages_language(featured: Site) -> None:
    project, appeal = featured.world.ids["project_in"], featured.world.ids["appeal_e1"]
    with featured.engine.begin() as conn:
        conn.execute(
            text("UPDATE project SET is_demo = :t WHERE id = :i"), {"t": True, "i": project}
        )
        conn.execute(text("UPDATE appeal SET is_demo = :t WHERE id = :i"), {"t": True, "i": appeal})
    admin = signed_in(featured, "admin")
    for url in (f"/projects/{project}", f"/appeals/{appeal}"):
        en = admin.get(url, headers=EN).text
        zh = admin.get(url).text
        assert '<span class="badge badge-demo">demo</span>' in en, url
        assert '<span class="badge badge-demo">示例</span>' in zh, url


# ------------------------------------------------------------------ Q14: benchmark in words


def test_the_diagnosis_workbook_says_the_benchmark_in_words(shared_site: Site) -> None:
    with session_scope(shared_site.engine, actor="test") as s:
        result = chains.diagnose(s, SYSTEM, shared_site.world.ids["chain_a"], benchmark="median")
    about = diagnosis_workbook([result]).active
    assert about is not None
    lines = {row[0]: row[1] for row in about.iter_rows(values_only=True)}
    assert "对标：链中位数环节占比" in lines, list(lines)
    assert lines["对标：链中位数环节占比"] == "Benchmark: the chain's median link share"


# ------------------------------------------------------------------ Q13, Q14: a new, empty city


@pytest.fixture(scope="module")
def empty_city(
    tmp_path_factory: pytest.TempPathFactory, migrated_sqlite: Path
) -> Iterator[TestClient]:
    """A migrated database with nothing in it but an administrator and one park (and its
    office's user), as a new city starts: ``client`` signs in as the administrator."""
    directory = tmp_path_factory.mktemp("empty-city")
    shutil.copyfile(migrated_sqlite, directory / "empty.sqlite")
    engine = make_engine(f"sqlite:///{directory / 'empty.sqlite'}")
    with session_scope(engine, actor="test") as s:
        accounts.create_user(s, "new-admin", "admin", PASSWORD, principal=SYSTEM)
        s.add(Park(name="新园区", level="provincial"))
        s.flush()
        accounts.create_user(
            s, "new-park", "park_office", PASSWORD, parks=["新园区"], principal=SYSTEM
        )
    app = create_app(engine, Settings(data_dir=directory, secret_key="test-secret-key-0123456789"))
    try:
        yield TestClient(app, base_url="http://testserver")
    finally:
        engine.dispose()


def _as(client: TestClient, username: str) -> TestClient:
    client.cookies.clear()
    login(client, username, PASSWORD)
    return client


def test_an_empty_city_says_no_data_yet_and_where_it_is_loaded(empty_city: TestClient) -> None:
    admin = _as(empty_city, "new-admin")
    screen = admin.get("/screen").text
    for said in (
        "还没有计划目标。",
        "还没有产业链产值数据。",
        "还没有重大项目。",
    ):
        assert said in screen, said
    assert "您的权限范围内" not in screen
    assert 'href="/data"' in screen  # the administrator is told where data comes in

    english = admin.get("/screen", headers=EN).text
    assert "No plan targets yet." in english and "in your scope" not in english

    firms = admin.get("/enterprises").text
    assert "还没有企业数据。" in firms and "没有符合条件的企业" not in firms
    assert re.search(r'尚未载入数据：请在<a href="/data"[^>]*>数据交换</a>中按模板导入', firms)
    # a filter that finds nothing is still "no match"
    assert "没有符合条件的企业" in admin.get("/enterprises?q=不存在").text

    # the city code: what sets it, on the regions pages and the map
    for url in ("/regions", "/map"):
        page = admin.get(url).text
        assert "取最新规划的“地区代码”" in page and 'href="/data"' in page, url

    # Q14: no chain diagnosed, still no bare code
    chains_page = admin.get("/chains").text
    assert "对标 链中位数环节占比" in chains_page and "对标 median" not in chains_page


def test_a_scoped_user_in_an_empty_city_is_told_about_scope(empty_city: TestClient) -> None:
    park = _as(empty_city, "new-park")
    screen = park.get("/screen").text
    assert "您的权限范围内没有计划目标。" in screen and "还没有计划目标" not in screen
    assert 'href="/data"' not in screen  # an office does not import


def test_the_wall_screens_sparklines_say_their_figures(shared_site: Site) -> None:
    from gaodi.plans.models import Observation

    # the seeded target is for 2025: three months of it, seen from 2026
    with session_scope(shared_site.engine, actor="test") as s:
        for period, value in (("2025-01", 10.0), ("2025-02", 20.0), ("2025-03", 30.5)):
            s.add(
                Observation(
                    indicator_id=shared_site.world.ids["indicator"],
                    scope="city",
                    period=period,
                    value=value,
                )
            )
    client = signed_in(shared_site, "admin")
    with clock.frozen(datetime(2026, 1, 15, 2, 0)):
        html = client.get("/screen").text
    sparks = re.findall(r'<div class="t-spark" [^>]*data-values[^>]*>', html)
    assert sparks, "no sparkline drawn"
    for tag in sparks:
        assert 'role="img"' in tag, tag
    label = re.search(r'aria-label="([^"]*)"', sparks[0])
    assert label, sparks[0]
    # the months reported, then the level carried on to the year's end as the line draws it
    said = "测试产值趋势：2025-01 10；2025-02 20；2025-03 30.5" + "".join(
        f"；2025-{m:02d} 30.5" for m in range(4, 13)
    )
    assert label.group(1) == said, label.group(1)


def _rules(css: str, selector: str) -> dict[str, str]:
    """The declarations of the first rule whose selector list is exactly ``selector``."""
    found = re.search(r"(?:^|\})\s*" + re.escape(selector) + r"\s*\{([^}]*)\}", css, re.M)
    assert found, selector
    return dict(
        (k.strip(), v.split("/*")[0].strip())
        for k, v in (d.split(":", 1) for d in found.group(1).split(";") if ":" in d)
    )


def _colour(css: str, value: str) -> str:
    """``value`` as #rrggbb, a ``var(--name)`` read from the stylesheet's :root."""
    name = re.fullmatch(r"var\((--[\w-]+)\)", value)
    if name:
        found = re.search(re.escape(name.group(1)) + r":\s*(#[0-9a-fA-F]{6})", css)
        assert found, value
        return found.group(1)
    return value


def _contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""

    def luminance(h: str) -> float:
        def lin(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b_ = (int(h[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b_)

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_badges_and_the_demo_label_meet_wcag_aa_contrast() -> None:
    import gaodi.web

    css = (Path(gaodi.web.__file__).parent / "static" / "css" / "gaodi.css").read_text("utf-8")
    # the old colours, as a check of the formula: #1a7f37 on #e6f4ea is 4.47 (axe said 4.47)
    assert round(_contrast("#1a7f37", "#e6f4ea"), 2) == 4.47
    for selector in (".badge-ok", ".badge-warn"):
        rule = _rules(css, selector)
        pair = _colour(css, rule["color"]), _colour(css, rule["background"])
        assert _contrast(*pair) >= 4.5, (selector, pair, round(_contrast(*pair), 2))
    banner = _rules(css, ".demo-banner strong")
    assert _contrast("#ffffff", _colour(css, banner["background"])) >= 4.5, banner
    # links in grey text are underlined (their blue is 1.18:1 against the grey)
    assert re.search(r"\.muted a[^{]*\{\s*text-decoration: underline", css)


def test_an_empty_citys_overview_says_where_to_start(empty_city: TestClient) -> None:
    overview = _as(empty_city, "new-admin").get("/").text
    start = re.search(
        r'<p class="flash flash-info" data-testid="first-data">(.*?)</p>', overview, re.S
    )
    assert start and 'href="/data"' in start.group(1), overview[:2000]
    # a park office (no import) is not sent to 数据交换
    assert 'data-testid="first-data"' not in _as(empty_city, "new-park").get("/").text


def test_an_empty_citys_overview_starts_with_the_plans_text(empty_city: TestClient) -> None:
    """docs/plans.md starts from the plan's text (载入计划 under 行动计划): the first-run words
    named only 数据交换's templates."""
    admin = _as(empty_city, "new-admin")
    for headers, words in (
        ({}, "尚未载入数据：请先在行动计划中载入计划文本，再在数据交换中"),
        (EN, "Nothing has been loaded yet: first load the plan's text under Plans, then import "),
    ):
        overview = admin.get("/", headers=headers).text
        start = re.search(
            r'<p class="flash flash-info" data-testid="first-data">(.*?)</p>', overview, re.S
        )
        assert start, overview[:2000]
        assert words in unescape(re.sub(r"<[^>]+>", "", start.group(1))), start.group(1)
        assert 'href="/plans/list"' in start.group(1) and 'href="/data"' in start.group(1)
