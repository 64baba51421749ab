"""Opening a database loads every model, the audit listener and the permission scopes.

Commands import only their own feature (so `gaodi regions …` starts fast); this guards against
a command that writes without the audit listener or queries without row scopes.
"""

from __future__ import annotations

import subprocess
import sys

CHECK = """
from gaodi.db import make_engine
from gaodi.plans.models import Plan
make_engine("sqlite://")
from sqlalchemy import event
from sqlalchemy.orm import Session
from gaodi.audit import service as audit
from gaodi.core.permissions import _SCOPES
assert Plan in _SCOPES, "scopes not registered"
assert event.contains(Session, "after_flush", audit._after_flush), "audit listener missing"
print("ok")
"""


def test_opening_a_database_installs_audit_and_scopes() -> None:
    result = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                            timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"
