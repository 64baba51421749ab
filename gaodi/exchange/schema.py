"""Declarative column specifications: one per entity, used by the template, import and export.

A :class:`Column` says everything the three need about one spreadsheet column: its English key
(the identifier), its Chinese header, its type, whether it is required, its code list or the
entity it refers to, its unit and help text in both languages. The header written to a file is
``"*统一社会信用代码\\nuscc"``: a leading ``*`` marks a required column, the unit follows the
Chinese name in full-width brackets and the English key follows on a second line. The importer
matches a header by its key, by its Chinese name, or by both, so a user who retypes only the
Chinese name (or only the key) still has a valid file.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal

from gaodi.core.choices import Choices
from gaodi.plans import choices as plan_choices
from gaodi.projects.states import PROJECT

ColType = Literal[
    "text",  # free text
    "int",  # whole number
    "float",  # number
    "date",  # calendar date
    "bool",  # 是/否
    "list",  # several texts separated by 、 ; , …
    "choice",  # one value of a code list (CHOICES)
    "period",  # YYYY, YYYY-Qn or YYYY-MM
    "month",  # YYYY-MM only
    "uscc",  # 统一社会信用代码 (GB 32100-2015)
    "region",  # 行政区划代码 (GB/T 2260)
    "industry",  # 国民经济行业代码 (GB/T 4754-2017)
    "industries",  # several GB/T 4754 codes
]


#: A drop-down entry of a reference column that carries its name beside its code
#: ("industrial_output｜规上工业产值"); the import keeps the part before the bar, so a cell holds
#: either the bare code or the entry the template offered.
LABEL_SEP = "｜"
#: reference kinds whose drop-down shows "code｜name" (their codes are English identifiers)
LABELLED_REFS = frozenset({"indicator"})


def labelled(code: str, name: str | None) -> str:
    return f"{code}{LABEL_SEP}{name}" if name else code


def unlabel(value: object) -> object:
    """The code of a "code｜name" cell (other values unchanged)."""
    if isinstance(value, str) and LABEL_SEP in value:
        return value.split(LABEL_SEP, 1)[0].strip()
    return value


def _choices(*items: tuple[str, str, str]) -> Choices:
    return Choices(*items)


#: Code lists of coded columns. A cell may hold the code, the Chinese or the English label;
#: files are written with the Chinese label (what an office user picks from the drop-down).
CHOICES: dict[str, Choices] = {
    "bool": _choices(("true", "是", "yes"), ("false", "否", "no")),
    "park_level": _choices(
        ("national", "国家级", "national"),
        ("provincial", "省级", "provincial"),
        ("other", "其他", "other"),
    ),
    "park_kind": _choices(
        ("etdz", "经济技术开发区", "economic and technological development zone"),
        ("htz", "高新技术产业开发区", "high-tech industrial development zone"),
        ("other", "其他园区", "other park"),
    ),
    "chain_kind": _choices(
        ("advantage", "优势产业链", "advantage chain"),
        ("emerging", "新兴产业链", "emerging chain"),
        ("service", "生产性服务业链", "producer-service chain"),
    ),
    "name_status": _choices(
        ("confirmed", "已公开确认", "confirmed by a public source"),
        ("assumed", "推定", "assumed from the plan's sectors"),
        ("uncertain", "待核实", "named by a source; membership to be verified"),
    ),
    "segment": _choices(
        ("up", "上游", "upstream"), ("mid", "中游", "midstream"), ("down", "下游", "downstream")
    ),
    "link_source": _choices(("manual", "人工", "manual"), ("rule", "规则", "rule")),
    "aggregation": _choices(
        ("cumulative", "年内累计", "cumulative within the year"),
        ("point", "时点值", "point in time"),
        ("average", "平均值", "average"),
    ),
    "direction": _choices(
        ("higher", "越高越好", "higher is better"), ("lower", "越低越好", "lower is better")
    ),
    "indicator_kind": _choices(
        ("level", "总量", "level"), ("growth", "增速", "growth rate"), ("count", "数量", "count")
    ),
    "frequency": _choices(
        ("monthly", "月度", "monthly"),
        ("quarterly", "季度", "quarterly"),
        ("yearly", "年度", "yearly"),
    ),
    # the plans feature's own code lists: the file and the batch rules share them
    "plan_status": plan_choices.PLAN_STATUS,
    "comparator": plan_choices.COMPARATOR,
    "target_path": plan_choices.TARGET_PATH,
    "target_scope": plan_choices.TARGET_SCOPE,
    "observation_scope": plan_choices.OBSERVATION_SCOPE,
    "observation_kind": plan_choices.OBSERVATION_KIND,
    # the sources of a tier fact (gaodi.enterprises.models.FACT_SOURCES; a test keeps them equal)
    "fact_source": _choices(
        ("statistics", "统计数据", "statistics"),
        ("self_declared", "企业申报", "self-declared"),
        ("certified", "证书核验", "certified"),
    ),
    # gaodi.enterprises.tier_lists.AWARD_LEVELS / AWARD_GRADES / HONOUR_KINDS (a test keeps
    # them equal)
    "award_level": _choices(
        ("national", "国家级", "national"),
        ("provincial", "省级", "provincial"),
        ("municipal", "市级", "municipal"),
        ("other", "其他", "other"),
    ),
    "award_grade": _choices(
        ("special", "特等奖", "special prize"),
        ("first", "一等奖", "first prize"),
        ("second", "二等奖", "second prize"),
        ("third", "三等奖", "third prize"),
    ),
    "honour_kind": _choices(
        ("little_giant", '专精特新"小巨人"企业', 'SRDI "little giant"'),
        ("champion", "制造业单项冠军", "Single-product champion"),
        ("srdi", "省级专精特新中小企业", "Provincial SRDI SME"),
        ("innovative_sme", "创新型中小企业", "Innovative SME"),
        ("high_tech", "高新技术企业", "High-Tech Enterprise"),
        (
            "tech_innovation_demo",
            "国家级技术创新示范企业",
            "National technology-innovation demonstration",
        ),
        ("ip_advantage", "国家知识产权优势企业", "National IP advantage enterprise"),
        ("ip_demo", "国家知识产权示范企业", "National IP demonstration enterprise"),
    ),
    # the stages of gaodi.projects.states.PROJECT (a test keeps the two equal)
    # the project workflow's stages, as the workflow names them (one table, not two)
    "project_stage": PROJECT.labels,
}

#: Extra spellings accepted for codes (besides code, zh and en labels).
ALIASES: dict[str, dict[str, str]] = {
    "bool": {
        "y": "true",
        "n": "false",
        "true": "true",
        "false": "false",
        "1": "true",
        "0": "false",
        "t": "true",
        "f": "false",
        "√": "true",
        "×": "false",
        "x": "false",
        "对": "true",
        "错": "false",
        "有": "true",
        "无": "false",
    },
    "honour_kind": {
        "小巨人": "little_giant",
        "专精特新小巨人": "little_giant",
        "专精特新“小巨人”企业": "little_giant",
        "单项冠军": "champion",
        "专精特新中小企业": "srdi",
        "高企": "high_tech",
    },
    "award_grade": {"特等": "special", "一等": "first", "二等": "second", "三等": "third"},
    "comparator": {"≥": ">=", "≤": "<=", "＝": "=", "不低于": ">=", "不高于": "<=", "约": "="},
    "target_path": {
        "里程碑": "milestone",
        "复合增长路径": "compound",
        "复合": "compound",
        "线性路径": "linear",
        "按规则": "auto",
    },
}


def _norm(text: str) -> str:
    """Case-, width- and space-insensitive form of a header or label."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s*＊]+", "", folded)


