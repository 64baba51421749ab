"""The challenge services refuse a name made only of invisible characters themselves, so a
caller of the Python API (a notebook, a script) is held to what the forms and the API refuse."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from gaodi.core.errors import ValidationError
from gaodi.projects import challenges as ch
from gaodi.projects.schemas import ApplicationIn, ChallengeIn
from tests.projects.conftest import World

NOTHING = "\u200b\u2060"


def _challenge(session: Session, w: World) -> int:
    c = ch.create_challenge(
        session,
        w.chain_office,
        ChallengeIn(title="高端液压阀国产化", problem="攻克高压比例阀", chain_id=w.chain_a,
                    link_id=None, budget=500.0, deadline=date(2023, 6, 30)),
    )  # fmt: skip
    session.commit()
    return c.id


def test_an_invisible_applicant_or_reviewer_is_refused_by_the_service(
    session: Session, world: World, frozen
) -> None:
    cid = _challenge(session, world)
    data = ApplicationIn.model_construct(applicant_name=NOTHING, proposal="方案")
    with pytest.raises(ValidationError):
        ch.apply(session, world.chain_office, cid, data)
    session.rollback()
    with pytest.raises(ValidationError):
        ch.add_reviewer(session, world.chain_office, cid, "expert1", NOTHING)
    session.rollback()
