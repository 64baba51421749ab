"""The 亩均 evaluation as an Excel workbook (``gaodi parks evaluate --format xlsx``, the park
page's download): 说明 (provenance and notes), 园区排名, 能级进度, 功能定位, 企业.

The workbook is written in one language, the reader's: every sheet name, header, code
(national, True, below_land, rank_share, uncertain) and note is put in that language's words,
so a Chinese workbook has no English line and an English one no Chinese label.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from gaodi.analytics import above_scale
from gaodi.analytics.chain_text import decimals_for
from gaodi.analytics.per_mu import PerMuRules
from gaodi.analytics.rulefiles import load_per_mu_rules
from gaodi.core import clock
from gaodi.core.excel import citation_cell, new_workbook
from gaodi.core.units import unit_words
from gaodi.parks.schemas import (
    EnterpriseRow,
    IndicatorInfo,
    ParkEvaluation,
    Provenance,
    TierProgress,
)
from gaodi.parks.words import english_terms
from gaodi.ui.web.templating import bilingual

CLASS_FILLS = {
    "A": PatternFill("solid", fgColor="C6EFCE"),
    "B": PatternFill("solid", fgColor="DDEBF7"),
    "C": PatternFill("solid", fgColor="FFEB9C"),
    "D": PatternFill("solid", fgColor="FFC7CE"),
}
BOLD = Font(bold=True)


def tier_text(t: TierProgress, lang: str = "zh") -> str:
    """A tier's status in words: 已达到 / n 年（约 YYYY 年）/ 按当前增速无法达到 / 无数据."""
    if t.status == "reached":
        return "已达到" if lang == "zh" else "already there"
    if t.status == "years" and t.years is not None:
        if lang == "zh":
            return f"{t.years:.1f} 年（约 {t.reach_year} 年）"
        return f"{t.years:.1f} years (by {t.reach_year})"
    if t.status == "not_at_growth":
        return "按当前增速无法达到" if lang == "zh" else "not at current growth"
    return "无数据" if lang == "zh" else "no data"


#: (zh, en) of the codes the evaluation carries
LEVELS = {"national": ("国家级", "national"), "provincial": ("省级", "provincial")}
STATUSES = {
    "confirmed": ("已与官方原文核对", "confirmed against the official text"),
    "uncertain": ("尚未与官方原文核对", "not confirmed against the official text"),
}
REASONS = {
    "not_industrial": ("非工业企业", "not an industrial enterprise"),
    "no_land": ("无用地数据", "no land recorded"),
    "below_land": ("用地低于评价门槛", "below the land threshold"),
    "no_scheme": ("无适用方案", "no scheme applies"),
    "missing": ("缺少指标数据", "figures missing"),
}
#: the rule files of the provenance, by key (per_mu/<scheme> is the scheme's own file)
RULE_SETS = {
    "per_mu": ("亩均评价方案", "per-mu scheme"),
    "parks/tiers": ("园区能级目标", "park tier targets"),
    "parks/positioning": ("园区功能定位规则", "park positioning rules"),
}
#: the Chinese characters: a note with none of them is not a Chinese one
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def _chinese(text: str) -> bool:
    """Whether a note is written in Chinese (an English note may quote Chinese words)."""
    return len(_HAN.findall(text)) >= len(_LATIN.findall(text))


def _zh(lang: str) -> bool:
    return lang.startswith("zh")


def _t(lang: str, zh: str, en: str) -> str:
    return zh if _zh(lang) else en


def _pair(pairs: dict[str, tuple[str, str]], key: str | None, lang: str) -> str | None:
    if key is None:
        return None
    zh, en = pairs.get(key, (key, key))
    return _t(lang, zh, en)


def _yes_no(value: bool | None, lang: str) -> str | None:
    """A check's result in words (是/否, Yes/No); blank when not checked."""
    if value is None:
        return None
    return _t(lang, "是", "Yes") if value else _t(lang, "否", "No")


def _unit(unit: str, lang: str) -> str:
    return unit_words(unit, lang)


def _indicator(i: IndicatorInfo, lang: str) -> str:
    label = i.label_zh if _zh(lang) else (i.label_en or i.label_zh)
    if i.unit == "ratio":  # a share: its cells say % (the unit 比重 beside 比重 said it twice)
        return label
    return f"{label}（{_unit(i.unit, lang)}）" if _zh(lang) else f"{label} ({_unit(i.unit, lang)})"


