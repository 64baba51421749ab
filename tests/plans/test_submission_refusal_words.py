"""A refused submission step lists only the steps the user may take now: a reviewer approving an
approved figure was told "allowed: unlock", a step only an administrator may take. Runs on the
small plan (tests/plans/conftest.py): output 2023-02 approved."""

from __future__ import annotations

import pytest

from gaodi.core.errors import ConflictError
from gaodi.plans import submission

from .conftest import ADMIN, CHECKER


def test_a_reviewer_is_not_offered_the_administrators_unlock(small) -> None:  # type: ignore[no-untyped-def]
    session, ids = small
    key = f"{ids.output}:city:0:2023-02"
    with pytest.raises(ConflictError) as exc:
        submission.approve(session, CHECKER, key, "再审")
    # not offered as theirs, but told who can: the way forward is to ask for an unlock
    assert exc.value.zh == (
        "2023-02 的报送当前为“已审核（锁定）”，不能“审核通过”（可执行：无；“解锁”须由管理员执行）。"
    )
    assert exc.value.en == (
        "The 2023-02 submission is approved (locked): it cannot be approved "
        "(allowed: none; “unlock” is for an administrator)."
    )
    session.rollback()
    with pytest.raises(ConflictError) as exc:
        submission.approve(session, ADMIN, key, "再审")
    assert exc.value.zh.endswith("（可执行：解锁）。") and "(allowed: unlock)" in exc.value.en
