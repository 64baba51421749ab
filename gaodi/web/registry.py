"""The routers the app mounts: the web package's own views, then each feature's, if built.

A feature contributes ``gaodi/<feature>/views.py`` (HTML pages with their JSON twins, built with
:func:`gaodi.web.pages.page`) and/or ``gaodi/<feature>/api.py`` (JSON-only operations); each
module exposes ``router = APIRouter()``. A listed module that does not exist stops the app at
start-up (a page that silently vanished would be worse). Importing a module also runs its
registrations (navigation entries, overview cards).
"""

from __future__ import annotations

import importlib
import logging

from fastapi import APIRouter

log = logging.getLogger("gaodi.web")

FEATURE_MODULES: tuple[str, ...] = (
    "gaodi.web.views.health",
    "gaodi.web.views.auth",
    "gaodi.web.views.overview",
    "gaodi.web.views.screen",
    "gaodi.web.views.admin",
    "gaodi.web.views.search",
    "gaodi.plans.views",
    "gaodi.plans.review",
    "gaodi.plans.api",
    "gaodi.plans.cards",
    "gaodi.chains.views",
    "gaodi.chains.api",
    "gaodi.enterprises.views",
    "gaodi.enterprises.facts_views",
    "gaodi.enterprises.declaration_views",
    "gaodi.enterprises.api",
    "gaodi.parks.views",
    "gaodi.clusters.views",
    "gaodi.regions.views",
    "gaodi.regions.map_views",
    "gaodi.projects.views",
    "gaodi.projects.api",
    "gaodi.smart.views",
    "gaodi.smart.api",
    "gaodi.reports.views",
    "gaodi.reports.api",
    "gaodi.reports.table_export",
    "gaodi.exchange.views",
)


def routers() -> list[APIRouter]:
    """The routers of every feature module, in FEATURE_MODULES order."""
    found: list[APIRouter] = []
    for name in FEATURE_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                raise RuntimeError(
                    f"gaodi.web.registry lists {name}, which does not exist: add the module or "
                    "take it off FEATURE_MODULES"
                ) from exc
            raise
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            found.append(router)
        else:  # a module that only registers nav entries or overview cards
            log.debug("%s has no router; imported for its registrations", name)
    return found
