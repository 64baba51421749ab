"""Names of downloaded files (:mod:`gaodi.core.download`), the scope's names read through the
accounts feature (:func:`gaodi.accounts.service.scope_names_of`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from gaodi.accounts.service import scope_names_of
from gaodi.core.download import ascii_name, attachment, file_name, scope_code
from gaodi.core.download import scope_label as _scope_label

__all__ = ["ascii_name", "attachment", "file_name", "scope_code", "scope_label"]


def scope_label(session: Session, principal: Any, zh: bool) -> str:
    """全市 / city, or the names of what a scoped user may see (see the core function)."""
    return _scope_label(principal, zh, scope_names_of(session))
