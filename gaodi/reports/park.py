"""The park report (``gaodi report park PARK``) and the parks section of the monthly report.

Both call the parks feature's service: :func:`gaodi.parks.service.evaluate` (the 亩均 evaluation
with every park's classes, score, rank, tiers and positioning — the parks page) and
:func:`gaodi.parks.service.park_enterprises` (a park's enterprises by class — the park page).
While that feature is not installed, the monthly report leaves its parks section out and
``gaodi report park`` says the parks service is missing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from gaodi.core import clock
from gaodi.core.errors import GaodiError, NotFoundError
from gaodi.core.permissions import Principal, allowed
from gaodi.core.provenance import as_provenance
from gaodi.core.units import unit_words
from gaodi.reports import charts, map_figure
from gaodi.reports.common import (
    Progress,
    generated_lines,
    is_demo_dataset,
    no_progress,
    optional_module,
)
from gaodi.reports.lang import Lang, check_lang
from gaodi.reports.model import Block, Column, Figure, Heading, Paragraph, Report, Table

CLASSES = ("A", "B", "C", "D")
LEVELS = {"national": ("国家级", "national"), "provincial": ("省级", "provincial")}
MAX_ENTERPRISES = 500  # the most the parks service lists at once (one page)
DOC_ENTERPRISES = 100  # rows a Word report lists; the Excel report has every evaluated firm


def parks_service() -> Any | None:
    """The parks service module when it offers the evaluation, else None."""
    module = optional_module("gaodi.parks.service")
    if module is None or not hasattr(module, "evaluate"):
        return None
    return module


def _tier_text(t: Any, tr: Lang) -> str:
    if t.status == "reached":
        return tr("已达到", "reached")
    if t.status == "years" and t.reach_year is not None:
        return tr(
            f"按现增速约{t.years:.1f}年（{t.reach_year}年）",
            f"in about {t.years:.1f} years ({t.reach_year}) at current growth",
        )
    if t.status == "not_at_growth":
        return tr("按现增速无法达到", "not at current growth")
    return tr("无数据", "no data")


def ranking_table(evaluation: Any, tr: Lang) -> Table:
    columns = [
        Column(tr("园区", "Park"), width=2.6),
        Column(tr("级别", "Level"), width=0.9),
        Column(tr("参评企业", "Evaluated"), fmt="int", width=0.9),
        *[Column(tr(f"{k}类", f"Class {k}"), fmt="int", width=0.6) for k in CLASSES],
        Column(tr("综合得分", "Score"), fmt="number", width=1.0),
        Column(tr("排名", "Rank"), fmt="int", width=0.6),
        Column(tr("产值", "Output"), unit=tr("亿元", "100m yuan"), fmt="number", width=1.1),
        Column(tr("产值增速", "Growth"), fmt="percent", width=1.0),
    ]
    rows = [
        [
            p.name,
            tr(*LEVELS.get(p.level, (p.level, p.level))),
            p.n_evaluated,
            *[p.classes.get(k, 0) for k in CLASSES],
            p.score,
            p.rank,
            p.output,
            p.growth,
        ]
        for p in evaluation.parks
    ]
    base = getattr(evaluation, "ranked_parks", 0) or len(evaluation.parks)
    return Table(
        columns,
        rows,
        caption=tr("园区亩均效益排名", "Parks by per-mu score"),
        sheet=tr("园区排名", "Park ranking"),
        note=tr(
            f"注：排名为全市{base}个参评园区中的名次；增速为园区产值的年均复合增长率（CAGR）。",
            f"Note: ranks are among the city's {base} parks with a score; growth is the "
            "compound annual growth rate of the park's output.",
        ),
    )


def tier_table(parks: list[Any], tr: Lang) -> Table:
    columns = [
        Column(tr("园区", "Park"), width=2.6),
        Column(tr("能级", "Tier"), width=1.4),
        Column(tr("产值", "Output"), unit=tr("亿元", "100m yuan"), fmt="number", width=1.1),
        Column(tr("进度", "Progress"), fmt="percent", width=0.9),
        Column(tr("按现增速", "At current growth"), width=3.0),
    ]
    rows = [
        [p.name, t.label_zh if tr.zh else t.label_en, p.output, t.progress, _tier_text(t, tr)]
        for p in parks
        for t in p.tiers
    ]
    return Table(
        columns,
        rows,
        caption=tr("园区能级进度", "Tier progress of the parks"),
        sheet=tr("能级进度", "Tier progress"),
    )


def scope_words(evaluation: Any, tr: Lang) -> str:
    """Whose firms the evaluation's counts are (全市, or the reader's scope: a park office's
    parks', a chain office's chains')."""
    if getattr(evaluation, "counts_scope", "city") == "scope":
        return tr("权限范围内", "within the reader's scope")
    return tr("全市", "city-wide")


