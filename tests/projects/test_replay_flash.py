"""The figure on record sent again through the project page's form (a replay, a form sent
twice) is said as information, not as an error: nothing went wrong and nothing changed. It was
flashed in the error style, as a refused step is."""

from __future__ import annotations

import re

from tests.projects.test_replays_and_reasons import (  # noqa: F401  (the fixtures)
    _office,
    _written,
    moment,
    site,
)
from tests.web.conftest import Site
from tests.web.helpers import post_form


def _flashes(html: str) -> list[tuple[str, str]]:
    """(kind, words) of each message the page flashes."""
    found = re.findall(r'class="flash flash-(\w+)"[^>]*>(.*?)</div>', html, re.S)
    return [(kind, " ".join(words.split())) for kind, words in found]


def test_a_replay_is_information_and_a_refusal_an_error(site: Site) -> None:  # noqa: F811
    client, csrf = _office(site)
    pid = site.world.ids["project"]
    rows = _written(site)
    replay = {"action": "set_year_plan", "year": "2023", "amount": "120"}  # 120 is on record
    post_form(client, f"/projects/{pid}/act", replay, csrf)
    shown = _flashes(client.get(f"/projects/{pid}").text)
    assert shown == [("info", "2023年度计划投资与已填报数值相同（120 万元），未作更改。")]
    assert _written(site) == rows
    # a stage skipped (签约 straight to 投产) is still refused as an error
    post_form(
        client,
        f"/projects/{pid}/act",
        {"action": "advance", "stage": "producing", "on": "2023-05-20"},
        csrf,
    )
    shown = _flashes(client.get(f"/projects/{pid}").text)
    assert [kind for kind, _words in shown] == ["error"], shown
