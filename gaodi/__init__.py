"""Gaodi (高地): a city's advanced-manufacturing action plan as a live, measured programme.

Example (on a built database; see docs/analysts.md)::

    import gaodi
    city = gaodi.open()
    city.enterprises()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gaodi.core.version import VERSION as __version__  # noqa: F401  (gaodi.__version__)

if TYPE_CHECKING:
    from gaodi.city import City


def open(url: str | None = None, **kwargs: Any) -> City:
    """Open a Gaodi database (default: the configured one) as a :class:`gaodi.city.City`."""
    from gaodi.city import open as _open

    return _open(url, **kwargs)