def class_table(evaluation: Any, tr: Lang) -> Table:
    labels = {
        "above_scale": ("规上工业企业", "above scale"),
        "below_scale": ("规下工业企业", "below scale"),
    }
    rows = [
        [tr(*labels.get(seg, (seg, seg))), *[counts.get(k, 0) for k in CLASSES]]
        for seg, counts in evaluation.class_counts.items()
    ]
    columns = [
        Column(tr("分组", "Segment"), width=1.6),
        *[Column(tr(f"{k}类", f"Class {k}"), fmt="int", width=0.8) for k in CLASSES],
    ]
    return Table(
        columns,
        rows,
        caption=tr(
            f"企业亩均效益分类（{scope_words(evaluation, tr)}）",
            f"Enterprises by per-mu class ({scope_words(evaluation, tr)})",
        ),
        sheet=tr("企业分类", "Enterprise classes"),
    )


def provenance_lines(evaluation: Any, tr: Lang) -> list[tuple[str, str]]:
    """The evaluation's year, scheme, class rule and rule files in words, as the parks page and
    its workbook say them (the report printed rank_share 0.2/0.6/0.15 and uncertain)."""
    p = evaluation.provenance
    words = optional_module("gaodi.parks.export")
    if words is None:  # the parks feature without its words: the stored codes
        scheme = f"{p.scheme_name_zh if tr.zh else p.scheme_name_en} ({p.scheme_version})"
        classes, sets = p.classes, "; ".join(f"{k} v{v}" for k, v in p.rule_sets.items())
    else:
        scheme = words.scheme_text(evaluation, tr.code)
        classes, sets = words.rules_text(evaluation, tr.code)
    return [
        (tr("亩均评价年份", "Per-mu evaluation year"), str(p.year)),
        (tr("亩均评价规则", "Per-mu rule set"), scheme),
        (tr("分类规则", "Class rule"), classes),
        (tr("规则集版本", "Rule-set versions"), sets),
    ]


def monthly_park_blocks(
    session: Session, principal: Principal, year: int | None, tr: Lang
) -> list[Block]:
    """Parks' 亩均 classes and tier progress for the monthly report (empty without the parks
    service or the right to read parks)."""
    service = parks_service()
    if service is None or not allowed(principal, "read", "park"):
        return []
    ev = service.evaluate(session, principal, year=year)
    if not ev.parks:
        return []
    p = ev.provenance
    targets = tr("；", "; ").join(
        tr(
            f"{t.label_zh}目标{t.target_count}个（{t.target_year}年），现有{t.count}个",
            f"{t.label_en}: {t.target_count} by {t.target_year}, {t.count} now",
        )
        for t in ev.targets
    )
    # the firm counts are the reader's scope's (a park office: its parks'), the tier targets
    # the city's: each says whose it is
    scope = scope_words(ev, tr)
    # a city whose plan set no tier targets (only the demo plan's are known) is told none
    tiers_said = (
        tr(f"全市园区能级：{targets}。", f" City-wide park tiers: {targets}.") if targets else ""
    )
    blocks: list[Block] = [
        Paragraph(
            tr(
                f"{p.year}年亩均效益评价（{p.scheme_name_zh}）{scope}参评企业{ev.n_evaluated}家。"
                + tiers_said,
                f"Per-mu evaluation of {p.year} ({p.scheme_name_en}): {ev.n_evaluated} enterprises "
                f"evaluated ({scope})." + tiers_said,
            )
        ),
        class_table(ev, tr),
        ranking_table(ev, tr),
        tier_table(ev.parks, tr),
    ]
    return blocks


def _percent(share: float | None) -> float | None:
    return None if share is None else 100 * share


def indicator_row(i: Any, value: float | None, tr: Lang) -> list[Any]:
    """One row of a park's indicator table: the unit in the report's language (万元/亩 is
    10k yuan/mu in English), a share (``ratio``) in percent — 1.93 %, not 0.02 beside a
    benchmark of 0.03 — since one column holds every indicator's figures to two decimals."""
    if i.unit == "ratio":
        return [tr(i.label_zh, i.label_en), "%", _percent(value), _percent(i.benchmark), i.weight]
    return [tr(i.label_zh, i.label_en), unit_words(i.unit, tr.code), value, i.benchmark, i.weight]


