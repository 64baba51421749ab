"""Blank query parameters (an unchosen filter, a pager link copying it) mean "no filter"."""

from __future__ import annotations

from tests.web.conftest import Site
from tests.web.helpers import login
from tests.web.seed import PASSWORD


def test_blank_filters_are_ignored_not_refused(shared_site: Site) -> None:
    client = shared_site.client()
    login(client, shared_site.world.users["admin"], PASSWORD)
    # page (an int) and q blank: the defaults apply instead of a 422
    blank = client.get("/api/v1/admin/audit?page=&actor=&entity=")
    plain = client.get("/api/v1/admin/audit")
    assert blank.status_code == 200, blank.text[:300]
    assert blank.json() == plain.json()
    # a non-blank bad value is still refused
    assert client.get("/api/v1/admin/audit?page=abc").status_code == 422
