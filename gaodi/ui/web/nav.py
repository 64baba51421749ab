"""The navigation bar as a registry: each feature's views module adds its own entry.

    from gaodi.ui.web.i18n import N_
    from gaodi.ui.web.nav import register_nav

    register_nav("chains", N_("Chains"), "/chains", domain="chain", order=30)

An entry shows only when the signed-in user's role may read its domain. The order numbers of
the planned entries (keep the gaps so features can slot in):

    10 总览 overview   20 行动计划 plan   30 产业链 chain   40 企业 enterprise   50 园区 park
    60 区域 region     70 项目 project    80 报告 report    90 管理 admin
"""

from __future__ import annotations

from dataclasses import dataclass

from gaodi.core.permissions import Principal, allowed


@dataclass(frozen=True)
class NavEntry:
    key: str
    label_msgid: str
    url: str
    domain: str
    order: int
    action: str = "read"


@dataclass(frozen=True)
class NavItem:
    """One entry as a page shows it: translated, with its active state."""

    key: str
    label: str
    url: str
    active: bool


_ENTRIES: dict[str, NavEntry] = {}


def register_nav(
    key: str, label_msgid: str, url: str, domain: str, order: int, action: str = "read"
) -> None:
    """Add (or replace) a navigation entry. ``label_msgid`` is an English msgid (use ``N_``)."""
    _ENTRIES[key] = NavEntry(key, label_msgid, url, domain, order, action)


def entries() -> list[NavEntry]:
    return sorted(_ENTRIES.values(), key=lambda e: (e.order, e.key))


def visible(principal: Principal | None) -> list[NavEntry]:
    if principal is None:
        return []
    return [e for e in entries() if allowed(principal, e.action, e.domain)]


def active_key(path: str, candidates: list[NavEntry]) -> str | None:
    """The entry the page at ``path`` belongs to: its own URL (or a page under it) first, then
    the entry of the same section (``/admin/audit`` belongs to ``/admin/users``'s entry when
    nothing else claims it). "/" only matches itself."""
    best: tuple[int, int, str] | None = None
    for entry in candidates:
        url = entry.url.rstrip("/") or "/"
        if url == "/":
            rank = 2 if path == "/" else 0
        elif path == url or path.startswith(url + "/"):
            rank = 2
        else:
            section = url.rsplit("/", 1)[0] if url.count("/") > 1 else url
            rank = 1 if path.startswith(section + "/") else 0
        if rank and (best is None or (rank, len(url)) > best[:2]):
            best = (rank, len(url), entry.key)
    return best[2] if best else None
