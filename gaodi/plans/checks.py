"""The checks every reported value passes before it is written: its unit, plausibility and
the active user rules (:class:`~gaodi.plans.models.ValidationRule`).

Pure of writes: :mod:`gaodi.plans.intake` runs them on a whole batch (the web form's single
value, a CLI value, an API call, an Excel import) before writing anything. An *error* refuses
the value; a *warning* refuses it unless the user confirms it with a reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.core import clock
from gaodi.core.errors import ValidationError
from gaodi.core.periods import month_index, parse_period
from gaodi.core.text_safety import has_visible
from gaodi.core.units import unit_words
from gaodi.plans import rulelang
from gaodi.plans.inference import natural_kind, rule_file
from gaodi.plans.models import Indicator, Observation, ValidationRule
from gaodi.plans.schemas import Flag

COUNTED = ("submitted", "approved")


#: How a user confirms a flagged value, in the words of where it is entered: the web form's
#: check box and reason field (also the API's default), the command line's options (gaodi plan
#: observe, gaodi smart observe: both name them so).
HOW_TO_CONFIRM = {
    "form": (
        "如确认无误，请勾选“确认”并填写理由。",
        "If it is right, confirm it and give a reason.",
    ),
    "cli": (
        '如确认无误，请加 --confirm --reason "理由" 重新运行。',
        'If it is right, run the command again with --confirm --reason "why it is right".',
    ),
}


class PlausibilityFlagged(ValidationError):
    """A value with warnings that was not confirmed (or with errors): nothing was written.

    ``warnings``: the unconfirmed warnings when they alone refused the value; the message then
    says how to confirm them as the web form does, and :meth:`worded_for` as another entry point
    does (the command line's error handler asks for ``"cli"``).
    """

    code = "plausibility"

    def __init__(
        self, zh: str, en: str | None = None, *, warnings: Sequence[Flag] = (), **context: Any
    ) -> None:
        super().__init__(zh, en, **context)
        self.warnings = list(warnings)

    def worded_for(self, entry: str) -> tuple[str, str]:
        """The message (zh, en) as the entry point ``entry`` (a key of :data:`HOW_TO_CONFIRM`)
        tells its user how to confirm."""
        if not self.warnings:
            return self.zh, self.en
        return _needs_confirmation(self.warnings, entry)


def _needs_confirmation(warnings: Sequence[Flag], entry: str = "form") -> tuple[str, str]:
    how_zh, how_en = HOW_TO_CONFIRM[entry]
    return (
        "数值需要确认：" + "；".join(f.message_zh for f in warnings) + " " + how_zh,
        "The value needs confirmation: " + " ".join(f.message_en for f in warnings) + " " + how_en,
    )


def _flag(check: str, severity: str, zh: str, en: str) -> Flag:
    return Flag(check=check, severity=severity, message_zh=zh, message_en=en)  # type: ignore[arg-type]


def _series(
    session: Session, ind_id: int, scope: str, scope_id: int, kind: str, exclude_id: int | None
) -> dict[str, float]:
    """period -> value at its latest counted revision (the period being checked included)."""
    best: dict[str, tuple[int, float]] = {}
    for o in session.scalars(
        select(Observation).where(
            Observation.indicator_id == ind_id,
            Observation.scope == scope,
            Observation.scope_id == scope_id,
            Observation.kind == kind,
            Observation.status.in_(COUNTED),
        )
    ):
        if o.id == exclude_id:
            continue
        if o.period not in best or o.revision > best[o.period][0]:
            best[o.period] = (o.revision, o.value)
    return {p: v for p, (_, v) in best.items()}


def check_words(flags: Sequence[Flag], rules: Sequence[ValidationRule] = ()) -> tuple[str, str]:
    """The checks that flagged a value, named in words (zh, en): a plausibility check by its
    ``name`` in the rule file, a user rule by its name (``rules``: the rules the flags came
    from), anything else by the flag's own message."""
    checks = rule_file("plausibility.yaml")["checks"]
    names = {f"rule:{r.id}": (f"规则“{r.name}”", f"rule {r.name!r}") for r in rules}
    zh: list[str] = []
    en: list[str] = []
    for f in flags:
        spec = checks.get(f.check, {})
        z, e = names.get(f.check) or (
            spec.get("name", f.message_zh),
            spec.get("name_en", f.message_en),
        )
        if z not in zh:
            zh.append(z)
            en.append(e)
    return "、".join(zh), "; ".join(en)


def _fmt(value: float) -> str:
    """A figure as it was entered, with grouping and never in e-notation (81,567,651, not
    8.15677e+07: the message quotes what the user typed).

    >>> _fmt(81567651.0), _fmt(-3.5), _fmt(0.0000001), _fmt(float("nan"))
    ('81,567,651', '-3.5', '0.0000001', 'nan')
    """
    d = Decimal(repr(float(value)))
    if not d.is_finite():
        return str(value)
    text = f"{d:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def unit_flags(ind: Indicator, kind: str, value: float) -> list[Flag]:
    """The value against the indicator's unit (errors)."""
    units = rule_file("plausibility.yaml")["units"]
    sev = rule_file("plausibility.yaml")["checks"]["unit"]["severity"]
    out: list[Flag] = []
    growth = kind == "yoy" or ind.kind == "growth"
    if ind.aggregation in ("point", "average") and kind == "cumulative":
        out.append(
            _flag(
                "kind",
                "error",
                f"“{ind.name}”是时点/平均指标，不能填报累计值，请选择“当期值”。",
                f"{ind.name!r} is a point-in-time/average indicator: report a current value, "
                "not a running total.",
            )
        )
    if growth:
        if value < -100:
            out.append(
                _flag(
                    "unit",
                    sev,
                    f"增速 {_fmt(value)}% 低于 -100%，不可能。",
                    f"A growth rate of {_fmt(value)}% is below -100%: impossible.",
                )
            )
        return out
    if ind.unit in units["count"] and (value < 0 or not float(value).is_integer()):
        # the unit in the English words the pages show it in (家 → firms); a unit with no
        # English words is left out rather than quoted in Chinese
        things = unit_words(ind.unit, "en")
        counted = f"A count of {things}" if things.isascii() else "A count"
        out.append(
            _flag(
                "unit",
                sev,
                f"单位为“{ind.unit}”的计数须为非负整数，收到 {_fmt(value)}。",
                f"{counted} must be a whole non-negative number; got {_fmt(value)}.",
            )
        )
    elif ind.unit in units["percent"] and not 0 <= value <= 100:
        out.append(
            _flag(
                "unit",
                sev,
                f"比重（%）须在 0 到 100 之间，收到 {_fmt(value)}。",
                f"A share in % must lie between 0 and 100; got {_fmt(value)}.",
            )
        )
    elif value < 0:
        out.append(
            _flag(
                "unit",
                sev,
                f"“{ind.name}”（{ind.unit}）不能为负数，收到 {_fmt(value)}。",
                f"{ind.name!r} ({ind.unit}) cannot be negative; got {_fmt(value)}.",
            )
        )
    return out


def plausibility_flags(
    ind: Indicator, kind: str, period: str, value: float, series: dict[str, float]
) -> list[Flag]:
    """Future period, running total falling within the year, jump beyond the band."""
    checks = rule_file("plausibility.yaml")["checks"]
    bands = checks["jump"]["bands"]
    out: list[Flag] = []
    p = parse_period(period)
    today = clock.today()
    current = month_index(today.year, today.month)
    if p.last_month >= current:
        out.append(
            _flag(
                "future_period",
                checks["future_period"]["severity"],
                f"期间 {period} 尚未结束（今天是 {today:%Y-%m-%d}），还没有实际值，"
                "请在期间结束后填报。",
                f"The period {period} has not ended (today is {today:%Y-%m-%d}): it has no "
                "actual value yet; report it once the period has ended.",
            )
        )
    others = {parse_period(q).last_month: v for q, v in series.items() if q != period}
    if kind == "cumulative" and p.freq == "M":
        same_year = {m: v for m, v in others.items() if m // 12 == p.last_month // 12}
        before = [m for m in same_year if m < p.last_month]
        after = [m for m in same_year if m > p.last_month]
        if before and same_year[max(before)] > value:
            prev = same_year[max(before)]
            prev_month = _month(max(before))
            out.append(
                _flag(
                    "cumulative_decrease",
                    checks["cumulative_decrease"]["severity"],
                    f"累计值 {_fmt(value)} 低于上一期（{prev_month}）的累计值 {_fmt(prev)}："
                    "年内累计值不应下降，是否误填了当月值？",
                    f"The running total {_fmt(value)} is below the previous one ({prev_month}: "
                    f"{_fmt(prev)}); a within-year total cannot fall. Was a monthly value entered?",
                )
            )
        if after and same_year[min(after)] < value:
            nxt = same_year[min(after)]
            out.append(
                _flag(
                    "cumulative_decrease",
                    checks["cumulative_decrease"]["severity"],
                    f"累计值 {_fmt(value)} 高于下一期（{_month(min(after))}）已报的 {_fmt(nxt)}。",
                    f"The running total {_fmt(value)} exceeds the later one already reported "
                    f"({_month(min(after))}: {_fmt(nxt)}).",
                )
            )
    sev = checks["jump"]["severity"]
    if kind == "yoy":
        before = [m for m in others if m < p.last_month]
        if before:
            prev = others[max(before)]
            diff = _fmt(abs(value - prev))
            if abs(value - prev) > bands["growth_pp"]:
                out.append(
                    _flag(
                        "jump",
                        sev,
                        f"增速 {_fmt(value)}% 与上期 {_fmt(prev)}% 相差 {diff} 个百分点，"
                        f"超过 {bands['growth_pp']} 个百分点的合理范围。",
                        f"Growth {_fmt(value)}% differs from the previous {_fmt(prev)}% by "
                        f"{diff} pp, beyond the {bands['growth_pp']} pp band.",
                    )
                )
        return out
    if kind == "cumulative" or (kind == "current" and ind.aggregation == "cumulative"):
        ref_month = p.last_month - 12
        ref = others.get(ref_month)
        band = bands["cumulative_yoy" if kind == "cumulative" else "current_yoy"]
        what = ("上年同期", "the same period last year")
    else:
        before = [m for m in others if m < p.last_month]
        ref_month = max(before) if before else -1
        ref = others.get(ref_month)
        band = bands[{"M": "point_monthly", "Q": "point_quarterly", "Y": "point_yearly"}[p.freq]]
        what = ("上期", "the previous period")
    if ref is not None and ref > 0:
        change = value / ref - 1
        if abs(change) > band:
            out.append(
                _flag(
                    "jump",
                    sev,
                    f"数值 {_fmt(value)} 较{what[0]}（{_month(ref_month)}：{_fmt(ref)}）变化 "
                    f"{change:+.1%}，超出 ±{band:.0%} 的合理范围。",
                    f"The value {_fmt(value)} changes by {change:+.1%} on {what[1]} "
                    f"({_month(ref_month)}: {_fmt(ref)}), beyond the ±{band:.0%} band.",
                )
            )
    return out


def _month(index: int) -> str:
    from gaodi.core.periods import format_month

    return format_month(index)


def rule_flags(
    session: Session,
    ind: Indicator,
    scope: str,
    scope_id: int,
    period: str,
    kind: str,
    value: float,
    active: Iterable[ValidationRule] | None = None,
) -> list[Flag]:
    """Active user rules that mention this indicator, evaluated for the period with the
    candidate value in place; each failure explained. ``active``: the active rules when the
    caller has read them already (a batch reads them once)."""
    if active is None:
        active = active_rules(session)
    rules = [r for r in active if ind.code in rulelang.parse_rule(r.expression).codes]
    if not rules:
        return []
    out: list[Flag] = []
    for rule in rules:
        parsed = rulelang.parse_rule(rule.expression)
        codes = parsed.codes
        indicators = {
            i.code: i for i in session.scalars(select(Indicator).where(Indicator.code.in_(codes)))
        }

        def resolve(
            ref: rulelang.Ref, indicators: dict[str, Indicator] = indicators
        ) -> float | None:
            target = indicators.get(ref.code)
            if target is None:
                return None
            ref_scope = scope if ref.scope == "self" else ref.scope
            ref_kind = (
                kind if target.id == ind.id else natural_kind(target.aggregation, target.kind)
            )
            query = select(Observation).where(
                Observation.indicator_id == target.id,
                Observation.period == period,
                Observation.kind == ref_kind,
                Observation.scope == ref_scope,
                Observation.status.in_(COUNTED),
            )
            ids = None
            if ref.scope == "self":
                ids = scope_id
            elif ref.scope_id is not None:
                ids = ref.scope_id
            elif ref_scope == "city":
                ids = 0
            if ids is not None:
                query = query.where(Observation.scope_id == ids)
            latest: dict[int, tuple[int, float]] = {}
            for o in session.scalars(query):
                if o.scope_id not in latest or o.revision > latest[o.scope_id][0]:
                    latest[o.scope_id] = (o.revision, o.value)
            values = {sid: v for sid, (_, v) in latest.items()}
            if target.id == ind.id and ref_scope == scope and (ids is None or ids == scope_id):
                values[scope_id] = value  # the candidate replaces the stored value
            if not values:
                return None
            if ref.total or ids is None:
                return float(sum(values.values()))
            return values.get(ids)

        result = rulelang.evaluate(parsed, resolve)
        if result.passed is False:
            out.append(
                _flag(
                    f"rule:{rule.id}",
                    rule.severity,
                    f"规则“{rule.name}”未通过：{result.explain(parsed, 'zh')}",
                    f"Rule {rule.name!r} failed: {result.explain(parsed, 'en')}",
                )
            )
    return out


def check_value(
    session: Session,
    ind: Indicator,
    scope: str,
    scope_id: int,
    period: str,
    value: float,
    kind: str,
    exclude_id: int | None = None,
    *,
    series: dict[str, float] | None = None,
    active: Iterable[ValidationRule] | None = None,
) -> list[Flag]:
    """Every flag on a candidate value (unit errors, plausibility warnings, user rules).

    ``series`` (period -> latest counted value of this indicator, scope and kind) and
    ``active`` (the active user rules) may be given by a batch that read them once for all its
    rows; otherwise they are read here."""
    if series is None:
        series = _series(session, ind.id, scope, scope_id, kind, exclude_id)
    return [
        *unit_flags(ind, kind, value),
        *plausibility_flags(ind, kind, period, value, series),
        *rule_flags(session, ind, scope, scope_id, period, kind, value, active),
    ]


def active_rules(session: Session) -> list[ValidationRule]:
    return list(session.scalars(select(ValidationRule).where(ValidationRule.active.is_(True))))


def _raise_flags(flags: list[Flag], confirm: bool, reason: str | None) -> None:
    errors = [f for f in flags if f.severity == "error"]
    warnings = [f for f in flags if f.severity == "warning"]
    if errors:
        raise PlausibilityFlagged(
            "数值未被接受：" + "；".join(f.message_zh for f in errors),
            "The value was refused: " + " ".join(f.message_en for f in errors),
            field="value",
            flags=[f.model_dump() for f in flags],
        )
    if warnings and not confirm:
        raise PlausibilityFlagged(
            *_needs_confirmation(warnings),
            warnings=warnings,
            field="value",
            flags=[f.model_dump() for f in flags],
        )
    if warnings and not has_visible(reason):
        raise ValidationError(
            "确认有疑问的数值时须填写理由。",
            "Confirming a flagged value needs a reason.",
            field="reason",
        )
