"""A required reason that shows nothing counts as missing in the plans workflows.

Returning a submission, unlocking an approved one, confirming a flagged figure on the form and
in an imported sheet's 说明 column each need a reason. ``strip()`` keeps the zero-width space
(U+200B), the word joiner (U+2060) and the byte-order mark (U+FEFF), so a "reason" that shows as
nothing on every page and in every export was accepted: a submission was returned with an empty
review comment. Runs on the small plan (tests/plans/conftest.py): output 2023-06 submitted
(54), 2023-02 approved; a running total below 30 in 2023-05 is flagged.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from gaodi.core.errors import ValidationError
from gaodi.plans import intake, service, submission
from gaodi.plans.models import Observation
from gaodi.plans.schemas import ObservationIn

from .conftest import ADMIN, ANALYST, CHECKER

INVISIBLE = ("\u200b", "\u2060\ufeff", " \u200e\u3000\u00a0")


def _status(session, ids, period: str) -> str:  # type: ignore[no-untyped-def]
    return submission.detail(session, ADMIN, f"{ids.output}:city:0:{period}").row.status


@pytest.mark.parametrize("reason", INVISIBLE)
def test_a_return_or_unlock_needs_a_reason_that_shows(small, reason: str) -> None:  # type: ignore[no-untyped-def]
    session, ids = small
    with pytest.raises(ValidationError) as exc:
        submission.return_submission(session, CHECKER, f"{ids.output}:city:0:2023-06", reason)
    assert (
        exc.value.zh == "“退回”须填写理由。" and exc.value.en == "A reason is required to return."
    )
    assert exc.value.context["field"] == "comment"
    with pytest.raises(ValidationError):
        submission.unlock(session, ADMIN, f"{ids.output}:city:0:2023-02", reason)
    session.rollback()
    assert (_status(session, ids, "2023-06"), _status(session, ids, "2023-02")) == (
        "submitted",
        "approved",
    )
    # a reason with a visible character is kept as typed, format characters and all
    row = submission.return_submission(
        session, CHECKER, f"{ids.output}:city:0:2023-06", f"{reason}与快报不符"
    )
    assert row.status == "returned" and row.review_comment == f"{reason}与快报不符"


@pytest.mark.parametrize("reason", INVISIBLE)
def test_confirming_a_flagged_figure_needs_a_reason_that_shows(small, reason: str) -> None:  # type: ignore[no-untyped-def]
    session, _ = small
    n = session.scalar(select(func.count()).select_from(Observation))
    data = ObservationIn(indicator="output", period="2023-05", value=25)
    with pytest.raises(ValidationError) as exc:
        service.add_observation(session, ANALYST, data, confirm=True, reason=reason)
    assert exc.value.en == "Confirming a flagged value needs a reason."
    # an imported sheet confirms a flagged row by its 说明 (comment) cell
    row = intake.ObservationRow("output", "2023-05", 25.0, comment=reason)
    batch = intake.prepare_observations(session, ANALYST, [row], confirm_in_comment=True)
    assert [(r.index, r.check) for r in batch.refusals] == [(0, "flags")]
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Observation)) == n