def choice_lookup(name: str) -> dict[str, str]:
    """Normalised spelling -> code for the code list ``name``."""
    out: dict[str, str] = {}
    for c in CHOICES[name]:
        for spelling in (c.code, c.zh, c.en):
            out[_norm(spelling)] = c.code
    for spelling, code in ALIASES.get(name, {}).items():
        out[_norm(spelling)] = code
    return out


def choice_label(name: str, code: str) -> str:
    """The Chinese label written to files for ``code``."""
    return CHOICES[name].label(code)


@dataclass(frozen=True)
class Column:
    """One spreadsheet column. ``key`` is the English identifier; ``zh`` the Chinese header."""

    key: str
    zh: str
    en: str
    type: ColType = "text"
    required: bool = False
    unit: str | None = None
    choices: str | None = None
    #: what the value names in the database: park, chain, link, indicator, plan, action,
    #: enterprise, scope (chain code / park name / …). Used for drop-downs and the docs.
    ref: str | None = None
    help_zh: str = ""
    help_en: str = ""
    example: str = ""
    default: Any = None
    min_value: float | None = None
    max_value: float | None = None
    max_length: int | None = None
    width: int = 14

    @property
    def choice_name(self) -> str | None:
        return "bool" if self.type == "bool" else self.choices

    @property
    def zh_header(self) -> str:
        unit = f"（{self.unit}）" if self.unit else ""
        return f"{'*' if self.required else ''}{self.zh}{unit}"

    @property
    def header(self) -> str:
        """The header written to an xlsx file: Chinese name and unit, then the key."""
        return f"{self.zh_header}\n{self.key}"

    @property
    def csv_header(self) -> str:
        return f"{self.zh_header} {self.key}"

    def spellings(self) -> set[str]:
        """Normalised header texts that name this column."""
        unit = f"({self.unit})" if self.unit else ""
        forms = {self.key, self.zh, self.zh + unit, self.zh + self.key, self.zh + unit + self.key}
        forms |= {self.key + self.zh, self.en}
        return {_norm(f) for f in forms}

    @property
    def number_format(self) -> str:
        if self.type == "int":
            return "0"
        if self.type == "float":
            return "#,##0.00########" if self.unit == "万元" else "General"
        if self.type == "date":
            return "yyyy-mm-dd"
        return "@"


