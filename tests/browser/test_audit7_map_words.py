"""The industry map's chart subtitle, read back from ECharts on the small demo city (audit 7,
N4): an English page says the demo as "Demo data", as the page's badge does, a Chinese page
示例数据 (map.js wrote 示例数据 on every page).

Launch setup as in tests/browser/harness.py (``browser``, ``demo_server``)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from gaodi.accounts import service as accounts
from gaodi.core.permissions import SYSTEM
from tests.browser.harness import PASSWORD, LiveServer, demo_server, signed_in

pytestmark = pytest.mark.browser
USER = "a7-map-admin"

SUBTEXT = """
() => {
  const el = document.querySelector("[data-testid=map-chart]");
  return window.echarts.getInstanceByDom(el).getOption().title[0].subtext;
}
"""


def _users(s: Session) -> None:
    accounts.create_user(s, USER, "admin", PASSWORD, principal=SYSTEM)


live_server = demo_server("browser-audit7-map", _users)


@pytest.mark.parametrize(
    ("locale", "said", "not_said"),
    [("en-US", "Year 2023 · Demo data", "示例数据"), ("zh-CN", "数据年份 2023 · 示例数据", "Demo")],
)
def test_the_maps_subtitle_says_demo_data_in_the_pages_language(
    browser: Any, live_server: LiveServer, locale: str, said: str, not_said: str
) -> None:
    page = signed_in(browser, live_server, USER, "/map", locale=locale)
    page.wait_for_selector("[data-testid=map-chart][data-map-ready='1'] canvas", timeout=15000)
    subtext = page.evaluate(SUBTEXT)
    assert subtext == said, subtext
    assert not_said not in subtext
    page.context.close()
