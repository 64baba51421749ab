"""Liveness checks: ``/healthz`` (the database answers) and ``/api/v1/ping`` (plain JSON).

``/api/v1/ping`` touches nothing — it is FastAPI's bare JSON response, the baseline of
``benchmarks/web_overview.py``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from gaodi import __version__
from gaodi.web.pages import Access, route_extra

router = APIRouter()
PUBLIC = route_extra(Access(public=True))


class Pong(BaseModel):
    pong: bool = True


class Health(BaseModel):
    status: str
    version: str


@router.get("/api/v1/ping", tags=["system"], openapi_extra=PUBLIC, summary="Plain JSON answer")
async def ping() -> Pong:
    """Answer without touching the database (the benchmark's baseline)."""
    return Pong()


@router.get(
    "/healthz",
    include_in_schema=False,  # for load balancers and monitors, outside the API
    tags=["system"],
    openapi_extra=PUBLIC,
    summary="Health check",
    response_model=Health,
    responses={503: {"model": Health}},
)
def healthz(request: Request) -> Health | JSONResponse:
    """``ok`` when the database answers a trivial query; 503 when it does not."""
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError:
        body = Health(status="database unavailable", version=__version__).model_dump()
        return JSONResponse(body, status_code=503)
    return Health(status="ok", version=__version__)
