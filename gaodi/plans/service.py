"""Plans service: load a plan as a draft, review it, adopt it; the board and target pages.

Pages, the JSON API, the CLI and reports call these functions; none of them computes. Every
read goes through :func:`gaodi.core.permissions.restrict`; every write is audited (the models
are ``__audited__``; the session's ``info["actor"]`` names who acted).

The board, the target detail, intake and the submission cycle live in sibling modules and are
re-exported here: :func:`board`, :func:`target_detail` (``gaodi.plans.board``),
:func:`add_observation` (``gaodi.plans.intake``), the submission transitions
(``gaodi.plans.submission``).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pydantic
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gaodi.audit import service as audit
from gaodi.core import clock
from gaodi.core.errors import ConflictError, NotFoundError, ValidationError
from gaodi.core.memo import Memo, scope_key
from gaodi.core.permissions import Principal, require, restrict
from gaodi.core.provenance import Provenance, citation_of
from gaodi.core.reference import city_named_in
from gaodi.plans import batch_plans, editing
from gaodi.plans.board import board, target_detail
from gaodi.plans.inference import propose
from gaodi.plans.intake import (
    add_observation,
    add_observations,
    check_rows,
    prepare_observations,
    write_observations,
)
from gaodi.plans.matching import IndicatorIndex, match_note, normalise
from gaodi.plans.models import Action, Indicator, Observation, Plan, QualitativeGoal, Target
from gaodi.plans.outputs import current_plan_id, indicator_out, target_out
from gaodi.plans.paths import path_from_text
from gaodi.plans.schemas import (
    ActionOut,
    Board,
    BoardFilter,
    GoalOut,
    IndicatorOut,
    IndicatorUpdate,
    PlanOut,
    PlanSummary,
    TargetOut,
    TargetUpdate,
)
from gaodi.plans.submission import approve, completeness, return_submission, tasks, unlock
from gaodi.regions.codelists import ensure_regions
from gaodi.text.schema import PlanExtraction

DOMAIN = "plan"


# ---------------------------------------------------------------------------- reading sources
def read_source(path: Path, shown: str | None = None) -> tuple[PlanExtraction, str | None]:
    """A plan file: ``.txt`` is extracted with :func:`gaodi.text.extract.extract_plan`; ``.json``
    must validate against :class:`~gaodi.text.schema.PlanExtraction` (the extract output).
    ``shown``: the file's name in messages (an upload's own name, not the server's copy)."""
    from gaodi.plans.cli import read_plan_text

    name = shown or str(path)

    suffix = path.suffix.lower()
    if suffix == ".json":
        raw = read_plan_text(path, shown)
        try:
            return PlanExtraction.model_validate(json.loads(raw)), None
        except json.JSONDecodeError as exc:
            raise ValidationError(
                f"{name} 不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列，{exc.msg}。",
                f"{name} is not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}.",
            ) from None
        except pydantic.ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "(top)"
            raise ValidationError(
                f"{name} 不符合计划 JSON 格式（{exc.error_count()} 处错误），首处：{where}："
                f"{first['msg']}。格式见 docs/plan-extraction.md。",
                f"{name} does not match the plan JSON schema ({exc.error_count()} error(s)); "
                f"first at {where}: {first['msg']}. See docs/plan-extraction.md.",
            ) from None
    if suffix not in (".txt", ".text", ""):
        raise ValidationError(
            f"不支持的文件类型“{suffix}”：请提供 .txt（计划原文）或 .json（提取结果）。",
            f"Unsupported file type {suffix!r}: give a .txt (plan text) or .json (extraction).",
        )
    from gaodi.text.extract import extract_plan

    text = read_plan_text(path, shown)
    if not text.strip():
        raise ValidationError(f"文件 {name} 是空的。", f"The file {name} is empty.")
    return extract_plan(text), text


# ---------------------------------------------------------------------------- loading rows
def _plan(session: Session, principal: Principal, plan_id: int, action: str = "read") -> Plan:
    plan = session.scalars(
        restrict(select(Plan).where(Plan.id == plan_id), principal, action)
    ).one_or_none()
    if plan is None:
        raise NotFoundError(f"没有编号为 {plan_id} 的计划。", f"No plan with id {plan_id}.")
    return plan


