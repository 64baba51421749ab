"""Row filters of the regions feature (gaodi.core.permissions): reference data every role
with the region domain reads whole (regions, industry codes, the panel)."""

from __future__ import annotations

from gaodi.core.permissions import register_scope
from gaodi.regions.models import IndustryCode, PanelValue, Region

for _model in (Region, IndustryCode, PanelValue):
    register_scope(_model, "region")