@dataclass(frozen=True)
class SheetSpec:
    """One sheet of an entity's workbook (one CSV file)."""

    key: str
    zh: str
    title_en: str
    columns: tuple[Column, ...]
    #: columns that identify a row (duplicates inside a file or against the database)
    natural_key: tuple[str, ...]
    help_zh: str = ""
    help_en: str = ""

    @property
    def sheet_name(self) -> str:
        return f"{self.zh} {self.key}"[:31]

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    def header_index(self) -> dict[str, str]:
        """Normalised header spelling -> column key."""
        out: dict[str, str] = {}
        for c in self.columns:
            for s in c.spellings():
                out.setdefault(s, c.key)
        return out

    def names(self) -> set[str]:
        """Normalised sheet-name spellings that name this sheet."""
        return {_norm(self.sheet_name), _norm(self.zh), _norm(self.key), _norm(self.title_en)}


@dataclass(frozen=True)
class EntitySpec:
    """An importable/exportable entity: its sheets, in the order they are written."""

    key: str
    zh: str
    en: str
    sheets: tuple[SheetSpec, ...]
    #: domain and action checked with gaodi.core.permissions before an import
    domain: str
    import_action: str = "edit"
    #: importing appends history (observations, enterprise_links): --mode does not apply
    history: bool = False
    notes_zh: tuple[str, ...] = field(default_factory=tuple)
    notes_en: tuple[str, ...] = field(default_factory=tuple)

    def sheet(self, key: str) -> SheetSpec:
        for s in self.sheets:
            if s.key == key:
                return s
        raise KeyError(key)


def normalise_header(text: object) -> str:
    return _norm("" if text is None else str(text))
