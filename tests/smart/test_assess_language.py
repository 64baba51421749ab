"""The self-assessment questionnaire page (/smart/enterprises/ID/assess) in English wrote its
question notes as "（any，max 8）" and the scheme's document number as "…(2024 edition)（工信厅
企业〔2024〕56号）": Chinese brackets and comma between English words, which the other 智能制造
pages no longer do (test_enterprise_language.py). Each language now has its own punctuation."""

from __future__ import annotations

import re

from tests.smart.test_views import client_for, site  # noqa: F401  (the module's city)
from tests.web.conftest import Site


def _assess(site: Site, lang: str) -> str:  # noqa: F811
    client = client_for(site, "admin")
    client.cookies.set("gaodi_lang", lang)
    page = client.get(f"/smart/enterprises/{site.world.ids['e1']}/assess")
    assert page.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))


def test_english_questionnaire_has_english_punctuation(site: Site) -> None:  # noqa: F811
    text = _assess(site, "en")
    assert re.search(r"\((one|any), max \d", text), text[:2000]
    # no full-width bracket or comma touching an English word
    assert not re.search(r"（(one|any)|(one|any)，|edition\)（", text)


def test_chinese_questionnaire_keeps_chinese_punctuation(site: Site) -> None:  # noqa: F811
    text = _assess(site, "zh")
    assert re.search(r"（(单选|多选)，满分 \d", text), text[:2000]
