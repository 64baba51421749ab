"""A new app's first requests: FastAPI's own per-app route building against routes shared.

Run:  .venv/bin/python benchmarks/app_start.py [--apps 20]

Each of ``--apps`` apps is made with :func:`gaodi.web.app.create_app` on an empty in-memory
database and answers its first requests, one path of each feature router (the log-in page, the
API ping, and every JSON route without path parameters, which answer 401 to nobody signed in —
routing and the dependency analysis run all the same). Measured in one process, CPU seconds:

* **per-app include** (baseline, FastAPI's default): ``app.include_router`` of every feature
  router on each app, so each app analyses every route's dependencies again at its first
  requests — what ``create_app`` did before routes were shared;
* **shared routes** (``create_app``): the routers are included once per process
  (``gaodi.web.app._feature_routes``) and every app mounts the same routes.

The first app of each variant pays the one-off work (imports, templates) and is left out.
Results and the command: docs/benchmarks/suite.md.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable

from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from rich.console import Console
from rich.table import Table
from starlette.routing import BaseRoute

from gaodi.config import Settings
from gaodi.db import make_engine
from gaodi.web import app as web_app
from gaodi.web import registry
from gaodi.web.routes import walk


def _per_app(routers: list[APIRouter]) -> tuple[BaseRoute, ...]:
    template = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    for router in routers:
        template.include_router(router)
    return tuple(template.router.routes)


def _paths() -> list[str]:
    app = web_app.create_app(make_engine("sqlite://"), Settings(secret_key="b" * 32))
    found = [i.path for i in walk(app) if "GET" in i.methods and i.is_api and "{" not in i.path]
    return ["/login", "/api/v1/ping", *found]


def _run(apps: int, paths: list[str]) -> float:
    spent = 0.0
    for n in range(apps + 1):
        start = time.process_time()
        app = web_app.create_app(make_engine("sqlite://"), Settings(secret_key="b" * 32))
        with TestClient(app) as client:
            for path in paths:
                client.get(path)
        if n:  # the first app pays the process's one-off work
            spent += time.process_time() - start
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--apps", type=int, default=20)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    paths = _paths()
    shared = web_app._feature_routes
    variants: list[tuple[str, Callable[[list[APIRouter]], tuple[BaseRoute, ...]]]] = [
        ("per-app include (baseline)", _per_app),
        ("shared routes (create_app)", shared),
    ]
    results = []
    for name, mount in variants:
        web_app._feature_routes = mount  # type: ignore[assignment]
        try:
            results.append((name, _run(args.apps, paths)))
        finally:
            web_app._feature_routes = shared  # type: ignore[assignment]
    base = results[0][1]
    routers = len(registry.routers())
    table = Table(title=f"{args.apps} apps, {len(paths)} first requests each, {routers} routers")
    for col in ("variant", "CPU s", "per app ms", "vs baseline"):
        table.add_column(col, justify="right")
    for name, spent in results:
        table.add_row(
            name, f"{spent:.2f}", f"{spent / args.apps * 1000:.0f}", f"{spent / base:.2f}"
        )
    Console().print(table)


if __name__ == "__main__":
    main()
