"""A draft target's field refused by the JSON API is named as the review form names it, and
its choices are listed in the asker's language.

Fifth audit, K8: ``PATCH /api/v1/plans/targets/{id}`` with ``{"path": "pppp"}`` answered
"以下参数无效：?。须为以下之一：auto, linear, compound or milestone。": the 422 dropped every part of
the error's location called "path" (the word FastAPI uses for the address's parameters), so the
field had no name, the declaration was not found and pydantic's English list was shown. Only the
location's first part is dropped now, and the target's fields carry their form labels (评价路径,
比较), so path reads as comparator always did: by the same mechanism.

Runs on tests/plans/test_editing_entry_points.py's city: a draft plan with one city target.
"""

from __future__ import annotations

import pytest

from tests.plans.test_editing_entry_points import (  # noqa: F401  (the fixture)
    Site,
    site,
    stored_target,
)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh", "以下参数无效：评价路径。评价路径须为以下之一：auto、linear、compound、milestone。"),
        (
            "en",
            "Some parameters are not valid: Expected path. "
            "Expected path must be one of: auto, linear, compound, milestone.",
        ),
    ],
)
def test_a_wrong_path_is_named_by_its_label_with_its_choices(
    site: Site,  # noqa: F811
    lang: str,
    said: str,
) -> None:
    before = stored_target(site)
    ana = site.clients["ana"]
    ana.cookies.set("gaodi_lang", lang)
    r = ana.patch(f"/api/v1/plans/targets/{site.target_id}", json={"path": "pppp"})
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["message"] == said
    assert [d["field"] for d in body["detail"]] == ["path"]
    assert stored_target(site) == before


def test_the_comparator_is_named_by_its_label_too(site: Site) -> None:  # noqa: F811
    r = site.clients["ana"].patch(
        f"/api/v1/plans/targets/{site.target_id}", json={"comparator": "~", "path": "x"}
    )
    assert r.status_code == 422
    assert r.json()["message_zh"] == (
        "以下参数无效：比较、评价路径。比较须为以下之一：>=、<=、=。"
        "评价路径须为以下之一：auto、linear、compound、milestone。"
    )
