"""Code lists with their Chinese and English labels: :class:`Choice` and :class:`Choices`.

A *code list* is data: the stored code (an English identifier) and its two labels, which are
part of the domain, not of the interface — files are written with the Chinese label and read
back by code, Chinese or English label (the exchange's coded columns), reports print them in
either language, and error messages name a state in both. Such tables are :class:`Choices`:
the exchange's ``CHOICES``, the workflow states (:meth:`gaodi.core.workflow.Machine.labels`),
the plan submission statuses, the report statuses, the projects feature's object names.

Words that only the web pages show (the audit log's action and entity names in
``gaodi/web/views/admin.py``, the chain map's link statuses) stay gettext messages (``N_()``):
they are interface text, translated with the rest of the page through the catalogs, and a
translator must be able to change them without touching code.

Examples
--------
>>> levels = Choices(("national", "国家级", "national"), ("other", "其他", "other"))
>>> levels.label("national"), levels.label("national", "en"), levels.label("x")
('国家级', 'national', 'x')
>>> levels.by_label("国家级").code, levels.by_label(" Other ").code, levels.by_label("省级")
('national', 'other', None)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from gaodi.core.errors import ValidationError


@dataclass(frozen=True)
class Choice:
    """One allowed value of a code list: the stored code and its labels."""

    code: str
    zh: str
    en: str

    def label(self, lang: str = "zh") -> str:
        """The label in ``lang`` (any ``zh…`` is Chinese; everything else English)."""
        return self.zh if lang.startswith("zh") else self.en


class Choices:
    """An ordered code list. Iterating yields its :class:`Choice` items; ``code in choices``
    asks whether a code belongs to it."""

    __slots__ = ("_by_code", "items")

    def __init__(self, *items: Choice | tuple[str, str, str]) -> None:
        self.items: tuple[Choice, ...] = tuple(
            i if isinstance(i, Choice) else Choice(*i) for i in items
        )
        self._by_code = {c.code: c for c in self.items}
        if len(self._by_code) != len(self.items):
            raise ValueError("a code list names each code once")

    def __iter__(self) -> Iterator[Choice]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __repr__(self) -> str:
        return f"Choices({', '.join(c.code for c in self.items)})"

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.items)

    def get(self, code: str) -> Choice | None:
        """The item of ``code``, or None."""
        return self._by_code.get(code)

    def label(self, code: str, lang: str = "zh") -> str:
        """The label of ``code`` in ``lang``; an unknown code is shown as itself."""
        c = self._by_code.get(code)
        return c.label(lang) if c is not None else code

    def by_label(self, text: str) -> Choice | None:
        """The item whose code, Chinese or English label is ``text`` (trimmed; English
        case-insensitive), or None."""
        wanted = text.strip().casefold()
        for c in self.items:
            if wanted in (c.code.casefold(), c.zh, c.en.casefold()):
                return c
        return None

    def as_dict(self) -> dict[str, tuple[str, str]]:
        """code -> (zh, en): the shape of the older label tables, for callers that read it."""
        return {c.code: (c.zh, c.en) for c in self.items}

    def refusal(self, value: object, what_zh: str, what_en: str, field: str) -> ValidationError:
        """The one way a value outside this list is refused: what the field is, the value, and
        every allowed code (with its Chinese label where that differs), for ``field``.

        >>> status = Choices(("draft", "草稿", "draft"), ("adopted", "已印发", "adopted"))
        >>> refused = status.refusal("done", "规划状态", "plan status", "status")
        >>> refused.zh
        '规划状态“done”无效：应为 draft（草稿）或 adopted（已印发）。'
        >>> refused.en, refused.context["field"]
        ("Unknown plan status 'done': draft or adopted.", 'status')
        """
        zh = [c.code if c.zh == c.code else f"{c.code}（{c.zh}）" for c in self.items]
        codes = list(self.codes)
        return ValidationError(
            f"{what_zh}“{value}”无效：应为 {_either(zh, '、', '或 ')}。",
            f"Unknown {what_en} {value!r}: {_either(codes, ', ', ' or ')}.",
            field=field,
        )


def _either(items: list[str], sep: str, last: str) -> str:
    if len(items) == 1:
        return items[0]
    # a space before the last word only after a Latin one: ">=、<= 或 =", "draft（草稿）或 …"
    space = "" if not items[-2][-1:].isascii() or last.startswith(" ") else " "
    return sep.join(items[:-1]) + space + last + items[-1]
