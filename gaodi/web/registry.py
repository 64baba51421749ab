"""The routers the app mounts: every feature's declared ``pages`` (its ``feature.py``).

A feature contributes page modules (HTML pages with their JSON twins, built with
:func:`gaodi.ui.web.pages.page`, or JSON-only operations); each exposes
``router = APIRouter()``. A declared module that does not exist stops the app at start-up (a
page that silently vanished would be worse). Importing a module also runs its registrations
(navigation entries, overview cards).
"""

from __future__ import annotations

import importlib
import logging

from fastapi import APIRouter

from gaodi import features

log = logging.getLogger("gaodi.web")


def feature_modules() -> list[str]:
    """The page modules of every feature, in the order the features are declared."""
    return features.pages()


def routers() -> list[APIRouter]:
    """The routers of every feature's page modules, in declaration order."""
    found: list[APIRouter] = []
    for name in feature_modules():
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                raise features.FeatureMissing(
                    f"a feature declares {name}, which does not exist: add the module or "
                    "take it off the feature's declaration"
                ) from exc
            raise
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            found.append(router)
        else:  # a module that only registers nav entries or overview cards
            log.debug("%s has no router; imported for its registrations", name)
    return found
