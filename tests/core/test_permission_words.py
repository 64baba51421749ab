"""The 403 names the action in words: every role, domain and action the permission model knows
has its zh and en words, and the message carries no code."""

from __future__ import annotations

import re

from gaodi.core.permissions import (
    _SCOPES,
    ACTION_LABELS,
    ACTIONS,
    DOMAIN_LABELS,
    ROLE_LABELS,
    ROLE_MATRIX,
    Principal,
    denied,
)
from gaodi.web.app import create_app  # noqa: F401  (registers every feature's scopes)


def test_every_action_domain_and_role_has_words() -> None:
    domains = {d for matrix in ROLE_MATRIX.values() for d in matrix if d != "*"}
    domains |= {domain for domain, _fn in _SCOPES.values()}
    for table, keys in ((ACTION_LABELS, set(ACTIONS)), (DOMAIN_LABELS, domains),
                        (ROLE_LABELS, set(ROLE_MATRIX))):  # fmt: skip
        assert keys <= set(table), keys - set(table)
        for key in keys:
            zh, en = table[key]
            assert re.search(r"[\u4e00-\u9fff]", zh) and zh != key, key
            assert (en and en != key) or key in ("edit", "submit", "approve"), key


def test_the_403_names_the_action_in_words() -> None:
    viewer = Principal(username="v", role="viewer")
    err = denied(viewer, "submit", "plan")
    assert err.message("zh") == "您没有提交行动计划与指标填报的权限（当前角色：只读用户）。"
    assert err.message("en") == (
        "You do not have permission to submit plans and indicator submissions (your role: Viewer)."
    )
    for code in ("viewer", "plan", "submit"):
        assert code not in err.message("zh")
