"""The API's 422 says what is wrong in words, in both languages: a step's comment over the
limit on POST /api/v1/projects/{id}/act was answered only 以下参数无效：参数“comment”。, naming
the field by its key and not the problem; programs' users read the message, not the details."""

from __future__ import annotations

import pytest

from tests.projects.test_replays_and_reasons import (  # noqa: F401  (the fixtures)
    _act,
    _office,
    _written,
    moment,
    site,
)
from tests.web.conftest import Site

LIMIT = 2000  # the limit the form, the API and the import take (projects.MAX_REASON)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_over_long_comment_is_refused_in_words(site: Site, lang: str) -> None:  # noqa: F811
    client, csrf = _office(site, lang)
    pid = site.world.ids["project"]
    rows = _written(site)
    body = {"action": "report_progress", "period": "2023-04", "amount": 25}
    r = _act(client, csrf, pid, {**body, "comment": "长" * (LIMIT + 1)})
    assert r.status_code == 422
    said = r.json()
    assert said["message_zh"] == "以下参数无效：说明。说明过长：最多 2,000 个字符。"
    assert said["message_en"] == (
        "Some parameters are not valid: Comment. Comment is too long: at most 2,000 characters."
    )
    assert said["message"] == said[f"message_{lang}"]  # the asker's language first
    assert [d["field"] for d in said["detail"]] == ["comment"]  # programs keep the details
    assert _written(site) == rows  # nothing written
