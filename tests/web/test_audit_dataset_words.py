"""The audit page says what a demo build's "size" is: the city's size in words, not a number
of bytes (the label every other record's ``size`` has: an attachment's file size)."""

from __future__ import annotations

from gaodi.audit import service as audit
from gaodi.db import session_scope
from tests.web.conftest import Site
from tests.web.helpers import login
from tests.web.seed import PASSWORD


def _page(site: Site, lang: str) -> str:
    with session_scope(site.engine, actor="test") as s:
        audit.record(s, "dataset", "demo_build", after={"size": "small", "seed": 2021})
    client = site.client()
    login(client, site.world.users["admin"], PASSWORD)
    client.cookies.set("gaodi_lang", lang)
    response = client.get("/admin/audit", params={"entity": "dataset"})
    assert response.status_code == 200
    return response.text


def test_a_demo_build_size_is_the_city_size_in_chinese(site: Site) -> None:
    text = _page(site, "zh")
    assert "示例城市规模" in text and "大小（字节）" not in text
    assert "小型" in text


def test_a_demo_build_size_is_the_city_size_in_english(site: Site) -> None:
    text = _page(site, "en")
    assert "Demo city size" in text and "Size (bytes)" not in text
