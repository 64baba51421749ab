"""Row filters of the chains feature (gaodi.core.permissions).

A chain office sees its chains, their links, the assignments and proposals on those links;
a park office or an enterprise user sees the assignments and proposals about its own
enterprises (the enterprises feature's :func:`~gaodi.enterprises.scopes.enterprise_ids`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from gaodi.chains.models import Chain, EnterpriseLink, Link, LinkProposal
from gaodi.core.permissions import Principal, nothing, register_scope
from gaodi.enterprises.scopes import enterprise_ids


def _links_of(p: Principal) -> Any:
    return select(Link.id).where(Link.chain_id.in_(sorted(p.chain_ids)))


def chain_filter(p: Principal, action: str) -> Any:
    if p.role == "chain_office":
        return Chain.id.in_(sorted(p.chain_ids)) if p.chain_ids else nothing()
    return None  # other roles read every chain; editing is a domain right (chain) they lack


def link_filter(p: Principal, action: str) -> Any:
    if p.role == "chain_office":
        return Link.chain_id.in_(sorted(p.chain_ids)) if p.chain_ids else nothing()
    return None


def enterprise_link_filter(p: Principal, action: str) -> Any:
    if p.role == "chain_office":
        return EnterpriseLink.link_id.in_(_links_of(p)) if p.chain_ids else nothing()
    ids = enterprise_ids(p, action)
    return None if ids is None else EnterpriseLink.enterprise_id.in_(ids)


def link_proposal_filter(p: Principal, action: str) -> Any:
    """A chain office sees the proposals for its chains' links; a park office or an enterprise
    those about its own enterprises."""
    if p.role == "chain_office":
        return LinkProposal.link_id.in_(_links_of(p)) if p.chain_ids else nothing()
    ids = enterprise_ids(p, action)
    return None if ids is None else LinkProposal.enterprise_id.in_(ids)


register_scope(Chain, "chain", chain_filter)
register_scope(Link, "chain", link_filter)
register_scope(EnterpriseLink, "chain", enterprise_link_filter)
register_scope(LinkProposal, "chain", link_proposal_filter)
