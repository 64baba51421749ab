"""``City.cluster_chains()`` reads through the principal's scope like every other frame (issue
found by the analyst-path audit, 2026-12-07: it alone read unrestricted, so an enterprise
user, who may not see chains or clusters, got every cluster–chain pair, and a chain office
every chain's)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from gaodi.city import City
from gaodi.core.errors import PermissionDenied
from gaodi.core.permissions import Principal


def test_cluster_chains_follow_the_principal(demo_db: Engine) -> None:
    with demo_db.connect() as conn:
        pairs = set(conn.execute(text("SELECT cluster_id, chain_id FROM cluster_chain")))
        (cm,) = conn.execute(text("SELECT id FROM chain WHERE code = 'CM'")).one()
    assert pairs and any(chain == cm for _, chain in pairs)
    system = City(engine=demo_db).cluster_chains()
    assert set(system.select("cluster_id", "chain_id").iter_rows()) == pairs

    office = Principal(username="lianban", role="chain_office", chain_ids=frozenset({cm}))
    own = City(engine=demo_db, principal=office).cluster_chains()
    assert set(own.select("cluster_id", "chain_id").iter_rows()) == {p for p in pairs if p[1] == cm}

    firm = Principal(username="qiye", role="enterprise", enterprise_ids=frozenset({1}))
    with pytest.raises(PermissionDenied) as err:
        City(engine=demo_db, principal=firm).cluster_chains()
    assert "industrial chains" in err.value.en
