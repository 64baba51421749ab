"""The words users see (audit 7, findings N3, N4, N6).

N3: an English chains page of a city with no diagnosed chain says the benchmark with a plain
apostrophe (the chain's median link share), not ``&#39;`` on screen. N4: English pages say the
demo badge, the colon and the tier facts' units in English (Demo data, "JSON: ", 10k yuan,
points), Chinese pages as before (示例数据, 万元, 分). N6: an empty city's parks, chains, ranking
and self-assessment pages say which templates of 数据交换 fill them to an administrator, and to
a viewer that nothing has been loaded (not "within your scope"); the plans board sends only those
who may load a plan to the load form."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from gaodi.accounts import service as accounts
from gaodi.config import Settings
from gaodi.core.permissions import SYSTEM
from gaodi.db import make_engine, session_scope
from gaodi.web.app import create_app
from tests.reports.workbooks import demo_site
from tests.web.helpers import csrf_of, login, post_form

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh"}
PASSWORD = "audit7-words-password"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


class Texts(HTMLParser):
    """The text inside each element with a data-testid or an id (character references read),
    as a browser shows it, and the text of every demo badge."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.by_key: dict[str, list[str]] = {}
        self.badges: list[str] = []
        self._open: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("input", "br", "img", "meta", "link", "hr"):
            return
        a = {k: v or "" for k, v in attrs}
        keys = [a[k] for k in ("data-testid", "id") if a.get(k)]
        if "badge-demo" in a.get("class", "").split():
            keys.append("\0badge")
        for key in keys:
            self.by_key.setdefault(key, []).append("")
        self._open.append((tag, keys))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            name, keys = self._open.pop()
            if "\0badge" in keys:
                self.badges.append(self.by_key["\0badge"][-1])
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, keys in self._open:
            for key in keys:
                self.by_key[key][-1] += data

    def text(self, key: str) -> str:
        found = self.by_key.get(key)
        assert found, f"no element {key!r}"
        return " ".join(found[0].split())


def texts(html: str) -> Texts:
    parser = Texts()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def empty_city(
    tmp_path_factory: pytest.TempPathFactory, migrated_sqlite: Path
) -> Iterator[dict[str, TestClient]]:
    """A migrated database with nothing in it but the accounts (`gaodi db upgrade` and the demo
    accounts, no demo build): one client signed in as the administrator, one as a viewer."""
    directory = tmp_path_factory.mktemp("audit7-empty")
    shutil.copyfile(migrated_sqlite, directory / "empty.sqlite")
    engine = make_engine(f"sqlite:///{directory / 'empty.sqlite'}")
    with session_scope(engine, actor="test") as s:
        accounts.create_user(s, "a7-admin", "admin", PASSWORD, principal=SYSTEM)
        accounts.create_user(s, "a7-viewer", "viewer", PASSWORD, principal=SYSTEM)
    app = create_app(engine, Settings(data_dir=directory, secret_key="audit7-secret-0123456789ab"))
    clients = {}
    for role in ("admin", "viewer"):
        clients[role] = TestClient(app, base_url="http://testserver")
        login(clients[role], f"a7-{role}", PASSWORD)
    try:
        yield clients
    finally:
        engine.dispose()


@dataclass
class Demo:
    client: TestClient
    engine: Engine


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Iterator[Demo]:
    """The small demo city (a private copy) and its administrator signed in."""

    def admin(s: Session) -> None:
        accounts.create_user(s, "a7-demo-admin", "admin", PASSWORD, principal=SYSTEM)

    with demo_site(demo_template, tmp_path_factory, "audit7-demo", admin) as (engine, app):
        client = TestClient(app, base_url="http://testserver")
        login(client, "a7-demo-admin", PASSWORD)
        yield Demo(client, engine)


def _get(client: TestClient, url: str, headers: dict[str, str]) -> str:
    page = client.get(url, headers=headers)
    assert page.status_code == 200, (url, page.status_code, page.text[:300])
    return page.text


# ------------------------------------------------------------------ N3: one escape, not two


