"""The version a running Gaodi reports is the release CHANGELOG.md is writing.

0.2.0's changes were reported as 0.1.0 (the footer, ``gaodi version``, /healthz), so a bureau
could not tell which release it ran or which wrote a backup.
"""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

from packaging.version import Version

import gaodi

ROOT = Path(__file__).resolve().parents[1]


def _newest_entry() -> tuple[str, bool]:
    """CHANGELOG.md's newest release heading: (its version, whether it is unreleased)."""
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    heading = re.search(r"^## (\d+\.\d+\.\d+)(.*)$", text, flags=re.MULTILINE)
    assert heading is not None
    return heading.group(1), "unreleased" in heading.group(2)


def test_the_installed_version_is_the_package_version() -> None:
    assert version("gaodi") == gaodi.__version__


def test_the_version_is_the_changelog_release_and_says_when_unreleased() -> None:
    release, unreleased = _newest_entry()
    running = Version(gaodi.__version__)
    assert running.base_version == release
    assert running.is_devrelease == unreleased
