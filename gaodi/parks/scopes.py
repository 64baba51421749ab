"""Row filters of the parks feature (gaodi.core.permissions): a park office sees its parks."""

from __future__ import annotations

from typing import Any

from gaodi.core.permissions import Principal, nothing, register_scope
from gaodi.parks.models import Park


def park_filter(p: Principal, action: str) -> Any:
    if p.role == "park_office":
        return Park.id.in_(sorted(p.park_ids)) if p.park_ids else nothing()
    return None


register_scope(Park, "park", park_filter)