def test_the_empty_chains_page_says_the_benchmark_with_an_apostrophe(
    empty_city: dict[str, TestClient],
) -> None:
    english = _get(empty_city["admin"], "/chains", EN)
    provenance = texts(english).text("provenance")
    assert "benchmark the chain's median link share" in provenance, provenance
    assert "&#39;" not in provenance and "&amp;" not in english
    chinese = texts(_get(empty_city["admin"], "/chains", ZH)).text("provenance")
    assert "对标 链中位数环节占比" in chinese, chinese


# ------------------------------------------------------------------ N4: English words on the demo


@pytest.mark.parametrize("url", ["/regions", "/regions/complexity", "/map", "/clusters"])
def test_the_demo_badge_is_said_in_the_pages_language(demo: Demo, url: str) -> None:
    english = texts(_get(demo.client, url, EN))
    assert english.badges, url  # the small demo's figures are demo data
    assert not [b for b in english.badges if CJK.search(b)], (url, english.badges)
    assert "Demo data" in english.badges, (url, english.badges)
    chinese = texts(_get(demo.client, url, ZH))
    assert "示例数据" in chinese.badges, (url, chinese.badges)


def test_the_clusters_json_line_has_the_pages_colon(demo: Demo) -> None:
    english = texts(_get(demo.client, "/clusters", EN)).text("json-link")
    assert english == "JSON: /api/v1/clusters", english
    chinese = texts(_get(demo.client, "/clusters", ZH)).text("json-link")
    assert chinese == "JSON：/api/v1/clusters", chinese


def _declaration(client: TestClient) -> str:
    """A new 梯度申报 draft of enterprise 1 (the demo has none), made through its form."""
    csrf = csrf_of(_get(client, "/declarations", ZH))
    made = post_form(client, "/declarations", {"enterprise_id": "1", "year": "2023"}, csrf)
    assert made.status_code == 303, made.text[:300]
    return str(made.headers["location"])


@pytest.mark.parametrize("page", ["facts", "declaration"])
def test_tier_fact_units_are_said_in_the_pages_language(demo: Demo, page: str) -> None:
    url = "/enterprises/1/facts" if page == "facts" else _declaration(demo.client)
    # gaodi/core/units.py: 万元 is "10k yuan", 分 "points", 项 "items"; the contract's units
    # of these facts: R&D spend 万元, the 专精特新 score 分, class I IP 项
    known = {"rd_spend_2y_avg": ("万元", "10k yuan"), "srdi_score": ("分", "points")}
    known["ip_class1_count"] = ("项", "items")
    english, chinese = texts(_get(demo.client, url, EN)), texts(_get(demo.client, url, ZH))
    units = [k for k in english.by_key if k.endswith("-unit")]
    assert units, url
    for key in units:
        assert not CJK.search(english.text(key)), (url, key, english.text(key))
    for name, (zh, en) in known.items():
        key = next(k for k in units if k.endswith(f"-{name}-unit"))
        assert (chinese.text(key), english.text(key)) == (zh, en), (url, key)


# ------------------------------------------------------------------ N6: where an empty city starts


#: page -> (the administrator's words: zh, en) naming the templates that fill it
FILLS = {
    "/parks": (
        "尚未载入园区：请在数据交换中用“园区”模板导入园区，再导入“企业”（含所在园区和用地）"
        "和“企业年度数据”模板",
        "No parks have been loaded yet: import them with the parks template under Data exchange",
    ),
    "/chains": (
        "尚未载入产业链：请在数据交换中用“产业链及环节”模板导入产业链，再用“企业-环节”模板",
        "No chains have been loaded yet: import them with the chains and their links template "
        "under Data exchange",
    ),
    "/enterprises/rank": (
        "尚未载入企业年度数据：请在数据交换中导入“企业”和“企业年度数据”模板",
        "No enterprise figures have been loaded yet: import the enterprises and enterprise "
        "yearly figures templates under Data exchange",
    ),
    "/smart/enterprises": (
        "尚未载入企业：请在数据交换中用“企业”模板导入企业",
        "No enterprises have been loaded yet: import them with the enterprises template under "
        "Data exchange",
    ),
}
VIEWER = (
    "尚未载入数据：由管理员在“数据交换”中导入本市的记录。",
    "Nothing has been loaded yet: an administrator imports the city's records under Data exchange.",
)
GENERIC = ("没有可显示的园区", "没有可显示的产业链", "没有可排序的企业", "权限范围")


