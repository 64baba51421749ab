"""Which enterprises belong to a chain, as a query other features compose (a row filter, a
list narrowed to one chain) without reading the chains feature's tables themselves."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from gaodi.chains.models import EnterpriseLink, Link


def chain_enterprise_ids(chain_ids: Iterable[int]) -> Any:
    """``SELECT enterprise_id`` of the enterprises currently attached (not excluded, not ended)
    to any link of the given chains."""
    return (
        select(EnterpriseLink.enterprise_id)
        .join(Link, Link.id == EnterpriseLink.link_id)
        .where(
            Link.chain_id.in_(sorted(chain_ids)),
            EnterpriseLink.valid_to.is_(None),
            EnterpriseLink.excluded.is_(False),
        )
    )
