"""One entry point per workflow: names map to the service steps, missing fields are named."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from gaodi.core.errors import ConflictError, ValidationError
from gaodi.projects import actions, appeals, challenges, projects
from gaodi.projects.actions import ActionIn
from gaodi.projects.schemas import AppealIn, ChallengeIn, ProjectIn
from tests.projects.conftest import World, snapshot


def test_every_appeal_step_through_perform(
    lite_session: Session, lite_world: World, frozen
) -> None:
    s, w = lite_session, lite_world
    aid = appeals.submit(
        s, w.admin, AppealIn(enterprise_id=w.e1, category="用工", title="t", text="x")
    ).id
    for step in (
        ActionIn(action="assign", department=" "),
        ActionIn(action="start"),
        ActionIn(action="resolve", comment="已解决"),
        ActionIn(action="reopen", comment="未解决"),
        ActionIn(action="start"),
        ActionIn(action="resolve", comment="再次解决"),
    ):
        actions.perform(
            s, w.park_office if step.action != "reopen" else w.enterprise, "appeal", aid, step
        )
    with pytest.raises(ValidationError) as err:
        actions.perform(s, w.enterprise, "appeal", aid, ActionIn(action="confirm"))
    assert err.value.context["field"] == "satisfaction"
    a = actions.perform(s, w.enterprise, "appeal", aid, ActionIn(action="confirm", satisfaction=5))
    assert (a.status, a.department) == ("confirmed", "市人力资源和社会保障局")


def test_project_and_challenge_steps(lite_session: Session, lite_world: World, frozen) -> None:
    s, w = lite_session, lite_world
    pid = projects.create_project(
        s,
        w.admin,
        ProjectIn(
            name="p",
            chain_id=w.chain_a,
            investor_name="i",
            total_investment=10,
            signed_on=date(2023, 1, 1),
        ),
    ).id
    actions.perform(
        s, w.admin, "project", pid, ActionIn(action="set_year_plan", year=2023, amount=120)
    )
    actions.perform(
        s, w.admin, "project", pid, ActionIn(action="report_progress", period="2023-01", amount=10)
    )
    p = actions.perform(
        s, w.admin, "project", pid, ActionIn(action="advance", stage="started", on=date(2023, 2, 1))
    )
    assert p.stage == "started"
    cid = challenges.create_challenge(
        s,
        w.admin,
        ChallengeIn(
            title="t", problem="p", chain_id=w.chain_a, budget=1, deadline=date(2023, 6, 30)
        ),
    ).id
    actions.perform(
        s, w.admin, "challenge", cid, ActionIn(action="apply", applicant_name="甲", proposal="方案")
    )
    before = snapshot(s)
    with pytest.raises(ValidationError, match="Unknown step"):
        actions.perform(s, w.admin, "challenge", cid, ActionIn(action="explode"))
    with pytest.raises(ValidationError) as err:
        actions.perform(s, w.admin, "challenge", cid, ActionIn(action="add_reviewer", name="x"))
    assert err.value.context["field"] == "username"
    with pytest.raises(ConflictError):
        actions.perform(s, w.admin, "challenge", cid, ActionIn(action="award"))
    assert snapshot(s) == before
