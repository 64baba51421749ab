"""The parks' warm-up (gaodi.core.warmup): the city's 亩均 evaluation of the latest year.

The evaluation behind the parks pages, the map and the park reports covers the whole city
whoever asks (:func:`gaodi.parks.service.compute`: the principal only gates it, the views narrow
it to the viewer's parks), kept per data version: computing it as the system principal fills
the one entry every viewer reads, and changes nobody's permissions.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from gaodi.core.permissions import SYSTEM
from gaodi.parks import service


def warm(session: Session) -> None:
    service.compute(session, SYSTEM)
