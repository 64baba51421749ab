"""Errors the user can act on.

Every error Gaodi raises on purpose is a :class:`GaodiError`: it carries a Chinese and an
English message and, for data problems, where the problem is (sheet, row, column, value).
Pages, the API and the CLI show ``message(lang)``; nothing catches them silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class GaodiError(Exception):
    """Base of every deliberate error. ``zh`` and ``en`` are complete sentences."""

    status_code = 400
    code = "error"

    def __init__(self, zh: str, en: str | None = None, **context: Any) -> None:
        self.zh = zh
        self.en = en or zh
        self.context = context
        super().__init__(self.en)

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang.startswith("zh") else self.en

    def to_dict(self, lang: str = "zh") -> dict[str, Any]:
        out: dict[str, Any] = {
            "error": self.code,
            "message": self.message(lang),
            "message_zh": self.zh,
            "message_en": self.en,
        }
        if self.context:
            out["context"] = {k: _jsonable(v) for k, v in self.context.items()}
        return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


class ValidationError(GaodiError):
    """Input that cannot be accepted as it stands (a value, a code, a parameter)."""

    status_code = 422
    code = "validation_error"


class NotFoundError(GaodiError):
    status_code = 404
    code = "not_found"


class PermissionDenied(GaodiError):
    status_code = 403
    code = "forbidden"


class ConflictError(GaodiError):
    """The request contradicts the current state (duplicate, illegal transition, locked)."""

    status_code = 409
    code = "conflict"


class DataError(GaodiError):
    """Degenerate or inconsistent data handed to an analytics function."""

    status_code = 422
    code = "data_error"


@dataclass(frozen=True)
class CellError:
    """One bad cell of an import: where it is, what it holds, why it is refused."""

    sheet: str
    row: int
    column: str
    value: Any
    reason_zh: str
    reason_en: str

    def as_row(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": "" if self.value is None else str(self.value),
            "reason_zh": self.reason_zh,
            "reason_en": self.reason_en,
        }


@dataclass
class ImportRejected(GaodiError):
    """An import with at least one bad cell: nothing was written."""

    errors: list[CellError] = field(default_factory=list)

    def __post_init__(self) -> None:
        n = len(self.errors)
        GaodiError.__init__(
            self,
            f"导入被拒绝：发现 {n} 处错误，未写入任何数据。",
            f"Import rejected: {n} error(s) found; nothing was written.",
        )

    status_code = 422
    code = "import_rejected"