def _target(session: Session, principal: Principal, target_id: int, action: str) -> Target:
    target = session.scalars(
        restrict(select(Target).where(Target.id == target_id), principal, action)
    ).one_or_none()
    if target is None:
        raise NotFoundError(f"没有编号为 {target_id} 的目标。", f"No target with id {target_id}.")
    return target


def _draft(plan: Plan) -> None:
    if plan.status != "draft":
        raise editing.adopted_plan(plan.title)


def problems(session: Session, plan: Plan) -> list[ValidationError]:
    """What stands between a draft and its adoption (empty: ready), each in both languages
    (``zh``, ``en``; a page shows ``message(lang)``: one sentence glued of both read as one
    mixed-language sentence on either page)."""
    out: list[ValidationError] = []
    targets = session.scalars(select(Target).where(Target.plan_id == plan.id)).all()
    if not targets:
        out.append(
            ValidationError("计划没有任何量化目标。", "The plan has no quantitative target.")
        )
    units: dict[int, str] = {
        i: u
        for i, u in session.execute(
            select(Indicator.id, Indicator.unit).where(
                Indicator.id.in_({t.indicator_id for t in targets if t.indicator_id})
            )
        )
    }
    for t in targets:
        label = f"目标 #{t.id}（{t.indicator_name}）"
        if t.indicator_id is None:
            out.append(
                ValidationError(f"{label}没有关联指标。", f"Target #{t.id} has no indicator.")
            )
        own = units.get(t.indicator_id) if t.indicator_id is not None else None
        if own is not None and (t.unit or "").strip() != own.strip():
            # the board divides the actual (in the indicator's unit) by the target as stored:
            # 2,366 亿元 against 25,000,000 万元 read as 0.0 % done
            out.append(
                ValidationError(
                    f"{label}的单位“{t.unit}”与指标的单位“{own}”不同，"
                    f"请把目标值换算为{own}后再印发。",
                    f"Target #{t.id}: its unit {t.unit} differs from its indicator's ({own}); "
                    f"convert the value to {own} before adoption.",
                )
            )
        if not plan.period_start - 1 <= t.year <= plan.period_end + 10:
            out.append(
                ValidationError(
                    f"{label}的年份 {t.year} "
                    f"不在计划期 {plan.period_start}–{plan.period_end} 附近。",
                    f"Target #{t.id}: year {t.year} is far from the plan period "
                    f"{plan.period_start}–{plan.period_end}.",
                )
            )
        if t.baseline is not None and t.baseline_year is None:
            out.append(
                ValidationError(
                    f"{label}有基期值但无基期年份。", f"Target #{t.id}: baseline without a year."
                )
            )
    return out


def plan_out(session: Session, plan: Plan, principal: Principal, lang: str = "zh") -> PlanOut:
    """The plan as shown for review; its adoption problems in ``lang`` (the page's language)."""
    actions = session.scalars(
        select(Action).where(Action.plan_id == plan.id).order_by(Action.sort_order, Action.id)
    ).all()
    by_id = {a.id: a for a in actions}
    targets = sorted(
        session.scalars(select(Target).where(Target.plan_id == plan.id)).all(),
        key=lambda t: (
            by_id[t.action_id].sort_order if t.action_id in by_id else 10**9,
            t.id,
        ),
    )
    ind_ids = {t.indicator_id for t in targets if t.indicator_id}
    indicators = {
        i.id: i for i in session.scalars(select(Indicator).where(Indicator.id.in_(ind_ids)))
    }
    goals = session.scalars(
        select(QualitativeGoal)
        .where(QualitativeGoal.plan_id == plan.id)
        .order_by(QualitativeGoal.id)
    ).all()
    rows = [
        target_out(
            t,
            indicators.get(t.indicator_id) if t.indicator_id else None,
            by_id.get(t.action_id) if t.action_id else None,
        )
        for t in targets
    ]
    if plan.status == "draft":
        _mark_matches(session, plan, rows, indicators, principal)
    return PlanOut(
        id=plan.id,
        title=plan.title,
        status=plan.status,
        period_start=plan.period_start,
        period_end=plan.period_end,
        source_name=plan.source_name,
        citation=citation_of(Provenance.from_text(plan.source_name)),
        adopted_at=plan.adopted_at.isoformat(timespec="seconds") if plan.adopted_at else None,
        adopted_by=plan.adopted_by,
        is_demo=plan.is_demo,
        actions=[ActionOut(id=a.id, number=a.number, title=a.title, text=a.text) for a in actions],
        targets=rows,
        goals=[
            GoalOut(
                id=g.id,
                action_number=by_id[g.action_id].number if g.action_id in by_id else None,
                verb=g.verb,
                object=g.object,
                quote=g.quote,
            )
            for g in goals
        ],
        problems=[p.message(lang) for p in problems(session, plan)]
        if plan.status == "draft"
        else [],
    )


