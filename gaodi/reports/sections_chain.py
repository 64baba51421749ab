"""Chains in reports: the summary of every chain (the 产业链 page's numbers), the top
recommendations, and one chain's map, diagnosis and recommendations (the chain page's).

Numbers come from :func:`gaodi.chains.service.chain_summary` and
:func:`gaodi.chains.service.diagnose` / :func:`~gaodi.chains.service.diagnose_all`.
"""

from __future__ import annotations

from collections.abc import Sequence

from gaodi.chains.schemas import ChainDiagnosisResult, ChainSummary, RecommendationRow
from gaodi.reports import charts
from gaodi.reports.lang import Lang
from gaodi.reports.model import Block, Column, Figure, Paragraph, Table, format_value

PCT = Column("", fmt="percent")
SEGMENTS = {
    "up": ("上游", "upstream"),
    "mid": ("中游", "midstream"),
    "down": ("下游", "downstream"),
}
KINDS = {
    "fill": ("补链", "fill"),
    "strengthen": ("强链", "strengthen"),
    "extend": ("延链", "extend"),
}
ACTIONS = {"attract": ("招商引进", "attract"), "cultivate": ("培育壮大", "cultivate")}


def summary_columns(tr: Lang) -> list[Column]:
    return [
        Column(tr("产业链", "Chain"), width=2.0, key="chain"),
        Column(tr("环节数", "Links"), fmt="int", width=0.9, key="n_links"),
        Column(tr("企业数", "Enterprises"), fmt="int", width=1.0, key="enterprises"),
        Column(
            tr("产值", "Output"), unit=tr("亿元", "100m yuan"), fmt="yi", width=1.3, key="output"
        ),
        Column(tr("完整度", "Completeness"), fmt="percent", width=1.1, key="completeness"),
        Column(tr("强度", "Strength"), fmt="percent", width=1.0, key="strength"),
        Column(tr("缺链", "Missing"), fmt="int", width=0.8, key="n_missing"),
        Column(tr("弱链", "Weak"), fmt="int", width=0.8, key="n_weak"),
        Column(tr("缺失关键环节", "Missing key links"), width=2.4, key="missing_key_links"),
    ]


def summary_blocks(summary: ChainSummary, tr: Lang) -> list[Block]:
    p = summary.provenance
    n = len(summary.chains)
    text = tr(
        f"纳入监测的产业链{n}条，平均完整度{format_value(summary.mean_completeness, PCT)}、"
        f"平均强度{format_value(summary.mean_strength, PCT)}；"
        f"共有缺链环节{summary.total_missing}个、"
        f"弱链环节{summary.total_weak}个（企业数据年份{p.year or '—'}，"
        f"对标方式：{p.benchmark_label_zh or p.benchmark}）。",
        f"{n} chains are monitored: mean completeness "
        f"{format_value(summary.mean_completeness, PCT)}, mean strength "
        f"{format_value(summary.mean_strength, PCT)}; {summary.total_missing} links are missing "
        f"and {summary.total_weak} weak (enterprise figures of {p.year or '—'}; benchmark: "
        f"{p.benchmark_label_en or p.benchmark}).",
    )
    rows = [
        [
            r.chain.name,
            r.n_links,
            r.enterprises,
            r.output,
            r.completeness,
            r.strength,
            r.n_missing,
            r.n_weak,
            r.missing_key_links,
        ]
        for r in summary.chains
    ]
    blocks: list[Block] = [Paragraph(text)]
    if summary.chains:
        blocks.append(
            Figure(
                charts.chain_scores_chart(
                    [
                        charts.ChainScore(r.chain.name, r.completeness, r.strength)
                        for r in summary.chains
                    ],
                    tr,
                ),
                tr("各产业链完整度与强度", "Completeness and strength of each chain"),
                width_mm=150,
            )
        )
    blocks.append(
        Table(
            summary_columns(tr),
            rows,
            caption=tr("产业链总体情况", "Chains"),
            sheet=tr("产业链", "Chains"),
        )
    )
    return blocks


def recommendation_columns(tr: Lang, with_chain: bool = True) -> list[Column]:
    cols = [Column(tr("产业链", "Chain"), width=1.4, key="chain")] if with_chain else []
    return [
        *cols,
        Column(tr("类型", "Kind"), width=0.8, key="kind"),
        Column(tr("环节", "Link"), width=1.5, key="link"),
        Column(tr("举措", "Action"), width=1.1, key="action"),
        Column(tr("理由", "Reason"), width=6.0, key="reason"),
    ]


