"""补链 / 强链 / 延链 recommendations from a chain's link diagnoses, each with its reason.

* 补链 (fill, attract): every missing link whose parent is not itself missing (a missing
  subtree gets one recommendation, on its top link).
* 强链 (strengthen, cultivate): every weak leaf link; it names the local enterprises to
  cultivate, best first by the mean of their percentile ranks of output growth and of
  invention patents within their link, topped up from sibling links when the link has too
  few.
* 延链 (extend): every missing (top of subtree) or weak leaf link next to a strong link:
  the strong link is in the segment immediately up- or downstream under the same parent,
  or is the link's parent or child in the tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import polars as pl

from gaodi.analytics.chain_text import pct, share_pct
from gaodi.analytics.chain_tree import SEGMENT_INDEX, LinkTree, rollup
from gaodi.core import words

_KIND_CODE = {
    "fill": "chain_recommend.kind_fill",
    "strengthen": "chain_recommend.kind_strengthen",
    "extend": "chain_recommend.kind_extend",
}
KIND_ZH = {kind: words.say(code, "zh") for kind, code in _KIND_CODE.items()}
_KIND_ORDER = {"fill": 0, "strengthen": 1, "extend": 2}


@dataclass(frozen=True)
class Recommendation:
    """One action on one link, with its reason in words."""

    kind: Literal["fill", "strengthen", "extend"]
    kind_zh: str
    action: Literal["attract", "cultivate"]
    link_id: Any
    link_name: str
    priority: int  # 1 = key link, 2 = other; 延链 one lower
    enterprise_ids: tuple[Any, ...]  # enterprises to cultivate (强链)
    related_link_ids: tuple[Any, ...]  # strong neighbours (延链)
    reason_zh: str
    reason_en: str


def _candidates(
    tree: LinkTree, nodes: set[Any], rows: pl.DataFrame, multi: bool, keep: int
) -> dict[Any, list[dict[str, Any]]]:
    """The ``keep`` best enterprises to cultivate in each of ``nodes``, best first."""
    rolled = rollup(tree, rows, multi, nodes).with_columns(
        pl.when(pl.col("output_prev") > 0)
        .then(pl.col("output") / pl.col("output_prev") - 1.0)
        .alias("growth")
    )

    def pctl(col: str) -> pl.Expr:
        n = pl.col(col).count().over("node_id")
        r = pl.col(col).rank("average").over("node_id")
        return ((r - 0.5) / n).fill_null(0.0)

    best = (
        rolled.with_columns(((pctl("growth") + pctl("invention_patents")) / 2).alias("score"))
        .sort(
            ["node_id", "score", "output", "enterprise_id"],
            descending=[False, True, True, False],
            nulls_last=True,
        )
        .group_by("node_id", maintain_order=True)
        .head(keep)
    )
    out: dict[Any, list[dict[str, Any]]] = {n: [] for n in nodes}
    for row in best.to_dicts():
        out[row["node_id"]].append(row)
    return out


def _describe(row: dict[str, Any], near: str | None) -> tuple[str, str]:
    g = row["growth"]
    out = []
    for lang in ("zh", "en"):
        growth = (
            words.say("chain_recommend.growth_part", lang, growth=pct(g))
            if g is not None
            else words.say("chain_recommend.no_growth_part", lang)
        )
        where = words.say("chain_recommend.near_part", lang, near=near) if near else ""
        n = row["invention_patents"]
        patents = (
            words.say("chain_recommend.patents_part", lang, patents=n)
            if n is not None
            else words.say("chain_recommend.no_patents_part", lang)
        )
        out.append(
            words.say(
                "chain_recommend.candidate",
                lang,
                name=row["name"],
                near=where,
                growth=growth,
                patents=patents,
            )
        )
    return out[0], out[1]


def _strong_neighbours(tree: LinkTree, by_id: dict[Any, Any], lid: Any) -> list[tuple[Any, str]]:
    """Strong links next to ``lid`` and how they relate to it."""
    node = tree.nodes[lid]
    out: list[tuple[Any, str]] = []
    for other in tree.order:
        o = tree.nodes[other]
        if other == lid or by_id[other].status != "strong":
            continue
        if o.parent_id == node.parent_id and o.depth == node.depth:
            gap = SEGMENT_INDEX[o.segment] - SEGMENT_INDEX[node.segment]
            if gap == 1:
                out.append((other, "downstream"))
            elif gap == -1:
                out.append((other, "upstream"))
        elif other == node.parent_id:
            out.append((other, "parent"))
        elif o.parent_id == lid:
            out.append((other, "child"))
    out.sort(key=lambda x: -(by_id[x[0]].output_share or 0.0))
    return out[:3]


# where each kind of strong neighbour lies, and what it allows
_RELATION = {
    "downstream": ("chain_recommend.rel_downstream_where", "chain_recommend.rel_downstream_act"),
    "upstream": ("chain_recommend.rel_upstream_where", "chain_recommend.rel_upstream_act"),
    "parent": ("chain_recommend.rel_parent_where", "chain_recommend.rel_parent_act"),
    "child": ("chain_recommend.rel_child_where", "chain_recommend.rel_child_act"),
}


def _relation(rel: str, lang: str) -> tuple[str, str]:
    """Where the strong neighbour ``rel`` lies and what it allows, in ``lang``."""
    where, act = _RELATION[rel]
    return words.say(where, lang), words.say(act, lang)


def recommend(
    tree: LinkTree,
    by_id: dict[Any, Any],
    rows: pl.DataFrame,
    multi: bool,
    top_n: int,
) -> list[Recommendation]:
    """All recommendations for a diagnosed chain, most urgent first."""
    recs: list[Recommendation] = []
    status = {lid: by_id[lid].status for lid in tree.order}
    top_missing = [
        lid
        for lid in tree.order
        if status[lid] == "missing"
        and (tree.nodes[lid].parent_id is None or status[tree.nodes[lid].parent_id] != "missing")
    ]
    weak_leaves = [lid for lid in tree.leaves if status[lid] == "weak"]

    for lid in top_missing:
        d, key = by_id[lid], tree.effective_key(lid)
        n_sub = len(tree.nodes[lid].children)
        fill = [
            words.say(
                "chain_recommend.fill",
                lang,
                name=d.name,
                sub=words.say("chain_recommend.sub_links_part", lang, n=n_sub) if n_sub else "",
                reason=d.reason_zh if lang == "zh" else d.reason_en,
                key=words.say("chain_recommend.key_first_part", lang) if key else "",
            )
            for lang in ("zh", "en")
        ]
        recs.append(
            Recommendation(
                "fill",
                KIND_ZH["fill"],
                "attract",
                lid,
                d.name,
                1 if key else 2,
                (),
                (),
                fill[0],
                fill[1],
            )
        )

    # Siblings are looked at only for weak links with fewer than top_n enterprises; from a
    # sibling at most top_n of its best 2*top_n can be new (the rest may repeat picks).
    nodes = set(weak_leaves)
    for lid in weak_leaves:
        if by_id[lid].enterprises < top_n:
            nodes.update(tree.siblings(lid))
    cand = _candidates(tree, nodes, rows, multi, 2 * top_n) if nodes else {}
    for lid in weak_leaves:
        d, key = by_id[lid], tree.effective_key(lid)
        own = cand[lid][:top_n]
        picks: list[tuple[dict[str, Any], str | None]] = [(r, None) for r in own]
        seen = {r["enterprise_id"] for r in own}
        for sib in tree.siblings(lid):
            if len(picks) >= top_n:
                break
            for r in cand.get(sib, []):
                if len(picks) >= top_n:
                    break
                if r["enterprise_id"] not in seen:
                    picks.append((r, tree.nodes[sib].name))
                    seen.add(r["enterprise_id"])
        texts = [_describe(r, near) for r, near in picks]
        recs.append(
            Recommendation(
                "strengthen",
                KIND_ZH["strengthen"],
                "cultivate",
                lid,
                d.name,
                1 if key else 2,
                tuple(r["enterprise_id"] for r, _ in picks),
                (),
                words.say(
                    "chain_recommend.strengthen",
                    "zh",
                    name=d.name,
                    reason=d.reason_zh,
                    n=d.enterprises,
                    candidates=words.listing([t[0] for t in texts]),
                ),
                words.say(
                    "chain_recommend.strengthen",
                    "en",
                    name=d.name,
                    reason=d.reason_en,
                    n=d.enterprises,
                    candidates="; ".join(t[1] for t in texts),
                ),
            )
        )

    for lid in [*top_missing, *weak_leaves]:
        neighbours = _strong_neighbours(tree, by_id, lid)
        if not neighbours:
            continue
        d, key = by_id[lid], tree.effective_key(lid)
        parts_zh: list[str] = []
        parts_en: list[str] = []
        for other, rel in neighbours:
            o = by_id[other]
            share = share_pct(o.output_share) if o.output_share is not None else "—"
            for lang, parts in (("zh", parts_zh), ("en", parts_en)):
                where, act = _relation(rel, lang)
                parts.append(
                    words.say(
                        "chain_recommend.neighbour_part",
                        lang,
                        where=where,
                        name=o.name,
                        share=share,
                        act=act,
                    )
                )
        recs.append(
            Recommendation(
                "extend",
                KIND_ZH["extend"],
                "attract" if d.status == "missing" else "cultivate",
                lid,
                d.name,
                (1 if key else 2) + 1,
                (),
                tuple(o for o, _ in neighbours),
                words.say(
                    "chain_recommend.extend",
                    "zh",
                    name=d.name,
                    status_zh=d.status_zh,
                    status=d.status,
                    parts="；".join(parts_zh),
                ),
                words.say(
                    "chain_recommend.extend",
                    "en",
                    name=d.name,
                    status_zh=d.status_zh,
                    status=d.status,
                    parts="; ".join(parts_en),
                ),
            )
        )
    position = {lid: i for i, lid in enumerate(tree.order)}
    recs.sort(key=lambda r: (r.priority, _KIND_ORDER[r.kind], position[r.link_id]))
    return recs
