"""The clusters' warm-up (gaodi.core.warmup): the chain summary of the year the clusters page
shows.

The clusters page asks the chain summary for an explicit year (the latest with chain facts),
which is another cache entry than the 产业链 page's (no year). Computed here for the system
principal — an administrator of no scope — it fills only the entry administrators of no scope
read: a scoped viewer's key holds its own role and scope.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from gaodi.chains import service as chains_service
from gaodi.clusters import service
from gaodi.core.permissions import SYSTEM


def warm(session: Session) -> None:
    year = service._year(session, None)
    if year is not None:
        chains_service.chain_summary(session, SYSTEM, year=year)
