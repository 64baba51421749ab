"""The rules of a chain and of a link, one set for every entry point (the form, the JSON API
and the Excel import go through :mod:`gaodi.chains.batch`, which applies them).

A link: a name of 1 to 100 characters and a code of at most 32; segment up, mid or down;
GB/T 4754-2017 industry codes that are divisions, groups or classes; keywords, exclusions and
codes split by :func:`split_words`. The refusals' words are here too, so a bad row reads the
same from the form and from a file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from gaodi.core.dbint import RowId
from gaodi.core.errors import ConflictError, NotFoundError, PermissionDenied, ValidationError
from gaodi.core.reference import validate_industry_code
from gaodi.core.text_safety import VisibleText

Mode = Literal["insert", "upsert"]
NAME_MAX = 100
CODE_MAX = 32
SEGMENTS = ("up", "mid", "down")
#: the GB/T 4754 levels a link's industry codes may have (2, 3 or 4 digits; not a 门类 letter)
LINK_LEVELS = ("division", "group", "class")
#: the columns a link row sets (its chain and parent aside)
LINK_COLUMNS = (
    "code",
    "name",
    "segment",
    "industry_codes",
    "keywords",
    "exclude_keywords",
    "key_link",
    "sort_order",
    "description",
)
#: the columns a chain row sets
CHAIN_COLUMNS = (
    "code",
    "name",
    "kind",
    "office",
    "chief",
    "name_status",
    "source",
    "description",
    "is_demo",
)
WORDS = ("industry_codes", "keywords", "exclude_keywords")
SPLIT = re.compile(r"[,，、;；|\s]+")


def split_words(value: Any) -> list[str]:
    """A list from a list or from text separated by commas, 、, semicolons, bars or white
    space; trimmed, duplicates dropped, order kept. Every entry point's lists go through it
    (the import's cells are split again, so a keyword reads the same from a form and a file).

    Examples
    --------
    >>> split_words("液压泵、液压阀, 液压泵")
    ['液压泵', '液压阀']
    >>> split_words(["液压 油缸", "轴承|齿轮"])
    ['液压', '油缸', '轴承', '齿轮']
    """
    items = value if isinstance(value, (list, tuple)) else [value]
    out: list[str] = []
    for item in items:
        for part in SPLIT.split(str(item or "")):
            word = part.strip()
            if word and word not in out:
                out.append(word)
    return out


class LinkInput(BaseModel):
    """A link as the edit form and the JSON API submit it."""

    name: VisibleText = Field(min_length=1, max_length=NAME_MAX)
    code: str | None = Field(None, max_length=CODE_MAX)
    segment: Literal["up", "mid", "down"] = "mid"
    parent_id: RowId | None = None
    industry_codes: list[str] = Field(default_factory=list, max_length=50)
    keywords: list[str] = Field(default_factory=list, max_length=200)
    exclude_keywords: list[str] = Field(default_factory=list, max_length=200)
    key_link: bool = False
    sort_order: int | None = Field(None, ge=0, le=100_000, description="None: keep (new: 0)")
    description: str | None = Field(None, max_length=2000, description="None: keep")

    @field_validator("name", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    @field_validator("code", "description", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    @field_validator("parent_id", mode="before")
    @classmethod
    def _blank_parent(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("industry_codes", "keywords", "exclude_keywords", mode="before")
    @classmethod
    def _words(cls, value: Any) -> list[str]:
        return split_words(value)

    @field_validator("key_link", mode="before")
    @classmethod
    def _flag(cls, value: Any) -> Any:
        if isinstance(value, list):
            value = value[-1] if value else False
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "on", "yes", "是")
        return value


def industry_codes(codes: Iterable[str]) -> list[str]:
    """A link's GB/T 4754-2017 codes, each a division, group or class (a 门类 letter prefix as
    in ``C3511`` is read as its class), as the standard writes them, duplicates dropped.

    >>> industry_codes(["3444", "C3511", "3444"])
    ['3444', '3511']
    """
    out: list[str] = []
    for code in codes:
        try:
            row = validate_industry_code(code)
        except ValidationError as exc:
            raise ValidationError(exc.zh, exc.en, field="industry_codes") from None
        if row.level not in LINK_LEVELS:
            raise ValidationError(
                f"行业代码“{code}”是门类；环节的行业代码须为大类、中类或小类（2至4位数字）。",
                f"Industry code '{code}' is a section; a link's industry codes are divisions, "
                "groups or classes (2 to 4 digits).",
                field="industry_codes",
            )
        if row.code not in out:
            out.append(row.code)
    return out


def text(value: Any, column: str, what_zh: str, what_en: str, most: int, *, need: bool) -> Any:
    """A trimmed text of at most ``most`` characters (None when blank, refused if ``need``)."""
    text = value.strip() if isinstance(value, str) else value
    if text in (None, ""):
        if need:
            raise ValidationError(
                f"{what_zh}不能为空。", f"The {what_en} is required.", field=column
            )
        return None
    if len(str(text)) > most:
        raise ValidationError(
            f"{what_zh}最多 {most} 个字符（现有 {len(str(text))} 个）。",
            f"The {what_en} has at most {most} characters ({len(str(text))} given).",
            field=column,
        )
    return text


def link_columns(given: dict[str, Any], *, new: bool) -> dict[str, Any]:
    """``given`` checked and normalised by the rules of a link (a new one needs a name)."""
    out = dict(given)
    if "name" in out or new:
        out["name"] = text(out.get("name"), "name", "环节名称", "link name", NAME_MAX, need=True)
    if "code" in out:
        out["code"] = text(out["code"], "code", "环节代码", "link code", CODE_MAX, need=False)
    if "segment" in out or new:
        segment = out.get("segment") or "mid"
        if segment not in SEGMENTS:
            raise ValidationError(
                f"上中下游“{segment}”无效：应为上游、中游或下游。",
                f"Segment '{segment}' must be up, mid or down.",
                field="segment",
            )
        out["segment"] = segment
    for key in WORDS:
        if key in out or new:
            out[key] = split_words(out.get(key) or [])
    if "industry_codes" in out:
        out["industry_codes"] = industry_codes(out["industry_codes"])
    if "key_link" in out or new:
        out["key_link"] = bool(out.get("key_link"))
    if new and out.get("sort_order") is None:
        out["sort_order"] = 0
    return out


def widened(given: dict[str, Any], stored: dict[str, Any] | None) -> str | None:
    """The first column of ``given`` (checked link columns) by which the link's rule would match
    an enterprise the ``stored`` rule (None: a new link) does not: an industry code or a keyword
    added, or an exclusion taken off. Confidence is a noisy-OR of the evidence, so any added
    code or keyword can lift a firm over the threshold; dropping one can only lower it."""
    before = stored or {}
    for key in ("industry_codes", "keywords"):
        if key in given and set(given[key]) - set(before.get(key) or ()):
            return key
    key = "exclude_keywords"
    if key in given and set(before.get(key) or ()) - set(given[key]):
        return key
    return None


def wider_rule(column: str) -> PermissionDenied:
    """A chain office widening a link's rule: the next ``gaodi chains map`` would attach, and
    show it the figures of, firms the bureau never approved (the proposals' rule)."""
    return PermissionDenied(
        "放宽环节的匹配规则（增加行业代码或关键词、删除排除词）会把链外企业映射到本链，"
        "须由工信局管理员修改；要加入个别企业，请在环节页“提议”，经审核后加入。",
        "Widening a link's matching rule (adding industry codes or keywords, removing "
        "exclusions) would map firms from outside the chain onto it: an administrator of the "
        "bureau makes that change. To add a firm, propose it on the link page for approval.",
        field=column,
    )


def clash(chain: str, code: str) -> ConflictError:
    return ConflictError(
        f"产业链“{chain}”已有编码为“{code}”的环节。",
        f"Chain '{chain}' already has a link with code '{code}'.",
        field="code",
    )


def no_chain(chain: str, *, file: bool) -> NotFoundError:
    where_zh, where_en = (
        ("（文件的“产业链”表和系统中都没有）", " (neither in the file nor the database)")
        if file
        else ("", "")
    )
    return NotFoundError(
        f"产业链“{chain}”不存在{where_zh}。",
        f"Chain '{chain}' does not exist{where_en}.",
        field="chain_code",
    )


def not_in_chain(parent: Any, chain: str) -> ValidationError:
    return ValidationError(
        f"上级环节“{parent}”不在产业链“{chain}”中。",
        f"Parent link '{parent}' is not in chain '{chain}'.",
        field="parent_code",
    )


def cycle(code: Any) -> ValidationError:
    return ValidationError(
        f"环节“{code}”的上级关系形成循环。",
        f"The parents of link '{code}' form a cycle.",
        field="parent_code",
    )


def duplicate(first: int) -> ValidationError:
    return ValidationError(
        f"与本批第 {first + 1} 行重复。", f"Duplicates row {first + 1} of the batch.", field="code"
    )


def chain_columns(given: dict[str, Any], *, new: bool) -> dict[str, Any]:
    """``given`` checked by the rules of a chain (a new one needs a name)."""
    out = dict(given)
    if "name" in out or new:
        out["name"] = text(out.get("name"), "name", "产业链名称", "chain name", NAME_MAX, need=True)
    if "code" in out:
        out["code"] = text(out["code"], "code", "产业链代码", "chain code", CODE_MAX, need=True)
    return out
