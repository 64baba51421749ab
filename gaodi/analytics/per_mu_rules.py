"""亩均效益 rule sets: the typed rules of one versioned YAML file, validated.

Part of :mod:`gaodi.analytics.per_mu`. A :class:`PerMuRules` (built by
:func:`per_mu_rules_from_dict` from a file in ``gaodi/analytics/rules/per_mu/``, read by
:func:`gaodi.analytics.rulefiles.load_per_mu_rules`) holds indicator formulas, one scoring
scheme per enterprise segment, each item's benchmark divisor, weight and source, an optional
per-item cap, the coverage (land threshold, 工业 only) and the A/B/C/D classification rule. A
flaw in a file is refused with the file's id (and scheme) in words (``per_mu.rules_*``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from gaodi.analytics.ruleset_model import OPS, Condition
from gaodi.core import words
from gaodi.core.errors import GaodiError

MissingPolicy = Literal["error", "average", "zero"]
CLASSES = ("A", "B", "C", "D")


@dataclass(frozen=True)
class Indicator:
    id: str
    numerator: str
    denominator: str
    unit: str = ""
    label_zh: str = ""
    label_en: str = ""


@dataclass(frozen=True)
class PerMuItem:
    indicator: Indicator
    weight: float
    benchmark: float | None
    missing: MissingPolicy = "error"
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class PerMuScheme:
    id: str
    label_zh: str
    label_en: str
    applies_to: tuple[Condition, ...]
    items: tuple[PerMuItem, ...]
    #: the group's own class shares (e.g. 温岭: 规下 A 5 %), else the rule file's
    classes: ClassRule | None = None


@dataclass(frozen=True)
class ClassRule:
    """A/B/C/D classification within each segment.

    ``method="rank_share"``: ``thresholds`` are the shares of firms (best first) in A, B
    and C; D is the rest. ``method="score"``: ``thresholds`` are the minimum scores for A,
    B and C; D is below.
    """

    method: Literal["rank_share", "score"]
    thresholds: tuple[float, float, float]
    configurable: bool = True
    source: str = ""


@dataclass(frozen=True)
class Coverage:
    """Which firms the evaluation covers: those using at least ``min_land_mu`` 亩 of land
    (``None``: every firm with land). ``source`` names the rule file's source of the value.
    ``industrial_only``: only 工业 firms (the frame's ``is_industrial`` is true: GB/T 4754
    sections B, C, D), as in schemes that evaluate 工业企业; ``industrial_source`` cites it."""

    min_land_mu: float | None = None
    source: str = ""
    note: str = ""
    industrial_only: bool = False
    industrial_source: str = ""


@dataclass(frozen=True)
class PerMuRules:
    id: str
    version: str
    name_zh: str
    name_en: str
    schemes: tuple[PerMuScheme, ...]
    classes: ClassRule
    sources: Mapping[str, Mapping[str, Any]]
    cap_multiple: float | None = None
    status: str = "confirmed"
    region: str = ""
    year: int | None = None
    notes: tuple[str, ...] = ()
    #: the method in a reader's words, (zh, en) per note: what pages show (``notes`` are the
    #: maintainers' sources and reasoning, in English)
    reader_notes: tuple[tuple[str, str], ...] = ()
    coverage: Coverage = Coverage()
    #: ``scheme``: the file's divisors; ``area_average``: each group's own area average of
    #: the indicator (Σ numerator / Σ denominator over its evaluated firms), the way 黄岩's
    #: divisors were made from 黄岩's firms
    divisors: Literal["scheme", "area_average"] = "scheme"

    def scheme(self, scheme_id: str) -> PerMuScheme:
        for s in self.schemes:
            if s.id == scheme_id:
                return s
        raise words.error("per_mu.no_such_scheme", scheme=scheme_id)


def _class_rule(cls: Mapping[str, Any], where: str, sources: Mapping[str, Any]) -> ClassRule:
    method = str(cls.get("method", "rank_share"))
    th = tuple(float(t) for t in cls.get("thresholds", ()))
    if method not in ("rank_share", "score") or len(th) != 3:
        raise _bad("per_mu.rules_classes", where)
    if method == "rank_share" and (min(th) < 0 or sum(th) > 1):
        raise _bad("per_mu.rules_class_shares", where)
    if method == "score" and not th[0] >= th[1] >= th[2]:
        raise _bad("per_mu.rules_class_cutoffs", where)
    src = str(cls.get("source", ""))
    if src and src not in sources:
        raise _bad("per_mu.rules_class_source", where, source=src)
    return ClassRule(
        method=method,  # type: ignore[arg-type]
        thresholds=(th[0], th[1], th[2]),
        configurable=bool(cls.get("configurable", True)),
        source=src,
    )


def _bad(code: str, where: str, **params: Any) -> GaodiError:
    """The rule-file flaw ``code`` at ``where`` (the file's id, or id.scheme)."""
    return words.error(code, where=where, **params)


def per_mu_rules_from_dict(data: Mapping[str, Any]) -> PerMuRules:
    """Validate a 亩均 rule file given as plain data.

    Examples
    --------
    >>> r = per_mu_rules_from_dict({"id": "t", "version": "1", "name_zh": "示例",
    ...     "name_en": "Demo", "sources": {"s": {"title": "t"}},
    ...     "indicators": {"tax_per_mu": {"numerator": "tax", "denominator": "land_mu"}},
    ...     "schemes": [{"id": "all", "items": [{"indicator": "tax_per_mu",
    ...         "benchmark": 10, "weight": 100, "source": "s"}]}],
    ...     "classes": {"method": "score", "thresholds": [120, 80, 60]}})
    >>> r.schemes[0].items[0].indicator.numerator, r.classes.thresholds
    ('tax', (120.0, 80.0, 60.0))
    """
    rid = str(data.get("id", "?"))
    sources = dict(data.get("sources") or {})
    if not sources:
        raise _bad("per_mu.rules_no_sources", rid)
    indicators = {
        k: Indicator(
            id=k,
            numerator=str(v["numerator"]),
            denominator=str(v["denominator"]),
            unit=str(v.get("unit", "")),
            label_zh=str(v.get("label_zh", "")),
            label_en=str(v.get("label_en", "")),
        )
        for k, v in (data.get("indicators") or {}).items()
    }
    schemes = []
    for s in data.get("schemes") or ():
        sid = str(s["id"])
        conds = []
        for c in s.get("applies_to") or ():
            if c.get("op") not in OPS:
                raise _bad("per_mu.rules_bad_operator", f"{rid}.{sid}")
            conds.append(Condition(str(c["metric"]), str(c["op"]), c.get("threshold")))
        items = []
        for it in s.get("items") or ():
            ind = indicators.get(str(it.get("indicator")))
            if ind is None:
                raise _bad("per_mu.rules_undefined_indicator", f"{rid}.{sid}")
            missing = str(it.get("missing", "error"))
            if missing not in ("error", "average", "zero"):
                raise _bad("per_mu.rules_bad_missing", f"{rid}.{sid}")
            bench = it.get("benchmark")
            if bench is not None and float(bench) <= 0:
                raise _bad("per_mu.rules_benchmark_positive", f"{rid}.{sid}")
            src = str(it.get("source", ""))
            if src not in sources:
                raise _bad("per_mu.rules_undefined_source", f"{rid}.{sid}", source=src)
            items.append(
                PerMuItem(
                    indicator=ind,
                    weight=float(it["weight"]),
                    benchmark=None if bench is None else float(bench),
                    missing=missing,  # type: ignore[arg-type]
                    source=src,
                    note=str(it.get("note", "")),
                )
            )
        if not items:
            raise _bad("per_mu.rules_scheme_no_items", f"{rid}.{sid}")
        own = s.get("classes")
        schemes.append(
            PerMuScheme(
                id=sid,
                label_zh=str(s.get("label_zh", "")),
                label_en=str(s.get("label_en", "")),
                applies_to=tuple(conds),
                items=tuple(items),
                classes=None if own is None else _class_rule(own, f"{rid}.{sid}", sources),
            )
        )
    if not schemes:
        raise _bad("per_mu.rules_no_schemes", rid)
    rule = _class_rule(data.get("classes") or {}, rid, sources)
    cap = data.get("cap_multiple")
    if cap is not None and float(cap) <= 0:
        raise _bad("per_mu.rules_cap_positive", rid)
    cov = data.get("coverage") or {}
    min_land = cov.get("min_land_mu")
    if min_land is not None and not float(min_land) > 0:
        raise _bad("per_mu.rules_min_land_positive", rid)
    cov_source = str(cov.get("source", ""))
    if min_land is not None and cov_source not in sources:
        raise _bad("per_mu.rules_coverage_source", rid, source=cov_source)
    industrial_only = bool(cov.get("industrial_only", False))
    industrial_source = str(cov.get("industrial_source", ""))
    if industrial_only and industrial_source not in sources:
        raise _bad("per_mu.rules_coverage_source", rid, source=industrial_source)
    year = data.get("year")
    divisors = str(data.get("divisors", "scheme"))
    if divisors not in ("scheme", "area_average"):
        raise _bad("per_mu.rules_divisors", rid)
    return PerMuRules(
        id=rid,
        version=str(data.get("version", "")),
        name_zh=str(data.get("name_zh", "")),
        name_en=str(data.get("name_en", "")),
        schemes=tuple(schemes),
        classes=rule,
        sources=sources,
        cap_multiple=None if cap is None else float(cap),
        status=str(data.get("status", "confirmed")),
        region=str(data.get("region", "")),
        year=None if year is None else int(year),
        notes=tuple(str(n) for n in data.get("notes") or ()),
        reader_notes=tuple(
            (str(n.get("zh", "")), str(n.get("en", ""))) for n in data.get("reader_notes") or ()
        ),
        divisors=divisors,  # type: ignore[arg-type]
        coverage=Coverage(
            min_land_mu=None if min_land is None else float(min_land),
            source=cov_source,
            note=str(cov.get("note", "")),
            industrial_only=industrial_only,
            industrial_source=industrial_source,
        ),
    )
