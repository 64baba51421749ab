"""The audit page's Change column names a field by its label and a state by its words: the
Chinese page printed ``status: submitted → not_awarded`` and ``award_reason: — → 得分最高``
(code on a Chinese page). A field with no label keeps its key; a state code never shows."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from gaodi.audit.models import AuditEvent
from gaodi.db import session_scope
from tests.web.conftest import Site
from tests.web.helpers import login
from tests.web.seed import PASSWORD
from tests.web.test_audit_values import _changes

EVENTS = [
    ("challenge_application", {"status": "submitted"}, {"status": "not_awarded"}),
    ("challenge", {"status": "review", "award_reason": None},
     {"status": "awarded", "award_reason": "得分最高"}),
    ("submission", {"status": "submitted"}, {"status": "returned"}),
    ("project", {"stage": "signed", "name": "甲"}, {"stage": "started", "name": "乙"}),
    ("plan", {"status": "draft"}, {"status": "adopted"}),
    ("tier_declaration", {"status": "submitted"}, {"status": "approved"}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh", ["状态 : 已提交待审核 → 已通过",
                "状态 : 草稿 → 已印发",
                "阶段 : 签约 → 开工", "项目名称 : 甲 → 乙",
                "状态 : 已报送待审核 → 已退回",
                "状态 : 评审中 → 已揭榜", "揭榜理由 : — → 得分最高",
                "状态 : 已申报 → 未中选"]),
        ("en", ["Status : submitted → approved",
                "Status : draft → adopted",
                "Stage : signed → started", "Project name : 甲 → 乙",
                "Status : submitted → returned",
                "Status : under review → awarded", "Award reason : — → 得分最高",
                "Status : application submitted → not awarded"]),
    ],
)  # fmt: skip
def test_an_update_names_fields_and_states_in_words(
    site: Site, lang: str, expected: list[str]
) -> None:
    with session_scope(site.engine) as s:
        for n, (entity, before, after) in enumerate(EVENTS):
            s.add(
                AuditEvent(
                    at=dt.datetime(2024, 1, 15, 9, 0, len(EVENTS) - n), actor="dana",
                    entity=entity, action="update", entity_id=str(n + 1),
                    before=before, after=after,
                )
            )  # fmt: skip
    client = site.client()
    login(client, "t-admin", PASSWORD)
    client.cookies.set("gaodi_lang", lang)
    page = client.get("/admin/audit", params={"actor": "dana"}).text
    assert _changes(page) == expected
    if lang == "zh":
        words = " ".join(_changes(page))
        codes = r"\b(status|stage|award_reason|submitted|not_awarded|review|awarded|returned)\b"
        assert not re.search(codes, words)
