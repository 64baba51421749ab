"""A submission's moments in the JSON API keep their seconds (gaodi.core.moments): the
service cut them to the minute before the schema got them, so 09:30:05 in the city was sent as
09:30:00 — the row's submitted_at, its history's events and its observations' submitted_at."""

from __future__ import annotations

from datetime import datetime

from fastapi.testclient import TestClient
from sqlalchemy import select

from gaodi.db import session_scope
from gaodi.plans.models import Observation, Submission, SubmissionEvent
from tests.web.conftest import Site
from tests.web.test_city_moments import NOW, _instant, admin, site  # noqa: F401  (fixtures)


def test_a_submissions_moments_keep_their_seconds(site: Site, admin: TestClient) -> None:  # noqa: F811
    assert NOW.second  # the seed's stamps are not on a whole minute
    key = site.world.refs["submission_chain_a"]
    indicator, scope, scope_id, period = key.split(":")
    with session_scope(site.engine) as s:
        sub = s.scalars(
            select(Submission).where(
                Submission.indicator_id == int(indicator),
                Submission.scope == scope,
                Submission.scope_id == int(scope_id),
                Submission.period == period,
            )
        ).one()
        events = {
            e.id: e.at
            for e in s.scalars(
                select(SubmissionEvent).where(SubmissionEvent.submission_id == sub.id)
            )
        }
        observations = {
            o.id: o.submitted_at
            for o in s.scalars(
                select(Observation).where(
                    Observation.indicator_id == sub.indicator_id,
                    Observation.scope == sub.scope,
                    Observation.scope_id == sub.scope_id,
                    Observation.period == sub.period,
                )
            )
        }
        submitted = sub.submitted_at
    assert submitted is not None and events and observations

    def second(at: datetime) -> datetime:
        return at.replace(microsecond=0)

    detail = admin.get(f"/api/v1/plans/submissions/{key}").json()
    assert _instant(detail["row"]["submitted_at"]) == second(submitted)
    assert sorted(_instant(e["at"]) for e in detail["events"]) == sorted(
        second(at) for at in events.values()
    )
    assert detail["observations"]
    for o in detail["observations"]:
        assert _instant(o["submitted_at"]) == second(observations[o["id"]])
