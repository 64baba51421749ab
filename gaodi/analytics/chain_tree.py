"""The link tree of a chain and the validated enterprise facts the diagnosis works on.

A chain is a tree: chain -> segment (up/mid/down) -> link -> sub-link. Links are given as
rows with a ``parent_id`` (null for a link directly under its segment). This module checks
the tree (unique ids, known parents, no cycles, known segments) and splits the
enterprise-link-year rows into one row per enterprise (its figures) and its assignments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from gaodi.core import words
from gaodi.core.errors import DataError

SEGMENTS = ("up", "mid", "down")
SEGMENT_INDEX = {s: i for i, s in enumerate(SEGMENTS)}
SEGMENT_ZH = {
    "up": words.say("chain_tree.up", "zh"),
    "mid": words.say("chain_tree.mid", "zh"),
    "down": words.say("chain_tree.down", "zh"),
}

# Enterprise figures (optional columns) and the value a missing column takes.
ENTERPRISE_COLUMNS: dict[str, tuple[pl.DataType, Any]] = {
    "name": (pl.String(), None),
    "output": (pl.Float64(), None),
    "revenue": (pl.Float64(), None),
    "above_scale": (pl.Boolean(), False),
    "is_leader": (pl.Boolean(), False),
    "is_srdi": (pl.Boolean(), False),
    "invention_patents": (pl.Int64(), 0),
    "output_prev": (pl.Float64(), None),
}


@dataclass(frozen=True)
class Node:
    link_id: Any
    name: str
    segment: str
    parent_id: Any
    key_link: bool
    depth: int
    children: tuple[Any, ...]
    ancestors: tuple[Any, ...]  # nearest first, excluding the link itself


@dataclass(frozen=True)
class LinkTree:
    nodes: dict[Any, Node]
    order: tuple[Any, ...]  # input order
    leaves: tuple[Any, ...]

    def effective_key(self, link_id: Any) -> bool:
        """A link is key if it or any of its ancestors is flagged key."""
        node = self.nodes[link_id]
        return node.key_link or any(self.nodes[a].key_link for a in node.ancestors)

    def ancestors_frame(self) -> pl.DataFrame:
        """(link_id, node_id): each link paired with itself and each of its ancestors."""
        pairs = [(lid, a) for lid in self.order for a in (lid, *self.nodes[lid].ancestors)]
        return pl.DataFrame(
            {"link_id": [x for x, _ in pairs], "node_id": [y for _, y in pairs]},
            infer_schema_length=None,
        )

    def siblings(self, link_id: Any) -> list[Any]:
        """Links with the same parent (top-level: the same segment), excluding itself."""
        node = self.nodes[link_id]
        return [
            lid
            for lid in self.order
            if lid != link_id
            and self.nodes[lid].parent_id == node.parent_id
            and (node.parent_id is not None or self.nodes[lid].segment == node.segment)
        ]


def build_tree(links: pl.DataFrame) -> LinkTree:
    """Validate the link rows and build the tree."""
    missing = [c for c in ("link_id", "segment", "name") if c not in links.columns]
    if missing:
        raise words.error("chain_tree.links_missing_columns", columns=", ".join(missing))
    if links.height == 0:
        raise words.error("chain_tree.no_links")
    ids = links["link_id"].to_list()
    if len(set(ids)) != len(ids):
        dup = sorted({str(i) for i in ids if ids.count(i) > 1})[:5]
        raise words.error("chain_tree.duplicated_links", ids=dup)
    parents = links["parent_id"].to_list() if "parent_id" in links.columns else [None] * len(ids)
    keys = (
        links["key_link"].fill_null(False).to_list()
        if "key_link" in links.columns
        else [False] * len(ids)
    )
    segments, names = links["segment"].to_list(), links["name"].to_list()
    bad = sorted({str(s) for s in segments if s not in SEGMENT_INDEX})
    if bad:
        raise words.error("chain_tree.bad_segment", values=bad)
    parent_of = dict(zip(ids, parents, strict=True))
    unknown = sorted({str(p) for p in parents if p is not None and p not in parent_of})
    if unknown:
        raise words.error("chain_tree.unknown_parent", ids=unknown[:5])
    ancestors: dict[Any, tuple[Any, ...]] = {}
    for lid in ids:
        chain: list[Any] = []
        cur = parent_of[lid]
        while cur is not None:
            if cur == lid or len(chain) > len(ids):
                raise words.error("chain_tree.cycle", link=lid)
            chain.append(cur)
            cur = parent_of[cur]
        ancestors[lid] = tuple(chain)
    children: dict[Any, list[Any]] = {lid: [] for lid in ids}
    for lid, par in parent_of.items():
        if par is not None:
            children[par].append(lid)
    nodes = {
        lid: Node(
            lid,
            str(names[i]),
            str(segments[i]),
            parents[i],
            bool(keys[i]),
            len(ancestors[lid]),
            tuple(children[lid]),
            ancestors[lid],
        )
        for i, lid in enumerate(ids)
    }
    return LinkTree(nodes, tuple(ids), tuple(lid for lid in ids if not children[lid]))


def prepare_facts(facts: pl.DataFrame, tree: LinkTree) -> tuple[pl.DataFrame, pl.DataFrame, bool]:
    """Validate (enterprise, link, figures) rows.

    Returns ``(ents, rows, multi)``: ``ents`` one row per enterprise with every column of
    :data:`ENTERPRISE_COLUMNS` (missing columns take their default; ``name`` defaults to the
    id as text); ``rows`` the distinct (enterprise_id, link_id) pairs with those columns;
    ``multi`` whether some enterprise sits in more than one link.
    """
    missing = [c for c in ("enterprise_id", "link_id", "output") if c not in facts.columns]
    if missing:
        raise words.error("chain_tree.facts_missing_columns", columns=", ".join(missing))
    foreign = facts.filter(~pl.col("link_id").is_in(list(tree.order)))["link_id"].unique()
    if foreign.len():
        sample = [str(x) for x in foreign.to_list()[:5]]
        raise words.error("chain_tree.foreign_links", DataError, links=sample)
    cols = [
        (pl.col(c).cast(dtype) if c in facts.columns else pl.lit(default, dtype=dtype)).alias(c)
        for c, (dtype, default) in ENTERPRISE_COLUMNS.items()
    ]
    df = facts.select("enterprise_id", "link_id", *cols).with_columns(
        pl.col("name").fill_null(pl.col("enterprise_id").cast(pl.String)),
        *(pl.col(c).fill_null(False) for c in ("above_scale", "is_leader", "is_srdi")),
    )
    for c in ("output", "output_prev", "revenue", "invention_patents"):
        if (df[c] < 0).any():
            raise words.error("chain_tree.negative", column=c)
        if df[c].dtype.is_float() and (df[c].is_nan() | df[c].is_infinite()).any():
            raise words.error("chain_tree.not_finite", column=c)
    attrs = list(ENTERPRISE_COLUMNS)
    dup = df["enterprise_id"].is_duplicated()
    if not dup.any():  # the common case: one link per enterprise, nothing to reconcile
        return df.select("enterprise_id", *attrs), df, False
    rows = df.unique(["enterprise_id", "link_id"], maintain_order=True)
    many = df.filter(dup).select("enterprise_id", *attrs).unique()
    clash = many.filter(pl.col("enterprise_id").is_duplicated())["enterprise_id"]
    if clash.len():
        sample = [str(x) for x in clash.unique().sort().to_list()[:5]]
        raise words.error("chain_tree.figures_differ", DataError, ids=sample)
    ents = df.select("enterprise_id", *attrs).unique("enterprise_id", maintain_order=True)
    return ents, rows, True


def rollup(
    tree: LinkTree, rows: pl.DataFrame, multi: bool, nodes: set[Any] | None = None
) -> pl.DataFrame:
    """Each enterprise row once under every link it belongs to, directly or through a
    sub-link (column ``node_id``); only ``nodes`` if given."""
    anc = tree.ancestors_frame()
    if nodes is not None:
        anc = anc.filter(pl.col("node_id").is_in(list(nodes)))
    rolled = rows.join(anc, on="link_id")
    if multi and any(n.depth > 0 for n in tree.nodes.values()):
        rolled = rolled.unique(["enterprise_id", "node_id"], maintain_order=True)
    return rolled
