"""What the web toolkit needs from the features, handed to it at start-up (never imported).

The toolkit sits below the features (``pyproject.toml``'s layer contract), yet a page must know
who is signed in (the accounts feature) and what dataset it serves (the system feature). The app
(:func:`gaodi.web.app.create_app`) installs both; a toolkit used without them says so instead of
guessing, so an unwired toolkit can never treat a visitor as signed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session


class UserRecord(Protocol):
    """The user fields the toolkit reads (the accounts feature's ``User`` has them)."""

    id: int
    username: str
    display_name: str | None
    role: str
    language: str | None


@dataclass(frozen=True)
class Providers:
    """The accounts and system services the toolkit calls, by name."""

    user_for_token: Callable[[Session, str], UserRecord | None]
    user_for_session: Callable[[Session, int, int], UserRecord | None]
    get_user: Callable[[Session, int], Any]
    role_label: Callable[[str, str], str]
    dataset_info: Callable[[Session], dict[str, Any]]
    #: The data's version (grows with every data change; log-ins do not count): what shared
    #: renderings (gaodi.ui.web.rendered) are keyed by. None: pages are not shared.
    data_version: Callable[[Session], int] | None = None


_installed: Providers | None = None


def install(providers: Providers) -> None:
    global _installed
    _installed = providers


def get() -> Providers:
    if _installed is None:
        raise RuntimeError(
            "the web toolkit has no accounts/system providers: build the app with "
            "gaodi.web.app.create_app (it installs them)"
        )
    return _installed
