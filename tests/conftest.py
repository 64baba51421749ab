"""Shared fixtures. Tests that need a service are marked (postgres, browser) and run in CI."""

from __future__ import annotations

collect_ignore_glob = ["../gaodi/migrations/*"]
