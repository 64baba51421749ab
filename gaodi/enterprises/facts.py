"""Tier facts: the inputs of the tier rule sets that the yearly figures do not give.

The fields are those of the rule sets' input contract (``analytics/rules/tiers/_fields.yaml``)
that :mod:`gaodi.enterprises.records` does not compute from the yearly figures: intellectual
property counts, honours, R&D institutions, awards, 创客中国 results, years in the niche,
market shares and ranks, equity financing, R&D staff share, information systems, management
certifications, own brand … One row per enterprise, year and field (:class:`TierFact`), each
with its source (统计数据 statistics, 企业申报 self-declared, 证书核验 certified). A field with
no row is unknown, so the criteria on it stay undetermined; "no" is a stored 0.

One write path: :func:`set_facts` (the enterprise page's form and the JSON API), an approved
declaration (:func:`apply_facts`, from :mod:`gaodi.enterprises.declarations`) and the Excel
import (:mod:`gaodi.exchange.handlers_tiers`, same parsing through :func:`parse_value`) all
store through :mod:`gaodi.enterprises.facts_batch` (``prepare_facts`` / ``write_facts``), which
returns what each row changed (field -> [before, after]).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.analytics.rulefiles import load_field_contract
from gaodi.core import clock
from gaodi.core.errors import ConflictError, ValidationError
from gaodi.core.permissions import Principal, check_scope
from gaodi.core.units import unit_words
from gaodi.enterprises.models import FACT_SOURCES, Enterprise, TierFact

#: Contract fields computed from the yearly figures by gaodi.enterprises.records (which uses
#: this set); every other contract field is a tier fact.
COMPUTED = frozenset(
    {
        "revenue",
        "main_revenue",
        "revenue_growth",
        "main_revenue_growth",
        "main_revenue_growth_2y_cagr",
        "main_revenue_growth_2y_mean",
        "debt_ratio",
        "is_industrial",
        "employees",
        "rd_spend",
        "rd_spend_2y",
        "rd_intensity",
        "rd_intensity_min_2y",
        "invention_patents",
    }
)
#: Counted in whole units (a count of patents, a rank).
COUNT_UNITS = frozenset({"件", "项", "位"})
SOURCE_LABELS: dict[str, tuple[str, str]] = {
    "statistics": ("统计数据", "statistics"),
    "self_declared": ("企业申报", "self-declared"),
    "certified": ("证书核验", "certified"),
    "computed": ("由统计数据计算", "computed from the statistics"),
}
ENTERPRISE_NOT_FOUND = ("找不到该企业（或无权查看）。", "No such enterprise (or not yours to see).")
TRUE_WORDS = frozenset({"是", "有", "true", "yes", "y", "1", "√", "✓"})
FALSE_WORDS = frozenset({"否", "无", "没有", "false", "no", "n", "0", "×"})


@dataclass(frozen=True)
class FactField:
    """One tier fact: its contract name, kind (number or bool), unit and labels."""

    name: str
    kind: str
    unit: str
    label_zh: str
    label_en: str

    @property
    def is_bool(self) -> bool:
        return self.kind == "bool"

    @property
    def is_count(self) -> bool:
        return self.unit in COUNT_UNITS

    @property
    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        """(lowest, highest) value accepted, from the unit."""
        if self.unit == "ratio":
            return Decimal(0), Decimal(1)
        if self.unit == "分":
            return Decimal(0), Decimal(100)
        if self.unit == "位":
            return Decimal(1), None
        return Decimal(0), None

    def unit_text(self, lang: str = "zh") -> str:
        if self.is_bool:
            return "是/否" if lang.startswith("zh") else "yes/no"
        if self.unit == "ratio":
            return "0–1 小数" if lang.startswith("zh") else "fraction 0–1"
        # the contract stores units in Chinese (万元, 分): English pages and messages say them
        # in words, from the one table every page uses
        return unit_words(self.unit, lang)


@lru_cache(maxsize=1)
def fact_fields() -> tuple[FactField, ...]:
    """Every tier fact, in the contract's order."""
    out = []
    for name, spec in load_field_contract().items():
        if name in COMPUTED:
            continue
        out.append(
            FactField(
                name=name,
                kind=str(spec.get("kind", "number")),
                unit=str(spec.get("unit", "")),
                label_zh=str(spec.get("label_zh", name)),
                label_en=str(spec.get("label_en", name)),
            )
        )
    return tuple(out)


