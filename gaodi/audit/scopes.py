"""Row filters of the audit feature (gaodi.core.permissions): the log is the audit domain's."""

from __future__ import annotations

from gaodi.audit.models import AuditEvent
from gaodi.core.permissions import register_scope

register_scope(AuditEvent, "audit")
