"""Row filters of the enterprises feature (gaodi.core.permissions).

A chain office sees the enterprises currently attached to its chains (the chains feature's
:func:`~gaodi.chains.members.chain_enterprise_ids`), a park office those in its parks, an
enterprise user itself; a row that belongs to one enterprise (its years, tier facts, evidence,
awards, honours, declarations) follows its enterprise. Other features whose rows belong to an
enterprise build their filters on :func:`enterprise_ids`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from gaodi.chains.members import chain_enterprise_ids
from gaodi.core.permissions import Principal, nothing, register_scope
from gaodi.enterprises.models import (
    Enterprise,
    EnterpriseYear,
    ExternalEnterprise,
    IndustryMargin,
    TierAward,
    TierDeclaration,
    TierEvidence,
    TierFact,
    TierHonour,
)


def enterprise_filter(p: Principal, _action: str) -> Any:
    if p.role == "chain_office":
        return Enterprise.id.in_(chain_enterprise_ids(p.chain_ids)) if p.chain_ids else nothing()
    if p.role == "park_office":
        return Enterprise.park_id.in_(sorted(p.park_ids)) if p.park_ids else nothing()
    if p.role == "enterprise":
        return Enterprise.id.in_(sorted(p.enterprise_ids)) if p.enterprise_ids else nothing()
    return None


def enterprise_ids(p: Principal, action: str) -> Any:
    """``SELECT id`` of the enterprises ``p`` may ``action``; None when that is every one."""
    inner = enterprise_filter(p, action)
    return None if inner is None else select(Enterprise.id).where(inner)


def enterprise_child(column: Any) -> Any:
    """The row filter of a model whose rows belong to one enterprise (``column``)."""

    def scope(p: Principal, action: str) -> Any:
        ids = enterprise_ids(p, action)
        return None if ids is None else column.in_(ids)

    return scope


register_scope(Enterprise, "enterprise", enterprise_filter)
register_scope(EnterpriseYear, "enterprise", enterprise_child(EnterpriseYear.enterprise_id))
for _model in (TierFact, TierEvidence, TierAward, TierHonour):
    register_scope(_model, "enterprise", enterprise_child(_model.enterprise_id))
register_scope(IndustryMargin, "region")  # reference data, like the panel values
# declarations are a domain of their own: an enterprise user submits, an office approves
register_scope(TierDeclaration, "declaration", enterprise_child(TierDeclaration.enterprise_id))
# the pool that 招商 candidates come from: the chain domain's, read whole
register_scope(ExternalEnterprise, "chain")