def _indicator_fmt(i: IndicatorInfo) -> str:
    """A column's kind: a share (ratio) is a percentage, anything else a figure."""
    return "share" if i.unit == "ratio" else "number"


#: A column's number format by kind, the ones the shared writer (gaodi.reports.xlsx, a layer
#: above this feature, so not imported) gives every other export: counts with thousands, figures
#: with two decimals, growth and shares as percentages; a year is a plain number (2,021 is not a
#: year). An indicator's share is as precise as the page's 0.0193: 1.93%.
FORMATS = {
    "int": "#,##0",
    "number": "#,##0.00",
    "percent": "0.0%",
    "share": "0.00%",
    "year": "0",
}


def _number_format(kind: str, value: Any) -> str:
    """A percentage below 0.1% keeps two significant digits (0.0026%, not 0.0%), as the shared
    writer and the pages write it."""
    if kind in ("percent", "share") and isinstance(value, (int, float)) and value:
        least = 2 if kind == "share" else 1
        return "0." + "0" * decimals_for(100 * value, least) + "%"
    return FORMATS[kind]


def _reason(key: str, indicators: Sequence[IndicatorInfo], lang: str) -> str:
    """Why firms were left out, in words: ``missing:<indicator>`` names the indicator."""
    if key.startswith("missing:"):
        what = key.split(":", 1)[1]
        i = next((i for i in indicators if i.id == what), None)
        name = (i.label_zh if _zh(lang) else i.label_en or i.label_zh) if i else what
        return _t(lang, f"缺少“{name}”数据", f"no figure for {name}")
    return _pair(REASONS, key, lang) or key


def _classes(rules: PerMuRules | None, p: Provenance, lang: str) -> str:
    """The A/B/C/D rule in words (rank shares or minimum scores)."""
    if rules is None:
        return p.classes
    c = rules.classes
    a, b, cc = c.thresholds
    if c.method == "rank_share":
        d = max(0.0, 1 - a - b - cc)
        return _t(
            lang,
            f"按组内排名比例：前{a:.0%}为A类，其后{b:.0%}为B类，再其后{cc:.0%}为C类，"
            f"其余{d:.0%}为D类",
            f"by rank within each group: the top {a:.0%} are A, the next {b:.0%} B, "
            f"the next {cc:.0%} C and the remaining {d:.0%} D",
        )
    return _t(
        lang,
        f"按得分：{a:g}分及以上为A类，{b:g}分及以上为B类，{cc:g}分及以上为C类，其余为D类",
        f"by score: A from {a:g} points, B from {b:g}, C from {cc:g}, D below",
    )


def _rule_sets(p: Provenance, lang: str) -> str:
    """The rule files in words with their versions (not their file keys)."""
    parts = []
    for key, version in p.rule_sets.items():
        name = _pair(RULE_SETS, "per_mu" if key.startswith("per_mu/") else key, lang) or key
        parts.append(_t(lang, f"{name}（版本 {version}）", f"{name} (version {version})"))
    return _t(lang, "；", "; ").join(parts)


def _parameters(rules: PerMuRules | None, p: Provenance, lang: str) -> list[tuple[str, str]]:
    """The evaluation's parameters, one line each, in words."""
    out: list[tuple[str, str]] = []
    for key, value in p.parameters.items():
        if key == "land":
            out.append(
                (
                    _t(lang, "用地口径", "Land"),
                    _t(lang, "企业用地面积（亩）之和", "the sum of the firms' land (mu)"),
                )
            )
        elif key == "above_scale":
            out.append(
                (
                    _t(lang, "规上口径", "Above scale"),
                    _t(lang, above_scale.definition_zh(), above_scale.definition_en()),
                )
            )
        elif key == "min_land_mu" and rules is not None:
            t, src = rules.coverage.min_land_mu, rules.coverage.source
            title = str((rules.sources.get(src) or {}).get("title") or "").strip()
            if t is None:
                text = _t(lang, "不设门槛", "none")
            else:
                text = _t(lang, f"用地{t:g}亩及以上", f"at least {t:g} mu of land")
                if title:
                    text += _t(lang, f"（依据：{title}）", f" (source: {title})")
            out.append((_t(lang, "参评用地门槛", "Land threshold"), text))
        else:
            out.append((_t(lang, "参数", "Parameter"), f"{key}: {value}"))
    return out


