"""Read the versioned rule files shipped in ``gaodi/analytics/rules/`` (the only I/O here).

Rule sets are package data: ``rules/tiers/*.yaml`` (enterprise tiers, with the shared
input contract ``rules/tiers/_fields.yaml``) and ``rules/per_mu/*.yaml`` (亩均效益
schemes). Loaders return the frozen models of :mod:`gaodi.analytics.ruleset_model` and
:mod:`gaodi.analytics.per_mu` so that the evaluators stay pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from gaodi.analytics.per_mu import PerMuRules, per_mu_rules_from_dict
from gaodi.analytics.ruleset_model import RuleSet, rule_set_from_dict
from gaodi.core import words
from gaodi.core.errors import NotFoundError
from gaodi.core.rulefile import read_yaml

RULES_DIR = Path(__file__).with_name("rules")
TIERS_DIR = RULES_DIR / "tiers"
PER_MU_DIR = RULES_DIR / "per_mu"
PROVINCES_DIR = TIERS_DIR / "provinces"

__all__ = [
    "PER_MU_DIR",
    "RULES_DIR",
    "TIERS_DIR",
    "list_per_mu_rules",
    "list_province_rule_sets",
    "list_rule_sets",
    "load_field_contract",
    "load_per_mu_rules",
    "load_rule_set",
    "read_yaml",
]


def _resolve(name_or_path: str | Path, directory: Path) -> Path:
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") and (p.is_absolute() or p.exists()):
        return p
    candidate = directory / f"{p.name.removesuffix('.yaml')}.yaml"
    if candidate.exists():
        return candidate
    known = ", ".join(_names(directory))
    raise words.error("rulefiles.no_rule_set", NotFoundError, name=name_or_path, known=known)


def _names(directory: Path) -> list[str]:
    return sorted(p.stem for p in directory.glob("*.yaml") if not p.name.startswith("_"))


def load_field_contract() -> dict[str, Any]:
    """The shared input contract for tier rule sets (field -> kind, unit, labels)."""
    return dict(read_yaml(TIERS_DIR / "_fields.yaml")["fields"])


def list_rule_sets() -> list[str]:
    """Names of the enterprise-tier rule sets shipped with Gaodi."""
    return _names(TIERS_DIR)


@lru_cache(maxsize=1)
def above_scale_revenue_wan() -> float:
    """The 规上 threshold: main-business revenue (万元) that makes an industrial firm
    above-scale, read from the rule file ``rules/tiers/above_scale.yaml`` (国家统计局, since
    2011: 2000万元) — the one place every count of 规上 enterprises takes it from.

    >>> above_scale_revenue_wan()
    2000.0
    """
    rule = load_rule_set("above_scale")
    crit = next(c for c in rule.criteria if c.metric == "main_revenue")
    return float(crit.threshold)  # type: ignore[arg-type]


def load_rule_set(
    name_or_path: str | Path,
    parameters: Mapping[str, str] | None = None,
    province: str | None = None,
) -> RuleSet:
    """Load a tier rule set by name (``"innovative_sme"``) or by path to a YAML file.

    ``parameters`` override the file's declared readings (e.g. ``{"growth_2y_reading":
    "mean"}``). ``province`` loads ``rules/tiers/provinces/<name>_<province>.yaml``, a file
    that ``extends:`` the national one and sets its own ``local_points`` (the 特色化 items each
    province defines for the 专精特新 score).
    """
    key = tuple(sorted((parameters or {}).items()))
    if province is not None:
        path = PROVINCES_DIR / f"{Path(str(name_or_path)).stem}_{province}.yaml"
        if not path.exists():
            known = ", ".join(list_province_rule_sets()) or "—"
            raise words.error(
                "rulefiles.no_province_rule_set", NotFoundError, name=path.stem, known=known
            )
        return _load_rule_set(str(path), key)
    return _load_rule_set(str(_resolve(name_or_path, TIERS_DIR)), key)


def list_province_rule_sets() -> list[str]:
    """Provincial variants shipped (``<rule set>_<province>``)."""
    return _names(PROVINCES_DIR) if PROVINCES_DIR.exists() else []


@lru_cache(maxsize=32)
def _load_rule_set(path: str, parameters: tuple[tuple[str, str], ...] = ()) -> RuleSet:
    data = _merged(Path(path))
    return rule_set_from_dict(data, load_field_contract(), dict(parameters))


def list_per_mu_rules() -> list[str]:
    """Names of the 亩均效益 rule files shipped with Gaodi."""
    return _names(PER_MU_DIR)


def _merged(path: Path, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    data = read_yaml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if str(parent) in seen:
        raise words.error("rulefiles.extends_cycle", parent=parent)
    # a provincial tier file extends the national one in the directory above
    directory = TIERS_DIR if path.parent == PROVINCES_DIR else path.parent
    base = _merged(_resolve(str(parent), directory), (*seen, str(parent)))
    return _deep_merge(base, data)


def _deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), Mapping):
            out[k] = _deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def load_per_mu_rules(name_or_path: str | Path = "default") -> PerMuRules:
    """Load a 亩均效益 rule file (``extends:`` merges a parent file, child keys win)."""
    return _load_per_mu(str(_resolve(name_or_path, PER_MU_DIR)))


@lru_cache(maxsize=32)
def _load_per_mu(path: str) -> PerMuRules:
    return per_mu_rules_from_dict(_merged(Path(path)))
