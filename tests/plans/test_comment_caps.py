"""A plan submission's return or unlock comment is at most 2,000 characters, as every reason
(the projects' MAX_REASON): a 100,000-character comment was stored and made its page 300 KB.
Runs on the small plan (tests/plans/conftest.py): output 2023-06 submitted, 2023-02 approved."""

from __future__ import annotations

import pytest
from pydantic import ValidationError as InputError

from gaodi.core.errors import ValidationError
from gaodi.plans import submission
from gaodi.plans.api import ReviewIn
from gaodi.projects.projects import MAX_REASON

from .conftest import ADMIN, CHECKER


def _status(session, ids, period: str) -> tuple[str, str | None]:  # type: ignore[no-untyped-def]
    row = submission.detail(session, ADMIN, f"{ids.output}:city:0:{period}").row
    return row.status, row.review_comment


def test_a_return_or_unlock_comment_beyond_the_limit_is_refused_in_words(small) -> None:  # type: ignore[no-untyped-def]
    session, ids = small
    assert MAX_REASON == 2000
    before = (_status(session, ids, "2023-06"), _status(session, ids, "2023-02"))
    with pytest.raises(ValidationError) as exc:
        submission.return_submission(session, CHECKER, f"{ids.output}:city:0:2023-06", "长" * 2001)
    assert exc.value.zh == "说明过长：2,001 个字符，最多 2,000 个字符。"
    assert exc.value.en == "The note is too long: 2,001 characters, at most 2,000."
    assert exc.value.context["field"] == "comment"
    with pytest.raises(ValidationError) as exc:
        submission.unlock(session, ADMIN, f"{ids.output}:city:0:2023-02", "长" * 100_000)
    assert exc.value.zh == "说明过长：100,000 个字符，最多 2,000 个字符。"
    session.rollback()
    assert (_status(session, ids, "2023-06"), _status(session, ids, "2023-02")) == before
    # 2,000 characters are kept whole
    row = submission.return_submission(
        session, CHECKER, f"{ids.output}:city:0:2023-06", "长" * 2000
    )
    assert row.status == "returned" and row.review_comment == "长" * 2000


def test_the_api_body_says_the_limit() -> None:
    with pytest.raises(InputError) as exc:
        ReviewIn(comment="长" * 2001, revision=1)
    assert [(e["loc"], e["ctx"]) for e in exc.value.errors()] == [
        (("comment",), {"max_length": 2000})
    ]
