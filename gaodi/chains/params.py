"""The versioned chain parameters (``gaodi/analytics/rules/chains/*.yaml``) as typed objects.

The service reads the file once per process and hands the analytics their parameter objects
(:class:`~gaodi.analytics.chains.DiagnosisParams`, ``MappingWeights``, ``AttractionWeights``);
the version travels with every result as provenance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from gaodi.analytics.attraction import AttractionWeights
from gaodi.analytics.chains import Benchmark, DiagnosisParams
from gaodi.analytics.mapping import MappingWeights
from gaodi.analytics.rulefiles import RULES_DIR, read_yaml
from gaodi.core.errors import NotFoundError, ValidationError

CHAIN_RULES_DIR = RULES_DIR / "chains"
BENCHMARKS = ("median", "peer", "national")


@dataclass(frozen=True)
class ChainRules:
    """Everything the chains service takes from the rule file."""

    name: str
    version: str
    effective: str
    diagnosis: dict[str, Any]
    benchmark_default: str
    peer_region: str
    mapping_threshold: float
    mapping_weights: MappingWeights
    attraction_weights: AttractionWeights
    attraction_min_match: float
    patent_share: float
    ties_saturation: int
    sources: dict[str, str] = field(default_factory=dict)

    def diagnosis_params(self, benchmark: Benchmark | None = None) -> DiagnosisParams:
        return DiagnosisParams(benchmark=benchmark or Benchmark(), **self.diagnosis)

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"


def _value(section: dict[str, Any], key: str, where: str) -> Any:
    item = section.get(key)
    if isinstance(item, dict):
        if "value" not in item:
            raise ValidationError(
                f"链参数文件 {where}.{key} 缺少 value。", f"Chain rules {where}.{key} lacks value."
            )
        return item["value"]
    if item is None:
        raise ValidationError(f"链参数文件缺少 {where}.{key}。", f"Chain rules lack {where}.{key}.")
    return item


def chain_rules_from_dict(name: str, data: dict[str, Any]) -> ChainRules:
    """Build :class:`ChainRules` from the parsed YAML (validated by the analytics' classes)."""
    diag = data.get("diagnosis") or {}
    keys = (
        "weak_factor",
        "min_above_scale",
        "key_link_needs_leader",
        "key_weight",
        "hhi_moderate",
        "hhi_high",
        "top1_moderate",
        "top1_high",
        "cultivate_top_n",
    )
    diagnosis = {k: _value(diag, k, "diagnosis") for k in keys}
    sources = {f"diagnosis.{k}": str(diag[k].get("source", "")) for k in keys}
    DiagnosisParams(**diagnosis)  # validate now, not on first use
    bench = data.get("benchmark") or {}
    default = str(bench.get("default", "median"))
    if default not in BENCHMARKS:
        raise ValidationError(
            f"默认对标方式须为 median/peer/national，收到 {default}。",
            f"The default benchmark must be median/peer/national; got {default}.",
        )
    mapping = data.get("mapping") or {}
    mw = dict(mapping.get("weights") or {})
    mw.pop("source", None)
    attraction = data.get("attraction") or {}
    aw = dict(attraction.get("weights") or {})
    aw.pop("source", None)
    try:
        return ChainRules(
            name=name,
            version=str(data["version"]),
            effective=str(data.get("effective", "")),
            diagnosis=diagnosis,
            benchmark_default=default,
            peer_region=str(bench.get("peer_region", "")),
            mapping_threshold=float(_value(mapping, "threshold", "mapping")),
            mapping_weights=MappingWeights(**{k: float(v) for k, v in mw.items()}),
            attraction_weights=AttractionWeights(**{k: float(v) for k, v in aw.items()}),
            attraction_min_match=float(_value(attraction, "min_match", "attraction")),
            patent_share=float(_value(attraction, "patent_share", "attraction")),
            ties_saturation=int(_value(attraction, "ties_saturation", "attraction")),
            sources=sources,
        )
    except (KeyError, TypeError) as exc:
        raise ValidationError(
            f"链参数文件 {name} 结构有误：{exc}。", f"Chain rules file {name} is malformed: {exc}."
        ) from exc


def list_chain_rules() -> list[str]:
    return sorted(p.stem for p in CHAIN_RULES_DIR.glob("*.yaml"))


@lru_cache(maxsize=8)
def load_chain_rules(name_or_path: str = "default") -> ChainRules:
    """The chain rule file by name (``default``) or path."""
    path = Path(name_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = CHAIN_RULES_DIR / f"{name_or_path}.yaml"
    if not path.exists():
        raise NotFoundError(
            f"找不到产业链参数文件“{name_or_path}”（可用：{', '.join(list_chain_rules())}）。",
            f"No chain rules '{name_or_path}' (available: {', '.join(list_chain_rules())}).",
        )
    return chain_rules_from_dict(path.stem, read_yaml(path))
