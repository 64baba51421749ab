"""What the browser lays out (audit 6, findings Q5, Q6, Q22), on the small demo city: on a phone
(390 px) the map page, the clusters page with its long source addresses and the users page fit
the screen (a wide table scrolls inside its card, an address wraps); printed, a page leaves out
its edit and filter forms and the JSON link, and the plan board's indicator column is wide
enough to read (it wrapped every two characters)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from gaodi.accounts import service as accounts
from gaodi.core.permissions import SYSTEM
from tests.browser.harness import PASSWORD, LiveServer, demo_server, signed_in

pytestmark = pytest.mark.browser


def _users(s: Session) -> None:
    accounts.create_user(s, "layout-admin", "admin", PASSWORD, principal=SYSTEM)


live_server = demo_server("browser-narrow-print", _users)

#: forms in <main> the reader sees (laid out), with their method and action
SHOWN_FORMS = """
() => [...document.querySelectorAll("main form")]
  .filter((f) => f.getClientRects().length > 0)
  .map((f) => (f.getAttribute("method") || "get") + " " + (f.getAttribute("action") || ""))
"""
SHOWN_JSON_LINKS = """
() => [...document.querySelectorAll('main a[href^="/api/v1/"]')]
  .filter((a) => a.getClientRects().length > 0).length
"""


def test_a_phone_screen_never_scrolls_the_page_sideways(
    browser: Any, live_server: LiveServer
) -> None:
    page = signed_in(browser, live_server, "layout-admin", "/map", width=390, height=844)
    for path in ("/map", "/clusters", "/admin/users"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
    # the map's district table is still all there: it scrolls inside its card
    page.goto(f"{live_server.url}/map")
    box = page.evaluate(
        """() => { const t = document.querySelector("[data-testid=map-table]");
          const s = t.closest(".table-scroll");
          return [t.scrollWidth, s ? s.clientWidth : null]; }"""
    )
    assert box[1] is not None and box[0] > box[1], box  # wider than the box, which scrolls


def test_print_leaves_out_forms_and_json_links(browser: Any, live_server: LiveServer) -> None:
    page = signed_in(browser, live_server, "layout-admin", "/chains/1", width=718, height=1000)
    # on screen the chain page has its filter and its 新增环节 form
    assert any(f.startswith("post /chains/1/links") for f in page.evaluate(SHOWN_FORMS))
    page.emulate_media(media="print")
    assert page.evaluate(SHOWN_FORMS) == []
    assert not page.locator("#add-link").is_visible()  # its card goes with it, heading and all

    for path in ("/", "/plans"):
        page.emulate_media(media="screen")
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
        assert page.evaluate(SHOWN_FORMS), path  # the as-of / filter form is there on screen
        page.emulate_media(media="print")
        assert page.evaluate(SHOWN_FORMS) == [], path
        assert page.evaluate(SHOWN_JSON_LINKS) == 0, path

    # the board on A4 (718 px of paper width): an indicator's name keeps at least ten characters
    # a line (it had two to six: 智能 / 制造 / 标杆 …)
    widths = page.evaluate(
        """() => [...document.querySelectorAll("td.board-indicator")].slice(0, 5).map((c) =>
          c.getBoundingClientRect().width / parseFloat(getComputedStyle(c).fontSize))"""
    )
    assert widths and min(widths) >= 10, widths
