"""The features Gaodi is assembled from, in the order their pages are mounted.

Each name is a package with a ``feature.py`` declaring what it contributes
(:class:`gaodi.core.features.Feature`). The app (:mod:`gaodi.web.registry`), the ``gaodi``
command (:mod:`gaodi.cli`), the database (:mod:`gaodi.models`) and the exchange
(:mod:`gaodi.exchange.service`) read them from here; :func:`check` runs at start-up.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from functools import cache
from types import ModuleType

from gaodi.core.features import Command, Feature

NAMES: tuple[str, ...] = (
    "web",
    "system",
    "accounts",
    "audit",
    "plans",
    "chains",
    "enterprises",
    "parks",
    "clusters",
    "regions",
    "projects",
    "smart",
    "reports",
    "exchange",
    "demo",
)

# ``gaodi --help`` lists the commands in this order (the order people reach for them).
COMMAND_ORDER: tuple[str, ...] = (
    "db",
    "config",
    "demo",
    "plan",
    "regions",
    "user",
    "projects",
    "chains",
    "enterprises",
    "parks",
    "clusters",
    "smart",
    "report",
    "serve",
    "template",
    "import",
    "export",
)


class FeatureMissing(RuntimeError):
    """A declared piece does not exist: the start-up stops with its name."""


def _import(module: str, why: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module.startswith(exc.name):
            raise FeatureMissing(
                f"{why} declares {module}, which does not exist: add the module or take it off "
                "the declaration"
            ) from exc
        raise


@cache
def declarations() -> tuple[Feature, ...]:
    """Every feature's declaration, in :data:`NAMES` order."""
    found = []
    for name in NAMES:
        module = _import(f"gaodi.{name}.feature", "gaodi.features.NAMES")
        feature = getattr(module, "FEATURE", None)
        if not isinstance(feature, Feature) or feature.name != name:
            raise FeatureMissing(f"gaodi.{name}.feature must define FEATURE = Feature({name!r})")
        found.append(feature)
    return tuple(found)


def pages() -> list[str]:
    """Modules the app imports, feature by feature: its routers, then its card-only modules
    (the overview shows cards in the order they were registered)."""
    return [m for f in declarations() for m in (*f.pages, *f.cards)]


def model_modules() -> list[str]:
    return [m for f in declarations() for m in (*f.models, *f.scopes)]


def commands() -> list[Command]:
    """Every declared command, in :data:`COMMAND_ORDER` (then any other, by declaration)."""
    found = [c for f in declarations() for c in f.commands]
    rank = {name: i for i, name in enumerate(COMMAND_ORDER)}
    return sorted(found, key=lambda c: rank.get(c.name, len(rank)))


def exchange_owners() -> dict[str, str]:
    """Import/export entity key -> the feature that owns it."""
    owners: dict[str, str] = {}
    for feature in declarations():
        for key in feature.exchange:
            if key in owners:
                raise FeatureMissing(
                    f"exchange entity {key!r} is declared by {owners[key]} and {feature.name}"
                )
            owners[key] = feature.name
    return owners


def load_models() -> None:
    """Import every declared model and scope module (tables, audit listener, row filters)."""
    for module in model_modules():
        _import(module, "a feature")


def _pieces(what: str) -> Iterator[tuple[str, str, str]]:
    for feature in declarations():
        if what == "app":
            for module in (*feature.models, *feature.scopes, *feature.cards):
                yield feature.name, module, ""
            for module in feature.pages:
                yield feature.name, module, "router"
            for target in feature.warm:
                module, _, attr = target.partition(":")
                yield feature.name, module, attr
        else:
            for command in feature.commands:
                module, _, attr = command.target.partition(":")
                yield feature.name, module, attr or "app"


@cache
def check(what: str = "app") -> None:
    """Import every declared piece the app (``"app"``: models, scopes, pages, cards) or the
    ``gaodi`` command (``"cli"``) is built from; a missing module, router or command stops the
    start-up with its name. Checked once per process."""
    names = [c.name for c in commands()]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise FeatureMissing(f"commands declared twice: {', '.join(duplicated)}")
    exchange_owners()
    for feature, module_name, attr in _pieces(what):
        module = _import(module_name, f"feature {feature!r}")
        if attr and getattr(module, attr, None) is None:
            raise FeatureMissing(f"feature {feature!r}: {module_name} has no {attr!r}")


def counted() -> dict[str, type]:
    """Overview key -> the model class it counts, from every feature's ``counted`` declaration
    (in :data:`NAMES` order); a key declared twice or a target that is not a class stops with
    its name."""
    out: dict[str, type] = {}
    for feature in declarations():
        for key, target in feature.counted:
            module, _, attr = target.partition(":")
            model = getattr(_import(module, f"{feature.name}'s counted"), attr, None)
            if key in out or not isinstance(model, type):
                raise FeatureMissing(
                    f"{feature.name} declares counted {key!r} = {target!r}: "
                    + ("the key is declared twice" if key in out else "no such class")
                )
            out[key] = model
    return out


def warms() -> list[tuple[str, Callable[..., object]]]:
    """``(name, callable)`` of every feature's ``warm`` declarations, in :data:`NAMES` order
    (gaodi.core.warmup runs them after a data change); one that is not ``module:function``
    naming a callable stops with its name."""
    out: list[tuple[str, Callable[..., object]]] = []
    for feature in declarations():
        for target in feature.warm:
            module, _, attr = target.partition(":")
            found = getattr(_import(module, f"{feature.name}'s warm"), attr, None) if attr else None
            if not callable(found):
                raise FeatureMissing(
                    f"feature {feature.name!r} declares warm {target!r}: no such function"
                )
            out.append((target, found))
    return out
