"""The facts page refuses a year after the city's today, as saving it does (422, in words); it
answered 200 with an empty, editable form for 2030, put 2030 in the year list, and only the save
said "The year must be 1949–2024". On the web tests' seeded city (tests/web/seed.py)."""

from __future__ import annotations

from datetime import datetime

from gaodi.core import clock
from tests.web.conftest import Site
from tests.web.helpers import login
from tests.web.seed import PASSWORD


def test_a_year_after_the_citys_today_is_refused_in_words(site: Site) -> None:
    e1 = site.world.ids["e1"]
    client = site.client()
    login(client, site.world.users["admin"], PASSWORD)
    with clock.frozen(datetime(2024, 1, 15, 9, 0)):
        api = client.get(f"/api/v1/enterprises/{e1}/facts", params={"year": "2030"})
        assert api.status_code == 422, api.text[:300]
        body = api.json()
        assert "1949–2024" in body["message_en"] and "2030" in body["message_en"]
        assert "1949–2024" in body["message_zh"]
        page = client.get(f"/enterprises/{e1}/facts", params={"year": "2030"})
        assert page.status_code == 422
        assert "1949–2024" in page.text and 'value="2030"' not in page.text
        # this year and a past one are still shown
        for year in ("2024", "2023"):
            r = client.get(f"/api/v1/enterprises/{e1}/facts", params={"year": year})
            assert r.status_code == 200, (year, r.text[:300])
