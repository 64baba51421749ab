"""Every route of the app as a flat list, with its declared access rule (for the permission
test suite, ``gaodi`` tooling and docs). Works whether FastAPI keeps included routers flat
(older releases) or as included-router nodes (``fastapi.routing.iter_route_contexts``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute, Mount, Route

from gaodi.ui.web.pages import ACCESS_KEY, EXAMPLE_KEY


@dataclass(frozen=True)
class RouteInfo:
    path: str
    methods: frozenset[str]
    name: str
    access: dict[str, Any] | None
    example: dict[str, Any]
    in_schema: bool
    route: BaseRoute

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")


def _flat(app: FastAPI) -> list[BaseRoute]:
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before included-router nodes
        return list(app.routes)
    return [ctx.original_route for ctx in iter_route_contexts(app.routes)]


def walk(app: FastAPI) -> list[RouteInfo]:
    out: list[RouteInfo] = []
    for route in _flat(app):
        if isinstance(route, Mount):
            continue  # /static: files, not endpoints
        if isinstance(route, APIRoute):
            extra = route.openapi_extra or {}
            out.append(
                RouteInfo(
                    path=route.path,
                    methods=frozenset(route.methods or ()),
                    name=route.name,
                    access=extra.get(ACCESS_KEY),
                    example=dict(extra.get(EXAMPLE_KEY) or {}),
                    in_schema=route.include_in_schema,
                    route=route,
                )
            )
        elif isinstance(route, Route):
            # FastAPI's own routes (the OpenAPI document): public by construction.
            out.append(
                RouteInfo(
                    path=route.path,
                    methods=frozenset(route.methods or ()),
                    name=route.name,
                    access={"domain": None, "action": "read", "public": True},
                    example={},
                    in_schema=False,
                    route=route,
                )
            )
    return out
