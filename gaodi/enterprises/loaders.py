"""Reads other features make of enterprises: ids, names, parks, a scope check of one referred-to
enterprise, and ``SELECT id`` subqueries they compose into their own queries.

Rows a user sees are read through :func:`gaodi.core.permissions.restrict` or the row scope
(:func:`gaodi.core.permissions.check_scope`); the name lookups label rows the caller already read
through its own scope, as the callers did before these functions existed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.core.permissions import Principal, check_scope
from gaodi.enterprises.models import Enterprise

CHUNK = 500  # ids per IN (...) list, well under every driver's parameter limit


def enterprise_in_scope(
    session: Session,
    principal: Principal,
    enterprise_id: int | None,
    action: str = "edit",
    *,
    not_found: tuple[str, str],
) -> Enterprise:
    """The enterprise ``enterprise_id`` if it is in ``principal``'s row scope for read and
    ``action``.

    The check a write makes of the enterprise it refers to (an appeal's, an application's): only
    the row scope, not the role's right in the enterprise domain
    (:func:`gaodi.core.permissions.check_scope` with ``domain_right=False``). A missing
    enterprise and one outside the scope both raise :class:`NotFoundError` with ``not_found``."""
    return check_scope(
        session, principal, Enterprise, enterprise_id, action, domain_right=False,
        not_found=not_found,
    )  # fmt: skip


def ids_in_parks(park_ids: Iterable[int]) -> Any:
    """``SELECT id`` of the enterprises located in any of ``park_ids`` (for ``col.in_(...)``)."""
    return select(Enterprise.id).where(Enterprise.park_id.in_(sorted(set(park_ids))))


def ids_in_park(park_id: int) -> Any:
    """``SELECT id`` of the enterprises located in park ``park_id`` (for ``col.in_(...)``)."""
    return select(Enterprise.id).where(Enterprise.park_id == park_id)


def names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """id -> name of the given enterprises (missing ids are left out)."""
    return {i: name for i, (name, _park) in names_and_parks(session, ids).items()}


def names_and_parks(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, int | None]]:
    """id -> (name, park id) of the given enterprises (missing ids are left out); one query per
    500 ids."""
    wanted = sorted(set(ids))
    out: dict[int, tuple[str, int | None]] = {}
    for chunk in (wanted[i : i + CHUNK] for i in range(0, len(wanted), CHUNK)):
        rows = session.execute(
            select(Enterprise.id, Enterprise.name, Enterprise.park_id).where(
                Enterprise.id.in_(chunk)
            )
        )
        out.update({int(eid): (name, park) for eid, name, park in rows})
    return out


def id_by_uscc(session: Session, uscc: str) -> int | None:
    """The id of the enterprise with this (already normalized) USCC; None when there is none."""
    return session.scalar(select(Enterprise.id).where(Enterprise.uscc == uscc))


def parks_by_enterprise(session: Session) -> list[tuple[int, int | None]]:
    """(id, park id) of every enterprise, by id (the demo builders' world)."""
    rows = session.execute(select(Enterprise.id, Enterprise.park_id).order_by(Enterprise.id))
    return [(int(i), p) for i, p in rows]
