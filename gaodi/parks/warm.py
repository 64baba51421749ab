"""The parks' warm-up (gaodi.core.warmup): the city's 亩均 evaluation of the latest year.

The evaluation behind the parks pages, the map and the park reports covers the whole city
whoever asks (:func:`gaodi.parks.service.compute`: the principal only gates it, the views narrow
it to the viewer's parks), kept per data version: computing it as the system principal fills
the one entry every viewer reads, and changes nobody's permissions. The excluded firms' rows
are kept for the roles with no scope only (a scoped viewer's are narrowed per request).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from gaodi.core.permissions import SYSTEM
from gaodi.parks import service


def warm(session: Session) -> None:
    state = service.compute(session, SYSTEM)
    # the excluded firms as every role with no scope reads them (built once per evaluation)
    service.excluded_enterprises(session, SYSTEM, state=state)
