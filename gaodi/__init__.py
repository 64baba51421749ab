"""Gaodi (高地): a city's advanced-manufacturing action plan as a live, measured programme.

Example (on a built database; see docs/analysts.md)::

    import gaodi
    city = gaodi.open()
    city.enterprises()
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gaodi.core.version import VERSION as __version__  # noqa: F401  (gaodi.__version__)

if TYPE_CHECKING:
    from gaodi.city import City
    from gaodi.core.permissions import Principal


def open(url: str | None = None, principal: Principal | None = None) -> City:
    """Open a Gaodi database (default: the configured one) as a :class:`gaodi.city.City`,
    read as ``principal`` sees it (default: the system, which reads everything)."""
    from gaodi.city import open as _open

    if principal is None:
        return _open(url)
    return _open(url, principal)
