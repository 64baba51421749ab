"""Every entry of the audit log is said in words (verification #14): a new row (新增) and a
workflow step printed their stored values as a JSON dump ({"status": "approved"}, true, null,
reviewer ids), and fields outside the export sheets showed their keys (language : — → zh,
done_on, reported_by, reported_at)."""

from __future__ import annotations

import html as htmllib
import re
from datetime import date, datetime

import pytest

from gaodi.core.permissions import SYSTEM
from gaodi.db import session_scope
from gaodi.projects import challenges, projects
from tests.web.conftest import featured_site
from tests.web.helpers import login
from tests.web.seed import PASSWORD

CELL = re.compile(r'<td class="change">(.*?)</td>', re.S)
RAW = re.compile(r'[{}\[\]"]|\b(true|false|null|None|True|False)\b|\b[a-z]+_(at|on|by|id)\b')


def _cells(client, lang: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The 变更 column of every audit page, as text."""
    client.cookies.set("gaodi_lang", lang)
    cells, number = [], 1
    while True:
        r = client.get("/admin/audit", params={"per_page": 200, "page": number})
        assert r.status_code == 200, r.text[:300]
        found = CELL.findall(r.text)
        for c in found:
            c = re.sub(r"</?(span|del|ins|code)[^>]*>", "", c)  # inline: no space added
            cells.append(" ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", c)).split()))
        if "page=" + str(number + 1) not in r.text:
            return cells
        number += 1


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    now = datetime(2024, 1, 15, 9, 1, 13)  # 17:01:13 in the city
    with featured_site(tmp_path_factory, "audit-entry-words", now) as site:
        world = site.world
        with session_scope(site.engine, actor="seed") as s:
            challenges.complete_milestone(
                s, SYSTEM, world.ids["challenge_a"], world.ids["milestone"],
                date(2024, 1, 15), "已完成评审",
            )  # fmt: skip
            pid = world.ids["project_in"]
            projects.report_progress(s, SYSTEM, pid, "2023-04", 20)
            projects.report_progress(s, SYSTEM, pid, "2023-04", 25, "更正")
        other = site.client()  # a user who switches to English (a stored preference)
        csrf = login(other, world.users["viewer"], PASSWORD)
        r = other.post("/lang", data={"lang": "en", "csrf_token": csrf}, follow_redirects=False)
        assert r.status_code == 303
        client = site.client()
        login(client, world.users["admin"], PASSWORD)
        yield client


def test_the_chinese_audit_page_says_every_entry_in_words(logged) -> None:  # type: ignore[no-untyped-def]
    cells = _cells(logged, "zh")
    text = "\n".join(cells)
    raw = sorted({c for c in cells if RAW.search(c)})
    assert raw == [], raw[:8]
    # a language change, a milestone's completion, a progress report, a new row, a step
    assert "语言: — → English" in text
    assert "完成日期: 2024-01-15" in text
    assert "填报人:" in text and "填报时间:" in text
    assert "存在利益冲突: 否" in text  # a reviewer's declaration (a step's detail)
    assert re.search(r"揭榜申报: #\d+", text)  # an id as the thing's kind and #id
    assert "状态: 已审核" in text or "状态:" in text
    # a moment in the city's time (17:01:13 Beijing time), not UTC or ISO
    assert "2024-01-15 17:01:13" in text and "T17:01" not in text


def test_the_english_audit_page_and_api_say_the_same_in_words(logged) -> None:  # type: ignore[no-untyped-def]
    cells = _cells(logged, "en")
    raw = sorted({c for c in cells if RAW.search(c)})
    assert raw == [], raw[:8]
    assert "Language: — → English" in "\n".join(cells)
    api = logged.get("/api/v1/admin/audit", params={"per_page": 200}).json()
    labels = {c["field"]: c["label"] for e in api["events"] for c in e["changes"]}
    for key in ("language", "reported_at", "reported_by", "done_on"):
        assert labels.get(key, "?") != key, (key, labels.get(key))
