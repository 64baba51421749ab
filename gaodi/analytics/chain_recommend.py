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

from gaodi.analytics.chain_text import pct
from gaodi.analytics.chain_tree import SEGMENT_INDEX, LinkTree, rollup

KIND_ZH = {"fill": "补链", "strengthen": "强链", "extend": "延链"}
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
    g_zh = f"产值增速{pct(g)}" if g is not None else "无上年产值"
    g_en = f"output growth {pct(g)}" if g is not None else "no prior-year output"
    near_zh = f"邻近环节「{near}」，" if near else ""
    near_en = f"in neighbouring link {near}, " if near else ""
    return (
        f"{row['name']}（{near_zh}{g_zh}，发明专利{row['invention_patents']}件）",
        f"{row['name']} ({near_en}{g_en}, {row['invention_patents']} invention patents)",
    )


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


_RELATION = {
    "downstream": (
        "下游",
        "可依托其配套需求向上游延伸至本环节",
        "downstream",
        "extend upstream into this link on the back of its demand",
    ),
    "upstream": (
        "上游",
        "可依托其供给向下游延伸至本环节",
        "upstream",
        "extend downstream into this link using its supply",
    ),
    "parent": ("上级", "可向本细分环节延伸", "parent", "extend into this sub-link"),
    "child": ("细分", "可由细分环节向本环节拓展", "sub-", "build out this link from its sub-link"),
}


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
        sub_zh = (
            f"（含{len(tree.nodes[lid].children)}个细分环节）" if tree.nodes[lid].children else ""
        )
        sub_en = (
            f" (with its {len(tree.nodes[lid].children)} sub-links)"
            if tree.nodes[lid].children
            else ""
        )
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
                f"「{d.name}」{sub_zh}{d.reason_zh}；建议补链：招商引进该环节企业"
                + ("（关键环节，优先）" if key else ""),
                f"{d.name}{sub_en}: {d.reason_en}; fill the gap by attracting enterprises"
                + (" (key link, first)" if key else ""),
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
                f"「{d.name}」{d.reason_zh}；本地有{d.enterprises}家企业，建议强链、重点培育"
                f"（按产值增速与发明专利排序）：" + "、".join(t[0] for t in texts),
                f"{d.name}: {d.reason_en}; {d.enterprises} local enterprise(s); strengthen by "
                f"cultivating (ranked by output growth and patents): "
                + "; ".join(t[1] for t in texts),
            )
        )

    for lid in [*top_missing, *weak_leaves]:
        neighbours = _strong_neighbours(tree, by_id, lid)
        if not neighbours:
            continue
        d, key = by_id[lid], tree.effective_key(lid)
        parts_zh, parts_en = [], []
        for other, rel in neighbours:
            o = by_id[other]
            w_zh, act_zh, w_en, act_en = _RELATION[rel]
            share = pct(o.output_share) if o.output_share is not None else "—"
            parts_zh.append(f"{w_zh}环节「{o.name}」为强链（链内产值占比{share}），{act_zh}")
            parts_en.append(f"{w_en} link {o.name} is strong ({share} of chain output): {act_en}")
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
                f"「{d.name}」为{d.status_zh}；" + "；".join(parts_zh) + "，建议延链",
                f"{d.name} is a {d.status} link; " + "; ".join(parts_en),
            )
        )
    position = {lid: i for i, lid in enumerate(tree.order)}
    recs.sort(key=lambda r: (r.priority, _KIND_ORDER[r.kind], position[r.link_id]))
    return recs
