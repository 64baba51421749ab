"""The versioned 头羊 (leader) scoring criteria (``gaodi/enterprises/rules/*.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from gaodi.analytics.rulefiles import read_yaml
from gaodi.analytics.scoring import Criterion
from gaodi.core.errors import NotFoundError, ValidationError

RULES_DIR = Path(__file__).with_name("rules")
METHODS = ("topsis", "entropy", "entropy_topsis")
#: How the entropy weights normalise the figures (gaodi.analytics.scoring.entropy_weights).
NORMALISATIONS = ("minmax", "sum")
#: The figures a criterion may name (columns of the ranking frame built by the service).
FIGURES = (
    "output",
    "output_growth",
    "revenue",
    "revenue_growth",
    "main_revenue",
    "value_added",
    "tax",
    "profit",
    "employees",
    "rd_spend",
    "rd_intensity",
    "invention_patents",
    "debt_ratio",
)


@dataclass(frozen=True)
class LeaderCriterion:
    criterion: Criterion
    unit: str
    source: str


@dataclass(frozen=True)
class LeaderRules:
    name: str
    version: str
    title: str
    default_method: str
    criteria: tuple[LeaderCriterion, ...]
    sources: dict[str, str]

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"

    def scoring_criteria(self) -> list[Criterion]:
        return [c.criterion for c in self.criteria]


def leader_rules_from_dict(name: str, data: dict[str, Any]) -> LeaderRules:
    sources = {str(k): str(v) for k, v in (data.get("sources") or {}).items()}
    items = data.get("criteria") or []
    if not items:
        raise ValidationError(
            f"头羊评分规则 {name} 没有指标。", f"Leader rules {name} have no criteria."
        )
    out = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        field = str(item.get("name", ""))
        if field not in FIGURES:
            raise ValidationError(
                f"头羊评分规则第{i + 1}个指标“{field}”不可用（可用：{', '.join(FIGURES)}）。",
                f"Leader criterion {i + 1} '{field}' is not available ({', '.join(FIGURES)}).",
            )
        if field in seen:
            raise ValidationError(f"指标“{field}”重复。", f"Criterion '{field}' repeated.")
        seen.add(field)
        source = str(item.get("source", ""))
        if source not in sources:
            raise ValidationError(
                f"指标“{field}”的来源“{source}”未在 sources 中列出。",
                f"Criterion '{field}' cites unknown source '{source}'.",
            )
        out.append(
            LeaderCriterion(
                Criterion(
                    field,
                    item.get("direction", "benefit"),
                    None if item.get("weight") is None else float(item["weight"]),
                    str(item.get("label_zh", field)),
                    str(item.get("label_en", field)),
                ),
                str(item.get("unit", "")),
                source,
            )
        )
    method = str(data.get("default_method", "topsis"))
    if method not in METHODS:
        raise ValidationError(
            f"默认方法须为 {' 或 '.join(METHODS)}，收到 {method}。",
            f"The default method must be one of {', '.join(METHODS)}; got {method}.",
        )
    return LeaderRules(
        name=name,
        version=str(data.get("version", "")),
        title=str(data.get("title", name)),
        default_method=method,
        criteria=tuple(out),
        sources=sources,
    )


@lru_cache(maxsize=8)
def load_leader_rules(name_or_path: str = "leader_scoring") -> LeaderRules:
    path = Path(name_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = RULES_DIR / f"{name_or_path}.yaml"
    if not path.exists():
        raise NotFoundError(
            f"找不到头羊评分规则“{name_or_path}”。", f"No leader rules '{name_or_path}'."
        )
    return leader_rules_from_dict(path.stem, read_yaml(path))
