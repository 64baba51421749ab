"""Row filters of the plans feature (gaodi.core.permissions): plans, actions, indicators and
targets are read whole; a scoped office reads every city-level figure but only its own chain's
or park's figures, and reports only those."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_

from gaodi.core.permissions import Principal, register_scope
from gaodi.plans.models import Action, Indicator, Observation, Plan, QualitativeGoal, Target


def observation_filter(p: Principal, action: str) -> Any:
    if p.role == "chain_office":
        own = and_(Observation.scope == "chain", Observation.scope_id.in_(sorted(p.chain_ids)))
    elif p.role == "park_office":
        own = and_(Observation.scope == "park", Observation.scope_id.in_(sorted(p.park_ids)))
    else:
        return None
    if action == "read":
        return or_(Observation.scope.notin_(["chain", "park"]), own)
    return own


for _model in (Plan, Action, Indicator, Target, QualitativeGoal):
    register_scope(_model, "plan")
register_scope(Observation, "plan", observation_filter)
