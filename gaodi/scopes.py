"""Row filters of the foundation's models for scoped roles (see gaodi.core.permissions).

Chain offices see their chains, those chains' links and the enterprises currently attached to
them; park offices see their parks and the enterprises in them; an enterprise user sees itself.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_, select

from gaodi.accounts.models import ApiToken, User
from gaodi.audit.models import AuditEvent
from gaodi.chains.models import Chain, EnterpriseLink, Link, LinkProposal
from gaodi.clusters.models import Cluster
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
from gaodi.parks.models import Park
from gaodi.plans.models import Action, Indicator, Observation, Plan, QualitativeGoal, Target
from gaodi.regions.models import IndustryCode, PanelValue, Region


def _ids(values: frozenset[int]) -> list[int]:
    return sorted(values)


def chain_enterprise_ids(chain_ids: frozenset[int]) -> Any:
    """Enterprises currently attached to any link of the given chains."""
    return (
        select(EnterpriseLink.enterprise_id)
        .join(Link, Link.id == EnterpriseLink.link_id)
        .where(
            Link.chain_id.in_(_ids(chain_ids)),
            EnterpriseLink.valid_to.is_(None),
            EnterpriseLink.excluded.is_(False),
        )
    )


def enterprise_filter(p: Principal, _action: str) -> Any:
    if p.role == "chain_office":
        return Enterprise.id.in_(chain_enterprise_ids(p.chain_ids)) if p.chain_ids else nothing()
    if p.role == "park_office":
        return Enterprise.park_id.in_(_ids(p.park_ids)) if p.park_ids else nothing()
    if p.role == "enterprise":
        return Enterprise.id.in_(_ids(p.enterprise_ids)) if p.enterprise_ids else nothing()
    return None


def enterprise_year_filter(p: Principal, action: str) -> Any:
    inner = enterprise_filter(p, action)
    if inner is None:
        return None
    return EnterpriseYear.enterprise_id.in_(select(Enterprise.id).where(inner))


def _enterprise_child(column: Any) -> Any:
    """The row filter of a model whose rows belong to one enterprise (``column``)."""

    def scope(p: Principal, action: str) -> Any:
        inner = enterprise_filter(p, action)
        if inner is None:
            return None
        return column.in_(select(Enterprise.id).where(inner))

    return scope


def chain_filter(p: Principal, action: str) -> Any:
    if p.role == "chain_office":
        return Chain.id.in_(_ids(p.chain_ids)) if p.chain_ids else nothing()
    return None  # other roles read every chain; editing is a domain right (chain) they lack


def link_filter(p: Principal, action: str) -> Any:
    if p.role == "chain_office":
        return Link.chain_id.in_(_ids(p.chain_ids)) if p.chain_ids else nothing()
    return None


def enterprise_link_filter(p: Principal, action: str) -> Any:
    if p.role == "chain_office":
        if not p.chain_ids:
            return nothing()
        return EnterpriseLink.link_id.in_(
            select(Link.id).where(Link.chain_id.in_(_ids(p.chain_ids)))
        )
    inner = enterprise_filter(p, action)
    if inner is None:
        return None
    return EnterpriseLink.enterprise_id.in_(select(Enterprise.id).where(inner))


def link_proposal_filter(p: Principal, action: str) -> Any:
    """A chain office sees the proposals for its chains' links; a park office or an enterprise
    those about its own enterprises."""
    if p.role == "chain_office":
        if not p.chain_ids:
            return nothing()
        return LinkProposal.link_id.in_(select(Link.id).where(Link.chain_id.in_(_ids(p.chain_ids))))
    inner = enterprise_filter(p, action)
    if inner is None:
        return None
    return LinkProposal.enterprise_id.in_(select(Enterprise.id).where(inner))


def park_filter(p: Principal, action: str) -> Any:
    if p.role == "park_office":
        return Park.id.in_(_ids(p.park_ids)) if p.park_ids else nothing()
    return None


def observation_filter(p: Principal, action: str) -> Any:
    """Scoped offices read every city-level figure but only their own chain/park figures."""
    if p.role == "chain_office":
        own = and_(Observation.scope == "chain", Observation.scope_id.in_(_ids(p.chain_ids)))
    elif p.role == "park_office":
        own = and_(Observation.scope == "park", Observation.scope_id.in_(_ids(p.park_ids)))
    else:
        return None
    if action == "read":
        return or_(Observation.scope.notin_(["chain", "park"]), own)
    return own


def register() -> None:
    for model in (Region, IndustryCode, PanelValue):
        register_scope(model, "region")
    register_scope(Park, "park", park_filter)
    register_scope(Cluster, "cluster")
    register_scope(Chain, "chain", chain_filter)
    register_scope(Link, "chain", link_filter)
    register_scope(EnterpriseLink, "chain", enterprise_link_filter)
    register_scope(LinkProposal, "chain", link_proposal_filter)
    register_scope(Enterprise, "enterprise", enterprise_filter)
    register_scope(EnterpriseYear, "enterprise", enterprise_year_filter)
    register_scope(TierFact, "enterprise", _enterprise_child(TierFact.enterprise_id))
    register_scope(TierEvidence, "enterprise", _enterprise_child(TierEvidence.enterprise_id))
    register_scope(TierAward, "enterprise", _enterprise_child(TierAward.enterprise_id))
    register_scope(TierHonour, "enterprise", _enterprise_child(TierHonour.enterprise_id))
    register_scope(IndustryMargin, "region")  # reference data, like the panel values
    # declarations are a domain of their own: an enterprise user submits, an office approves
    register_scope(TierDeclaration, "declaration", _enterprise_child(TierDeclaration.enterprise_id))
    register_scope(ExternalEnterprise, "chain")
    for plan_model in (Plan, Action, Indicator, Target, QualitativeGoal):
        register_scope(plan_model, "plan")
    register_scope(Observation, "plan", observation_filter)
    register_scope(User, "admin")
    register_scope(ApiToken, "admin")
    register_scope(AuditEvent, "audit")


register()
