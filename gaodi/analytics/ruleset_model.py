"""Typed, frozen model of an eligibility rule set and its validation from plain data.

:func:`rule_set_from_dict` turns the mapping read from a YAML rule file (see
``gaodi/analytics/rules/tiers/*.yaml`` and docs/methods/tiers.md) into a :class:`RuleSet`.
It does no I/O; :mod:`gaodi.analytics.rulefiles` reads the files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from gaodi.core import words
from gaodi.core.errors import GaodiError

OPS = (">=", "<=", ">", "<", "==", "in", "between")
DERIVED_OPS = ("ratio", "min", "max", "sum", "mean")
MODES = ("all", "any", "at_least")
KINDS = ("number", "bool", "text")
#: What a cited source is, so an official notice and a consultancy's repost of it never look
#: alike: ``official`` (the issuing body's document), ``government_site`` (a government page
#: quoting or applying it), ``consultancy_repost`` / ``aggregator_repost`` / ``forum`` (third
#: parties), ``general_knowledge`` (no text retrieved), ``gaodi`` (Gaodi's own choice).
SOURCE_KINDS = (
    "official",
    "government_site",
    "consultancy_repost",
    "aggregator_repost",
    "forum",
    "general_knowledge",
    "gaodi",
)

__all__ = [
    "Condition",
    "Criterion",
    "Derived",
    "FieldSpec",
    "Group",
    "Node",
    "Parameter",
    "PointsItem",
    "PointsRow",
    "RuleSet",
    "ScoreGroup",
    "Source",
    "rule_set_from_dict",
]


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    urls: tuple[str, ...] = ()
    status: str = "confirmed"
    note: str = ""
    kind: str = ""


@dataclass(frozen=True)
class Parameter:
    """A named reading of the source that the rule file leaves configurable.

    ``${name}`` in the rule file's metric names is replaced by ``value`` before validation,
    so a parameter can only pick among declared fields (an unknown choice is an error).
    """

    name: str
    value: str
    choices: tuple[str, ...]
    label_zh: str = ""
    label_en: str = ""
    note: str = ""


@dataclass(frozen=True)
class FieldSpec:
    """One input field of the enterprise record (the input contract)."""

    name: str
    kind: str = "number"
    unit: str = ""
    label_zh: str = ""
    label_en: str = ""


@dataclass(frozen=True)
class Derived:
    """A metric computed from fields: ``op`` over ``of`` (ratio = of[0] / of[1])."""

    name: str
    op: str
    of: tuple[str | float, ...]
    unit: str = ""
    label_zh: str = ""
    label_en: str = ""


@dataclass(frozen=True)
class Condition:
    metric: str
    op: str
    threshold: Any


@dataclass(frozen=True)
class Criterion:
    id: str
    label_zh: str
    label_en: str
    metric: str
    op: str
    threshold: Any
    source: str
    unit: str = ""
    uncertain: bool = False
    selector: bool = False
    note: str = ""

    @property
    def condition(self) -> Condition:
        return Condition(self.metric, self.op, self.threshold)


@dataclass(frozen=True)
class Group:
    id: str
    label_zh: str
    label_en: str
    mode: Literal["all", "any", "at_least"]
    items: tuple[Node, ...]
    k: int = 1
    source: str = ""
    uncertain: bool = False


Node = Criterion | Group


@dataclass(frozen=True)
class PointsRow:
    """A row of a points table; it matches when ANY of its conditions holds."""

    conditions: tuple[Condition, ...]
    points: float


@dataclass(frozen=True)
class PointsItem:
    id: str
    label_zh: str
    label_en: str
    group: str
    max_points: float
    rows: tuple[PointsRow, ...]
    otherwise: float
    source: str
    uncertain: bool = False
    #: points read from a metric (clipped to [0, max]) instead of a table: for items whose
    #: table was not recovered or is set by each province (entered as points)
    value_of: str | None = None


@dataclass(frozen=True)
class ScoreGroup:
    id: str
    label_zh: str
    label_en: str
    max_points: float


@dataclass(frozen=True)
class RuleSet:
    id: str
    version: str
    name_zh: str
    name_en: str
    root: Group
    sources: Mapping[str, Source]
    fields: Mapping[str, FieldSpec]
    derived: tuple[Derived, ...] = ()
    points: tuple[PointsItem, ...] = ()
    score_groups: tuple[ScoreGroup, ...] = ()
    status: str = "confirmed"
    document: str = ""
    effective_from: date | None = None
    effective_to: date | None = None
    near_margin: float = 0.2
    max_missed: int = 1
    notes: tuple[str, ...] = ()
    parameters: Mapping[str, Parameter] = field(default_factory=dict)
    criteria: tuple[Criterion, ...] = field(default=(), compare=False)
    derived_by_name: Mapping[str, Derived] = field(default_factory=dict, compare=False)


def _err(code: str, where: str, **params: Any) -> GaodiError:
    """The rule-set flaw ``code`` at ``where`` (the rule set's id, or a place in it)."""
    return words.error(code, where=where, **params)


def _str(d: Mapping[str, Any], key: str, where: str, default: str | None = None) -> str:
    v = d.get(key, default)
    if v is None:
        raise _err("ruleset_model.missing_key", where, key=key)
    return str(v)


def _date(v: Any, where: str) -> date | None:
    if v is None or isinstance(v, date):
        return v
    try:
        return date.fromisoformat(str(v))
    except ValueError as exc:
        raise _err("ruleset_model.bad_date", where, value=v) from exc


def _threshold(op: str, t: Any, where: str) -> Any:
    if op not in OPS:
        raise _err("ruleset_model.unknown_operator", where, op=op)
    if op == "in":
        if not isinstance(t, list | tuple):
            raise _err("ruleset_model.in_needs_list", where)
        return tuple(t)
    if op == "between":
        if not (isinstance(t, list | tuple) and len(t) == 2) or t[0] > t[1]:
            raise _err("ruleset_model.between_needs_range", where)
        return (t[0], t[1])
    if op != "==" and (isinstance(t, bool) or not isinstance(t, int | float)):
        raise _err("ruleset_model.needs_number", where, op=op)
    return t


class _Parser:
    def __init__(self, data: Mapping[str, Any], fields: Mapping[str, Any] | None) -> None:
        self.data = data
        self.id = _str(data, "id", "?")
        self.sources = {
            sid: Source(
                id=sid,
                title=_str(s, "title", f"{self.id}.sources.{sid}"),
                urls=tuple(s.get("urls", ()) or ()),
                status=str(s.get("status", "confirmed")),
                note=str(s.get("note", "")),
                kind=str(s.get("kind", "")),
            )
            for sid, s in (data.get("sources") or {}).items()
        }
        for src in self.sources.values():
            if src.kind and src.kind not in SOURCE_KINDS:
                raise _err(
                    "ruleset_model.bad_source_kind",
                    f"{self.id}.sources.{src.id}",
                    kind=src.kind,
                    kinds_zh=words.listing(list(SOURCE_KINDS)),
                    kinds_en=", ".join(SOURCE_KINDS),
                )
        if not self.sources:
            raise _err("ruleset_model.no_sources", self.id)
        raw_fields = {**(fields or {}), **(data.get("fields") or {})}
        self.fields = {
            name: FieldSpec(
                name=name,
                kind=str((spec or {}).get("kind", "number")),
                unit=str((spec or {}).get("unit", "")),
                label_zh=str((spec or {}).get("label_zh", "")),
                label_en=str((spec or {}).get("label_en", "")),
            )
            for name, spec in raw_fields.items()
        }
        for f in self.fields.values():
            if f.kind not in KINDS:
                raise _err("ruleset_model.bad_field_kind", self.id, field=f.name)
        self.derived: dict[str, Derived] = {}
        for name, spec in (data.get("derived") or {}).items():
            d = Derived(
                name=name,
                op=_str(spec, "op", f"{self.id}.derived.{name}"),
                of=tuple(f if isinstance(f, int | float) else str(f) for f in spec.get("of", ())),
                unit=str(spec.get("unit", "")),
                label_zh=str(spec.get("label_zh", "")),
                label_en=str(spec.get("label_en", "")),
            )
            if d.op not in DERIVED_OPS or not d.of or (d.op == "ratio" and len(d.of) != 2):
                raise _err("ruleset_model.bad_derived", self.id, name=name)
            for part in d.of:
                if isinstance(part, bool):
                    raise _err("ruleset_model.derived_bool", self.id, name=name)
                if isinstance(part, str):
                    self._check_metric(part, f"derived.{name}", allow_score=False)
            self.derived[name] = d
        self.score_groups = tuple(
            ScoreGroup(
                id=_str(g, "id", f"{self.id}.score_groups"),
                label_zh=str(g.get("label_zh", "")),
                label_en=str(g.get("label_en", "")),
                max_points=float(g.get("max", 0)),
            )
            for g in data.get("score_groups") or ()
        )
        self.points = tuple(self._points(p) for p in data.get("points") or ())
        self.criteria: list[Criterion] = []
        self.ids: set[str] = set()

    def _check_metric(self, name: str, where: str, allow_score: bool = True) -> None:
        if name in self.fields or name in self.derived:
            return
        score_groups: tuple[ScoreGroup, ...] = getattr(self, "score_groups", ())
        points: tuple[PointsItem, ...] = getattr(self, "points", ())
        groups = {g.id for g in score_groups}
        is_score = name == "score" or (name.startswith("score.") and name[6:] in groups)
        if allow_score and points and is_score:
            return
        raise _err("ruleset_model.unknown_metric", f"{self.id}.{where}", name=name)

    def _source(self, sid: Any, where: str) -> str:
        if sid is None or str(sid) not in self.sources:
            raise _err("ruleset_model.undefined_source", f"{self.id}.{where}", source=sid)
        return str(sid)

    def _condition(self, c: Mapping[str, Any], where: str) -> Condition:
        metric = _str(c, "metric", where)
        self._check_metric(metric, where)
        op = _str(c, "op", where)
        return Condition(metric, op, _threshold(op, c.get("threshold"), f"{self.id}.{where}"))

    def _points(self, p: Mapping[str, Any]) -> PointsItem:
        pid = _str(p, "id", f"{self.id}.points")
        where = f"points.{pid}"
        group = _str(p, "group", where)
        if group not in {g.id for g in self.score_groups}:
            raise _err("ruleset_model.undefined_score_group", self.id, item=where)
        rows = []
        for i, row in enumerate(p.get("table") or ()):
            conds = row.get("any") or [row]
            rows.append(
                PointsRow(
                    conditions=tuple(self._condition(c, f"{where}[{i}]") for c in conds),
                    points=float(row["points"]),
                )
            )
        value_of = p.get("value_of")
        if value_of is not None:
            self._check_metric(str(value_of), where, allow_score=False)
            if rows or p.get("max") is None:
                raise _err("ruleset_model.value_of_with_table", self.id, item=where)
        elif not rows:
            raise _err("ruleset_model.empty_points_table", self.id, item=where)
        return PointsItem(
            id=pid,
            label_zh=str(p.get("label_zh", "")),
            label_en=str(p.get("label_en", "")),
            group=group,
            max_points=float(p.get("max", max((r.points for r in rows), default=0.0))),
            rows=tuple(rows),
            otherwise=float(p.get("otherwise", 0)),
            source=self._source(p.get("source"), where),
            uncertain=bool(p.get("uncertain", False)),
            value_of=None if value_of is None else str(value_of),
        )

    def node(self, n: Mapping[str, Any], where: str) -> Node:
        nid = _str(n, "id", where)
        if nid in self.ids:
            raise _err("ruleset_model.duplicate_id", self.id, id=nid)
        self.ids.add(nid)
        if "items" in n:
            mode = _str(n, "mode", nid, "all")
            items = tuple(self.node(c, f"{where}.{nid}") for c in n["items"] or ())
            k = int(n.get("k", 1))
            if mode not in MODES or not items or (mode == "at_least" and not 1 <= k <= len(items)):
                raise _err("ruleset_model.bad_group", self.id, id=nid)
            return Group(
                id=nid,
                label_zh=str(n.get("label_zh", "")),
                label_en=str(n.get("label_en", "")),
                mode=mode,  # type: ignore[arg-type]
                items=items,
                k=k,
                source=self._source(n["source"], nid) if n.get("source") else "",
                uncertain=bool(n.get("uncertain", False)),
            )
        cond = self._condition(n, nid)
        unit = n.get("unit")
        if unit is None:
            spec = self.fields.get(cond.metric) or self.derived.get(cond.metric)
            unit = (
                spec.unit
                if spec is not None
                else (_UNIT_POINTS if cond.metric.startswith("score") else "")
            )
        c = Criterion(
            id=nid,
            label_zh=_str(n, "label_zh", nid, ""),
            label_en=_str(n, "label_en", nid, ""),
            metric=cond.metric,
            op=cond.op,
            threshold=cond.threshold,
            source=self._source(n.get("source"), nid),
            unit=str(unit),
            uncertain=bool(n.get("uncertain", False)),
            selector=bool(n.get("selector", False)),
            note=str(n.get("note", "")),
        )
        self.criteria.append(c)
        return c


# the unit of a score criterion whose rule names none, in the (Chinese) form criteria store
_UNIT_POINTS = words.say("ruleset_model.unit_points", "zh")

_PARAM = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _parameters(
    data: Mapping[str, Any], overrides: Mapping[str, str] | None
) -> dict[str, Parameter]:
    rid = str(data.get("id", "?"))
    out: dict[str, Parameter] = {}
    for name, spec in (data.get("parameters") or {}).items():
        spec = spec or {}
        choices = tuple(str(c) for c in spec.get("choices") or ())
        value = str((overrides or {}).get(name, spec.get("value", "")))
        if not choices or value not in choices:
            raise _err(
                "ruleset_model.bad_parameter_value",
                rid,
                name=name,
                value=value,
                choices=list(choices),
            )
        out[str(name)] = Parameter(
            name=str(name),
            value=value,
            choices=choices,
            label_zh=str(spec.get("label_zh", "")),
            label_en=str(spec.get("label_en", "")),
            note=str(spec.get("note", "")),
        )
    unknown = set(overrides or {}) - set(out)
    if unknown:
        raise _err("ruleset_model.unknown_parameters", rid, names=sorted(unknown))
    return out


def _substitute(value: Any, params: Mapping[str, Parameter], rid: str) -> Any:
    """Replace ``${name}`` in every string of ``value`` (recursively) by the parameter's value."""
    if isinstance(value, str):

        def one(m: re.Match[str]) -> str:
            if m.group(1) not in params:
                name = m.group(1)
                raise _err("ruleset_model.undeclared_parameter", rid, name=name)
            return params[m.group(1)].value

        return _PARAM.sub(one, value)
    if isinstance(value, Mapping):
        return {k: _substitute(v, params, rid) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_substitute(v, params, rid) for v in value]
    return value


def rule_set_from_dict(
    data: Mapping[str, Any],
    fields: Mapping[str, Any] | None = None,
    parameters: Mapping[str, str] | None = None,
) -> RuleSet:
    """Validate a rule set given as plain data and build its frozen model.

    Parameters
    ----------
    data : mapping
        The parsed YAML (keys documented in docs/methods/tiers.md).
    fields : mapping, optional
        A shared input contract (field name -> {kind, unit, label_zh, label_en}); the rule
        set's own ``fields`` extend or override it.
    parameters : mapping, optional
        Values for the file's declared ``parameters`` (name -> one of its ``choices``);
        undeclared names and values outside the choices are errors.

    Returns
    -------
    RuleSet

    Raises
    ------
    ValidationError
        Unknown operators, metrics, sources or groups, duplicate ids, bad thresholds.

    Examples
    --------
    >>> rs = rule_set_from_dict({"id": "d", "version": "1", "name_zh": "示例",
    ...     "name_en": "Demo", "sources": {"s": {"title": "t"}}, "fields": {"x": {}},
    ...     "rule": {"id": "r", "mode": "any", "items": [
    ...         {"id": "a", "metric": "x", "op": ">=", "threshold": 1, "source": "s"},
    ...         {"id": "b", "metric": "x", "op": "between", "threshold": [-2, -1],
    ...          "source": "s"}]}})
    >>> [c.id for c in rs.criteria], rs.root.mode
    (['a', 'b'], 'any')
    """
    params = _parameters(data, parameters)
    rid = str(data.get("id", "?"))
    data = {
        k: (
            _substitute(v, params, rid) if k in ("rule", "derived", "points", "local_points") else v
        )
        for k, v in data.items()
    }
    # local_points: the items a province sets (专精特新 特色化), kept apart so that a provincial
    # file replaces them without restating the national items
    data["points"] = [*(data.get("points") or ()), *(data.get("local_points") or ())]
    p = _Parser(data, fields)
    rule = data.get("rule")
    if not isinstance(rule, Mapping) or "items" not in rule:
        raise _err("ruleset_model.missing_rule", p.id)
    root = p.node(rule, "rule")
    assert isinstance(root, Group)
    margin = float(data.get("near_margin", 0.2))
    if margin < 0:
        raise _err("ruleset_model.negative_near_margin", p.id)
    return RuleSet(
        id=p.id,
        version=_str(data, "version", p.id),
        name_zh=_str(data, "name_zh", p.id),
        name_en=_str(data, "name_en", p.id),
        root=root,
        sources=p.sources,
        fields=p.fields,
        derived=tuple(p.derived.values()),
        points=p.points,
        score_groups=p.score_groups,
        status=str(data.get("status", "confirmed")),
        document=str(data.get("document", "")),
        effective_from=_date(data.get("effective_from"), p.id),
        effective_to=_date(data.get("effective_to"), p.id),
        near_margin=margin,
        max_missed=int(data.get("max_missed", 1)),
        notes=tuple(str(n) for n in data.get("notes") or ()),
        parameters=params,
        criteria=tuple(p.criteria),
        derived_by_name=dict(p.derived),
    )
