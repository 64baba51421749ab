"""Shared pieces of the tests that act as two people at once or as a browser posting a page's
form: the seeded web world under a live server, a signed-in httpx browser, calls released
together by one barrier, and the values a browser would post from a page's form."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx

from tests.browser.harness import LiveServer, serve
from tests.web.conftest import Site, make_site
from tests.web.helpers import csrf_of
from tests.web.seed import PASSWORD


@contextmanager
def live_site(directory: Path) -> Iterator[tuple[Site, LiveServer]]:
    """The seeded web world (tests/web/seed.py) served by uvicorn in a thread."""
    site = make_site(directory)
    try:
        with serve(site.engine, directory, site.world, PASSWORD) as server:
            yield site, server
    finally:
        site.engine.dispose()


def signed_in(server: LiveServer, username: str) -> tuple[httpx.Cookies, str]:
    """A signed-in browser: its cookies and its CSRF token."""
    with httpx.Client(base_url=server.url, timeout=30) as client:
        token = csrf_of(client.get("/login").text)
        r = client.post(
            "/login",
            data={"username": username, "password": PASSWORD, "csrf_token": token, "next": "/"},
        )
        assert r.status_code == 303, r.text[:300]
        return client.cookies, csrf_of(client.get("/account").text)


def at_once(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    """Run the calls together, released by one barrier (a double-click, two people at once)."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], httpx.Response]) -> httpx.Response:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def page_text(html: str) -> str:
    """A page's words, tags dropped and spaces folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class _FormValues(HTMLParser):
    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.select = action, False, None
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action") == self.action
        if not self.inside:
            return
        kind = a.get("type", "text")
        if tag == "input" and a.get("name") and kind != "file":
            if kind not in ("checkbox", "radio") or "checked" in a:  # as a browser posts them
                self.values[a["name"]] = a.get("value", "")
        elif tag == "select":
            self.select = a.get("name")
            self.values.setdefault(self.select or "", "")
        elif tag == "option" and self.select and "selected" in a:
            self.values[self.select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None


def form_values(html: str, action: str) -> dict[str, str]:
    """The values a browser would post from the page's form whose action is ``action``."""
    parser = _FormValues(action)
    parser.feed(html)
    return parser.values


def open_form(client: Any, url: str, action: str) -> dict[str, str]:
    """GET ``url`` (200) and read its form posting to ``action``."""
    page = client.get(url)
    assert page.status_code == 200, page.text[:300]
    return form_values(page.text, action)
