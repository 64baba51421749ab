"""Hooks other features plug into.

A project names the chain link (环节) it fills. When a chain-diagnosis service exists (缺链 /
弱链 / 强链), it registers a provider here and the project pages show the link's status::

    from gaodi.projects import hooks
    hooks.set_link_status_provider(my_provider)  # (session, link_ids) -> {link_id: LinkStatus}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class LinkStatus:
    status: str  # e.g. missing / weak / strong
    label_zh: str
    label_en: str


LinkStatusProvider = Callable[[Session, Sequence[int]], Mapping[int, LinkStatus]]

_link_status_provider: LinkStatusProvider | None = None


def set_link_status_provider(provider: LinkStatusProvider | None) -> None:
    """Register (or, with ``None``, remove) the chain-diagnosis provider of link statuses."""
    global _link_status_provider
    _link_status_provider = provider


def link_statuses(session: Session, link_ids: Sequence[int]) -> dict[int, LinkStatus]:
    """Statuses of the given links, or an empty mapping when no provider is registered."""
    if _link_status_provider is None or not link_ids:
        return {}
    return dict(_link_status_provider(session, list(link_ids)))
