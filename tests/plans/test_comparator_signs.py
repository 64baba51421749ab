"""The board and the text review screen say a target's comparator as ≥/≤, as the target page
and the draft review do; they printed the stored code (``>= 5``, ``>= 3000``).

The plan is tests/plans/test_review.py's text with an action whose floor the learned model
suggests (每个集群至少建成一个…平台: at least one, ≥ 1), loaded by the rules as a draft and
then adopted in the database for the board."""

from __future__ import annotations

import html
import re
from pathlib import Path

from gaodi.db import session_scope
from gaodi.plans import service
from gaodi.plans.models import Plan
from gaodi.text.extract import extract_plan
from tests.plans.conftest import ADMIN
from tests.plans.test_review import WITH_SUGGESTION


def _said(page: str) -> str:
    page = re.sub(r"<(script|style|select)\b.*?</\1>", " ", page, flags=re.S)  # not the pickers
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _part(page: str, testid: str) -> str:
    """The words of the element marked ``data-testid=testid`` up to the next review item."""
    start = page.index(">", page.index(f'data-testid="{testid}"')) + 1
    end = page.find('class="review-item"', start)
    return _said(page[start : end if end > 0 else None])


def test_board_and_text_review_say_the_comparator_as_a_sign(tmp_path: Path) -> None:
    from tests.web.conftest import make_site
    from tests.web.helpers import login
    from tests.web.seed import PASSWORD

    site = make_site(tmp_path)
    try:
        with session_scope(site.engine, actor="t") as s:
            extraction = extract_plan(WITH_SUGGESTION)
            plan = service.load_plan(
                s, ADMIN, extraction, source_name="t", source_text=WITH_SUGGESTION
            )
            plan_id = plan.id
            targets = service.get_plan(s, ADMIN, plan_id).targets
            target_id = next(t.id for t in targets if t.comparator == ">=")  # 突破2200家
        client = site.client()
        login(client, site.world.users["analyst"], PASSWORD)
        page = client.get(f"/plans/drafts/{plan_id}/text")
        assert page.status_code == 200
        target = _part(page.text, f"item-{target_id}")
        assert re.search(r"≥ [\d,]+", target) and ">=" not in target, target
        suggested = _part(page.text, "suggested-1")
        assert "≥ 1" in suggested and ">=" not in suggested, suggested

        with session_scope(site.engine, actor="t") as s:
            adopted = s.get(Plan, plan_id)
            assert adopted is not None
            adopted.status = "adopted"
        board = client.get("/plans", params={"plan_id": plan_id})
        assert board.status_code == 200
        cells = re.findall(r'<td class="nowrap">([^<]*)</td>', board.text)
        targets = [html.unescape(c) for c in cells if re.search(r"[<>≤≥]", html.unescape(c))]
        assert targets and all(re.fullmatch(r"[≥≤=] \S+", c) for c in targets), targets
    finally:
        site.engine.dispose()