# ---------------------------------------------------------------------------- loading
def extracted_mark(plan_id: int) -> str:
    """The tail of a new indicator's description: which load created it (read back by the
    review to tell a matched existing indicator from a new one)."""
    return f"(extracted from plan #{plan_id})"


def _mark_matches(
    session: Session,
    plan: Plan,
    rows: list[TargetOut],
    indicators: dict[int, Indicator],
    principal: Principal,
) -> None:
    """Say, on each draft target, whether its indicator existed before the load or is new (and,
    for a new one, which indicators the principal can read share its name in another unit)."""
    index: IndicatorIndex | None = None
    for row in rows:
        if row.indicator is None:
            continue
        ind = indicators[row.indicator.id]
        new = (ind.description or "").endswith(extracted_mark(plan.id))
        index = index or IndicatorIndex(session, principal)
        match = index.find(ind.name, ind.unit)
        row.indicator_origin = "new" if new else "existing"
        row.indicator_match_zh, row.indicator_match_en = match_note(
            row.indicator_origin, ind, match
        )


def _unique_code(session: Session, base: str, taken: set[str]) -> str:
    code, n = base, 1
    while code in taken or session.scalar(select(Indicator.id).where(Indicator.code == code)):
        n += 1
        code = f"{base[:60]}_{n}"
    taken.add(code)
    return code


