"""Pages of major projects (重大项目), 揭榜挂帅 challenges and enterprise appeals (诉求).

Every page has its JSON twin under /api/v1 (one context function serves both). Workflow steps
are forms posting to ``…/{id}/act`` with the step's name; a refused step (illegal transition,
another role's step) comes back as a message on the page, nothing changed. Navigation: 项目,
揭榜挂帅 and 诉求; the overview gets three cards (projects behind schedule, challenges open,
appeals overdue).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from gaodi.ui.web.i18n import N_
from gaodi.ui.web.nav import register_nav
from gaodi.ui.web.pages import Access, route_extra

router = APIRouter()
register_nav("projects", N_("Projects"), "/projects", domain="project", order=70)
register_nav("challenges", N_("Challenges"), "/challenges", domain="challenge", order=71)
register_nav("appeals", N_("Appeals"), "/appeals", domain="appeal", order=72)

STATIC = Path(__file__).resolve().parents[1] / "static"


def _projects_js() -> FileResponse:
    return FileResponse(STATIC / "projects.js", media_type="text/javascript")


router.add_api_route(
    "/projects/static/projects.js",
    _projects_js,
    methods=["GET"],
    include_in_schema=False,
    openapi_extra=route_extra(Access(public=True)),
)

# The pages register themselves on ``router`` (imported after it exists).
from gaodi.projects.views import appeals, cards, challenges, projects  # noqa: E402

__all__ = ["appeals", "cards", "challenges", "projects", "router"]
