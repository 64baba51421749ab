"""Row filters of the accounts feature (gaodi.core.permissions): users and API tokens are the
administrator's domain."""

from __future__ import annotations

from gaodi.accounts.models import ApiToken, User
from gaodi.core.permissions import register_scope

register_scope(User, "admin")
register_scope(ApiToken, "admin")
