"""The audit log names every entity it can record in words (audit G, bug 8): a table without a
label showed on /admin/audit as its raw name ("新增 project_year_plan #427")."""

from __future__ import annotations

import datetime as dt
import re

import gaodi.models  # noqa: F401  (every feature's models, so the registry knows each table)
from gaodi.audit.models import AuditEvent
from gaodi.db import session_scope
from gaodi.exchange.service import HANDLERS
from gaodi.models import Base
from gaodi.plans.review import REVIEW_ENTITY
from gaodi.ui.web.i18n import Translator
from gaodi.web.views.admin import ENTITY_LABELS
from tests.web.conftest import Site
from tests.web.helpers import login
from tests.web.seed import PASSWORD

CJK = re.compile(r"[\u4e00-\u9fff]")


def audited_entities() -> set[str]:
    """Every entity an audit entry can name: the tables the ORM listener watches
    (``__audited__``), the sheets an import logs, the plan review screen's own entries."""
    tables = {
        m.class_.__tablename__
        for m in Base.registry.mappers
        if getattr(m.class_, "__audited__", False)
    }
    return tables | set(HANDLERS) | {REVIEW_ENTITY, "dataset"}


def test_every_audited_entity_has_words_in_both_languages() -> None:
    missing = sorted(audited_entities() - set(ENTITY_LABELS))
    assert missing == [], f"audit entities shown as raw table names: {missing}"
    zh, en = Translator("zh"), Translator("en")
    for entity in audited_entities():
        assert CJK.search(zh(ENTITY_LABELS[entity])), (entity, zh(ENTITY_LABELS[entity]))
        words = en(ENTITY_LABELS[entity])
        assert words and "|" not in words and "_" not in words, (entity, words)


def test_the_audit_page_names_workflow_tables_in_words(site: Site) -> None:
    entities = ["project_year_plan", "challenge_milestone", "challenge_reviewer",
                "challenge_score", "challenge_declaration", "appeal_attachment",
                "tier_declaration"]  # fmt: skip
    with session_scope(site.engine) as s:
        for n, entity in enumerate(entities):
            s.add(AuditEvent(at=dt.datetime(2024, 3, 2, 9, n), actor="dora", entity=entity,
                             action="create", entity_id=str(n + 1)))  # fmt: skip
        s.add(AuditEvent(at=dt.datetime(2024, 3, 2, 10), actor="dora", entity="project",
                         action="project.set_year_plan", entity_id="1"))  # fmt: skip
    client = site.client()
    login(client, "t-admin", PASSWORD)
    client.cookies.set("gaodi_lang", "zh")
    html = client.get("/admin/audit", params={"actor": "dora"}).text
    for words in ("项目年度计划", "攻关节点", "揭榜评审专家", "评审评分", "利益冲突声明",
                  "诉求附件", "梯度培育申报", "项目：设定年度计划"):  # fmt: skip
        assert words in html, words
    shown = re.sub(r'title="[^"]*"|value="[^"]*"|class="[^"]*"', "", html)
    for entity in entities:
        assert f">{entity}<" not in shown, entity
    assert "project.set_year_plan</span>" not in html
    filtered = client.get("/admin/audit", params={"entity": "project_year_plan"}).text
    assert 'value="project_year_plan" selected>项目年度计划</option>' in filtered
    client.cookies.set("gaodi_lang", "en")
    api = client.get("/api/v1/admin/audit", params={"actor": "dora"}).json()
    assert {e["entity_label"] for e in api["events"]} >= {"project annual plan", "review score"}
