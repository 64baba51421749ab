"""产业链 pages: all chains, a chain's map (tree) and diagnosis, a link's page; editing forms.

Each page is one context function serving the HTML page and its JSON twin under /api/v1
(:func:`gaodi.ui.web.pages.page`); they call :mod:`gaodi.chains.service`, which queries through
``restrict`` (a chain office sees only its chains; other chains answer 404).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field

from gaodi.chains import editing, proposals, service
from gaodi.chains.editing import LinkInput
from gaodi.chains.models import Chain, Link
from gaodi.chains.proposals import DirectoryEntry, ProposalRow
from gaodi.chains.schemas import ChainDiagnosisResult, ChainSummary, LinkDetail, LinkRow
from gaodi.core.errors import NotFoundError
from gaodi.core.permissions import can
from gaodi.enterprises import loaders as enterprise_loaders
from gaodi.ui.web.context import FormInvalid, PageContext
from gaodi.ui.web.i18n import N_
from gaodi.ui.web.nav import register_nav
from gaodi.ui.web.overview import OverviewCard, register_overview_card
from gaodi.ui.web.pages import Access, page, route_extra
from gaodi.ui.web.pages import form as form_route

router = APIRouter()
register_nav("chains", N_("Chains"), "/chains", domain="chain", order=30)

STATIC = Path(__file__).resolve().parent / "static"
BenchmarkKind = Literal["median", "peer", "national"]
STATUS_LABELS = {"missing": N_("Missing"), "weak": N_("Weak"), "strong": N_("Strong")}
SEGMENT_LABELS = {"up": N_("Upstream"), "mid": N_("Midstream"), "down": N_("Downstream")}
STATUS_COLOURS = {"missing": "#c8161d", "weak": "#e0a100", "strong": "#1a7f37"}


class Option(BaseModel):
    value: str
    label: str


def _can_edit(ctx: PageContext, chain_id: int) -> bool:
    chain = ctx.session.get(Chain, chain_id)
    return ctx.principal is not None and chain is not None and can(ctx.principal, "edit", chain)


# ---------------------------------------------------------------------------- all chains


class ChainsPage(BaseModel):
    """Every chain the user may see: completeness, strength, missing and weak links."""

    summary: ChainSummary
    benchmark: BenchmarkKind


@page(router, "/chains", api="/chains", template="chains/list.html", domain="chain", shared=30)
def chains_page(ctx: PageContext, benchmark: BenchmarkKind = "median") -> ChainsPage:
    """All chains with their completeness and strength scores and gap counts."""
    assert ctx.principal is not None
    summary = service.chain_summary(ctx.session, ctx.principal, benchmark=benchmark)
    return ChainsPage(summary=summary, benchmark=benchmark)


# ---------------------------------------------------------------------------- a chain


class TreeNode(BaseModel):
    """A node of the chain map (ECharts ``tree`` series data)."""

    name: str
    kind: Literal["chain", "segment", "link"]
    status: str | None = None
    status_label: str | None = None
    reason: str | None = None
    enterprises: int | None = None
    key_link: bool = False
    url: str | None = None
    colour: str = "#646a73"
    children: list[TreeNode] = Field(default_factory=list)


class LegendItem(BaseModel):
    status: str
    label: str
    colour: str
    count: int


class ChainPage(BaseModel):
    """A chain: its map as a tree coloured by link status, the diagnosis, recommendations."""

    diagnosis: ChainDiagnosisResult
    tree: TreeNode
    legend: list[LegendItem]
    benchmark: BenchmarkKind
    segments: list[Option]
    parents: list[Option]
    can_edit: bool


def _tree(ctx: PageContext, d: ChainDiagnosisResult) -> TreeNode:
    zh = ctx.lang == "zh"
    nodes: dict[int, TreeNode] = {}
    for row in d.links:
        label = ctx._(STATUS_LABELS[row.status])
        nodes[row.id] = TreeNode(
            name=row.name + (" ★" if row.key_link else ""),
            kind="link",
            status=row.status,
            status_label=label,
            reason=row.reason_zh if zh else row.reason_en,
            enterprises=row.enterprises,
            key_link=row.key_link,
            url=f"/chains/{d.chain.id}/links/{row.id}",
            colour=STATUS_COLOURS[row.status],
        )
    segments = {
        seg: TreeNode(name=ctx._(SEGMENT_LABELS[seg]), kind="segment") for seg in SEGMENT_LABELS
    }
    for row in d.links:
        parent = nodes.get(row.parent_id) if row.parent_id is not None else None
        (parent or segments[row.segment]).children.append(nodes[row.id])
    return TreeNode(
        name=d.chain.name,
        kind="chain",
        children=[s for s in segments.values() if s.children],
    )


def _legend(ctx: PageContext, d: ChainDiagnosisResult) -> list[LegendItem]:
    # leaf links, as the diagnosis, the list of chains and the CLI count them: a parent's status
    # is its sub-links' (a parent and its only child are one gap, not two)
    counts = {"missing": d.n_missing, "weak": d.n_weak, "strong": d.n_strong}
    return [
        LegendItem(status=s, label=ctx._(STATUS_LABELS[s]), colour=STATUS_COLOURS[s], count=n)
        for s, n in counts.items()
    ]


def _parents(rows: list[LinkRow], exclude: int | None = None) -> list[Option]:
    return [Option(value=str(r.id), label="　" * r.depth + r.name) for r in rows if r.id != exclude]


@page(
    router,
    "/chains/{chain_id}",
    api="/chains/{chain_id}",
    template="chains/chain.html",
    domain="chain",
    shared=30,
)
def chain_page(ctx: PageContext, chain_id: int, benchmark: BenchmarkKind = "median") -> ChainPage:
    """A chain's map, each link's status with its reason, and the recommendations."""
    assert ctx.principal is not None
    # shared by the viewers of one scope until the data changes (the page's hot path)
    d = service.cached_diagnose(ctx.session, ctx.principal, chain_id, benchmark=benchmark)
    return ChainPage(
        diagnosis=d,
        tree=_tree(ctx, d),
        legend=_legend(ctx, d),
        benchmark=benchmark,
        segments=[Option(value=k, label=ctx._(v)) for k, v in SEGMENT_LABELS.items()],
        parents=_parents(d.links),
        can_edit=_can_edit(ctx, d.chain.id),
    )


# ---------------------------------------------------------------------------- a link


class LinkPage(BaseModel):
    """A link: its enterprises, diagnosis with reasons, candidates to attract or cultivate."""

    detail: LinkDetail
    segments: list[Option]
    parents: list[Option]
    proposals: list[ProposalRow] = Field(
        default_factory=list, description="Proposals for this link waiting for approval."
    )
    can_approve: bool = False
    version: str | None = Field(
        None, description="The version of the link's definition (its edit form sends it back)."
    )


@page(
    router,
    "/chains/{chain_id}/links/{link_id}",
    api="/chains/{chain_id}/links/{link_id}",
    template="chains/link.html",
    domain="chain",
)
def link_page(
    ctx: PageContext, chain_id: int, link_id: int, top: int = Query(10, ge=1, le=100)
) -> LinkPage:
    """One link: enterprises (with history), status and risk with reasons, 招商 and 培育 lists."""
    assert ctx.principal is not None
    d = service.diagnose(ctx.session, ctx.principal, chain_id)
    detail = service.link_detail(
        ctx.session, ctx.principal, chain_id, link_id, top=top, diagnosis=d
    )
    return LinkPage(
        detail=detail,
        segments=[Option(value=k, label=ctx._(v)) for k, v in SEGMENT_LABELS.items()],
        parents=_parents(d.links, exclude=link_id),
        proposals=proposals.proposals(ctx.session, ctx.principal, link_id=detail.link.id),
        can_approve=ctx.can("approve", "chain"),
        version=editing.link_version(ctx.session.get_one(Link, detail.link.id)),
    )


# ---------------------------------------------------------------------------- editing forms


def _link_form(ctx: PageContext) -> LinkInput:
    return ctx.parse_form(LinkInput)


@form_route(router, "/chains/{chain_id}/links", domain="chain", page=chain_page)
def create_link(ctx: PageContext, chain_id: int) -> Response:
    assert ctx.principal is not None
    link = editing.create_link(ctx.session, ctx.principal, chain_id, _link_form(ctx))
    ctx.flash(ctx._("Link %(name)s added.", name=link.name))
    return ctx.redirect(f"/chains/{chain_id}/links/{link.id}")


@form_route(router, "/chains/{chain_id}/links/{link_id}", domain="chain", page=link_page)
def update_link(ctx: PageContext, chain_id: int, link_id: int) -> Response:
    assert ctx.principal is not None
    # the version the form was loaded with: a save over a colleague's later change is refused
    version = str(ctx.value("version")).strip() or None
    link = editing.update_link(
        ctx.session, ctx.principal, chain_id, link_id, _link_form(ctx), version=version
    )
    ctx.flash(ctx._("Link %(name)s saved.", name=link.name))
    return ctx.redirect(f"/chains/{chain_id}/links/{link_id}")


@form_route(router, "/chains/{chain_id}/links/{link_id}/delete", domain="chain", page=link_page)
def delete_link(ctx: PageContext, chain_id: int, link_id: int) -> Response:
    assert ctx.principal is not None
    link = editing.get_link(ctx.session, ctx.principal, link_id, "edit")
    if str(ctx.value("confirm")).strip() != link.code:
        raise FormInvalid({"confirm": ctx._("Type the link's code to confirm.")})
    name = link.name
    editing.delete_link(ctx.session, ctx.principal, chain_id, link_id)
    ctx.flash(ctx._("Link %(name)s deleted.", name=name))
    return ctx.redirect(f"/chains/{chain_id}")


def _enterprise_field(ctx: PageContext) -> str:
    value = str(ctx.value("enterprise")).strip()
    if not value:
        raise FormInvalid({"enterprise": ctx._("Enter the enterprise's USCC.")})
    return value


def _note(ctx: PageContext) -> str | None:
    note = str(ctx.value("note")).strip()
    return note[:500] or None


@form_route(router, "/chains/{chain_id}/links/{link_id}/assign", domain="chain", page=link_page)
def assign_enterprise(ctx: PageContext, chain_id: int, link_id: int) -> Response:
    assert ctx.principal is not None
    row = editing.assign(
        ctx.session, ctx.principal, chain_id, link_id, _enterprise_field(ctx), _note(ctx)
    )
    name = enterprise_loaders.names(ctx.session, [row.enterprise_id]).get(row.enterprise_id)
    ctx.flash(ctx._("%(name)s assigned to this link by hand.", name=name or row.enterprise_id))
    return ctx.redirect(f"/chains/{chain_id}/links/{link_id}")


@form_route(router, "/chains/{chain_id}/links/{link_id}/unassign", domain="chain", page=link_page)
def unassign_enterprise(ctx: PageContext, chain_id: int, link_id: int) -> Response:
    assert ctx.principal is not None
    row = editing.unassign(
        ctx.session, ctx.principal, chain_id, link_id, _enterprise_field(ctx), _note(ctx)
    )
    ctx.flash(ctx._("Enterprise %(id)s taken off this link by hand.", id=row.enterprise_id))
    return ctx.redirect(f"/chains/{chain_id}/links/{link_id}")


@form_route(router, "/chains/{chain_id}/links/{link_id}/release", domain="chain", page=link_page)
def release_enterprise(ctx: PageContext, chain_id: int, link_id: int) -> Response:
    assert ctx.principal is not None
    n = editing.release(ctx.session, ctx.principal, chain_id, link_id, _enterprise_field(ctx))
    if n == 0:
        raise FormInvalid({"enterprise": ctx._("This enterprise has no manual assignment here.")})
    ctx.flash(ctx._("Manual assignment removed; the rule decides at the next mapping."))
    return ctx.redirect(f"/chains/{chain_id}/links/{link_id}")


# ---------------------------------------------------------------------------- proposals


class DirectoryPage(BaseModel):
    """Firms not on the chain yet, found by name or USCC: who and where, never their figures.
    A chain office proposes one for a link; the bureau approves (gaodi.chains.proposals)."""

    chain_id: int
    chain_name: str
    q: str
    link_id: int | None
    links: list[Option]
    entries: list[DirectoryEntry]
    limit: int = proposals.DIRECTORY_LIMIT


@page(
    router,
    "/chains/{chain_id}/directory",
    api="/chains/{chain_id}/directory",
    template="chains/directory.html",
    domain="chain",
    action="edit",
)
def directory_page(
    ctx: PageContext,
    chain_id: int,
    q: str = Query("", max_length=100),
    link_id: int | None = None,
) -> DirectoryPage:
    """Search the enterprise directory for firms to propose for a link of this chain."""
    assert ctx.principal is not None
    entries = proposals.directory(ctx.session, ctx.principal, chain_id, q)
    d = service.diagnose(ctx.session, ctx.principal, chain_id)
    return DirectoryPage(
        chain_id=d.chain.id,
        chain_name=d.chain.name,
        q=q,
        link_id=link_id,
        links=_parents(d.links),
        entries=entries,
    )


@form_route(router, "/chains/{chain_id}/links/{link_id}/propose", domain="chain", page=link_page)
def propose_enterprise(ctx: PageContext, chain_id: int, link_id: int) -> Response:
    assert ctx.principal is not None
    proposals.propose(
        ctx.session, ctx.principal, chain_id, link_id, _enterprise_field(ctx), _note(ctx)
    )
    ctx.flash(ctx._("Proposal sent: the enterprise joins this link once the bureau approves."))
    return ctx.redirect(f"/chains/{chain_id}/links/{link_id}")


def _decide(ctx: PageContext, chain_id: int, link_id: int, proposal_id: int, ok: bool) -> Response:
    assert ctx.principal is not None
    proposals.decide(ctx.session, ctx.principal, proposal_id, ok, _note(ctx))
    ctx.flash(ctx._("Proposal approved.") if ok else ctx._("Proposal rejected."))
    return ctx.redirect(f"/chains/{chain_id}/links/{link_id}")


@form_route(
    router, "/chains/{chain_id}/links/{link_id}/proposals/{proposal_id}/approve",
    domain="chain", action="approve", page=link_page, example={"path": {"proposal_id": 1}},
)  # fmt: skip
def approve_proposal(ctx: PageContext, chain_id: int, link_id: int, proposal_id: int) -> Response:
    return _decide(ctx, chain_id, link_id, proposal_id, True)


@form_route(
    router, "/chains/{chain_id}/links/{link_id}/proposals/{proposal_id}/reject",
    domain="chain", action="approve", page=link_page, example={"path": {"proposal_id": 1}},
)  # fmt: skip
def reject_proposal(ctx: PageContext, chain_id: int, link_id: int, proposal_id: int) -> Response:
    return _decide(ctx, chain_id, link_id, proposal_id, False)


# ---------------------------------------------------------------------------- assets, card


def _asset(request_path: str) -> FileResponse:
    name = request_path.rsplit("/", 1)[-1]
    path = STATIC / name
    if not path.is_file():
        raise NotFoundError("找不到该文件。", "No such file.")
    return FileResponse(path, media_type="text/javascript")


def chain_tree_js() -> FileResponse:
    return _asset("chain-tree.js")


router.add_api_route(
    "/assets/chains/chain-tree.js",
    chain_tree_js,
    methods=["GET"],
    include_in_schema=False,
    openapi_extra=route_extra(Access(public=True)),
)


def _chains_card(ctx: PageContext) -> OverviewCard | None:
    if ctx.principal is None or not ctx.can("read", "chain"):
        return None
    summary = service.chain_summary(ctx.session, ctx.principal)
    if summary.mean_completeness is None:
        return None
    tone: Literal["good", "warn", "bad"] = (
        "good"
        if summary.total_missing == 0
        else "warn"
        if summary.mean_completeness >= 0.9
        else "bad"
    )
    return OverviewCard(
        key="chains",
        title=ctx._("Chain completeness (mean)"),
        value=f"{summary.mean_completeness:.0%}",
        note=ctx._(
            "%(missing)s missing and %(weak)s weak links in %(n)s chains",
            missing=summary.total_missing,
            weak=summary.total_weak,
            n=len(summary.chains),
        ),
        href="/chains",
        tone=tone,
    )


register_overview_card("chains", _chains_card, order=30)