def _rules(scheme: str) -> PerMuRules | None:
    try:
        return load_per_mu_rules(scheme)
    except Exception:  # a scheme read from a path the workbook cannot reach: codes as stored
        return None


def not_evaluated_text(ev: ParkEvaluation, lang: str = "zh") -> str:
    """Who was left out of the evaluation and why, in words ("用地低于评价门槛：1548家");
    '' when nobody was."""
    return _t(lang, "；", "; ").join(
        f"{_reason(k, ev.indicators, lang)}{_t(lang, '：', ': ')}{v}"
        + _t(lang, "家", " firms" if v != 1 else " firm")
        for k, v in ev.not_evaluated.items()
    )


def counts_scope_text(ev: ParkEvaluation, lang: str = "zh") -> str:
    """Whose firms the evaluation's counts are: the whole city's, or those the reader may read
    (a park office: its parks')."""
    if ev.counts_scope == "scope":
        return _t(
            lang,
            "本账号可查看的企业（园区账号：本园区企业；链办：本链企业）",
            "the firms this account may read (a park office: its parks'; a chain office: its "
            "chains')",
        )
    return _t(lang, "全市", "the whole city")


def rank_base_text(ev: ParkEvaluation, lang: str = "zh") -> str:
    """The base of every park's rank: the city's parks with a score."""
    n = ev.ranked_parks
    return _t(
        lang,
        f"全市{n}个参评园区中的名次",
        f"rank among the city's {n} park{'s' if n != 1 else ''} with a score",
    )


def rules_text(ev: ParkEvaluation, lang: str = "zh") -> tuple[str, str]:
    """The class rule and the rule files (with versions) of an evaluation, in words."""
    p = ev.provenance
    return _classes(_rules(p.scheme), p, lang), _rule_sets(p, lang)


def scheme_text(ev: ParkEvaluation, lang: str = "zh") -> str:
    """The evaluation's scheme in words: its name, version and, unless confirmed, its status
    ("…（版本 v2022-gaodi.3，尚未与官方原文核对）")."""
    p = ev.provenance
    scheme = p.scheme_name_zh if _zh(lang) else (p.scheme_name_en or p.scheme_name_zh)
    version = _t(lang, f"版本 {p.scheme_version}", f"version {p.scheme_version}")
    status = p.scheme_status
    if status != "confirmed":
        version += _t(lang, "，", ", ") + (_pair(STATUSES, status, lang) or status)
    return _t(lang, f"{scheme}（{version}）", f"{scheme} ({version})")


def _computed_at(at: datetime | None, lang: str) -> str:
    """When the evaluation was computed: stored naive UTC, said in the city's time with its zone
    named, as every moment a person reads (a bare UTC time beside the city's dates was read as
    the city's, 8 hours off)."""
    if at is None:
        return "—"
    text = f"{clock.local(at):%Y-%m-%d %H:%M:%S}"
    zh = _zh(lang)
    return f"{text}（{clock.zone_label(True)}）" if zh else f"{text} ({clock.zone_label(False)})"


def _info_lines(ev: ParkEvaluation, rules: PerMuRules | None, lang: str) -> list[tuple[str, Any]]:
    """The 说明 sheet's lines: provenance, parameters, who was left out, the method."""
    p = ev.provenance
    zh = _zh(lang)
    lines: list[tuple[str, Any]] = []
    if p.is_demo:
        lines.append(
            (
                _t(lang, "示例数据", "Demo data"),
                _t(
                    lang,
                    "合成的示例数据，并非官方统计",
                    "synthetic demo data, not official statistics",
                ),
            )
        )
    left_out = not_evaluated_text(ev, lang)
    lines += [
        (_t(lang, "数据年份", "Year of the figures"), p.year),
        (_t(lang, "数据截至", "Data as of"), p.as_of),
        (_t(lang, "评价方案", "Scheme"), scheme_text(ev, lang)),
        (_t(lang, "分类规则", "Classes"), _classes(rules, p, lang)),
        (_t(lang, "规则文件", "Rule files"), _rule_sets(p, lang)),
        *_parameters(rules, p, lang),
        (_t(lang, "企业数范围", "Firms counted"), counts_scope_text(ev, lang)),
        (_t(lang, "参评企业", "Enterprises evaluated"), ev.n_evaluated),
        (_t(lang, "未参评企业", "Not evaluated"), left_out or _t(lang, "无", "none")),
        (_t(lang, "计算时间", "Computed at"), _computed_at(p.computed_at, lang)),
    ]
    if ev.ranked_parks:
        lines.append((_t(lang, "排名范围", "Ranks"), rank_base_text(ev, lang)))
    for note in ev.notes_zh if zh else ev.notes_en:
        lines.append((_t(lang, "方法说明", "Method"), note))
    return lines + _rule_notes(ev.notes, lang)