def fact_field(name: str) -> FactField:
    for f in fact_fields():
        if f.name == name:
            return f
    known = ", ".join(f.name for f in fact_fields())
    raise ValidationError(
        f"未知的梯度要素“{name}”。可用：{known}。", f"Unknown tier fact '{name}'; known: {known}."
    )


def check_source(source: str) -> str:
    if source not in FACT_SOURCES:
        zh = "、".join(f"{k}（{v[0]}）" for k, v in SOURCE_LABELS.items() if k in FACT_SOURCES)
        raise ValidationError(
            f"数据来源须为 {zh}，收到“{source}”。",
            f"The source must be one of {', '.join(FACT_SOURCES)}; got '{source}'.",
            field="source",
        )
    return source


def parse_value(f: FactField, raw: Any) -> float | None:
    """The stored value of ``raw`` for fact ``f`` (None for a blank), or a ValidationError in
    Chinese and English naming the field and the accepted values.

    Numbers are read as decimals (so ``0.1`` is 0.1 and ``15%`` is 0.15 exactly before the
    float is stored); yes/no accepts 是/否, 有/无, true/false, 1/0.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if f.is_bool:
        if isinstance(raw, bool):
            return 1.0 if raw else 0.0
        word = str(raw).strip().lower()
        if word in TRUE_WORDS:
            return 1.0
        if word in FALSE_WORDS:
            return 0.0
        raise ValidationError(
            f"“{f.label_zh}”须填“是”或“否”，收到“{raw}”。",
            f"'{f.label_en}' must be yes or no; got '{raw}'.",
            field=f.name,
        )
    if isinstance(raw, bool):
        raise ValidationError(
            f"“{f.label_zh}”须为数值。", f"'{f.label_en}' must be a number.", field=f.name
        )
    text = str(raw).strip().replace(",", "").replace("，", "")
    percent = f.unit == "ratio" and text.endswith(("%", "％"))
    try:
        number = Decimal(text.rstrip("%％").strip()) if isinstance(raw, str) else Decimal(str(raw))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise ValidationError(
            f"“{f.label_zh}”须为数值（{f.unit_text('zh')}），收到“{raw}”。",
            f"'{f.label_en}' must be a number ({f.unit_text('en')}); got '{raw}'.",
            field=f.name,
        )
    if percent:
        number = number / 100
    lo, hi = f.bounds
    if f.is_count and number != number.to_integral_value():
        raise ValidationError(
            f"“{f.label_zh}”须为整数，收到“{raw}”。",
            f"'{f.label_en}' must be a whole number; got '{raw}'.",
            field=f.name,
        )
    if (lo is not None and number < lo) or (hi is not None and number > hi):
        span_zh = f"{lo}–{hi}" if hi is not None else f"不小于 {lo}"
        span_en = f"{lo}–{hi}" if hi is not None else f"at least {lo}"
        hint = "（比重用小数，如 0.15 表示 15%）" if f.unit == "ratio" else ""
        raise ValidationError(
            f"“{f.label_zh}”须在 {span_zh} 之间{hint}，收到“{raw}”。",
            f"'{f.label_en}' must be {span_en}; got '{raw}'.",
            field=f.name,
        )
    return float(number)


def display(f: FactField, value: float | None) -> Any:
    """A stored value as the rules and the pages read it (bool for yes/no, int for counts)."""
    if value is None:
        return None
    if f.is_bool:
        return bool(value)
    if f.is_count:
        return int(value)
    return value


@dataclass(frozen=True)
class StoredFact:
    value: Any
    source: str
    declaration_id: int | None
    updated_by: str | None


def facts_of(
    session: Session, enterprise_ids: Sequence[int] | None, year: int
) -> dict[int, dict[str, StoredFact]]:
    """enterprise id -> field -> the stored fact of ``year`` (all enterprises when None).

    Callers restrict ``enterprise_ids`` to what the principal may read."""
    fields = {f.name: f for f in fact_fields()}
    query = select(
        TierFact.enterprise_id,
        TierFact.field,
        TierFact.value,
        TierFact.source,
        TierFact.declaration_id,
        TierFact.updated_by,
    ).where(TierFact.year == year)
    rows: list[Any] = []
    if enterprise_ids is None:
        rows = list(session.execute(query))
    else:
        ids = sorted(set(enterprise_ids))
        for i in range(0, len(ids), 5000):
            rows.extend(session.execute(query.where(TierFact.enterprise_id.in_(ids[i : i + 5000]))))
    out: dict[int, dict[str, StoredFact]] = {}
    for eid, name, value, source, decl, by in rows:
        f = fields.get(name)
        if f is None:  # a field the contract no longer names: kept, not used
            continue
        out.setdefault(eid, {})[name] = StoredFact(display(f, value), source, decl, by)
    return out


def apply_facts(
    session: Session,
    enterprise_id: int,
    year: int,
    values: Mapping[str, float | None],
    source: str,
    actor: str,
    *,
    declaration_id: int | None = None,
    clear_blanks: bool = False,
) -> dict[str, list[Any]]:
    """Store parsed ``values`` (field -> value, None: blank) and return field -> [before, after]
    for each change: a batch of one through :mod:`gaodi.enterprises.facts_batch`. A blank
    clears the stored fact only with ``clear_blanks`` (the form, where an emptied box means
    "unknown"); an import's blank cell leaves it as it is. The caller has checked the
    principal's scope (an approved declaration)."""
    from gaodi.enterprises import facts_batch  # it builds on this module's field rules

    row = facts_batch.FactRow(enterprise_id, year, values, source, declaration_id)
    batch = facts_batch.prepare_facts(session, None, [row], actor=actor, clear_blanks=clear_blanks)
    facts_batch.write_facts(session, batch)
    return batch.changes[0]


