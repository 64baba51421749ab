"""A draft target is scoped only to a chain, park or enterprise that exists.

Fifth audit, K7: ``PATCH /api/v1/plans/targets/{id}`` with ``{"scope": "park", "scope_id": 999}``
answered 200 and stored ``park 999``: the target then showed on no board, and its page named no
scope at all (with ``scope_id`` 2147483648 SQLite saved it too, PostgreSQL answered 500). The
plan-actual entry refuses the same thing in words ("没有编号为 999 的产业链，数值未保存。"); a
target edit now does as well (the JSON API and the forms share the service), and nothing is
saved.

Runs on tests/plans/test_editing_entry_points.py's city: a draft plan with one city target.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from gaodi.chains.models import Chain
from gaodi.db import session_scope
from gaodi.parks.models import Park
from gaodi.plans.models import Target
from tests.plans.test_editing_entry_points import (  # noqa: F401  (the fixture)
    Site,
    site,
    stored_target,
)


def _scope(site: Site) -> tuple[str, int]:  # noqa: F811
    with session_scope(site.engine) as s:
        t = s.get(Target, site.target_id)
        assert t is not None
        return t.scope, t.scope_id


def _first(site: Site, model: type) -> int:  # noqa: F811
    with session_scope(site.engine) as s:
        return int(s.scalar(select(func.min(model.id))) or 0)


@pytest.mark.parametrize(
    ("scope", "scope_id", "zh", "en"),
    [
        ("chain", 999, "没有编号为 999 的产业链，目标未保存。", "There is no chain with id 999"),
        ("park", 999, "没有编号为 999 的园区，目标未保存。", "There is no park with id 999"),
        ("enterprise", 999999, "没有编号为 999999 的企业，目标未保存。", "no enterprise"),
        # beyond an INTEGER column: refused by the request's own bound, on both databases
        ("chain", 2**31, "参数“scope_id”须为不大于 2147483647 的整数。", "2147483647"),
        ("park", 2**63, "参数“scope_id”须为不大于 2147483647 的整数。", "2147483647"),
    ],
)
def test_a_target_is_not_scoped_to_an_object_that_does_not_exist(
    site: Site,  # noqa: F811
    scope: str,
    scope_id: int,
    zh: str,
    en: str,
) -> None:
    before, where = stored_target(site), _scope(site)
    ana = site.clients["ana"]
    body = {"scope": scope, "scope_id": scope_id}
    r = ana.patch(f"/api/v1/plans/targets/{site.target_id}", json=body)
    assert r.status_code == 422, r.text
    said = r.json()
    assert said["message_zh"].endswith(zh) and en in said["message_en"]
    named = said.get("context", {}).get("field") or [d["field"] for d in said["detail"]]
    assert named in ("scope_id", ["scope_id"]), said
    assert _scope(site) == where and stored_target(site) == before  # nothing saved


def test_an_existing_object_is_taken_and_an_id_alone_is_checked_against_the_scope(
    site: Site,  # noqa: F811
) -> None:
    ana = site.clients["ana"]
    for model, scope in ((Park, "park"), (Chain, "chain")):
        real = _first(site, model)
        body = {"scope": scope, "scope_id": real}
        r = ana.patch(f"/api/v1/plans/targets/{site.target_id}", json=body)
        assert r.status_code == 200, r.text
        assert _scope(site) == (scope, real)
    # changing only the id keeps the scope: checked against it
    r = ana.patch(f"/api/v1/plans/targets/{site.target_id}", json={"scope_id": 999})
    assert r.status_code == 422
    assert r.json()["message_zh"] == "没有编号为 999 的产业链，目标未保存。"
    assert _scope(site) == ("chain", _first(site, Chain))
