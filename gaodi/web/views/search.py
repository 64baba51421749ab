"""The global search page ``/search?q=`` and its JSON twin ``/api/v1/search`` (see
:mod:`gaodi.web.search` for what is matched and how it is scoped)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from gaodi.ui.web.context import PageContext
from gaodi.ui.web.pages import page
from gaodi.web import search as finder

router = APIRouter()


@page(router, "/search", api="/search", template="search.html", domain=None)
def search_page(
    ctx: PageContext,
    q: Annotated[
        str | None,
        Query(max_length=finder.MAX_QUERY, description="Name, USCC (or its start), code."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=finder.MAX_LIMIT)] = finder.DEFAULT_LIMIT,
) -> finder.SearchResult:
    """Enterprises, projects, chains and chain links the user may see that match ``q``."""
    assert ctx.principal is not None
    return finder.search(ctx.session, ctx.principal, q, limit)
