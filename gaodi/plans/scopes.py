"""Row filters of the plans feature (gaodi.core.permissions): plans, actions, indicators and
targets are read whole; a scoped office reads every city-level figure but only its own chain's
or park's figures, and reports only those; it sees and acts on its own submissions only."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_

from gaodi.core.permissions import Principal, nothing, register_scope
from gaodi.plans.models import (
    Action,
    Indicator,
    Observation,
    Plan,
    QualitativeGoal,
    Submission,
    SubmissionEvent,
    Target,
)


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


def submission_filter(p: Principal, _action: str) -> Any:
    """Scoped offices see and act on their own chain's or park's submissions only."""
    if p.role == "chain_office":
        ids = sorted(p.chain_ids)
        return and_(Submission.scope == "chain", Submission.scope_id.in_(ids)) if ids else nothing()
    if p.role == "park_office":
        ids = sorted(p.park_ids)
        return and_(Submission.scope == "park", Submission.scope_id.in_(ids)) if ids else nothing()
    return None


register_scope(Submission, "plan", submission_filter)
register_scope(SubmissionEvent, "plan")
