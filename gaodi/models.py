"""Imports every model so ``Base.metadata`` is complete (Alembic, create_all in tests)."""

from __future__ import annotations

from gaodi.accounts.models import ApiToken, LoginThrottle, User, UserScope
from gaodi.audit.models import AuditEvent
from gaodi.chains.models import Chain, EnterpriseLink, Link
from gaodi.clusters.models import Cluster, cluster_chain
from gaodi.db import Base
from gaodi.enterprises.models import (
    Enterprise,
    EnterpriseYear,
    ExternalEnterprise,
    IndustryMargin,
    TierAward,
    TierDeclaration,
    TierDeclarationEvent,
    TierEvidence,
    TierFact,
    TierHonour,
)
from gaodi.parks.models import Park
from gaodi.plans.models import Action, Indicator, Observation, Plan, QualitativeGoal, Target
from gaodi.regions.models import IndustryCode, PanelValue, Region
from gaodi.system.models import SystemInfo

__all__ = [
    "Action",
    "ApiToken",
    "AuditEvent",
    "Base",
    "Chain",
    "Cluster",
    "Enterprise",
    "EnterpriseLink",
    "EnterpriseYear",
    "ExternalEnterprise",
    "Indicator",
    "IndustryCode",
    "IndustryMargin",
    "Link",
    "LoginThrottle",
    "Observation",
    "PanelValue",
    "Park",
    "Plan",
    "QualitativeGoal",
    "Region",
    "SystemInfo",
    "Target",
    "TierAward",
    "TierDeclaration",
    "TierDeclarationEvent",
    "TierEvidence",
    "TierFact",
    "TierHonour",
    "User",
    "UserScope",
    "cluster_chain",
]

# Importing the audit service installs its session listener wherever models are used; the
# session hooks clean every text an ORM write stores.
import gaodi.audit.service
import gaodi.core.session_hooks  # noqa: F401

# What every feature declares (gaodi/<feature>/feature.py): its tables and its row filters
# (``scopes``), so a new feature's are loaded without editing this file.
from gaodi import features as _features

_features.load_models()
