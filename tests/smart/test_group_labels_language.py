"""The levels page names the roll-up's own groups in the reader's language.

The roll-up keys its groups by code and labels the ones it makes itself in Chinese (未归入产业链,
园区外, 大型…微型, 规模不详): an English page showed those Chinese words in the groups table and on
the chart's category axis (the chart draws ``labels`` of the page's ``levels-data`` JSON). They
are English words on an English page now, in the table and the chart alike; the Chinese page keeps
them, and chain and park names stay as stored (data).

The city is tests/web/seed.py's (E1..E4 on chains and in parks) plus an enterprise on no chain,
in no park and of no known industry (E5), with figures that put E1 in 小型 and E3 in 微型.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from sqlalchemy import select

from gaodi.core import clock
from gaodi.core.codes import make_uscc
from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.enterprises.models import Enterprise, EnterpriseYear
from gaodi.regions.models import IndustryCode
from gaodi.smart import service
from tests.smart.test_service import ITEMS, SCENARIOS
from tests.web.conftest import Site, make_site
from tests.web.helpers import login
from tests.web.seed import PASSWORD

#: the words an English page must not show for the roll-up's own groups
CHINESE_GROUPS = (
    "未归入产业链",
    "园区外",
    "大型",
    "中型",
    "小型",
    "微型",
    "规模不详",
    "行业不详",
    "全部",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = make_site(tmp_path_factory.mktemp("smart-group-words"))
    w = site.world
    # the edits are dated before the pages' as-of day (2023-12-31): a past day's roll-up
    # groups each firm by the industry it had that day (gaodi.enterprises.history)
    with clock.frozen(datetime(2023, 6, 15, 2, 0)), session_scope(site.engine, actor="test") as s:
        # 通用设备制造业 (34): an industrial code, so the size rule's 工业 rows apply (the test
        # city keeps no classification: the codes of one branch are added here)
        for code, name, level, parent in (
            ("C", "制造业", "section", None),
            ("34", "通用设备制造业", "division", "C"),
            ("341", "锅炉及原动设备制造", "group", "34"),
            ("3411", "锅炉及辅助设备制造", "class", "341"),
        ):
            if s.get(IndustryCode, code) is None:
                s.add(IndustryCode(code=code, name=name, level=level, parent_code=parent))
                s.flush()
        for key, employees in (("e1", 100), ("e3", 10)):
            ent = s.get(Enterprise, w.ids[key])
            assert ent is not None
            ent.industry_code = "3411"
            row = s.scalar(
                select(EnterpriseYear).where(
                    EnterpriseYear.enterprise_id == ent.id, EnterpriseYear.year == 2023
                )
            )
            assert row is not None
            row.employees = employees
        loner = Enterprise(uscc=make_uscc("430100", random.Random(5)), name="孤立测试有限公司")
        s.add(loner)
        s.flush()
        w.ids["e5"] = loner.id
        for key in ("e1", "e3", "e4", "e5"):
            ent = service.enterprise(s, SYSTEM, enterprise_id=w.ids[key])
            service.record_assessment(
                s, SYSTEM, ent, ITEMS, SCENARIOS, assessed_on=date(2023, 6, 1)
            )
    yield site
    site.engine.dispose()


def _page(site: Site, lang: str, by: str) -> tuple[dict[str, str], list[str]]:
    """The groups table (key -> the words of its first cell) and the chart's axis labels."""
    client = site.client()
    client.headers["X-CSRF-Token"] = login(client, site.world.users["analyst"], PASSWORD)
    client.cookies.set("gaodi_lang", lang)
    page = client.get("/smart", params={"by": by, "as_of": "2023-12-31"})
    assert page.status_code == 200, page.text
    rows = {
        key: re.sub(r"<[^>]+>", "", cell).strip()
        for key, cell in re.findall(r'<tr data-group="([^"]+)"><td>(.*?)</td>', page.text)
    }
    chart = re.search(r'<script type="application/json" id="levels-data">(.*?)</script>', page.text)
    assert chart is not None
    return rows, json.loads(chart[1])["labels"]


@pytest.mark.parametrize(
    ("by", "english", "chinese"),
    [
        ("chain", {"none": "Not in a chain"}, {"none": "未归入产业链"}),
        ("park", {"none": "Outside any park"}, {"none": "园区外"}),
        (
            "size",
            {"small": "Small", "micro": "Micro", "unknown": "Size unknown"},
            {"small": "小型", "micro": "微型", "unknown": "规模不详"},
        ),
        ("industry", {"unknown": "Industry unknown"}, {"unknown": "行业不详"}),
    ],
)
def test_own_groups_follow_the_page_language(
    site: Site, by: str, english: dict[str, str], chinese: dict[str, str]
) -> None:
    rows, labels = _page(site, "en", by)
    for key, words in english.items():
        assert rows.get(key) == words, rows
        assert words in labels, labels
    shown = " ".join([*rows.values(), *labels])
    assert not any(w in shown for w in CHINESE_GROUPS), shown
    # the table and the chart name the same groups in the same words
    assert sorted(rows.values()) == sorted(labels)

    rows, labels = _page(site, "zh", by)
    for key, words in chinese.items():
        assert rows.get(key) == words, rows
        assert words in labels, labels
    assert not any(w in " ".join(labels) for w in english.values()), labels


def test_chain_and_park_names_stay_as_stored(site: Site) -> None:
    for by in ("chain", "park"):
        en_rows, _ = _page(site, "en", by)
        zh_rows, _ = _page(site, "zh", by)
        for key, name in zh_rows.items():
            if key != "none":
                assert en_rows[key] == name, (by, key)
        assert len(zh_rows) > 1, zh_rows
