"""Import handlers of indicators, plans and their actions, targets and observations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from gaodi.chains.models import Chain
from gaodi.clusters.models import Cluster
from gaodi.core.batching import fetch_in
from gaodi.core.dbint import row_id_text
from gaodi.enterprises.models import Enterprise
from gaodi.exchange.handlers import Handler, _codes_of, park_lookup
from gaodi.exchange.importer import Context, Counts, db_value, row_values
from gaodi.exchange.indicator_units import HeaderUnit, ratio_hints
from gaodi.exchange.units import convert, factor, same_unit
from gaodi.exchange.validate import Table, duplicate_rows
from gaodi.plans import batch_plans, editing
from gaodi.plans.editing import IndicatorWrite, TargetWrite
from gaodi.plans.intake import (
    ObservationRow,
    Refusal,
    prepare_observations,
    write_observations,
)
from gaodi.plans.matching import normalise
from gaodi.plans.models import Action, Indicator, Plan
from gaodi.regions.codelists import ensure_regions

INDICATOR_FIELDS = {k: k for k in editing.INDICATOR_COLUMNS}
PLAN_FIELDS = {
    k: k
    for k in (
        "title",
        "region_code",
        "period_start",
        "period_end",
        "status",
        "source_name",
        "is_demo",
    )
}
ACTION_FIELDS = {"number": "number", "title": "title", "text": "text", "sort_order": "sort_order"}


class IndicatorsHandler(Handler):
    """Indicators by code, checked and written by the plans feature's batch write path
    (:func:`gaodi.plans.editing.prepare_indicators` / ``write_indicators``)."""

    def check(self) -> None:
        ctx, t = self.ctx, self.tables["indicators"]
        duplicate_rows(t, ["code"], ctx.errors)
        self.row_index = self.good_rows(t)
        rows = []
        for i in self.row_index:
            ins, upd = row_values(t, i, INDICATOR_FIELDS)
            rows.append(IndicatorWrite(t.columns["code"][i], ins, upd))
        self.batch = editing.prepare_indicators(ctx.session, ctx.principal, rows, ctx.mode)
        report_refusals(ctx, t, self.row_index, self.batch.refusals)

    def counts(self) -> dict[str, Counts]:
        return {"indicators": batch_counts(self.batch)}

    def write(self) -> None:
        editing.write_indicators(self.ctx.session, self.batch)


def batch_counts(batch: editing.Batch) -> Counts:
    return Counts(created=batch.created, updated=batch.updated, unchanged=batch.unchanged)


def report_refusals(
    ctx: Context, t: Table, row_index: list[int], refusals: list[editing.Refusal]
) -> None:
    """Each refused row on its cell: the row's key column for a key stored already or not
    the importer's to change, the sheet row for a duplicate, the refused field's column for a
    rule of the row."""
    for r in refusals:
        i = row_index[r.index]
        # a field the sheet names otherwise (a target's scope id is its scope object), or not
        # at all, is reported on the row's key
        column = {"scope_id": "scope_ref"}.get(r.field, r.field)
        if column not in t.spec.keys:
            column = t.spec.natural_key[0]
        if r.other is not None:
            earlier = t.row_numbers[row_index[r.other]]
            ctx.fail(t, i, column, f"与第 {earlier} 行重复。", f"Duplicates row {earlier}.")
        else:
            ctx.fail(t, i, column, r.error.zh, r.error.en)


class PlanRefs:
    """Plans by title (or id): the plans a file may refer to."""

    def __init__(self, ctx: Context) -> None:
        rows = ctx.session.execute(select(Plan.id, Plan.title)).all()
        self.by_id = {pid: title for pid, title in rows}
        self.by_title: dict[str, list[int]] = {}
        for pid, title in rows:
            self.by_title.setdefault(title, []).append(pid)

    def resolve(self, ctx: Context, table: Table, i: int, key: str, value: str) -> int | None:
        ids = self.by_title.get(value, [])
        row_id = row_id_text(value)
        if not ids and row_id in self.by_id:
            return row_id
        if len(ids) == 1:
            return ids[0]
        if ids:
            ctx.fail(
                table,
                i,
                key,
                f"系统中有 {len(ids)} 个名为“{value}”的规划；"
                f"请改填规划编号（{'、'.join(map(str, ids))}）。",
                f"{len(ids)} plans are titled '{value}'; give the plan's id instead "
                f"({', '.join(map(str, ids))}).",
            )
        else:
            ctx.fail(
                table,
                i,
                key,
                f"规划“{value}”不存在；请先导入规划。",
                f"Plan '{value}' does not exist; import the plan first.",
            )
        return None


class PlansHandler(Handler):
    """Plans and their actions, checked and written by the plans feature's batch write path
    (:mod:`gaodi.plans.batch_plans`); actions may name plans new in the same file."""

    def check(self) -> None:
        ctx = self.ctx
        self.refs = PlanRefs(ctx)
        self.plans: editing.Batch | None = None
        self.actions: batch_plans.ActionBatch | None = None
        file_plans: list[str] = []
        if "plans" in self.tables:
            t = self.tables["plans"]
            duplicate_rows(t, ["title"], ctx.errors)
            rows, index = [], self.good_rows(t)
            for i in index:
                ins, upd = row_values(t, i, PLAN_FIELDS)
                rows.append(batch_plans.PlanWrite(t.columns["title"][i], ins, upd))
            file_plans = [r.title for r in rows]
            self.plans = batch_plans.prepare_plans(ctx.session, ctx.principal, rows, ctx.mode)
            report_refusals(ctx, t, index, self.plans.refusals)
        if "actions" in self.tables:
            self._check_actions(self.tables["actions"], set(file_plans))

    def _check_actions(self, t: Table, file_plans: set[str]) -> None:
        """Resolve each action's plan (a plan of the file by its title, else a stored plan by
        title or id) and hand the rows to :func:`gaodi.plans.batch_plans.prepare_actions`."""
        ctx = self.ctx
        duplicate_rows(t, ["plan", "number"], ctx.errors)
        rows: list[batch_plans.ActionWrite] = []
        index: list[int] = []
        for i in range(len(t)):
            plan = t.columns["plan"][i]
            if plan is None:
                continue
            if plan in file_plans:
                ids = self.refs.by_title.get(plan, [])
                plan_id = ids[0] if len(ids) == 1 else None
            else:
                plan_id = self.refs.resolve(ctx, t, i, "plan", plan)
                if plan_id is None:
                    continue
                plan = self.refs.by_id[plan_id]
            if i in t.bad:
                continue
            ins, upd = row_values(t, i, ACTION_FIELDS)
            rows.append(batch_plans.ActionWrite(plan_id, t.columns["number"][i], ins, upd, plan))
            index.append(i)
        self.actions = batch_plans.prepare_actions(
            ctx.session, ctx.principal, rows, ctx.mode, batch_plans=sorted(file_plans)
        )
        report_refusals(ctx, t, index, self.actions.refusals)

    def counts(self) -> dict[str, Counts]:
        out = {}
        if self.plans is not None:
            out["plans"] = batch_counts(self.plans)
        if self.actions is not None:
            out["actions"] = batch_counts(self.actions)
        return out

    def write(self) -> None:
        ctx = self.ctx
        new_plans: dict[str, int] = {}
        if self.plans is not None:
            plans = self.plans
            ensure_regions(
                ctx.conn, _codes_of(plans.inserts, plans.updates.values(), "region_code")
            )
            new_plans = {t: pid for pid, t in batch_plans.write_plans(ctx.session, self.plans)}
        if self.actions is not None:
            batch_plans.write_actions(ctx.session, self.actions, new_plans)


def scope_lookups(ctx: Context) -> dict[str, dict[str, int]]:
    """Scope reference (chain code, park name, cluster name, USCC) -> id, by scope."""
    return {
        "chain": dict(ctx.session.execute(select(Chain.code, Chain.id)).all()),
        "park": park_lookup(ctx),
        "cluster": dict(ctx.session.execute(select(Cluster.name, Cluster.id)).all()),
    }


SCOPE_NAMES = {
    "chain": ("产业链代码", "chain code"),
    "park": ("园区名称", "park name"),
    "cluster": ("集群名称", "cluster name"),
    "enterprise": ("统一社会信用代码", "USCC"),
}


def resolve_scope(ctx: Context, t: Table, i: int, lookups: dict[str, dict[str, int]]) -> int | None:
    """The scope id of row ``i`` (0 for the city); None after recording an error."""
    if t.col("scope")[i] is None and t.raw_value("scope", i) not in (None, ""):
        return None  # the scope cell itself is bad (already reported)
    scope = db_value(t.spec.column("scope"), t.col("scope")[i])
    ref = t.col("scope_ref")[i]
    if scope == "city":
        if ref is not None:
            ctx.fail(
                t,
                i,
                "scope_ref",
                "范围为全市时，范围对象应为空。",
                "The scope object must be blank when the scope is the city.",
            )
            return None
        return 0
    zh, en = SCOPE_NAMES[scope]
    if ref is None:
        ctx.fail(
            t,
            i,
            "scope_ref",
            f"范围为“{scope}”时须填写{zh}。",
            f"A {scope} scope needs the {en} in the scope object column.",
        )
        return None
    if scope == "enterprise":
        found = ctx.session.execute(select(Enterprise.id).where(Enterprise.uscc == ref)).scalar()
    else:
        found = lookups[scope].get(ref)
    if found is None:
        scope_not_found(ctx, t, i, scope, ref)
        return None
    return int(found)


def scope_not_found(ctx: Context, t: Table, i: int, scope: str, ref: Any) -> None:
    """A scope object that does not exist or that the importer may not report for: one answer
    for both when the importer is a scoped office, so the error confirms nothing."""
    zh, en = SCOPE_NAMES.get(scope, ("范围", "scope"))
    if ctx.principal.is_scoped:
        ctx.fail(
            t,
            i,
            "scope_ref",
            f"找不到{zh}为“{ref}”的对象，或你无权报送该范围的数据。",
            f"No {scope} with {en} '{ref}' that you may report for.",
        )
    else:
        ctx.fail(
            t, i, "scope_ref", f"找不到{zh}为“{ref}”的对象。", f"No {scope} with {en} '{ref}'."
        )


def indicator_lookup(ctx: Context) -> dict[str, tuple[int, str, str, str]]:
    """code -> (id, name, unit, the observation kind the indicator is read in)."""
    from gaodi.plans.inference import natural_kind

    rows = ctx.session.execute(
        select(
            Indicator.code,
            Indicator.id,
            Indicator.name,
            Indicator.unit,
            Indicator.aggregation,
            Indicator.kind,
        )
    )
    return {
        code: (iid, name, unit, natural_kind(aggregation, kind))
        for code, iid, name, unit, aggregation, kind in rows
    }


def unknown_indicator(
    ctx: Context, t: Table, i: int, code: str, indicators: dict[str, tuple[int, str, str, str]]
) -> None:
    """A code no indicator has. When it is an indicator's name (what an office worker types),
    the code to write instead: "import it first" would make a second indicator no target reads."""
    named = sorted(
        (c, unit)
        for c, (_id, name, unit, _kind) in indicators.items()
        if normalise(name) == normalise(code)
    )
    if not named:
        ctx.fail(
            t,
            i,
            "indicator",
            f"指标代码“{code}”不存在；请先导入指标。",
            f"Indicator '{code}' does not exist; import it first.",
        )
        return
    zh = "、".join(f"{c}（{unit}）" for c, unit in named)
    en = ", ".join(f"{c} ({unit})" for c, unit in named)
    ctx.fail(
        t,
        i,
        "indicator",
        f"“{code}”是指标名称，本列填写指标代码：{zh}；也可从下拉列表选择。",
        f"'{code}' is an indicator's name; this column takes its code: {en}. "
        "The drop-down list offers it.",
    )


def first_seen(ctx: Context, t: Table, i: int, key: Any, seen: dict[Any, int], column: str) -> bool:
    """True the first time ``key`` is seen; an error naming the earlier row otherwise."""
    if key in seen:
        ctx.fail(
            t,
            i,
            column,
            f"与第 {t.row_numbers[seen[key]]} 行重复。",
            f"Duplicates row {t.row_numbers[seen[key]]}.",
        )
        return False
    seen[key] = i
    return True


def _plain(value: float) -> str:
    """A number in full with thousands grouping (81,567,651, not 8.15677e+07)."""
    from decimal import Decimal

    text = f"{Decimal(repr(float(value))):,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


TARGET_FIELDS = {
    k: k
    for k in (
        "value",
        "value_max",
        "unit",
        "year",
        "comparator",
        "baseline",
        "baseline_year",
        "scope",
        "quote",
        "note",
        "path",
    )
}


class TargetsHandler(Handler):
    def check(self) -> None:
        ctx, t = self.ctx, self.tables["targets"]
        refs = PlanRefs(ctx)
        indicators = indicator_lookup(ctx)
        plan_of = [
            None if plan is None else refs.resolve(ctx, t, i, "plan", plan)
            for i, plan in enumerate(t.columns["plan"])
        ]
        # the actions of the file's plans only, in IN lists (not every plan's actions)
        query = select(Action.id, Action.plan_id, Action.number)
        found = fetch_in(ctx.session, query, Action.plan_id, plan_of)
        actions = {(p, n): aid for aid, p, n in found}
        lookups = scope_lookups(ctx)
        self.row_index: list[int] = []
        rows: list[TargetWrite] = []
        for i in range(len(t)):
            plan_id = plan_of[i]
            action_id = None
            number = t.col("action")[i]
            if number is not None and plan_id is not None:
                action_id = actions.get((plan_id, number))
                if action_id is None:
                    ctx.fail(
                        t,
                        i,
                        "action",
                        f"规划中没有编号为“{number}”的行动。",
                        f"The plan has no action numbered '{number}'.",
                    )
            code, name = t.col("indicator")[i], t.col("indicator_name")[i]
            indicator_id = None
            if code is not None:
                if code in indicators:
                    indicator_id, default_name, _, _ = indicators[code]
                    name = name or default_name
                else:
                    unknown_indicator(ctx, t, i, code, indicators)
            elif name is None and t.raw_value("indicator", i) in (None, ""):
                ctx.fail(
                    t,
                    i,
                    "indicator",
                    "指标代码和指标名称至少填写一项。",
                    "Give the indicator code or the indicator name.",
                )
            if code in indicators:
                self._unit(t, i, code, indicators[code][2])
            # checked here too (the batch would), to report it beside the row's other errors
            problem = editing.range_error(t.columns["value"][i], t.col("value_max")[i])
            if problem is not None:
                ctx.fail(t, i, "value_max", problem.zh, problem.en)
            scope_id = resolve_scope(ctx, t, i, lookups)
            if i in t.bad or plan_id is None or scope_id is None:
                continue
            scope = db_value(t.spec.column("scope"), t.col("scope")[i])
            key = (plan_id, code or name, scope, scope_id, t.columns["year"][i])
            ins, upd = row_values(
                t,
                i,
                TARGET_FIELDS,
                {
                    "plan": ("plan_id", plan_id),
                    "action": ("action_id", action_id),
                    "indicator": ("indicator_id", indicator_id),
                    "indicator_name": ("indicator_name", name),
                    "scope_ref": ("scope_id", scope_id),
                },
            )
            self.row_index.append(i)
            label = f"{refs.by_id[plan_id]} {code or name} {key[4]}"
            rows.append(TargetWrite(key, ins, upd, label))
        ratio_hints(ctx, t, self.row_index, ("value", "value_max", "baseline"), indicators)
        self.batch = editing.prepare_targets(ctx.session, ctx.principal, rows, ctx.mode)
        report_refusals(ctx, t, self.row_index, self.batch.refusals)

    def _unit(self, t: Table, i: int, code: str, unit: str | None) -> None:
        """A target in another unit than its indicator's is converted when the two are of one
        kind (亿元 ↔ 万元, 千克 ↔ 吨 …), and said so; otherwise refused naming both units. The
        board divides the actual (in the indicator's unit) by the target: 25,000,000 万元 read
        as 亿元 made a 94.6 %-done target 0.0 % 红."""
        given = t.col("unit")[i]
        if given is None or unit is None or same_unit(given, unit):
            return
        by = factor(given, unit)
        if by is None:
            self.ctx.fail(
                t,
                i,
                "unit",
                f"目标的单位“{given}”与指标“{code}”的单位“{unit}”不同，且无法换算；"
                f"请按“{unit}”填写目标值，或改用单位为“{given}”的指标。",
                f"The target's unit '{given}' differs from the unit '{unit}' of indicator "
                f"'{code}' and cannot be converted; give the target in {unit}, or use an "
                f"indicator in {given}.",
            )
            return
        shown = []
        for key in ("value", "value_max", "baseline"):
            value = t.col(key)[i]
            if t.has(key) and value is not None:
                t.columns[key][i] = convert(value, by)
                shown.append(f"{_plain(value)} {given} = {_plain(t.columns[key][i])} {unit}")
        t.columns["unit"][i] = unit
        row = t.row_numbers[i]
        self.ctx.notes.append(
            (
                f"“{t.sheet_name}”第 {row} 行：目标按指标“{code}”的单位换算，"
                f"{'；'.join(shown) or f'单位改为{unit}'}。",
                f"'{t.sheet_name}' row {row}: the target was converted to the unit of indicator "
                f"'{code}': {'; '.join(shown) or f'unit set to {unit}'}.",
            )
        )

    def counts(self) -> dict[str, Counts]:
        return {"targets": batch_counts(self.batch)}

    def write(self) -> None:
        editing.write_targets(self.ctx.session, self.batch)


def _sentence(text: str, stops: str, stop: str) -> str:
    """``text`` ending with a full stop (its own, or ``stop``), before a hint is added."""
    text = text.rstrip()
    return text if text.endswith(tuple(stops)) else text + stop


class ObservationsHandler(Handler):
    """Every changed value becomes a new revision; nothing is overwritten.

    The file's references (indicator codes, chain codes, park names) are resolved here; the
    values are validated and written by the plans feature's one write path
    (:func:`gaodi.plans.intake.prepare_observations` / ``write_observations``), as the form's are.
    """

    def check(self) -> None:
        ctx, t = self.ctx, self.tables["observations"]
        indicators = indicator_lookup(ctx)
        lookups = scope_lookups(ctx)
        spec = t.spec
        rows: list[ObservationRow] = []
        self.row_index: list[int] = []
        header_unit = HeaderUnit(t, "value")
        for i in range(len(t)):
            code = t.columns["indicator"][i]
            if code is not None and code not in indicators:
                unknown_indicator(ctx, t, i, code, indicators)
            scope_id = resolve_scope(ctx, t, i, lookups)
            if i in t.bad or scope_id is None:
                continue
            # an empty 口径 means the indicator's own: running total, current or growth
            kind = db_value(spec.column("kind"), t.col("kind")[i])
            # a growth rate is in % whatever the indicator's unit: "数值（万元）" is not its unit
            if (kind or indicators[code][3]) != "yoy" and not header_unit.apply(
                ctx, t, i, code, indicators[code][2]
            ):
                continue
            self.row_index.append(i)
            rows.append(
                ObservationRow(
                    indicator=code,
                    period=t.columns["period"][i],
                    value=t.columns["value"][i],
                    kind=kind,
                    scope=db_value(spec.column("scope"), t.col("scope")[i]),
                    scope_id=scope_id,
                    source=t.col("source")[i],
                    comment=t.col("comment")[i],
                    is_demo=db_value(spec.column("is_demo"), t.col("is_demo")[i]),
                )
            )
        # a growth-rate row of an indicator in % (口径 同比) is no share: 0.6 % growth is real
        shares = [i for i, r in zip(self.row_index, rows, strict=True) if r.kind != "yoy"]
        self.hints = ratio_hints(ctx, t, shares, ("value",), indicators)
        ctx.notes[:0] = header_unit.notes(t)  # converted first, then looked at
        self.batch = prepare_observations(
            ctx.session,
            ctx.principal,
            rows,
            confirm_in_comment=True,
            skip_unchanged=True,
            now=ctx.now,
        )
        for refusal in self.batch.refusals:
            self._report(t, refusal)

    def _report(self, t: Table, refusal: Refusal) -> None:
        """A refused row in the words of the template: the cell, and what to do about it."""
        ctx, i = self.ctx, self.row_index[refusal.index]
        row = self.batch.rows[refusal.index]
        if refusal.check == "scope":
            scope_not_found(ctx, t, i, row.scope, t.col("scope_ref")[i] or "全市")
        elif refusal.check == "duplicate":
            earlier = t.row_numbers[self.row_index[refusal.other or 0]]
            ctx.fail(t, i, "period", f"与第 {earlier} 行重复。", f"Duplicates row {earlier}.")
        elif refusal.check == "indicator":
            unknown_indicator(ctx, t, i, row.indicator, indicator_lookup(ctx))
        else:  # locked, or flags: an error, or a warning whose reason the comment does not give
            errors = [f for f in refusal.flags if f.severity == "error"]
            # the template's own column (说明 comment), not a 备注 column the file cannot have
            column = t.spec.column("comment")
            hint_zh = f"如数值无误，请在“{column.zh}”列写明理由后重新导入。"
            hint_en = (
                f"If the value is right, give the reason in the {column.key} column "
                f"({column.zh}) and import again."
            )
            # a jump from 17–50 to 0.6 in a % indicator: the likely cause beside the check
            ratio = self.hints.get(i)
            for f in errors or refusal.flags:
                zh, en = f.message_zh, f.message_en
                if ratio is not None:
                    zh = f"{_sentence(zh, '。？！', '。')}{ratio[0]}"
                    en = f"{_sentence(en, '.?!', '.')} {ratio[1][:1].upper()}{ratio[1][1:]}"
                if not errors:
                    zh = f"{_sentence(zh, '。？！', '。')}{hint_zh}"
                    en = f"{_sentence(en, '.?!', '.')} {hint_en}"
                ctx.fail(t, i, "value", zh, en, row.value)

    def counts(self) -> dict[str, Counts]:
        b = self.batch
        return {"observations": Counts(created=b.created, updated=b.updated, unchanged=b.unchanged)}

    def write(self) -> None:
        write_observations(self.ctx.session, self.ctx.principal, self.batch, history=False)
