"""Row filters of projects, challenges and appeals for scoped roles.

Chain offices see their chains' projects, challenges and appeals; park offices see their parks'
projects and appeals (an appeal's park is its enterprise's park); an enterprise user sees its
own appeals. Child rows (stages, progress, attachments, events …) follow their parent.

Applications to a challenge name an enterprise and carry its proposal: the chain office that
runs the challenge sees every application to it; any other scoped reader (a park office reads
every challenge) sees only the applications of enterprises in its own scope.
Imported from :mod:`gaodi.models`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from gaodi.core.permissions import Principal, nothing, register_scope
from gaodi.enterprises import loaders as enterprise_loaders
from gaodi.enterprises.scopes import enterprise_ids
from gaodi.projects.models import (
    Appeal,
    AppealAttachment,
    AppealEvent,
    Challenge,
    ChallengeApplication,
    ChallengeDeclaration,
    ChallengeEvent,
    ChallengeMilestone,
    ChallengeReviewer,
    ChallengeScore,
    Project,
    ProjectEvent,
    ProjectProgress,
    ProjectStage,
    ProjectYearPlan,
)


def _ids(values: frozenset[int]) -> list[int]:
    return sorted(values)


def project_filter(p: Principal, _action: str) -> Any:
    if p.role == "chain_office":
        return Project.chain_id.in_(_ids(p.chain_ids)) if p.chain_ids else nothing()
    if p.role == "park_office":
        return Project.park_id.in_(_ids(p.park_ids)) if p.park_ids else nothing()
    if p.role == "enterprise":
        return nothing()
    return None


def challenge_filter(p: Principal, _action: str) -> Any:
    if p.role == "chain_office":
        return Challenge.chain_id.in_(_ids(p.chain_ids)) if p.chain_ids else nothing()
    if p.role == "enterprise":
        return nothing()
    return None


def appeal_filter(p: Principal, _action: str) -> Any:
    if p.role == "chain_office":
        return Appeal.chain_id.in_(_ids(p.chain_ids)) if p.chain_ids else nothing()
    if p.role == "park_office":
        if not p.park_ids:
            return nothing()
        return Appeal.enterprise_id.in_(enterprise_loaders.ids_in_parks(p.park_ids))
    if p.role == "enterprise":
        return Appeal.enterprise_id.in_(_ids(p.enterprise_ids)) if p.enterprise_ids else nothing()
    return None


def application_filter(p: Principal, action: str) -> Any:
    challenges = challenge_filter(p, action)
    if p.role == "chain_office":
        return ChallengeApplication.challenge_id.in_(select(Challenge.id).where(challenges))
    own = enterprise_ids(p, action)
    if own is None:
        return None
    mine = ChallengeApplication.enterprise_id.in_(own)
    if challenges is None:
        return mine
    return mine & ChallengeApplication.challenge_id.in_(select(Challenge.id).where(challenges))


def _child(parent: type, parent_filter: Any, column: Any) -> Any:
    def scope(p: Principal, action: str) -> Any:
        inner = parent_filter(p, action)
        if inner is None:
            return None
        return column.in_(select(parent.id).where(inner))  # type: ignore[attr-defined]

    return scope


def _reviewer_child(column: Any) -> Any:
    def scope(p: Principal, action: str) -> Any:
        inner = challenge_filter(p, action)
        if inner is None:
            return None
        reviewers = select(ChallengeReviewer.id).where(
            ChallengeReviewer.challenge_id.in_(select(Challenge.id).where(inner))
        )
        return column.in_(reviewers)

    return scope


def register() -> None:
    register_scope(Project, "project", project_filter)
    project_children: tuple[Any, ...] = (
        ProjectStage,
        ProjectYearPlan,
        ProjectProgress,
        ProjectEvent,
    )
    for model in project_children:
        register_scope(model, "project", _child(Project, project_filter, model.project_id))
    register_scope(Challenge, "challenge", challenge_filter)
    register_scope(ChallengeApplication, "challenge", application_filter)
    challenge_children: tuple[Any, ...] = (
        ChallengeReviewer,
        ChallengeMilestone,
        ChallengeEvent,
    )
    for model in challenge_children:
        register_scope(model, "challenge", _child(Challenge, challenge_filter, model.challenge_id))
    register_scope(
        ChallengeDeclaration, "challenge", _reviewer_child(ChallengeDeclaration.reviewer_id)
    )
    register_scope(ChallengeScore, "challenge", _reviewer_child(ChallengeScore.reviewer_id))
    register_scope(Appeal, "appeal", appeal_filter)
    appeal_children: tuple[Any, ...] = (AppealAttachment, AppealEvent)
    for model in appeal_children:
        register_scope(model, "appeal", _child(Appeal, appeal_filter, model.appeal_id))


register()
