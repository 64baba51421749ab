"""The board and the chain page are computed once per scope and data version
(gaodi.core.memo): a write shows on the next read, and a viewer of another scope never gets
the cached answer of a wider one."""

from __future__ import annotations

from gaodi.db import session_scope
from gaodi.models import EnterpriseLink, Observation, Target
from gaodi.plans.service import BOARDS
from tests.web.conftest import Site
from tests.web.helpers import login
from tests.web.seed import PASSWORD


def _rows(board: dict) -> dict[int, dict]:
    return {r["target_id"]: r for a in board["actions"] for r in a["rows"]}


def test_board_follows_writes_and_scopes(site: Site) -> None:
    ids = site.world.ids
    with session_scope(site.engine, actor="test") as s:  # a target of chain B
        s.add(
            Target(
                plan_id=ids["plan"], action_id=ids["action"], indicator_id=ids["indicator"],
                indicator_name="测试产值", value=20.0, unit="亿元", year=2023,
                scope="chain", scope_id=ids["chain_b"],
            )
        )  # fmt: skip
    admin, office = site.client(), site.client()
    login(admin, "t-admin", PASSWORD)
    login(office, "t-chain_office", PASSWORD)  # chain A
    wide = _rows(admin.get("/api/v1/plans/board").json())
    computed = BOARDS.computed
    assert _rows(admin.get("/api/v1/plans/board").json()) == wide
    assert BOARDS.computed == computed  # the second read is the cached board
    narrow = _rows(office.get("/api/v1/plans/board").json())
    assert BOARDS.computed == computed + 1  # its own scope: its own board, not the admin's
    chain_b_target = next(t for t, r in wide.items() if t != ids["target"])
    assert set(wide) == {ids["target"], chain_b_target}
    # chain B's series holds 9.0 for 2023-12 (seed): the 2023 target of 20 reads it; the chain
    # A office sees the plan's targets but not chain B's figures (never the admin's cached row)
    assert wide[chain_b_target]["actual"] == 9.0
    assert narrow[chain_b_target]["actual"] is None
    assert narrow[chain_b_target]["status"] == "no_data"
    with session_scope(site.engine, actor="test") as s:  # a revision: 12 instead of 9
        s.add(
            Observation(
                indicator_id=ids["indicator"], scope="chain", scope_id=ids["chain_b"],
                period="2023-12", value=12.0, revision=2,
            )
        )  # fmt: skip
    assert _rows(admin.get("/api/v1/plans/board").json())[chain_b_target]["actual"] == 12.0


def test_chain_page_follows_writes_and_scopes(site: Site) -> None:
    ids = site.world.ids
    admin, office = site.client(), site.client()
    login(admin, "t-admin", PASSWORD)
    login(office, "t-chain_office", PASSWORD)  # chain A only
    # the administrator's chain B diagnosis is cached; the chain office still may not read it
    assert admin.get(f"/api/v1/chains/{ids['chain_b']}").status_code == 200
    assert office.get(f"/api/v1/chains/{ids['chain_b']}").status_code == 404
    url = f"/api/v1/chains/{ids['chain_a']}"
    assert admin.get(url).json()["diagnosis"]["chain_enterprises"] == 2  # E1 (a1), E4 (a2)
    with session_scope(site.engine, actor="test") as s:  # E2 joins link a1
        s.add(EnterpriseLink(enterprise_id=site.world.ids["e2"], link_id=ids["a1"], source="rule"))
    assert admin.get(url).json()["diagnosis"]["chain_enterprises"] == 3
    assert office.get(url).json()["diagnosis"]["chain_enterprises"] == 3
