"""A feature's declaration: what it contributes, by module name (DESIGN.md, Layers).

Each feature package has a ``feature.py`` with ``FEATURE = Feature(...)``. The app mounts the
``pages``, the ``gaodi`` command adds the ``commands``, the database loads the ``models`` and
``scopes``; :func:`gaodi.features.check` imports every declared piece at start-up, so a page or
command that silently vanished is an error with its name rather than a gap a user finds later.
Names rather than objects keep a declaration cheap to read: ``gaodi regions complexity`` loads
the regions commands, not the web app.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Command:
    """A CLI contribution: ``module[:attr]`` (a Typer app, default attr ``app``, or a function)
    mounted as ``gaodi <name>``."""

    target: str
    name: str


@dataclass(frozen=True)
class Feature:
    """What one feature contributes to the assembled app, CLI and database."""

    name: str
    #: modules defining its tables (imported before any database is opened)
    models: tuple[str, ...] = ()
    #: modules registering its permission scopes for ``restrict()``
    scopes: tuple[str, ...] = ()
    #: modules with ``router = APIRouter()`` (HTML pages and their JSON twins); importing one also
    #: registers its navigation entries
    pages: tuple[str, ...] = ()
    #: modules that only register overview cards (no router)
    cards: tuple[str, ...] = ()
    #: ``gaodi`` sub-commands
    commands: tuple[Command, ...] = ()
    #: keys of the import/export entities it owns (``gaodi import --entity KEY``)
    exchange: tuple[str, ...] = ()
    #: ``(key, "module:Model")`` of its tables the overview counts (as the viewer may read
    #: them), so the system feature counts every feature's rows without importing their models
    counted: tuple[tuple[str, str], ...] = ()
    #: ``"module:function"`` callables taking a session that recompute the expensive *data*
    #: caches its heavy pages read (never per-user HTML), run in the background after each data
    #: change and at server start (gaodi.core.warmup)
    warm: tuple[str, ...] = ()
    #: what it is for, in a line (shown by ``gaodi config features``)
    summary: str = field(default="", compare=False)
