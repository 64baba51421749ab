"""Rows as the API returns them (indicator, target, observation) and the plan a board follows.

Shared by :mod:`gaodi.plans.service`, :mod:`gaodi.plans.board`, :mod:`gaodi.plans.intake` and
:mod:`gaodi.plans.submission`; it imports none of them, so they can import it at load time
without an import cycle.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.core.permissions import Principal, restrict
from gaodi.plans.models import Action, Indicator, Observation, Plan, Target
from gaodi.plans.paths import LABELS
from gaodi.plans.schemas import IndicatorOut, ObservationOut, TargetOut


def indicator_out(ind: Indicator) -> IndicatorOut:
    return IndicatorOut(
        id=ind.id,
        code=ind.code,
        name=ind.name,
        unit=ind.unit,
        aggregation=ind.aggregation,
        direction=ind.direction,
        kind=ind.kind,
        owner=ind.owner,
        frequency=ind.frequency,
        deadline_day=ind.deadline_day,
    )


def target_out(t: Target, indicator: Indicator | None, action: Action | None) -> TargetOut:
    return TargetOut(
        id=t.id,
        plan_id=t.plan_id,
        action_id=t.action_id,
        action_number=action.number if action else None,
        indicator=indicator_out(indicator) if indicator else None,
        indicator_name=t.indicator_name,
        scope=t.scope,
        scope_id=t.scope_id,
        value=t.value,
        value_max=t.value_max,
        unit=t.unit,
        year=t.year,
        comparator=t.comparator,
        baseline=t.baseline,
        baseline_year=t.baseline_year,
        quote=t.quote,
        note=t.note,
        path=t.path,
        size_class=t.size_class,
        annual=bool(t.annual),
        path_zh=LABELS.get(t.path, LABELS["auto"])[0],
        path_en=LABELS.get(t.path, LABELS["auto"])[1],
    )


def obs_out(o: Observation, code: str) -> ObservationOut:
    return ObservationOut(
        id=o.id,
        indicator_code=code,
        scope=o.scope,
        scope_id=o.scope_id,
        period=o.period,
        value=o.value,
        kind=o.kind,
        revision=o.revision,
        status=o.status,
        submitted_by=o.submitted_by,
        submitted_at=o.submitted_at,
        source=o.source,
        comment=o.comment,
    )


def current_plan_id(session: Session, principal: Principal) -> int | None:
    """The most recent adopted plan (else the most recent plan), or None."""
    plans = session.scalars(restrict(select(Plan), principal).order_by(Plan.id.desc())).all()
    adopted = [p for p in plans if p.status == "adopted"]
    chosen = adopted[0] if adopted else (plans[0] if plans else None)
    return chosen.id if chosen else None
