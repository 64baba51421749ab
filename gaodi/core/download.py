"""Names of downloaded files: what the file is, whose data (the scope), and of when.

A file saved from the board of June by a chain office and one saved by the city's administrator
must not overwrite each other, and a forwarded file must say what it is: a download's name is
its title, the scope's name (全市, the chain's or the park's name), and its period or as-of day,
e.g. 「行动计划看板_全市_2023-06.xlsx」 or 「园区报告_长沙经济技术开发区_2023年度_2024-01-15.pdf」.

The ``Content-Disposition`` header carries the name twice (RFC 6266): ``filename*`` in UTF-8
for every browser of the last decade, and ``filename`` with an ASCII name for older clients,
which cannot read the first.

Examples
--------
>>> file_name(["行动计划看板", "全市", "2023-06"], "xlsx")
'行动计划看板_全市_2023-06.xlsx'
>>> file_name(["a/b: c?", None, ""], "pdf")
'a-b- c-.pdf'
>>> print(attachment("全市_2023-06.xlsx", "city_2023-06.xlsx"))
attachment; filename="city_2023-06.xlsx"; filename*=UTF-8''%E5%85%A8%E5%B8%82_2023-06.xlsx
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import quote

from gaodi.core.text_safety import clean_text

#: Characters no file system (or Windows) accepts in a name.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_NOT_ASCII_WORD = re.compile(r"[^A-Za-z0-9._-]+")
#: Bytes of a name: file systems allow 255; room left for "(1)" a browser adds.
MAX_NAME = 180


def _part(text: str) -> str:
    text = " ".join(_UNSAFE.sub("-", clean_text(str(text))).split())
    return text.strip(" .")


def file_name(parts: Iterable[Any], suffix: str) -> str:
    """The parts that are not empty, made safe for a file system, joined by ``_``."""
    stem = "_".join(p for p in (_part(x) for x in parts if x not in (None, "")) if p)
    stem = stem or "gaodi"
    while len(stem.encode()) > MAX_NAME:
        stem = stem[:-1]
    return f"{stem}.{suffix}"


def ascii_name(parts: Iterable[Any], suffix: str) -> str:
    """The ASCII twin of :func:`file_name`: each part's letters, digits, ``.``, ``-`` and ``_``
    only (a part of Chinese only drops out).

    >>> ascii_name(["plan-board", "长沙", "2023-06"], "xlsx")
    'plan-board_2023-06.xlsx'
    """
    words = [_NOT_ASCII_WORD.sub("-", str(p)).strip("-.") for p in parts if p not in (None, "")]
    stem = "_".join(w for w in words if w)[:MAX_NAME] or "gaodi"
    return f"{stem}.{suffix}"


def attachment(name: str, fallback: str) -> str:
    """The ``Content-Disposition`` of a download named ``name`` (``fallback``: ASCII)."""
    plain = _NOT_ASCII_WORD.sub("-", fallback).strip("-") or "gaodi"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


#: The kinds of a scoped user's scope, with their words for "and N more" (zh unit, en unit).
SCOPE_KINDS = (
    ("chain_ids", "chain", ("条产业链", "chains")),
    ("park_ids", "park", ("个园区", "parks")),
    ("enterprise_ids", "enterprise", ("家企业", "enterprises")),
)


def scope_label(
    principal: Any, zh: bool, names_of: Callable[[str, Sequence[int]], list[str]]
) -> str:
    """The scope a user's files hold: 全市 / city for a user who sees the city, else the names
    of the chains, parks or enterprises the user may see (the first and how many more).
    ``names_of(kind, ids)`` gives the names of the ids of one kind (chain, park, enterprise),
    sorted: each layer passes its own loaders (this module reads no feature's tables).

    >>> from gaodi.core.permissions import Principal
    >>> office = Principal("p", "park_office", park_ids=frozenset({1, 3}))
    >>> scope_label(office, True, lambda kind, ids: ["乙园", "甲园"])
    '乙园等2个园区'
    >>> scope_label(office, False, lambda kind, ids: ["B park"])
    'B park'
    """
    if principal is None or not getattr(principal, "is_scoped", False):
        return "全市" if zh else "city"
    for attr, kind, (zh_unit, en_unit) in SCOPE_KINDS:
        ids = sorted(getattr(principal, attr, ()) or ())
        if not ids:
            continue
        names = names_of(kind, ids)
        if not names:
            continue
        if len(names) == 1:
            return names[0]
        more = len(names) - 1
        return (
            f"{names[0]}等{len(names)}{zh_unit}" if zh else f"{names[0]} and {more} more {en_unit}"
        )
    return str(principal.username)


def scope_code(principal: Any) -> str:
    """The ASCII twin of :func:`scope_label` (an ASCII file name's scope): ``city``, else the
    kind and ids of what the user may see (``park-1``, ``chain-2-5``).

    >>> from gaodi.core.permissions import Principal
    >>> scope_code(Principal("p", "park_office", park_ids=frozenset({3, 1})))
    'park-1-3'
    """
    if principal is None or not getattr(principal, "is_scoped", False):
        return "city"
    for attr, kind in (("chain_ids", "chain"), ("park_ids", "park"), ("enterprise_ids", "firm")):
        ids = sorted(getattr(principal, attr, ()) or ())
        if ids:
            return "-".join([kind, *(str(i) for i in ids[:3])]) + ("-etc" if len(ids) > 3 else "")
    return "scoped"
