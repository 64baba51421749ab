"""Row filters of the smart-manufacturing tables for scoped roles (imported from gaodi.models).

Assessments and recognitions follow their enterprise: a chain office sees those of its chains'
enterprises, a park office those of its parks', an enterprise user its own. Providers and
service platforms are public registries, readable by every role that may read the domain.
"""

from __future__ import annotations

from typing import Any

from gaodi.core.permissions import Principal, register_scope
from gaodi.enterprises.scopes import enterprise_ids
from gaodi.smart.models import Assessment, Recognition, ServicePlatform, SolutionProvider

DOMAIN = "assessment"


def assessment_filter(p: Principal, action: str) -> Any:
    ids = enterprise_ids(p, action)
    return None if ids is None else Assessment.enterprise_id.in_(ids)


def recognition_filter(p: Principal, action: str) -> Any:
    ids = enterprise_ids(p, action)
    return None if ids is None else Recognition.enterprise_id.in_(ids)


def register() -> None:
    register_scope(Assessment, DOMAIN, assessment_filter)
    register_scope(Recognition, DOMAIN, recognition_filter)
    register_scope(SolutionProvider, DOMAIN)
    register_scope(ServicePlatform, DOMAIN)


register()
