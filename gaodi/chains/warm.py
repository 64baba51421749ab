"""The chains' warm-up (gaodi.core.warmup): the chain summary and the external pool.

- The chain summary (every chain's diagnosis: the 产业链 page, the clusters page and the
  overview's chains card) is kept per viewer's role and scope and data version; it is computed
  here for the system principal — an administrator of no scope — so it fills only the entry
  administrators of no scope read (a scoped viewer's key differs: nothing wider reaches it).
- The external pool (100,000 rows on the medium demo, read by every chain link page) is kept
  per database while the pool is unchanged: read once at start rather than by the first visitor.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from gaodi.chains import service
from gaodi.core.permissions import SYSTEM


def warm(session: Session) -> None:
    service.chain_summary(session, SYSTEM)
    service.load_pool(session, SYSTEM)
