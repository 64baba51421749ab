"""A declaration's return needs a reason a reader can see: one of zero-width characters only
(U+200B, U+2060, U+FEFF) showed as nothing on the firm's page but returned the declaration."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from gaodi.core.errors import ValidationError
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
