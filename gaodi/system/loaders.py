"""What other features read of the system feature's tables (issue [15]: through loaders, not
through another feature's models): the dataset record, the facts about the data itself."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.system.models import SystemInfo


def dataset_record(session: Session) -> Any:
    """The dataset record's value as stored (a dict: city, demo, seed …; None when absent).
    Not user data: no principal (every role's pages show the city the data is about)."""
    return session.scalar(select(SystemInfo.value).where(SystemInfo.key == "dataset"))
