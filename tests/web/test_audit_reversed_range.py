"""The audit log refuses a range whose end is before its start (422, the two fields named in
words); ?since=2024-01-10&until=2024-01-01 answered an empty list and no word why. A one-day
range (since == until) is still a range."""

from __future__ import annotations

from tests.web.conftest import Site
from tests.web.helpers import login
from tests.web.seed import PASSWORD


def test_a_reversed_range_is_refused_in_words(shared_site: Site) -> None:
    client = shared_site.client()
    login(client, shared_site.world.users["admin"], PASSWORD)
    reversed_ = {"since": "2024-01-10", "until": "2024-01-01"}
    api = client.get("/api/v1/admin/audit", params=reversed_)
    assert api.status_code == 422 and api.json()["error"] == "validation_error"
    body = api.json()
    assert body["context"]["field"] == "until"
    assert "2024-01-01" in body["message_en"] and "2024-01-10" in body["message_en"]
    assert "“To”" in body["message_en"] and "“From”" in body["message_en"]
    assert "截止日期" in body["message_zh"] and "起始日期" in body["message_zh"]
    client.cookies.set("gaodi_lang", "en")
    html = client.get("/admin/audit", params=reversed_)
    assert html.status_code == 422 and 'data-testid="error-page"' in html.text
    assert "is before the" in html.text
    one_day = {"since": "2024-01-10", "until": "2024-01-10"}
    assert client.get("/api/v1/admin/audit", params=one_day).status_code == 200
