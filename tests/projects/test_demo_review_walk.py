"""The demo's open reviews can reach their award: every reviewer on their panels is an account
`gaodi user demo-accounts` creates. The walked one's panel used to add one external expert with
no account, who could never declare or score (audit G #3), and the other open review kept a panel
of four such experts (audit E #12): the award was refused for good."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine

from gaodi.accounts import service as accounts
from gaodi.accounts.models import User
from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.projects import challenges
from gaodi.projects.demo_cases import WALK_REVIEWERS
from gaodi.projects.models import Challenge, ChallengeReviewer


def test_the_demo_review_walk_reaches_its_award(demo_db: Engine) -> None:
    walkers = {u for u, _ in WALK_REVIEWERS}
    with session_scope(demo_db, actor="test") as s:
        accounts.demo_accounts(s)
    with session_scope(demo_db, actor="test") as s:
        open_reviews = list(s.scalars(select(Challenge.id).where(Challenge.status == "review")))
        assert len(open_reviews) >= 2, open_reviews
        for cid in open_reviews:
            panel = set(
                s.scalars(
                    select(ChallengeReviewer.username).where(ChallengeReviewer.challenge_id == cid)
                )
            )
            assert panel == walkers, (cid, panel)  # every reviewer can sign in
        cid = open_reviews[-1]
        users = {u.username: u for u in s.scalars(select(User).where(User.username.in_(walkers)))}
        assert set(users) == walkers
        reviewers = [Principal.from_user(u) for u in users.values()]
        apps, _, decls, _scores = challenges.review_state(s, cid)
        assert apps
    for who in reviewers:
        for app in apps:
            with session_scope(demo_db, actor=who.username) as s:
                if (app.id, _reviewer_id(s, cid, who.username)) not in decls:
                    challenges.declare(s, who, cid, app.id, has_conflict=False)
                challenges.score(s, who, cid, app.id, 80.0 + app.id % 7)
    with session_scope(demo_db, actor="test") as s:
        assert challenges.missing_reviews(s, cid) == []
        won = challenges.award(s, SYSTEM, cid)
        assert s.get(Challenge, cid).status == "awarded" and won.challenge_id == cid  # type: ignore[union-attr]


def _reviewer_id(session, challenge_id: int, username: str) -> int:  # type: ignore[no-untyped-def]
    return session.scalars(
        select(ChallengeReviewer.id).where(
            ChallengeReviewer.challenge_id == challenge_id, ChallengeReviewer.username == username
        )
    ).one()
