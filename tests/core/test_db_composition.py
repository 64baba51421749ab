"""The database finds the models through the ``gaodi.models`` entry point, not by import.

``gaodi.db`` is ground (DESIGN.md, Layers): it names no feature. Before a session opens it loads
what the entry-point group names (the composition root ``gaodi.models``: every table, the audit
listener, the row filters, the text-cleaning hook), so a script that imports one feature and
opens a session still writes audited and reads scoped; without a registration it refuses.
"""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

import pytest
from sqlalchemy import create_engine

import gaodi.db as db


def fresh(script: str) -> str:
    """What ``script`` prints in a new interpreter (no gaodi module loaded before it)."""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_the_package_registers_its_composition_root() -> None:
    found = entry_points(group=db.MODELS_GROUP)
    assert [e.value for e in found] == ["gaodi.models"]


def test_a_session_of_a_lone_feature_module_loads_the_listeners_and_filters() -> None:
    # a fresh interpreter: nothing but gaodi.db and one feature's loaders imported by hand
    script = (
        "import sys, gaodi.db, gaodi.chains.loaders\n"
        "before = {m for m in ('gaodi.models', 'gaodi.audit.service', 'gaodi.core.session_hooks')"
        " if m in sys.modules}\n"
        "engine = gaodi.db.make_engine('sqlite://')\n"
        "after = {m for m in ('gaodi.models', 'gaodi.audit.service', 'gaodi.core.session_hooks')"
        " if m in sys.modules}\n"
        "print(sorted(before), sorted(after))\n"
    )
    assert fresh(script) == (
        "[] ['gaodi.audit.service', 'gaodi.core.session_hooks', 'gaodi.models']"
    )


def test_without_a_registration_no_session_opens(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.metadata

    monkeypatch.setattr(db, "_models_loaded", False)
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda **_: [])
    with pytest.raises(db.ModelsNotRegistered, match=r"gaodi\.models.*make install"):
        db.session_factory(create_engine("sqlite://"))
    with pytest.raises(db.ModelsNotRegistered):
        db.make_engine("sqlite://")


#: Tables no role reads through ``restrict``/``can``: log-in throttling, a user's scope rows
#: (read with the user), a declaration's events (read with the declaration), the plausibility
#: rules (read by the intake), the dataset record (core.dataset), the keys of forms already
#: sent (read by the form handler for the user who sent them).
UNSCOPED = {
    "FormSubmission",
    "LoginThrottle",
    "UserScope",
    "TierDeclarationEvent",
    "ValidationRule",
    "SystemInfo",
}


def test_every_scoped_table_has_its_row_filter_once_the_models_load() -> None:
    # fresh interpreter: only what the composition root loads may count (a row filter registered
    # in a module that no declaration names would be missing until a page happened to import it)
    script = (
        "import gaodi.db as db\n"
        "db.load_models()\n"
        "from gaodi.core.permissions import _SCOPES\n"
        "print(' '.join(sorted(m.class_.__name__ for m in db.Base.registry.mappers"
        " if m.class_ not in _SCOPES)))\n"
    )
    assert set(fresh(script).split()) == UNSCOPED
