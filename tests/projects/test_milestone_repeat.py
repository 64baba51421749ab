"""An identical 攻关节点 (the same name and planned date on the same challenge) added again — a
form sent twice, one at a time — is refused in words naming the one on record; it added a copy,
and 验收通过 then waited for every copy to be completed (fifth audit M, finding 8)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gaodi.core.errors import ConflictError
from gaodi.projects import challenges as ch
from gaodi.projects.models import ChallengeMilestone
from tests.projects.conftest import World, snapshot
from tests.projects.test_challenges import R1, R2, _in_review


def _awarded(session: Session, world: World) -> int:
    cid, a1, a2 = _in_review(session, world)
    for r in (R1, R2):
        for a in (a1, a2):
            ch.declare(session, r, cid, a, False)
            ch.score(session, r, cid, a, 70 if a == a1 else 60)
    ch.award(session, world.chain_office, cid)
    session.commit()
    return cid


def _milestones(session: Session, cid: int) -> int:
    count = select(func.count()).where(ChallengeMilestone.challenge_id == cid)
    return int(session.scalar(count) or 0)


def test_the_same_milestone_twice_is_refused_naming_the_first(
    session: Session, world: World, frozen
) -> None:
    cid = _awarded(session, world)
    first = ch.add_milestone(session, world.chain_office, cid, "样机台架试验", date(2024, 6, 30))
    session.commit()
    before = snapshot(session)
    # the same words with other spacing (a full-width space too) are the same milestone
    for title in ("样机台架试验", " 样机台架试验\u3000"):
        with pytest.raises(ConflictError) as refused:
            ch.add_milestone(session, world.chain_office, cid, title, date(2024, 6, 30))
        session.rollback()
        zh, en = refused.value.message("zh"), refused.value.message("en")
        assert "样机台架试验" in zh and "2024-06-30" in zh and f"节点 {first.id}" in zh, zh
        assert "already set" in en and f"milestone {first.id}" in en, en
        assert snapshot(session) == before
    assert _milestones(session, cid) == 1
    # the same name on another date, and another name on the same date, are other milestones
    ch.add_milestone(session, world.chain_office, cid, "样机台架试验", date(2024, 9, 30))
    ch.add_milestone(session, world.chain_office, cid, "中试", date(2024, 6, 30))
    session.commit()
    assert _milestones(session, cid) == 3