def parse_values(raw: Mapping[str, Any], names: Iterable[str] | None = None) -> dict[str, Any]:
    """Parse a form's or an API body's values (field -> raw text); every bad field is reported
    at once (ValidationError with ``fields``: field -> message)."""
    wanted = list(names) if names is not None else [f.name for f in fact_fields()]
    out: dict[str, float | None] = {}
    problems: dict[str, tuple[str, str]] = {}
    for name in wanted:
        f = fact_field(name)
        try:
            out[name] = parse_value(f, raw.get(name))
        except ValidationError as exc:
            problems[name] = (exc.zh, exc.en)
    if problems:
        first = next(iter(problems))
        raise ValidationError(
            "；".join(p[0] for p in problems.values()),
            "; ".join(p[1] for p in problems.values()),
            field=first,
            fields={k: v[0] for k, v in problems.items()},
        )
    return out


def set_facts(
    session: Session,
    principal: Principal,
    enterprise_id: int,
    year: int,
    raw: Mapping[str, Any],
    source: str,
    shown: Mapping[str, Any] | None = None,
) -> dict[str, list[Any]]:
    """An office (or admin) sets an enterprise's facts of ``year`` (every field of ``raw``;
    a blank clears it). Refused like a missing id outside the principal's scope.

    ``shown``: field -> the value the form showed in that box when the page was loaded. Then
    only the boxes whose value differs from what they showed are written (a box left as it was
    is not the user's word on that fact, even a blank one), and if a box the user changed no
    longer holds what it showed (a colleague saved that fact meanwhile), the whole save is
    refused naming the field, who changed it and the value stored now: nothing is lost
    silently, nothing is written."""
    from gaodi.enterprises import facts_batch  # it builds on this module's field rules

    check_scope(
        session, principal, Enterprise, enterprise_id, "edit", not_found=ENTERPRISE_NOT_FOUND
    )
    check_year(year)
    values = parse_values(raw, [k for k in raw if k in {f.name for f in fact_fields()}])
    if shown is not None:
        seen = {k: _shown_value(fact_field(k), shown[k]) for k in values if k in shown}
        values = {k: v for k, v in values.items() if k not in seen or v != seen[k]}
        _check_unchanged(session, enterprise_id, year, {k: seen[k] for k in values if k in seen})
    row = facts_batch.FactRow(enterprise_id, year, values, check_source(source))
    batch = facts_batch.prepare_facts(
        session, principal, [row], actor=principal.username, clear_blanks=True
    )
    facts_batch.write_facts(session, batch)
    return batch.changes[0]


