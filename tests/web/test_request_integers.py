"""Every integer a request carries is bounded to what an INTEGER column holds.

PostgreSQL's INTEGER is 32 bits: an id or filter beyond it failed inside the driver where
SQLite answered "not found" (see test_backend_parity.py for the answers on both backends). This
walks every route of the app, its path, query and body parameters and the fields of the models
they take (nested ones too), so a route or field a feature adds later is checked as well.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Query
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from pydantic.fields import FieldInfo

from gaodi.core.dbint import INT32_MAX, INT32_MIN
from gaodi.web.routes import walk
from tests.web.conftest import Site
from tests.web.helpers import login
from tests.web.seed import PASSWORD


def _is_int(annotation: object) -> bool:
    """``int`` or ``int | None``: a number stored or compared as is (not a float, a container
    or a Number that is stored as a float)."""
    if annotation is int:
        return True
    args = set(typing.get_args(annotation))
    is_union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    return is_union and args == {int, type(None)}


def _bounds(info: FieldInfo) -> tuple[object, object]:
    low = high = None
    for meta in info.metadata:
        low = next((v for k in ("ge", "gt") if (v := getattr(meta, k, None)) is not None), low)
        high = next((v for k in ("le", "lt") if (v := getattr(meta, k, None)) is not None), high)
    return low, high


def _models(annotation: object) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _models(arg)


def _unbounded(app: FastAPI) -> list[str]:
    found: list[str] = []
    seen: set[type[BaseModel]] = set()

    def check(name: str, info: FieldInfo, where: str) -> None:
        if _is_int(info.annotation):
            low, high = _bounds(info)
            if low is None or high is None or low < INT32_MIN or high > INT32_MAX:
                found.append(f"{where}: {name} bounded [{low}, {high}]")
        for model in _models(info.annotation):
            if model not in seen:
                seen.add(model)
                for field, sub in model.model_fields.items():
                    check(f"{model.__name__}.{field}", sub, where)

    def visit(dependant: Dependant, where: str) -> None:
        for param in (*dependant.path_params, *dependant.query_params, *dependant.body_params):
            check(param.name, param.field_info, where)
        for sub in dependant.dependencies:
            visit(sub, where)

    for info in walk(app):
        if isinstance(info.route, APIRoute):
            visit(info.route.dependant, f"{sorted(info.methods)} {info.path}")
    return sorted(set(found))


def test_every_integer_of_every_route_fits_an_integer_column(shared_site: Site) -> None:
    assert _unbounded(shared_site.app) == []


#: Models a request fills that no route declares: forms parsed inside a view (``parse_form``),
#: filters and queries built from a page's parameters.
_REQUEST_MODEL = re.compile(r"(In|Form|Input|Update|Filter|Query|Change|Create|Reset)$|^Add[A-Z]")


def _subclasses(cls: type[BaseModel]) -> Iterator[type[BaseModel]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_integer_of_every_form_and_filter_fits_an_integer_column(shared_site: Site) -> None:
    """The app is built (shared_site), so every view module and its models are imported."""
    unbounded = []
    for model in set(_subclasses(BaseModel)):
        if not model.__module__.startswith("gaodi.") or not _REQUEST_MODEL.search(model.__name__):
            continue
        for name, info in model.model_fields.items():
            low, high = _bounds(info)
            if _is_int(info.annotation) and (
                low is None or high is None or low < INT32_MIN or high > INT32_MAX
            ):
                unbounded.append(f"{model.__module__}.{model.__name__}.{name} [{low}, {high}]")
    assert sorted(unbounded) == []


class _Inner(BaseModel):
    ref: int


class _Body(BaseModel):
    plain: int
    maybe: int | None = None
    fine: int = Field(0, ge=1, le=INT32_MAX)
    inner: list[_Inner] = []
    money: float = 0.0


def test_the_walk_finds_an_unbounded_integer_wherever_it_is() -> None:
    """The check above cannot pass by seeing nothing: on a small app with integers left
    unbounded in a path, a query and a body (nested too) it names each, and only those."""
    app = FastAPI()

    @app.post("/things/{thing_id}")
    def things(thing_id: int, body: _Body, page: int = 1, size: int = Query(10, le=50)) -> None:
        return None

    assert _unbounded(app) == [
        "['POST'] /things/{thing_id}: _Body.maybe bounded [None, None]",
        "['POST'] /things/{thing_id}: _Body.plain bounded [None, None]",
        "['POST'] /things/{thing_id}: _Inner.ref bounded [None, None]",
        "['POST'] /things/{thing_id}: page bounded [None, None]",
        "['POST'] /things/{thing_id}: size bounded [None, 50]",
        "['POST'] /things/{thing_id}: thing_id bounded [None, None]",
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/projects?chain_id=0",
        "/projects?park_id=-7",
        "/api/v1/projects?chain_id=0",
        "/challenges?chain_id=-1",
        "/api/v1/challenges?chain_id=0",
        "/appeals?park_id=0",
        "/api/v1/appeals?chain_id=-2147483648",
    ],
)
def test_a_list_filtered_by_an_id_no_row_has_lists_nothing(shared_site: Site, path: str) -> None:
    """A filter by an id that no row can have (0, negative) lists nothing; it was a 500 once the
    filter models bounded their ids to positive ones (found by tests/web/test_fuzz.py)."""
    client = shared_site.client()
    login(client, shared_site.world.users["admin"], PASSWORD)
    response = client.get(path)
    assert response.status_code == 200, response.text
    if path.startswith("/api/"):
        assert response.json()["rows"] == []