def load_plan(
    session: Session,
    principal: Principal,
    extraction: PlanExtraction,
    *,
    source_name: str | None = None,
    source_text: str | None = None,
    region_code: str | None = None,
) -> PlanOut:
    """Create a plan as a draft from an extraction. A target reuses the existing indicator of
    the same name and unit (normalised: :mod:`gaodi.plans.matching`); any other gets a new
    indicator whose attributes are proposed by :func:`gaodi.plans.inference.propose`. The
    review page and ``gaodi plan load`` say which (review, then adopt).

    Targets without a year ("每年…") become one target per plan year."""
    require(principal, "edit", DOMAIN)
    from gaodi.text.structure import plan_period

    years = [t.year for t in extraction.targets if t.year is not None]
    period = plan_period(extraction.title)
    if period is None:
        if not years:
            now_year = clock.today().year
            period = (now_year, now_year)
        else:
            period = (min(years), max(years))
    title = extraction.title or (source_name or "未命名计划")
    if region_code is None:
        # the city's pages (regions, map, clusters) find the city by its plan's region; a plan
        # loaded from its text names the city in its title (芜湖市…行动计划)
        city = city_named_in(title)
        region_code = city.code if city is not None else None
    if region_code is not None:
        ensure_regions(session.connection(), [region_code])
    # the plan and its actions through their one write path (the import's rules and words);
    # a loaded draft is always a new plan, even when another has its title
    values = {
        "title": title,
        "region_code": region_code,
        "period_start": period[0],
        "period_end": period[1],
        "status": "draft",
        "source_name": source_name,
        "source_text": source_text,
        "created_at": clock.now(),
    }
    plans = batch_plans.prepare_plans(
        session, principal, [batch_plans.PlanWrite(title, values, new=True)], "insert"
    )
    rows = [
        batch_plans.ActionWrite(
            None,
            a.number,
            {"number": a.number, "title": a.title, "text": a.text, "sort_order": order},
            plan_title=title,
        )
        for order, a in enumerate(extraction.actions)
    ]
    acts = batch_plans.prepare_actions(session, principal, rows, "insert", batch_plans=[title])
    batch_plans.raise_refused(plans)
    batch_plans.raise_refused(acts, [a.number for a in extraction.actions])
    ((plan_id, _),) = batch_plans.write_plans(session, plans, audit_rows=True)
    new_actions = batch_plans.write_actions(session, acts, {title: plan_id}, audit_rows=True)
    plan = session.get(Plan, plan_id)
    assert plan is not None
    actions = {number: action_id for action_id, number in new_actions}
    taken: set[str] = set()
    by_name: dict[tuple[str, str], Indicator] = {}
    existing = IndicatorIndex(session, principal)
    for t in extraction.targets:
        unit = t.unit or "-"
        key = (normalise(t.indicator), normalise(unit))
        indicator = by_name.get(key) or existing.find(t.indicator, unit).indicator
        if indicator is not None:
            by_name[key] = indicator
        else:
            p = propose(t.indicator, t.unit, t.comparator, t.quote)
            indicator = Indicator(
                code=_unique_code(session, p.code, taken),
                name=p.name,
                unit=p.unit,
                aggregation=p.aggregation,
                direction=p.direction,
                kind=p.kind,
                owner=p.owner,
                frequency=p.frequency,
                deadline_day=5,
                description=f"由计划“{plan.title}”提取 {extracted_mark(plan.id)}",
            )
            session.add(indicator)
            session.flush()
            by_name[key] = indicator
        target_years = (
            [t.year] if t.year is not None else list(range(plan.period_start, plan.period_end + 1))
        )
        for year in target_years:
            editing.check_loaded_target(
                t.indicator,
                {
                    "indicator_name": t.indicator,
                    "value": t.value,
                    "value_max": t.value_max,
                    "unit": unit,
                    "year": year,
                    "comparator": t.comparator,
                },
            )
            session.add(
                Target(
                    plan_id=plan.id,
                    action_id=actions.get(t.action or ""),
                    indicator_id=indicator.id,
                    indicator_name=t.indicator,
                    value=float(t.value),
                    value_max=None if t.value_max is None else float(t.value_max),
                    unit=unit,
                    year=year,
                    comparator=t.comparator,
                    quote=t.quote,
                    note=None if t.year is not None else "每年目标 (a target for every year)",
                    # the plan's own wording (年均增长 → compound); else the rules decide
                    path=path_from_text(t.quote)[0],
                    size_class=t.size_class,
                    annual=t.annual,
                )
            )
    for g in extraction.qualitative:
        session.add(
            QualitativeGoal(
                plan_id=plan.id,
                action_id=actions.get(g.action or ""),
                verb=g.verb,
                object=g.object,
                quote=g.quote,
            )
        )
    session.flush()
    audit.record(
        session,
        "plan",
        "load",
        entity_id=str(plan.id),
        after={"targets": len(extraction.targets), "actions": len(extraction.actions)},
        note=source_name,
    )
    return plan_out(session, plan, principal)


# ---------------------------------------------------------------------------- reading plans
#: Boards computed once per key (gaodi.core.memo): exact while the data version and the day are
#: the same; the age bounds how long an unused board is kept.
BOARDS: Memo[Board] = Memo(max_entries=128, max_age=300.0)


def cached_board(
    session: Session,
    principal: Principal,
    as_of: str | None = None,
    filters: BoardFilter | None = None,
    *,
    plan_id: int | None = None,
    known_on: date | None = None,
) -> Board:
    """:func:`board` shared by every caller of the same scope, filters, month, ``known_on``,
    city's today and data version (the page, its JSON twin, its Excel export): 30 readers share
    one board instead of judging every target each. Errors are never cached."""
    filters = filters or BoardFilter()
    key = (
        session.get_bind().engine.url.render_as_string(hide_password=True),
        *scope_key(principal),
        as_of,
        filters.model_dump_json(),
        plan_id,
        known_on,
        clock.today(),
        audit.data_version(session),
    )
    return BOARDS.get(
        key,
        lambda: board(session, principal, as_of, filters, plan_id=plan_id, known_on=known_on),
    )


