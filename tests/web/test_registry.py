"""The app mounts every listed feature module; a listed module that does not exist stops the
start-up with its name instead of a page silently missing (issue [15])."""

from __future__ import annotations

import pytest

from gaodi.web import registry


def test_every_listed_module_exists_and_mounts() -> None:
    assert len(registry.routers()) >= 20


def test_a_listed_module_that_does_not_exist_stops_the_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        registry, "FEATURE_MODULES", (*registry.FEATURE_MODULES, "gaodi.parks.no_such_module")
    )
    with pytest.raises(RuntimeError, match=r"gaodi\.parks\.no_such_module"):
        registry.routers()