def _shown_value(f: FactField, raw: Any) -> float | None:
    """The stored value a form's box showed (its own rendering of the stored value, read back
    as the box's input is; a value the rules no longer accept is still compared as it was)."""
    try:
        return parse_value(f, raw)
    except ValidationError:
        try:
            return float(Decimal(str(raw).strip()))
        except (InvalidOperation, ValueError):
            return None


def _words(f: FactField, value: float | None, zh: bool) -> str:
    shown = display(f, value)
    if shown is None:
        return "空（未知）" if zh else "blank (unknown)"
    if f.is_bool:
        return ("是" if shown else "否") if zh else ("yes" if shown else "no")
    if isinstance(shown, float) and shown.is_integer():
        return str(int(shown))
    return str(shown)


def _check_unchanged(
    session: Session, enterprise_id: int, year: int, seen: Mapping[str, float | None]
) -> None:
    """Refuse (409, every such field named) when a fact the user changed is no longer the
    value their form showed: another user stored, changed or cleared it since the page was
    loaded."""
    if not seen:
        return
    rows = {
        r.field: r
        for r in session.scalars(
            select(TierFact).where(
                TierFact.enterprise_id == enterprise_id,
                TierFact.year == year,
                TierFact.field.in_(sorted(seen)),
            )
        )
    }
    stale = [name for name, value in seen.items() if _stored(rows.get(name)) != value]
    if not stale:
        return
    zh_parts, en_parts = [], []
    for name in stale:
        f, row = fact_field(name), rows.get(name)
        if row is not None:
            who, at = row.updated_by or "?", row.updated_at
        else:  # cleared meanwhile: the deletion's audit entry says who and when
            who, at = _cleared_by(session, enterprise_id, year, name)
        when = f"{clock.local(at):%Y-%m-%d %H:%M}" if at is not None else "?"
        now = _stored(row)
        zh_parts.append(
            f"“{f.label_zh}”在你打开本页后已被 {who} 于 {when} 改为 {_words(f, now, True)}"
            f"（你打开时为 {_words(f, seen[name], True)}）"
        )
        en_parts.append(
            f"'{f.label_en}' was changed by {who} at {when} to {_words(f, now, False)} after "
            f"you opened this page (it showed {_words(f, seen[name], False)})"
        )
    raise ConflictError(
        "；".join(zh_parts) + "。本次未保存任何更改；请核对现存的值后重新填写。",
        "; ".join(en_parts) + ". Nothing was saved; check the stored values and enter yours again.",
        field=stale[0],
    )


def _stored(row: TierFact | None) -> float | None:
    return None if row is None else row.value


def _cleared_by(session: Session, enterprise_id: int, year: int, name: str) -> tuple[str, Any]:
    from gaodi.audit import service as audit

    for event in audit.events(session, entity="tier_fact", action="delete", limit=500):
        before = event.before or {}
        if (before.get("enterprise_id"), before.get("year"), before.get("field")) == (
            enterprise_id,
            year,
            name,
        ):
            return event.actor or "?", event.at
    return "?", None


def check_year(year: int) -> int:
    if not 1949 <= int(year) <= clock.today().year:
        raise ValidationError(
            f"年度须在 1949–{clock.today().year} 之间，收到 {year}。",
            f"The year must be 1949–{clock.today().year}; got {year}.",
            field="year",
        )
    return int(year)
