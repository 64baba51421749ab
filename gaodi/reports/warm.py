"""The reports' warm-up (gaodi.core.warmup): import the chart and park report modules.

The reports page's first request spent about a second importing the chart library behind the
park reports (no data involved); importing it in the background at start spares the first
visitor that wait. Importing again after a data change costs nothing (the module is loaded).
"""

from __future__ import annotations

import importlib

from sqlalchemy.orm import Session


def warm(session: Session) -> None:
    importlib.import_module("gaodi.reports.park")