def _rule_notes(notes: Sequence[str], lang: str) -> list[tuple[str, Any]]:
    """The rule file's own notes (sources and reasoning, for auditors) in the reader's language:
    a bilingual note gives its half; the maintainers' English-only notes are for an English
    reader, and a Chinese workbook says where to read them instead of printing English."""
    out: list[tuple[str, Any]] = []
    label = _t(lang, "规则文件注释", "Rule file note")
    english_only = 0
    for note in notes:
        text = str(note)
        zh_half = bilingual(text, "zh")
        if zh_half != text and _chinese(zh_half):  # "中文 (English)."
            half = bilingual(text, lang)
            out.append((label, half if _zh(lang) else english_terms(half)))
        elif _zh(lang) and not _chinese(text):
            english_only += 1
        else:
            out.append((label, text if _zh(lang) else english_terms(text)))
    if english_only:
        out.append(
            (
                _t(lang, "规则文件注释", "Rule file note"),
                f"评价方案规则文件另有{english_only}条维护者注释（来源与推理，英文），"
                "见英文界面下载的工作簿或规则文件本身。",
            )
        )
    return out


def _sheet(
    wb: Workbook,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    kinds: Sequence[str | None] = (),
) -> Any:
    """A table sheet: bold frozen header, an auto-filter, and each column's number format by its
    kind in ``kinds`` (see :data:`FORMATS`; None or missing: text)."""
    ws = wb.create_sheet(title)
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = BOLD
    # the row just appended by its number: ws.max_row scans every cell written so far, which
    # made the city's 5,177 firms a quarter of an hour (n² in the rows)
    for number, row in enumerate(rows, start=2):
        ws.append(list(row))
        for col, kind in enumerate(kinds, start=1):
            cell = ws.cell(number, col)
            if kind is not None and isinstance(cell.value, (int, float)):
                cell.number_format = _number_format(kind, cell.value)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for i, name in enumerate(header, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = max(10, min(40, len(name) * 2))
    return ws


def workbook(
    ev: ParkEvaluation,
    enterprises: Sequence[EnterpriseRow] = (),
    enterprise_indicators: Sequence[IndicatorInfo] = (),
    lang: str = "zh",
    *,
    title: str | None = None,
    author: str | None = None,
) -> Workbook:
    """The evaluation as a workbook in ``lang`` (zh or en), every line in that language; its
    properties say ``title`` (else the evaluation and its year) and ``author`` (who made it)."""
    zh = _zh(lang)
    rules = _rules(ev.provenance.scheme)
    year = ev.provenance.year
    title = title or _t(
        lang, f"园区亩均效益评价（{year}年）", f"Per-mu evaluation of parks, {year}"
    )
    wb = new_workbook(title=title, author=author)
    info = wb.active
    info.title = _t(lang, "说明", "Notes")
    for k, v in _info_lines(ev, rules, lang):
        info.append([k, v])
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 100
    ind = ev.indicators
    ranking = _sheet(
        wb,
        _t(lang, "园区排名", "Park ranking"),
        [
            _t(lang, "排名", "Rank"),
            _t(lang, "园区", "Park"),
            _t(lang, "级别", "Level"),
            _t(lang, "参评企业", "Evaluated"),
            "A",
            "B",
            "C",
            "D",
            *[_indicator(i, lang) for i in ind],
            _t(lang, "综合得分", "Score"),
            _t(lang, "产值（亿元）", "Output (100m yuan)"),
        ],
        [
            [
                r.rank,
                r.name,
                _pair(LEVELS, r.level, lang),
                r.n_evaluated,
                *[r.classes.get(k, 0) for k in "ABCD"],
                *[r.values.get(i.id) for i in ind],
                r.score,
                r.output,
            ]
            for r in ev.parks
        ],
        ["int", None, None, *["int"] * 5, *[_indicator_fmt(i) for i in ind], "number", "number"],
    )
    cited = ranking.max_column + 1  # each park's public source: words, the address a link
    ranking.cell(1, cited, _t(lang, "来源", "Source")).font = BOLD
    ranking.column_dimensions[ranking.cell(1, cited).column_letter].width = 40
    for i, r in enumerate(ev.parks, start=2):
        citation_cell(ranking.cell(i, cited), r.citation, lang)
    ranking.auto_filter.ref = ranking.dimensions  # with the source column
    tiers = ev.parks[0].tiers if ev.parks else []
    _sheet(
        wb,
        _t(lang, "能级进度", "Tier progress"),
        [
            _t(lang, "园区", "Park"),
            _t(lang, "产值（亿元）", "Output (100m yuan)"),
            _t(lang, "年均增速", "CAGR"),
            _t(lang, "增速起始年", "CAGR from"),
            *[
                f"{t.label_zh}（{t.threshold:g}亿元）"
                if zh
                else f"{t.label_en} ({t.threshold / 10:g} bn yuan)"
                for t in tiers
            ],
        ],
        [
            [r.name, r.output, r.growth, r.growth_start, *[tier_text(t, lang) for t in r.tiers]]
            for r in ev.parks
        ],
        [None, "number", "percent", "year"],
    )
    _sheet(
        wb,
        _t(lang, "功能定位", "Positioning"),
        [
            _t(lang, "园区", "Park"),
            _t(lang, "级别", "Level"),
            _t(lang, "功能定位", "Function"),
            _t(lang, "主导产业", "Main industries"),
            _t(lang, "特色产业", "Special industries"),
            _t(lang, "主导产业占比", "Main industries' share"),
            _t(lang, "特色产业占比", "Special industries' share"),
            _t(lang, "声明产业合计占比", "Declared industries' share"),
            _t(lang, "个数符合", "Counts match"),
            _t(lang, "聚焦", "Focused"),
        ],
        [
            [
                r.name,
                _pair(LEVELS, r.level, lang),
                (
                    (r.positioning.function_zh if zh else r.positioning.function_en)
                    if r.positioning
                    else None
                ),
                _t(lang, "、", ", ").join(
                    i.name
                    for i in (r.positioning.industries if r.positioning else [])
                    if i.kind == "main"
                ),
                _t(lang, "、", ", ").join(
                    i.name
                    for i in (r.positioning.industries if r.positioning else [])
                    if i.kind == "special"
                ),
                r.positioning.main_share if r.positioning else None,
                r.positioning.special_share if r.positioning else None,
                r.positioning.focus_share if r.positioning else None,
                _yes_no(r.positioning.conforms_count if r.positioning else None, lang),
                _yes_no(r.positioning.focused if r.positioning else None, lang),
            ]
            for r in ev.parks
        ],
        [None] * 5 + ["percent"] * 3,
    )
    if enterprises:
        names = {r.id: r.name for r in ev.parks}
        ws = _sheet(
            wb,
            _t(lang, "企业", "Enterprises"),
            [
                _t(lang, "企业", "Enterprise"),
                _t(lang, "统一社会信用代码", "USCC"),
                _t(lang, "园区", "Park"),
                _t(lang, "评价分组", "Group"),
                _t(lang, "等级", "Class"),
                _t(lang, "得分", "Score"),
                _t(lang, "组内排名", "Rank in group"),
                _t(lang, "组内企业数", "Firms in group"),
                _t(lang, "用地（亩）", "Land (mu)"),
                *[_indicator(i, lang) for i in enterprise_indicators],
                _t(lang, "评价依据", "Basis"),
            ],
            [
                [
                    e.name,
                    e.uscc,
                    names.get(e.park_id or -1, ""),
                    e.segment_label if zh else (e.segment_label_en or e.segment_label),
                    e.klass,
                    e.score,
                    e.rank,
                    e.segment_size,
                    e.land_mu,
                    *[e.values.get(i.id) for i in enterprise_indicators],
                    e.reason_zh if zh else (e.reason_en or e.reason_zh),
                ]
                for e in enterprises
            ],
            [
                *[None] * 5,
                "number",
                "int",
                "int",
                "number",
                *[_indicator_fmt(i) for i in enterprise_indicators],
            ],
        )
        for row in ws.iter_rows(min_row=2, min_col=5, max_col=5):
            for cell in row:
                fill = CLASS_FILLS.get(str(cell.value))
                if fill is not None:
                    cell.fill = fill
    return wb
