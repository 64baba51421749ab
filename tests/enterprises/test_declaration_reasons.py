"""A declaration's return needs a reason a reader can see: one of zero-width characters only
(U+200B, U+2060, U+FEFF) showed as nothing on the firm's page but returned the declaration.
A refused step is said in words, listing only the user's own steps: the English answer was
"The declaration is submitted; 'submit' is not allowed. Allowed now: attach, return, approve"
(codes, and the office's steps offered to the firm)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from gaodi.core.errors import ConflictError, PermissionDenied, ValidationError
from gaodi.db import session_scope
from gaodi.enterprises import declarations
from tests.enterprises.test_declarations import _people, firms  # noqa: F401  (the fixture)


@pytest.mark.parametrize("reason", ["\u200b", "\u2060\ufeff", " \u200e\u3000"])
def test_a_return_needs_a_reason_that_shows(
    db: Engine,
    firms: dict[str, int],  # noqa: F811
    reason: str,
) -> None:
    p = _people(firms)
    with session_scope(db) as s:
        did = declarations.create(s, p["firm"], firms["A"], 2023).id
        declarations.save(s, p["firm"], did, {"strategic_emerging": "否"})
        declarations.act(s, p["firm"], did, "submit")
    with session_scope(db) as s, pytest.raises(ValidationError) as exc:
        declarations.act(s, p["park"], did, "return", reason)
    assert exc.value.context["field"] == "comment" and "reason" in exc.value.en
    with session_scope(db) as s:
        decl = declarations.load(s, p["firm"], did)
        assert decl.status == "submitted" and not decl.return_reason


def test_a_refused_step_is_said_in_words_with_the_users_own_steps(
    db: Engine,
    firms: dict[str, int],  # noqa: F811
) -> None:
    p = _people(firms)
    with session_scope(db) as s:
        did = declarations.create(s, p["firm"], firms["A"], 2023).id
        declarations.save(s, p["firm"], did, {"strategic_emerging": "否"})
        declarations.act(s, p["firm"], did, "submit")
    with session_scope(db) as s, pytest.raises(ConflictError) as exc:
        declarations.act(s, p["firm"], did, "submit")
    assert exc.value.zh == "申报当前为“已提交待审核”，不能“提交”。当前允许：上传证明材料。"
    assert exc.value.en == (
        "The declaration is submitted: “submit” cannot be done from there. "
        "Allowed now: “attach evidence”."
    )
    with session_scope(db) as s, pytest.raises(PermissionDenied) as denied:
        declarations.act(s, p["firm"], did, "approve")
    assert denied.value.en == (
        "User 'firm-a' may not take the step “approve” on this declaration (it is for its park "
        "office or the bureau or an administrator)."
    )