def _rec_row(r: RecommendationRow, tr: Lang) -> list[object]:
    return [
        tr(*KINDS.get(r.kind, (r.kind_zh, r.kind))),
        r.link_name,
        tr(*ACTIONS.get(r.action, (r.action, r.action))),
        r.reason_zh if tr.zh else r.reason_en,
    ]


def top_recommendations(
    diagnoses: Sequence[ChainDiagnosisResult], tr: Lang, per_chain: int = 2, limit: int = 12
) -> list[Block]:
    """Each chain's first recommendations (the service orders them by priority: key links
    first, then 补链, 强链, 延链), highest priority first across chains."""
    picked: list[tuple[int, int, ChainDiagnosisResult, RecommendationRow]] = []
    for order, d in enumerate(diagnoses):
        for r in d.recommendations[:per_chain]:
            picked.append((r.priority, order, d, r))
    picked.sort(key=lambda t: (t[0], t[1]))
    rows = [[d.chain.name, *_rec_row(r, tr)] for _, _, d, r in picked[:limit]]
    if not rows:
        return [
            Paragraph(
                tr(
                    "各产业链暂无补链、强链、延链建议。",
                    "No chain has a recommendation at present.",
                )
            )
        ]
    return [
        Paragraph(
            tr(
                f"各产业链按优先级（关键环节优先，依次为补链、强链、延链）列出前{per_chain}项建议，"
                f"合计{len(rows)}项：",
                f"The first {per_chain} recommendations of each chain by priority (key links "
                f"first; fill, strengthen, extend), {len(rows)} in all:",
            )
        ),
        Table(
            recommendation_columns(tr),
            rows,
            caption=tr("补链强链延链重点建议", "Top recommendations"),
            sheet=tr("重点建议", "Recommendations"),
        ),
    ]


# ---------------------------------------------------------------------------- one chain
def link_columns(tr: Lang) -> list[Column]:
    return [
        Column(tr("环节", "Link"), width=1.8, key="name"),
        Column(tr("上中下游", "Segment"), width=0.9, key="segment"),
        Column(tr("企业数", "Enterprises"), fmt="int", width=0.9, key="enterprises"),
        Column(tr("规上企业", "Above scale"), fmt="int", width=0.9, key="above_scale"),
        Column(tr("产值占比", "Output share"), fmt="percent", width=1.0, key="output_share"),
        Column(tr("龙头企业", "Leaders"), fmt="int", width=0.9, key="leaders"),
        Column(tr("状态", "Status"), fmt="status", width=0.8, key="status"),
        Column(tr("判定理由", "Reason"), width=4.6, key="reason"),
    ]


def link_rows(d: ChainDiagnosisResult, tr: Lang) -> list[list[object]]:
    rows = []
    for r in d.links:
        indent = "　" * r.depth if tr.zh else "  " * r.depth
        name = f"{indent}{r.name}{'★' if r.key_link else ''}"
        rows.append(
            [
                name,
                tr(*SEGMENTS.get(r.segment, (r.segment, r.segment))),
                r.enterprises,
                r.above_scale,
                r.output_share,
                r.leaders,
                r.status,
                r.reason_zh if tr.zh else r.reason_en,
            ]
        )
    return rows


def chain_map_figure(d: ChainDiagnosisResult, tr: Lang) -> Figure:
    """The chain page's tree: chain → segment → links, coloured by status."""
    nodes = [charts.MapNode("chain", None, d.chain.name, None)]
    segments_seen: set[str] = set()
    for r in d.links:
        if r.parent_id is None:
            seg = f"seg:{r.segment}"
            if seg not in segments_seen:
                segments_seen.add(seg)
                nodes.append(
                    charts.MapNode(
                        seg, "chain", tr(*SEGMENTS.get(r.segment, (r.segment, r.segment))), None
                    )
                )
            parent = seg
        else:
            parent = f"link:{r.parent_id}"
        nodes.append(charts.MapNode(f"link:{r.id}", parent, r.name, r.status, r.key_link))
    return Figure(
        charts.chain_map_chart(nodes, tr),
        tr(
            f"{d.chain.name}产业链图谱（按环节状态着色）",
            f"Map of the {d.chain.name} chain (links coloured by status)",
        ),
        width_mm=156,
    )
