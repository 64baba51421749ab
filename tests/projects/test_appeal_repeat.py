"""The same appeal sent again while the first is open is refused naming the first (fifth audit
M, finding 8, re-checked: Back and send again in a browser reloads the form with a new one-time
key and refills its boxes, so only the content tells the copy from a new appeal)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gaodi.core.errors import ConflictError
from gaodi.core.permissions import SYSTEM
from gaodi.projects import appeals
from gaodi.projects.models import Appeal
from gaodi.projects.schemas import AppealIn
from tests.projects.conftest import World


def _count(s: Session) -> int:
    return int(s.scalar(select(func.count()).select_from(Appeal)) or 0)


def test_the_same_open_appeal_is_received_once(session: Session, world: World) -> None:
    s = session
    data = AppealIn(
        enterprise_id=world.e1, category="审批", title="用电报装排队过长", text="已排队两个月。"
    )
    first = appeals.submit(s, SYSTEM, data)
    before = _count(s)
    with pytest.raises(ConflictError) as refused:
        appeals.submit(s, SYSTEM, data)
    assert f"编号 {first.id}" in refused.value.zh and "未重复提交" in refused.value.zh
    assert _count(s) == before
    # another problem of the same enterprise is a new appeal
    appeals.submit(s, SYSTEM, data.model_copy(update={"text": "另一处厂房也在排队。"}))
    assert _count(s) == before + 1
