"""The versioned rule files of projects and appeals, and the day arithmetic they need.

``appeal_time_limits.yaml``: time limit by category, default departments, escalation levels
(what may be attached is the one upload policy, :mod:`gaodi.core.attachments`).
``project_delay.yaml``: when a project counts as behind schedule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from gaodi.core.attachments import UploadPolicy, upload_policy
from gaodi.core.errors import ValidationError
from gaodi.core.rulefile import read_yaml

RULES_DIR = Path(__file__).resolve().parent
APPEAL_RULES = RULES_DIR / "appeal_time_limits.yaml"
PROJECT_RULES = RULES_DIR / "project_delay.yaml"

UNITS = ("working_days", "calendar_days")


def _read(path: Path) -> dict[str, Any]:
    data = read_yaml(path)
    if "version" not in data:
        raise ValidationError(
            f"规则文件 {path.name} 缺少版本号或格式不对。",
            f"Rule file {path.name} lacks a version or is malformed.",
        )
    return data


@dataclass(frozen=True)
class Category:
    name: str
    en: str
    time_limit: int
    department: str
    source: str


@dataclass(frozen=True)
class EscalationLevel:
    level: int
    multiple: int
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class AppealRules:
    version: str
    effective: str
    unit: str
    assignment_limit: int
    categories: dict[str, Category]
    departments: tuple[str, ...]
    levels: tuple[EscalationLevel, ...]
    satisfaction_min: int
    satisfaction_max: int
    #: what an appeal may have attached: the one upload policy (gaodi/data/uploads.yaml)
    uploads: UploadPolicy

    @property
    def max_bytes(self) -> int:
        return self.uploads.max_bytes

    @property
    def max_files(self) -> int:
        return self.uploads.max_files

    def category(self, name: str) -> Category:
        try:
            return self.categories[name]
        except KeyError:
            raise ValidationError(
                f"未知的诉求类别“{name}”，可选：{'、'.join(self.categories)}。",
                f"Unknown appeal category '{name}'; choose one of: {', '.join(self.categories)}.",
                field="category",
            ) from None

    def category_en(self, name: str) -> str:
        """The English name of category ``name`` (the name itself for one the rules dropped)."""
        found = self.categories.get(name)
        return found.en if found is not None else name

    def level_label(self, level: int, lang: str = "zh") -> str:
        for item in self.levels:
            if item.level == level:
                return item.label_zh if lang.startswith("zh") else item.label_en
        return ""


@lru_cache(maxsize=4)
def appeal_rules(path: Path = APPEAL_RULES) -> AppealRules:
    data = _read(path)
    unit = str(data.get("unit", "working_days"))
    if unit not in UNITS:
        raise ValidationError(
            f"规则文件的时限单位“{unit}”无效，可选：{'、'.join(UNITS)}。",
            f"Invalid time-limit unit '{unit}' in the rule file; choose {', '.join(UNITS)}.",
        )
    categories = {
        str(name): Category(
            name=str(name),
            en=str(spec["en"]),
            time_limit=int(spec["time_limit"]),
            department=str(spec["department"]),
            source=str(spec.get("source", "")),
        )
        for name, spec in data["categories"].items()
    }
    levels = tuple(
        sorted(
            (
                EscalationLevel(int(x["level"]), int(x["multiple"]), x["label_zh"], x["label_en"])
                for x in data["escalation"]["levels"]
            ),
            key=lambda x: x.level,
        )
    )
    sat = data.get("satisfaction", {})
    return AppealRules(
        version=str(data["version"]),
        effective=str(data.get("effective", "")),
        unit=unit,
        assignment_limit=int(data["assignment"]["time_limit"]),
        categories=categories,
        departments=tuple(data["departments"]),
        levels=levels,
        satisfaction_min=int(sat.get("min", 1)),
        satisfaction_max=int(sat.get("max", 5)),
        uploads=upload_policy(),
    )


@dataclass(frozen=True)
class ProjectRules:
    version: str
    grace_days: int
    min_ratio: float


@lru_cache(maxsize=4)
def project_rules(path: Path = PROJECT_RULES) -> ProjectRules:
    data = _read(path)
    return ProjectRules(
        version=str(data["version"]),
        grace_days=int(data["stage"]["grace_days"]),
        min_ratio=float(data["investment"]["min_ratio"]),
    )


def add_days(start: date, n: int, unit: str) -> date:
    """The last day of a limit of ``n`` days counted from the day after ``start``.

    Working days are Monday to Friday (public holidays are not modelled).

    Examples
    --------
    >>> add_days(date(2023, 6, 2), 3, "working_days")  # Fri -> Mon, Tue, Wed
    datetime.date(2023, 6, 7)
    >>> add_days(date(2023, 6, 2), 3, "calendar_days")
    datetime.date(2023, 6, 5)
    """
    if unit == "calendar_days":
        return start + timedelta(days=n)
    day = start
    left = n
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def days_between(start: date, end: date, unit: str) -> int:
    """Days of ``unit`` after ``start`` up to and including ``end`` (0 when end <= start).

    Examples
    --------
    >>> days_between(date(2023, 6, 2), date(2023, 6, 12), "working_days")  # 5..9, 12
    6
    """
    if end <= start:
        return 0
    if unit == "calendar_days":
        return (end - start).days
    full_weeks, rest = divmod((end - start).days, 7)
    count = full_weeks * 5
    day = start + timedelta(days=7 * full_weeks)
    for _ in range(rest):
        day += timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    return count
