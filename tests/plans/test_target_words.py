"""A target said in words: the target page showed the stored comparator (``目标 >= 10``,
``Target >= 10``) where the board and the review screen say ≥/≤, and the refusal to change an
adopted plan's target put the status code in brackets (``已印发（adopted）``).

Runs on tests/plans/test_editing_entry_points.py's city: a draft plan with one city target of
≥ 10 亿元 on demo_output in 2026, here adopted directly in the database.
"""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from gaodi.db import session_scope
from gaodi.plans.models import Plan, Target
from tests.plans.test_editing_entry_points import (  # noqa: F401  (the fixture)
    DRAFT,
    PLAN_HEADER,
    Site,
    import_errors,
    site,
)


def _said(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _adopt(site: Site) -> None:  # noqa: F811
    with session_scope(site.engine, actor="test") as s:
        plan = s.get(Plan, site.plan_id)
        assert plan is not None
        plan.status = "adopted"


@pytest.mark.parametrize(("lang", "words"), [("zh", "目标 ≥ 10"), ("en", "Target ≥ 10")])
def test_the_target_page_says_the_comparator_as_the_board_does(
    site: Site,  # noqa: F811
    lang: str,
    words: str,
) -> None:
    _adopt(site)
    ana = site.clients["ana"]
    ana.cookies.set("gaodi_lang", lang)
    page = ana.get(f"/plans/targets/{site.target_id}")
    assert page.status_code == 200
    head = _said(page.text.split('class="page-head"', 1)[1].split("</p>", 1)[0])
    assert words in head and ">=" not in head


def test_an_adopted_plans_target_is_refused_without_a_code(site: Site) -> None:  # noqa: F811
    _adopt(site)
    r = site.clients["ana"].patch(f"/api/v1/plans/targets/{site.target_id}", json={"unit": "万元"})
    body = r.json()
    assert r.status_code == 409
    assert body["message_zh"] == (f"计划“{DRAFT}”已印发，不能再修改目标；如需调整请新建草稿。")
    assert "is adopted" in body["message_en"]
    with session_scope(site.engine) as s:
        assert s.scalars(select(Target.unit).where(Target.id == site.target_id)).one() == "亿元"
    # the import's answer to turning the adopted plan back into a draft
    row = [DRAFT, "430100", 2024, 2026, "草稿", "是"]
    errors = import_errors(site, "plans", {"规划 plans": [PLAN_HEADER, row]})
    assert [e.reason_zh for e in errors] == [
        f"计划“{DRAFT}”已印发，不能改回草稿；如需调整请新建草稿。"
    ]
    # and to a new plan imported as adopted: its status is named in words, not as a code
    row = ["另一行动计划", "430100", 2024, 2026, "已印发", "是"]
    errors = import_errors(site, "plans", {"规划 plans": [PLAN_HEADER, row]})
    assert len(errors) == 1 and "请以草稿导入" in errors[0].reason_zh
    assert "（draft）" not in errors[0].reason_zh
