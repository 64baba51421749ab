"""A challenge reviewer's name and affiliation are refused in words beyond their columns'
lengths (100 and 200 characters): SQLite kept a 100,000-character name that the challenge's
page printed three times, PostgreSQL refused it at the flush (a 500). Both backends."""

from __future__ import annotations

import pytest
from pydantic import ValidationError as InputError
from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.core.errors import ValidationError
from gaodi.projects import challenges as ch
from gaodi.projects.actions import ActionIn
from gaodi.projects.models import ChallengeReviewer
from tests.projects.conftest import World
from tests.projects.test_challenges import _challenge


def _panel(session: Session, cid: int) -> list[tuple[str, str, str | None]]:
    rows = session.scalars(select(ChallengeReviewer).where(ChallengeReviewer.challenge_id == cid))
    return [(r.username, r.name, r.affiliation) for r in rows]


def test_a_name_or_affiliation_longer_than_its_column_is_refused_in_words(
    session: Session, world: World, frozen
) -> None:
    cid = _challenge(session, world)
    with pytest.raises(ValidationError) as exc:
        ch.add_reviewer(session, world.chain_office, cid, "expert1", "长" * 101)
    assert exc.value.zh == "评审专家姓名过长：101 个字符，最多 100 个字符。"
    assert exc.value.en == "The reviewer's name is too long: 101 characters, at most 100."
    assert exc.value.context["field"] == "name"
    session.rollback()
    with pytest.raises(ValidationError) as exc:
        ch.add_reviewer(session, world.chain_office, cid, "expert1", "专家一", "院" * 5000)
    assert exc.value.zh == "工作单位过长：5,000 个字符，最多 200 个字符。"
    assert exc.value.context["field"] == "affiliation"
    session.rollback()
    assert _panel(session, cid) == []
    # exactly the columns' lengths are kept whole, on both backends
    ch.add_reviewer(session, world.chain_office, cid, "expert1", "长" * 100, "院" * 200)
    session.commit()
    assert _panel(session, cid) == [("expert1", "长" * 100, "院" * 200)]


def test_the_form_and_api_input_says_the_limits() -> None:
    with pytest.raises(InputError) as exc:
        ActionIn(action="add_reviewer", username="expert1", name="长" * 101)
    assert [(e["loc"], e["type"], e["ctx"]) for e in exc.value.errors()] == [
        (("name",), "string_too_long", {"max_length": 100})
    ]
    with pytest.raises(InputError) as exc:
        ActionIn(action="add_reviewer", username="expert1", name="专家", affiliation="院" * 201)
    assert [e["loc"] for e in exc.value.errors()] == [("affiliation",)]