def list_plans(session: Session, principal: Principal) -> list[PlanSummary]:
    plans = session.scalars(restrict(select(Plan), principal).order_by(Plan.id.desc())).all()
    counts = {
        pid: n
        for pid, n in session.execute(select(Target.plan_id, func.count()).group_by(Target.plan_id))
    }
    actions = {
        pid: n
        for pid, n in session.execute(select(Action.plan_id, func.count()).group_by(Action.plan_id))
    }
    return [
        PlanSummary(
            id=p.id,
            title=p.title,
            status=p.status,
            period_start=p.period_start,
            period_end=p.period_end,
            n_actions=actions.get(p.id, 0),
            n_targets=counts.get(p.id, 0),
            is_demo=p.is_demo,
        )
        for p in plans
    ]


def get_plan(session: Session, principal: Principal, plan_id: int, lang: str = "zh") -> PlanOut:
    return plan_out(session, _plan(session, principal, plan_id), principal, lang)


# ---------------------------------------------------------------------------- editing drafts
def _drop_orphan(session: Session, indicator_id: int | None) -> None:
    """Delete an indicator no target and no observation uses (created by a draft)."""
    if indicator_id is None:
        return
    used = session.scalar(select(func.count()).where(Target.indicator_id == indicator_id))
    observed = session.scalar(select(func.count()).where(Observation.indicator_id == indicator_id))
    if not used and not observed:
        indicator = session.get(Indicator, indicator_id)
        if indicator is not None:
            session.delete(indicator)


def update_target(
    session: Session, principal: Principal, target_id: int, changes: TargetUpdate
) -> TargetOut:
    """Correct a draft target: a batch of one through the targets' one write path
    (:func:`gaodi.plans.editing.prepare_targets`: the import's rules and words).
    ``indicator_code`` re-links it to an existing indicator (the indicator it leaves is deleted
    when nothing else uses it); ``action_number`` moves it to another action ("" : none)."""
    target = _target(session, principal, target_id, "edit")
    plan = session.get(Plan, target.plan_id)
    assert plan is not None
    _draft(plan)
    data: dict[str, Any] = changes.model_dump(exclude_unset=True)
    code = data.pop("indicator_code", None)
    number = data.pop("action_number", None)
    if code:
        found = session.scalar(select(Indicator.id).where(Indicator.code == code))
        if found is None:
            raise editing.unknown_indicator(code, field="indicator_code")
        data["indicator_id"] = found
    if number is not None:
        found = session.scalar(
            select(Action.id).where(Action.plan_id == plan.id, Action.number == number)
        )
        if found is None and number != "":
            raise editing.unknown_action(number, field="action_number")
        data["action_id"] = found
    scope, scope_id = data.get("scope", target.scope), data.get("scope_id", target.scope_id)
    if ("scope" in data or "scope_id" in data) and scope is not None and scope_id is not None:
        missing = editing.missing_scope_object(session, scope, scope_id)
        if missing is not None:
            raise missing
    old = target.indicator_id
    key = (plan.id, target.indicator_name, target.scope, target.scope_id, target.year)
    row = editing.TargetWrite(key, {}, data, target_id=target.id)
    batch = editing.prepare_targets(session, principal, [row])
    editing.write_targets(session, batch)  # refused with the first refusal's error
    if old != target.indicator_id:
        _drop_orphan(session, old)
    session.flush()
    indicator = session.get(Indicator, target.indicator_id) if target.indicator_id else None
    action = session.get(Action, target.action_id) if target.action_id else None
    return target_out(target, indicator, action)


def update_indicator(
    session: Session, principal: Principal, indicator_id: int, changes: IndicatorUpdate
) -> IndicatorOut:
    """Change an indicator's code, unit, aggregation, direction, owner, frequency or deadline.

    Unit, aggregation, kind and direction cannot change once observations exist (they would
    change the meaning of reported values); owner, frequency and deadline can."""
    indicator = session.scalars(
        restrict(select(Indicator).where(Indicator.id == indicator_id), principal, "edit")
    ).one_or_none()
    if indicator is None:
        raise NotFoundError(f"没有编号为 {indicator_id} 的指标。", f"No indicator {indicator_id}.")
    data = changes.model_dump(exclude_unset=True, exclude_none=True)
    observed = session.scalar(select(func.count()).where(Observation.indicator_id == indicator_id))
    frozen = {"unit", "aggregation", "kind", "direction"} & {
        k for k, v in data.items() if getattr(indicator, k) != v
    }
    if observed and frozen:
        raise editing.meaning_fixed(indicator.name, observed, sorted(frozen))
    if "code" in data and data["code"] != indicator.code:
        clash = session.scalar(select(Indicator.id).where(Indicator.code == data["code"]))
        if clash:
            raise ConflictError(
                f"指标代码“{data['code']}”已被使用。",
                f"Code {data['code']!r} is taken.",
                field="code",
            )
    # the one write path of indicators, as a batch of one keyed by the stored code (the
    # change may give it a new one); the object in the session is the one it updates
    row = editing.IndicatorWrite(indicator.code, {}, data)
    editing.write_indicators(session, editing.prepare_indicators(session, principal, [row]))
    return indicator_out(indicator)


