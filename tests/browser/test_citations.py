"""In a real browser, on the small demo city: the citation line of a chain page reads as words
in Chinese and in English (来源：… / Source: …), its address a link that opens in a new tab, no
raw ``None`` and no source key of the demo data (``people_2021``)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.accounts import service as accounts
from gaodi.chains.models import Chain
from gaodi.core.permissions import SYSTEM
from tests.browser import harness
from tests.browser.harness import PASSWORD, LiveServer, demo_server, new_page, sign_in

pytestmark = pytest.mark.browser
USER = "citations-admin"
#: chains.yaml: CM (工程机械) cites sources.people_2021, a newspaper article and its address
CM_URL = "http://hn.people.com.cn/n2/2021/0905/c195194-34899647.html"
CM_NAME = "湖南日报 2021-09-05《谁持彩“链”当空舞？——解码长沙产业链建设的前世今生》，人民网湖南频道"


def _setup(s: Session) -> dict[str, Any]:
    accounts.create_user(s, USER, "admin", PASSWORD, principal=SYSTEM)
    chain = s.scalars(select(Chain).where(Chain.code == "CM")).one()
    assert chain.source == f"{CM_NAME} {CM_URL}"  # the demo data this test reads
    return {"chain": chain.id}


live_server = demo_server("browser-citations", _setup)


def _citation(page: Any) -> tuple[str, list[dict[str, str]]]:
    line = page.locator(".page-head [data-testid=citation]")
    assert line.count() == 1
    links = line.locator("a").evaluate_all(
        "els => els.map(a => ({href: a.getAttribute('href'), rel: a.rel, target: a.target,"
        " text: a.innerText}))"
    )
    return line.inner_text(), links


@pytest.mark.parametrize(
    ("locale", "words"),
    [("zh-CN", f"来源：{CM_NAME}（{CM_URL}）"), ("en-US", f"Source: {CM_NAME} ({CM_URL})")],
)
def test_chain_citation_line(
    browser: Any, live_server: LiveServer, locale: str, words: str
) -> None:
    page = new_page(browser, locale=locale)
    sign_in(page, live_server, USER, f"/chains/{live_server.world['chain']}")
    assert page.locator("html").get_attribute("lang").startswith(locale[:2])
    text, links = _citation(page)
    assert text == words
    assert links == [
        {"href": CM_URL, "rel": "noopener noreferrer", "target": "_blank", "text": CM_URL}
    ]
    assert "None" not in text and "people_2021" not in text
    harness.shot(page, f"chain-citation-{locale}.png", full_page=False)
    page.context.close()