def _find_park(service: Any, session: Session, principal: Principal, ref: int | str) -> Any:
    if isinstance(ref, int):
        return service.get_park(session, principal, ref)
    from gaodi.parks import loaders

    for park in loaders.parks(session, principal):
        if ref in (park.name, park.short_name):
            return park
    raise NotFoundError(
        f"找不到园区“{ref}”（或无权查看）。", f"No park '{ref}' (or not yours to see)."
    )


def build_park(
    session: Session,
    principal: Principal,
    park_ref: int | str,
    lang: str = "zh",
    *,
    year: int | None = None,
    progress: Progress = no_progress,
) -> Report:
    """One park's report: its 亩均 evaluation, enterprises by class, tier progress and
    positioning (两主一特 / 一主一特)."""
    tr = Lang(check_lang(lang))
    service = parks_service()
    if service is None:
        raise GaodiError(
            "园区评价服务尚未安装，无法生成园区报告。",
            "The parks evaluation service is not installed, so there is no park report.",
        )
    park = _find_park(service, session, principal, park_ref)
    progress(0.1, tr.stage("评价亩均效益", "Evaluating per-mu returns"))
    state = service.compute(session, principal, year=year) if hasattr(service, "compute") else None
    ev = service.evaluate(session, principal, year=year, state=state)
    row = next((p for p in ev.parks if p.id == park.id), None)
    if row is None:
        raise NotFoundError(f"找不到园区 {park.id}（或无权查看）。", f"No park {park.id}.")
    year = ev.provenance.year
    report = Report(
        kind="park",
        lang=tr.code,
        title=tr(f"{row.name}亩均效益评价报告", f"{row.name}: per-mu evaluation report"),
        subtitle=tr(f"{year}年度", f"Year {year}"),
        issuer=tr("高地平台（Gaodi）生成", "Generated by Gaodi"),
        date=clock.today(),
        is_demo=is_demo_dataset(session),
        filename=f"park-{park.id}-{year}-{tr.code}",
    )
    level = tr(*LEVELS.get(row.level, (row.level, row.level)))
    score = "—" if row.score is None else f"{row.score:.2f}"
    area = "—" if row.area_mu is None else f"{row.area_mu:,.0f}"
    output = "—" if row.output is None else f"{row.output:,.2f}"
    growth = "—" if row.growth is None else f"{row.growth:.1%}"
    # the rank is among all the city's parks with a score, whoever reads it (a park office
    # sees only its own park's row): its base is said as that, 全市 N 个参评园区, never the
    # count of parks the reader may see
    base = getattr(ev, "ranked_parks", 0) or len(ev.parks)
    standing = (
        tr(
            f"在全市{base}个参评园区中排第{row.rank}名",
            f"rank {row.rank} of the city's {base} parks with a score",
        )
        if row.rank
        else tr("未参加园区排名", "not ranked")
    )
    report.add(Heading(1, tr("基本情况", "Overview")))
    report.add(
        Paragraph(
            tr(
                f"{row.name}为{level}园区，面积{area}亩；{year}年有数据的企业"
                f"{row.n_enterprises}家，参评{row.n_evaluated}家，综合得分{score}，"
                f"{standing}；产值{output}亿元，年均增速{growth}。",
                f"{row.name} is a {level} park of {area} mu; in {year}, {row.n_enterprises} "
                f"enterprises reported figures and {row.n_evaluated} were evaluated; score "
                f"{score}, {standing}; output {output} hundred million yuan, growing {growth} "
                "a year.",
            )
        )
    )
    cited = as_provenance(getattr(row, "citation", None))  # the park's public source
    report.add(Paragraph(cited.describe(tr.code), style="note"))
    report.add(Heading(1, tr("亩均效益评价", "Per-mu evaluation")))
    ind_rows = [indicator_row(i, row.values.get(i.id), tr) for i in ev.indicators]
    report.add(
        Table(
            [
                Column(tr("指标", "Indicator"), width=3.0),
                Column(tr("单位", "Unit"), width=1.4),
                Column(tr("园区值", "Park"), fmt="number", width=1.2),
                Column(tr("基准值", "Benchmark"), fmt="number", width=1.2),
                Column(tr("权重", "Weight"), fmt="number", width=0.8),
            ],
            ind_rows,
            caption=tr("园区亩均效益指标", "The park's per-mu indicators"),
            sheet=tr("亩均指标", "Indicators"),
        )
    )
    counts = [row.classes.get(k, 0) for k in CLASSES]
    report.add(
        Figure(
            charts.class_bars_chart(
                [tr(f"{k}类", f"Class {k}") for k in CLASSES],
                counts,
                tr,
                tr("企业亩均效益分类", "Enterprises by class"),
            ),
            tr(f"{row.name}企业亩均效益分类", f"{row.name}: enterprises by class"),
            width_mm=120,
        )
    )
    report.add(Heading(1, tr("产业地图", "Industry map")))
    report.add(
        map_figure.district_map(session, principal, tr, year=year, park=park.id, name=row.name)
    )
    progress(0.5, tr.stage("列出企业", "Listing enterprises"))
    ents = service.park_enterprises(
        session, principal, park.id, year=year, page=1, per_page=MAX_ENTERPRISES, state=state
    )
    firms = list(ents.rows)
    for page in range(2, ents.pages + 1):  # every evaluated firm: the Excel report lists them all
        firms += service.park_enterprises(
            session, principal, park.id, year=year, page=page, per_page=MAX_ENTERPRISES, state=state
        ).rows
    report.add(Heading(1, tr("企业分类", "Enterprises by class")))
    report.add(
        Paragraph(
            tr(
                f"参评企业{ents.total}家："
                + "、".join(f"{k}类{ents.counts.get(k, 0)}家" for k in CLASSES)
                + "。",
                f"{ents.total} enterprises evaluated: "
                + ", ".join(f"class {k} {ents.counts.get(k, 0)}" for k in CLASSES)
                + ".",
            )
        )
    )
    report.add(
        Table(
            [
                Column(tr("企业", "Enterprise"), width=3.2),
                Column(tr("分组", "Segment"), width=1.3),
                Column(tr("类别", "Class"), width=0.6),
                Column(tr("得分", "Score"), fmt="number", width=1.0),
                Column(tr("组内名次", "Rank"), fmt="int", width=0.9),
                Column(tr("用地", "Land"), unit=tr("亩", "mu"), fmt="number", width=0.9),
            ],
            [
                [
                    e.name,
                    tr(e.segment_label, e.segment_label_en or e.segment_label),
                    e.klass,
                    e.score,
                    e.rank,
                    e.land_mu,
                ]
                for e in firms
            ],
            caption=tr(f"{row.name}参评企业", f"{row.name}: evaluated enterprises"),
            sheet=tr("参评企业", "Enterprises"),
            # Word and PDF list the first rows and say so (one note, by the renderer: "n rows
            # in all, the first m shown; the Excel version has all"), which is true: the rows
            # are every evaluated firm of the park, class A first, then by score
            doc_limit=DOC_ENTERPRISES,
        )
    )
    report.add(Heading(1, tr("能级与定位", "Tier and positioning")))
    report.add(tier_table([row], tr))
    pos = row.positioning
    if pos is not None:
        report.add(
            Paragraph(
                tr(
                    f"定位要求“{pos.function_zh or '—'}”：申报主导产业{pos.declared_main}个、"
                    f"特色产业{pos.declared_special}个，主导与特色产业产值合计占比"
                    f"{'—' if pos.focus_share is None else f'{pos.focus_share:.1%}'}（要求不低于"
                    f"{pos.min_share:.0%}）。",
                    f"Positioning '{pos.function_en or '—'}': {pos.declared_main} main and "
                    f"{pos.declared_special} special industries declared; together "
                    f"{'—' if pos.focus_share is None else f'{pos.focus_share:.1%}'} of output "
                    f"(at least {pos.min_share:.0%} expected).",
                )
            )
        )
        report.add(
            Table(
                [
                    Column(tr("产业", "Industry"), width=2.4),
                    Column(tr("类型", "Kind"), width=1.0),
                    Column(tr("产值占比", "Output share"), fmt="percent", width=1.2),
                ],
                [
                    [
                        i.name,
                        tr("主导", "main") if i.kind == "main" else tr("特色", "special"),
                        i.share,
                    ]
                    for i in pos.industries
                ],
                caption=tr(f"{row.name}主导与特色产业", f"{row.name}: main and special industries"),
                sheet=tr("产业定位", "Positioning"),
            )
        )
    report.provenance = [*provenance_lines(ev, tr), *generated_lines(session, principal, tr)]
    progress(0.9, tr.stage("排版", "Laying out"))
    return report
