"""集群 page: the "1+2+N" cluster system as grouped cards (tier, status recognised/planned,
source) with each cluster's figures; JSON twin /api/v1/clusters. Calls
:mod:`gaodi.clusters.service` (clusters through ``restrict``; figures over the chains the user
may see)."""

from __future__ import annotations

from fastapi import APIRouter, Query
from pydantic import BaseModel

from gaodi.clusters import service
from gaodi.clusters.schemas import ClusterSystem
from gaodi.regions import panel as P
from gaodi.regions.schemas import PeerGroupOption
from gaodi.ui.web.context import PageContext
from gaodi.ui.web.i18n import N_
from gaodi.ui.web.nav import register_nav
from gaodi.ui.web.pages import page

router = APIRouter()
register_nav("clusters", N_("Clusters"), "/clusters", domain="cluster", order=55)


class ClustersPage(BaseModel):
    """The 1+2+N system: groups of clusters with output, growth, LQ, leaders, SRDI density and
    chain completeness."""

    result: ClusterSystem
    groups: list[PeerGroupOption]
    selected_group: str | None
    peers: list[str]


@page(
    router,
    "/clusters",
    api="/clusters",
    template="clusters/system.html",
    domain="cluster",
    shared=600,
)
def clusters_page(
    ctx: PageContext,
    year: int | None = None,
    group: str | None = None,
    peers: list[str] = Query(default=[], description="Peer region codes for group=custom."),
) -> ClustersPage:
    """The “1+2+N” cluster system with each cluster's figures."""
    assert ctx.principal is not None
    chosen = P.parse_codes(peers)
    res = service.cluster_system(ctx.session, ctx.principal, year=year, group=group, peers=chosen)
    return ClustersPage(
        result=res,
        groups=P.group_options(P.home_city(ctx.session)),
        selected_group=res.group.key if res.group else group,
        peers=chosen,
    )
