"""Cards that feature packages add to the overview page (总览).

    from gaodi.ui.web.overview import OverviewCard, register_overview_card

    def _plan_status(ctx: PageContext) -> OverviewCard | None:
        if not ctx.can("read", "plan"):
            return None
        return OverviewCard(key="plan_status", title=ctx._("Targets on track"), value="12 / 18")

    register_overview_card("plan_status", _plan_status, order=20)

A provider returns None to show nothing (no data, or the user may not see it). A provider that
raises PermissionDenied is skipped too, so a card never breaks the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel

from gaodi.core.errors import PermissionDenied
from gaodi.ui.web.context import PageContext


class OverviewCard(BaseModel):
    key: str
    title: str
    value: str
    unit: str | None = None
    note: str | None = None
    href: str | None = None
    tone: Literal["neutral", "good", "warn", "bad"] = "neutral"
    #: set by the overview when it is asked for a past day: the day this card's figure was
    #: judged on, or (``current_on``) today's date for a figure that is today's state only
    judged_on: str | None = None
    current_on: str | None = None


Provider = Callable[[PageContext], OverviewCard | None]
_PROVIDERS: dict[str, tuple[int, Provider]] = {}


def register_overview_card(key: str, provider: Provider, order: int = 100) -> None:
    _PROVIDERS[key] = (order, provider)


def cards(ctx: PageContext) -> list[OverviewCard]:
    out: list[OverviewCard] = []
    for _key, (_order, provider) in sorted(_PROVIDERS.items(), key=lambda kv: (kv[1][0], kv[0])):
        try:
            card = provider(ctx)
        except PermissionDenied:
            continue
        if card is not None:
            out.append(card)
    return out