@pytest.mark.parametrize("url", sorted(FILLS))
def test_an_empty_citys_page_says_where_to_start(
    empty_city: dict[str, TestClient], url: str
) -> None:
    for lang, headers in ((0, ZH), (1, EN)):
        html = _get(empty_city["admin"], url, headers)
        hint = texts(html).text("first-data-hint")
        assert hint.startswith(FILLS[url][lang]), (url, hint)
        assert re.search(r'data-testid="first-data-hint">[^<]*<a href="/data"', html), url
        if lang == 0:
            assert not [g for g in GENERIC if g in html], (url, [g for g in GENERIC if g in html])
        viewer_html = _get(empty_city["viewer"], url, headers)
        assert texts(viewer_html).text("first-data-hint") == VIEWER[lang], url
        # a viewer does not import: not sent to 数据交换 (it may still export there, from the nav)
        assert 'data-testid="data-link"' not in viewer_html, url


def test_the_self_assessment_list_counts_without_scope_words_for_the_whole_city(
    empty_city: dict[str, TestClient],
) -> None:
    for role in ("admin", "viewer"):
        # both read the whole city: no "within your scope" anywhere on the page
        assert "权限范围" not in _get(empty_city[role], "/smart/enterprises", ZH), role
        assert "scope" not in _get(empty_city[role], "/smart/enterprises", EN), role
        zh = texts(_get(empty_city[role], "/smart/enterprises", ZH)).text("enterprise-count")
        en = texts(_get(empty_city[role], "/smart/enterprises", EN)).text("enterprise-count")
        assert (zh, en) == ("共 0 家企业", "0 enterprises"), role
    # a filter that finds nothing is still "no match", not the empty city's words
    filtered = _get(empty_city["admin"], "/smart/enterprises?q=none", ZH)
    assert "没有符合条件的企业。" in filtered and "first-data-hint" not in filtered


def test_the_plans_board_says_by_role_who_loads_a_plan(empty_city: dict[str, TestClient]) -> None:
    # a viewer cannot load a plan, so is not told to
    assert "请先在" not in _get(empty_city["viewer"], "/plans", ZH)
    admin_zh = _get(empty_city["admin"], "/plans", ZH)
    assert texts(admin_zh).text("no-plan") == "还没有计划。请先在计划与审核中载入计划。"
    assert re.search(r'<a href="/plans/list" data-testid="load-plan-link">计划与审核</a>', admin_zh)
    admin_en = texts(_get(empty_city["admin"], "/plans", EN)).text("no-plan")
    assert admin_en == "No plan yet: load one under Plans & review.", admin_en

    viewer_zh = _get(empty_city["viewer"], "/plans", ZH)
    assert texts(viewer_zh).text("no-plan") == "还没有计划：主管部门尚未载入计划。"
    assert 'data-testid="load-plan-link"' not in viewer_zh
    viewer_en = texts(_get(empty_city["viewer"], "/plans", EN)).text("no-plan")
    assert viewer_en == "No plan yet: the bureau has not loaded one.", viewer_en


def test_a_missing_figures_name_is_escaped_once(demo: Demo) -> None:
    # huangyan_2022's R&D item (label R&D经费支出占主营业务收入比重 / R&D spending / ...): a
    # firm without R&D spending (here: every firm) is left out under the item's name, as written
    with demo.engine.begin() as conn:
        conn.execute(text("UPDATE enterprise_year SET rd_spend = NULL"))
    for headers, said in ((ZH, "缺少数据：R&D经费支出"), (EN, "figure missing: R&D spending")):
        html = _get(demo.client, "/parks?scheme=huangyan_2022", headers)
        note = texts(html).text("evaluated-kpi")
        assert said in note, note
        assert "&amp;amp;" not in html and "R&amp;D" not in note


def test_the_regions_chart_subtitle_says_demo_data_in_the_pages_language(demo: Demo) -> None:
    for headers, said in ((EN, "Demo data"), (ZH, "示例数据")):
        data = demo.client.get("/api/v1/regions/specialisation", headers=headers)
        assert data.status_code == 200, data.text[:300]
        subtitle = data.json()["chart"]["subtitle"]
        assert subtitle.split(" · ")[0] == said, subtitle