def merge_targets(
    session: Session, principal: Principal, keep_id: int, other_ids: list[int]
) -> TargetOut:
    """Merge duplicates into ``keep_id``: the others are deleted, their quotes kept in the
    note; their indicators are deleted when nothing else uses them."""
    keep = _target(session, principal, keep_id, "edit")
    plan = session.get(Plan, keep.plan_id)
    assert plan is not None
    _draft(plan)
    quotes: list[str] = []
    for other_id in other_ids:
        if other_id == keep_id:
            continue
        other = _target(session, principal, other_id, "edit")
        if other.plan_id != keep.plan_id:
            raise ValidationError(
                "只能合并同一计划的目标。",
                "Only targets of the same plan can be merged.",
                field="other_ids",
            )
        if other.quote and other.quote != keep.quote:
            quotes.append(other.quote)
        indicator_id = other.indicator_id
        session.delete(other)
        session.flush()
        if indicator_id != keep.indicator_id:
            _drop_orphan(session, indicator_id)
    if quotes:
        merged = "；".join(quotes)
        keep.note = f"{keep.note}；合并自：{merged}" if keep.note else f"合并自：{merged}"
    session.flush()
    indicator = session.get(Indicator, keep.indicator_id) if keep.indicator_id else None
    action = session.get(Action, keep.action_id) if keep.action_id else None
    return target_out(keep, indicator, action)


def delete_target(session: Session, principal: Principal, target_id: int) -> None:
    """Delete a draft target (and its indicator when nothing else uses it)."""
    target = _target(session, principal, target_id, "edit")
    plan = session.get(Plan, target.plan_id)
    assert plan is not None
    _draft(plan)
    indicator_id = target.indicator_id
    session.delete(target)
    session.flush()
    _drop_orphan(session, indicator_id)


def adopt_plan(session: Session, principal: Principal, plan_id: int) -> PlanOut:
    """Adopt (印发) a reviewed draft: it becomes the plan the board follows."""
    require(principal, "approve", DOMAIN)
    plan = _plan(session, principal, plan_id, "edit")
    if plan.status == "adopted":
        # adopted_at is naive UTC: the day is the city's (at 02:00 in the city the UTC date is
        # the day before); a plan adopted without a stamp (loaded as adopted) names no day
        if plan.adopted_at is None:
            raise ConflictError(
                f"计划“{plan.title}”已印发。", f"Plan '{plan.title}' was already adopted."
            )
        day = clock.local_date(plan.adopted_at).isoformat()
        raise ConflictError(
            f"计划“{plan.title}”已于 {day} 印发。",
            f"Plan '{plan.title}' was already adopted on {day}.",
        )
    found = problems(session, plan)
    if found:
        raise ValidationError(
            "计划尚不能印发：" + "".join(p.zh for p in found),
            "The plan cannot be adopted yet: " + " ".join(p.en for p in found),
            problems=[{"zh": p.zh, "en": p.en} for p in found],
        )
    plan.status = "adopted"
    plan.adopted_at = clock.now()
    plan.adopted_by = principal.username
    session.flush()
    return plan_out(session, plan, principal)


__all__ = [
    "add_observation",
    "add_observations",
    "adopt_plan",
    "approve",
    "board",
    "check_rows",
    "completeness",
    "current_plan_id",
    "delete_target",
    "get_plan",
    "indicator_out",
    "list_plans",
    "load_plan",
    "merge_targets",
    "prepare_observations",
    "read_source",
    "return_submission",
    "target_detail",
    "target_out",
    "tasks",
    "unlock",
    "update_indicator",
    "update_target",
    "write_observations",
]
