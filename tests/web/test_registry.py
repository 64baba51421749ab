"""The app and the ``gaodi`` command are assembled from each feature's ``feature.py``; a declared
piece that does not exist stops the start-up with its name instead of a page or command silently
missing (issue [15])."""

from __future__ import annotations

import dataclasses

import pytest
import typer

from gaodi import features
from gaodi.core.features import Command
from gaodi.exchange.entities import ENTITIES
from gaodi.exchange.service import HANDLERS
from gaodi.web import registry


def _with(monkeypatch: pytest.MonkeyPatch, name: str, **changes: object) -> None:
    """Replace one feature's declaration for the test (the cached checks forgotten)."""
    found = tuple(
        dataclasses.replace(f, **changes) if f.name == name else f for f in features.declarations()
    )
    monkeypatch.setattr(features, "declarations", lambda: found)
    features.check.cache_clear()
    monkeypatch.setattr(features, "check", features.check.__wrapped__)


def test_every_declared_page_module_exists_and_mounts() -> None:
    features.check("app")
    # every declared page module has a router (the card-only modules are declared apart)
    declared = sum(len(f.pages) for f in features.declarations())
    assert len(registry.routers()) == declared
    assert "gaodi.plans.views" in registry.feature_modules()


def test_a_declared_module_that_does_not_exist_stops_the_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parks = next(f for f in features.declarations() if f.name == "parks")
    _with(monkeypatch, "parks", pages=(*parks.pages, "gaodi.parks.no_such_module"))
    with pytest.raises(features.FeatureMissing, match=r"gaodi\.parks\.no_such_module"):
        registry.routers()
    with pytest.raises(features.FeatureMissing, match=r"gaodi\.parks\.no_such_module"):
        features.check("app")


def test_a_page_module_without_a_router_stops_the_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _with(monkeypatch, "parks", pages=("gaodi.parks.service",))
    with pytest.raises(features.FeatureMissing, match=r"gaodi\.parks\.service has no 'router'"):
        features.check("app")


def test_a_missing_command_stops_the_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    _with(monkeypatch, "parks", commands=(Command("gaodi.parks.no_cli", "parks"),))
    with pytest.raises(features.FeatureMissing, match=r"gaodi\.parks\.no_cli"):
        features.check("cli")
    from gaodi import cli

    with pytest.raises(features.FeatureMissing, match=r"gaodi\.parks\.no_cli"):
        cli.build()


def test_a_command_declared_twice_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    _with(monkeypatch, "clusters", commands=(Command("gaodi.clusters.cli", "parks"),))
    with pytest.raises(features.FeatureMissing, match="declared twice: parks"):
        features.check("cli")


def test_the_cli_offers_every_declared_command_once() -> None:
    from gaodi import cli

    root = cli.build()
    mounted = [g.name for g in root.registered_groups] + [
        c.name
        for c in root.registered_commands
        if c.name  # ``version`` is the root's own
    ]
    declared = [c.name for c in features.commands()]
    assert sorted(mounted) == sorted(declared)
    assert isinstance(root, typer.Typer)


def test_every_exchange_entity_has_one_owning_feature() -> None:
    owners = features.exchange_owners()
    assert set(owners) == set(HANDLERS) == set(ENTITIES)
    assert owners["observations"] == "plans"
    assert owners["tier_facts"] == "enterprises"
