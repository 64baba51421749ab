"""The levels page's "no grouping" choice shows the whole city, and the JSON twin names the
roll-up's own groups in English too.

The form's 不分组 option sent ``by=`` (blank); a blank query parameter means "not given"
(gaodi.ui.web.blanks), so the page and /api/v1/smart/levels answered the default by-chain grouping:
the whole-city view (the CLI's ``gaodi smart levels`` without ``--by``) could not be reached on the
web. The option is ``by=city`` now. The API labelled the roll-up's own groups (未归入产业链, 园区外,
the size classes, 规模不详, 全部) in Chinese only, while the English page rebuilt their English
words in its template; each group carries ``label_en`` now and the page shows the view's words.

The city is tests/smart/test_group_labels_language.py's: tests/web/seed.py's E1..E4 plus E5 (no
chain, no park, no known industry); E1, E3, E4 and E5 are assessed.
"""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from tests.smart.test_group_labels_language import site  # noqa: F401  (the module's city)
from tests.web.conftest import Site
from tests.web.helpers import login
from tests.web.seed import PASSWORD


def _client(site: Site, lang: str) -> TestClient:  # noqa: F811
    client = site.client()
    client.headers["X-CSRF-Token"] = login(client, site.world.users["analyst"], PASSWORD)
    client.cookies.set("gaodi_lang", lang)
    return client


def _chart_labels(page: str) -> list[str]:
    chart = re.search(r'<script type="application/json" id="levels-data">(.*?)</script>', page)
    assert chart is not None
    return json.loads(chart[1])["labels"]


def test_the_no_grouping_choice_shows_the_whole_city(site: Site) -> None:  # noqa: F811
    client = _client(site, "zh")
    first = client.get("/smart", params={"as_of": "2023-12-31"}).text
    assert 'data-testid="groups-table"' in first  # by chain when nothing is chosen
    # the value the form sends for 不分组, as a user choosing it sends it
    choice = re.search(r'<option value="([^"]*)"[^>]*>不分组</option>', first)
    assert choice is not None
    page = client.get("/smart", params={"by": choice[1], "as_of": "2023-12-31"})
    assert page.status_code == 200
    assert 'data-testid="groups-table"' not in page.text
    assert re.search(r'<option value="[^"]*" selected>不分组</option>', page.text)
    assert "按产业链" not in page.text and _chart_labels(page.text) == ["全部"]
    assessed = re.search(r'data-testid="assessed">(\d+)<', page.text)
    assert assessed is not None and assessed[1] == "4"

    # the page's JSON link and the API give the whole city too
    link = re.search(r'href="(/api/v1/smart/levels\?[^"]*)"', page.text)
    assert link is not None
    body = client.get(link[1].replace("&amp;", "&")).json()["rollup"]
    assert body["groups"] == [] and body["by"] is None and body["assessed"] == 4
    body = client.get("/api/v1/smart/levels", params={"by": choice[1]}).json()["rollup"]
    assert body["groups"] == [] and body["city"]["total"] == 4
    # a blank choice still means "not chosen": the default grouping
    body = client.get("/api/v1/smart/levels?by=").json()["rollup"]
    assert body["by"] == "chain" and body["groups"]


def test_the_api_names_the_rollups_own_groups_in_english(site: Site) -> None:  # noqa: F811
    client = _client(site, "en")

    def groups(by: str) -> dict[str, tuple[str, str]]:
        r = client.get("/api/v1/smart/levels", params={"by": by, "as_of": "2023-12-31"})
        assert r.status_code == 200, r.text
        return {g["key"]: (g["label"], g["label_en"]) for g in r.json()["rollup"]["groups"]}

    size = groups("size")
    assert size["small"] == ("小型", "Small") and size["micro"] == ("微型", "Micro")
    assert size["unknown"] == ("规模不详", "Size unknown")
    chains = groups("chain")
    assert chains["none"] == ("未归入产业链", "Not in a chain")
    named = [labels for key, labels in chains.items() if key != "none"]
    assert named and all(zh == en for zh, en in named)  # chain names are data: as stored
    assert groups("park")["none"] == ("园区外", "Outside any park")
    assert groups("industry")["unknown"] == ("行业不详", "Industry unknown")
    city = client.get("/api/v1/smart/levels", params={"by": "size"}).json()["rollup"]["city"]
    assert (city["label"], city["label_en"]) == ("全部", "Whole city")

    # the English page shows the API's words, in the table and on the chart
    page = client.get("/smart", params={"by": "size", "as_of": "2023-12-31"}).text
    rows = dict(re.findall(r'<tr data-group="([^"]+)"><td>(.*?)</td>', page))
    assert {k: rows[k] for k in size} == {k: en for k, (_zh, en) in size.items()}
    assert sorted(_chart_labels(page)) == sorted(en for _zh, en in size.values())
    whole = client.get("/smart", params={"by": "city"}).text
    assert _chart_labels(whole) == ["Whole city"]
