"""The type of a ``select`` of any number of columns.

SQLAlchemy 2.1 types ``Select`` by its whole row (``Select[int, str]`` for two columns), so
``Select[Any]`` means a select of exactly one column and a helper taking any query must say
"any row": this alias says it once.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from sqlalchemy import Select

AnySelect: TypeAlias = Select[*tuple[Any, ...]]
