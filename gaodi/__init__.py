"""Gaodi (高地): a city's advanced-manufacturing action plan as a live, measured programme."""

from __future__ import annotations

__version__ = "0.1.0"
