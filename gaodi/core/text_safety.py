"""Text that cannot break a file or turn into a formula: control characters and CSV injection.

Two hazards of stored text, handled here once for every input and every export:

* **Control characters.** XML 1.0 (the inside of .xlsx and .docx) forbids C0 controls other
  than tab, line feed and carriage return, and lone surrogates; a single ``\\x0b`` (Word's soft
  line break, pasted into a form) made openpyxl and python-docx raise, so every export and report
  holding that text failed. :func:`clean_text` turns vertical tab and form feed into a line break
  and drops the rest (with DEL and the C1 block, which no office text needs). It runs at input
  as the last line of defence (every ORM write) and again at every writer, so text stored before
  this rule existed still exports. Where a person types or uploads text, it is refused instead,
  with the field (or the sheet, row and column) named: :data:`CleanStr` in the pydantic inputs
  of the JSON API, the web forms and the CLI, and the importer's text conversion.
* **Formula injection (CSV injection).** A spreadsheet program evaluates a cell that begins with
  ``=``, ``+``, ``-`` or ``@`` (and tab or carriage return, and the full-width forms that Chinese
  input methods type). Following OWASP's rule, :func:`neutralise` prefixes such a text with a
  single quote in CSV files; .xlsx files store it as a string cell (see :mod:`gaodi.core.excel`).
  :func:`unneutralise` removes exactly the quote :func:`neutralise` added, so an exported file
  imports back to the same value: a text that already starts with quotes before a trigger gets one
  more, and loses one on the way back.

References
----------
OWASP, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection
W3C, "Extensible Markup Language (XML) 1.0", production [2] Char.

Examples
--------
>>> clean_text("第一行\\x0b第二行\\x1d")
'第一行\\n第二行'
>>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("-5"), neutralise("长沙")
('\\'=HYPERLINK("http://x")', "'-5", '长沙')
>>> unneutralise(neutralise("'=1")) == "'=1"
True
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel
from pydantic_core import PydanticCustomError

from gaodi.core.errors import ValidationError

#: What XML 1.0 forbids or no office text needs: C0 but tab/LF/CR, DEL, C1, surrogates, U+FFFE/F.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})
#: Characters that make a spreadsheet read a cell as a formula (ASCII and full-width forms).
FORMULA_TRIGGERS = "=+-@\t\r＝＋－＠"
_NEEDS_QUOTE = re.compile(f"^'*[{re.escape(FORMULA_TRIGGERS)}]")
_ADDED_QUOTE = re.compile(f"^'+[{re.escape(FORMULA_TRIGGERS)}]")


#: Unicode's Default_Ignorable_Code_Point: the code points a renderer shows as nothing when it
#: does not support them, assigned or not (Unicode Character Database, DerivedCoreProperties.txt,
#: "Derived Property: Default_Ignorable_Code_Point", Unicode 15.1 and 16.0 alike; UAX #44 §5.3 and
#: Unicode Standard §5.21). Kept as the standard's ranges because Python's ``unicodedata`` has no
#: property lookup and its own data may be older than the text people paste:
#:
#: ====================  ====  ================================================================
#: 00AD                  Cf    soft hyphen
#: 034F                  Mn    combining grapheme joiner
#: 061C                  Cf    Arabic letter mark
#: 115F..1160            Lo    Hangul choseong/jungseong fillers
#: 17B4..17B5            Mn    Khmer inherent vowels AQ, AA
#: 180B..180F            Mn/Cf Mongolian free variation selectors, vowel separator
#: 200B..200F            Cf    zero width space, joiners, direction marks
#: 202A..202E            Cf    bidirectional embeddings and overrides
#: 2060..206F            Cf/Cn word joiner, invisible operators, isolates, (reserved 2065)
#: 3164                  Lo    Hangul filler
#: FE00..FE0F            Mn    variation selectors 1-16
#: FEFF                  Cf    zero width no-break space (byte-order mark)
#: FFA0                  Lo    halfwidth Hangul filler
#: FFF0..FFF8            Cn    reserved
#: 1BCA0..1BCA3          Cf    shorthand format controls
#: 1D173..1D17A          Cf    musical symbol beam and phrase controls
#: E0000..E0FFF          Cf/Mn/Cn tags, variation selectors 17-256 (E0100..E01EF), reserved
#: ====================  ====  ================================================================
_DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
_IGNORABLE = re.compile(
    "[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in _DEFAULT_IGNORABLE) + "]"
)
#: Categories that never show on their own: controls, format characters, and combining marks
#: (Mn, Me), which draw on the character before them and so show nothing without a base.
_SHOW_NOTHING = frozenset({"Cc", "Cf", "Mn", "Me"})
#: The braille blank: a symbol, not default-ignorable, but every font draws it empty.
_BRAILLE_BLANK = "\u2800"


def _shows(char: str) -> bool:
    return not (
        char.isspace()
        or unicodedata.category(char) in _SHOW_NOTHING
        or char == _BRAILLE_BLANK
        or _IGNORABLE.match(char) is not None
    )


def has_visible(text: str | None) -> bool:
    """Whether ``text`` holds a character a reader can see: the test of every required reason.

    ``str.strip()`` keeps format characters (category Cf: zero-width space U+200B, word joiner
    U+2060, byte-order mark U+FEFF, direction marks U+200E/F...), so a "reason" that shows as
    nothing on every page and in every export passed a ``not text.strip()`` test. Such a text
    counts as missing. "Shows nothing" is decided by Unicode properties, not a list of examples:
    white space, categories Cc and Cf, every Default_Ignorable_Code_Point (``_DEFAULT_IGNORABLE``:
    variation selectors 17-256, Khmer inherent vowels, Hangul fillers, tags, reserved ones), and
    combining marks (Mn, Me), which need a base character to show at all. A reason that has a
    visible character is kept as typed: the format characters inside it can carry meaning
    (U+200D joins emoji, U+200C shapes some scripts).

    >>> has_visible("资金未到位"), has_visible(" \u3000\u00a0"), has_visible("\u200b\u2060\ufeff")
    (True, False, False)
    >>> has_visible(None), has_visible("\u200e \u3164"), has_visible("\u200b说明")
    (False, False, True)
    >>> has_visible("\U000e0100\u17b4"), has_visible("\u0301"), has_visible("e\u0301")
    (False, False, True)
    """
    return any(_shows(c) for c in text or "")


#: The longest reason or comment a step takes, characters: a paragraph or two. One limit for
#: every feature's forms, JSON API, CLI and Excel import (the projects' steps, a plan
#: submission's return and unlock); far below an Excel cell's 32,767, so an export holds every
#: reason whole and re-imports as it is.
MAX_REASON = 2000


def too_long(
    text: str | None, limit: int = MAX_REASON, what: tuple[str, str] = ("说明", "The note")
) -> tuple[str, str] | None:
    """(zh, en) when ``text`` is longer than ``limit`` characters, the count and the limit
    written with the thousands separator, as the API's and the forms' caps say them.

    >>> too_long("长" * 2001)[0]
    '说明过长：2,001 个字符，最多 2,000 个字符。'
    >>> too_long("x" * 101, 100, ("姓名", "The name"))[1]
    'The name is too long: 101 characters, at most 100.'
    """
    if text is None or len(text) <= limit:
        return None
    zh, en = what
    return (
        f"{zh}过长：{len(text):,} 个字符，最多 {limit:,} 个字符。",
        f"{en} is too long: {len(text):,} characters, at most {limit:,}.",
    )


def has_illegal(text: str) -> bool:
    """Whether ``text`` holds a character :func:`clean_text` would change."""
    return _ILLEGAL.search(text) is not None


def find_illegal(text: str) -> str | None:
    """The first character of ``text`` that :func:`clean_text` would change, or None."""
    match = _ILLEGAL.search(text)
    return match.group() if match else None


def illegal_message(char: str) -> tuple[str, str]:
    """What to tell a person whose text holds ``char`` (Chinese, English).

    >>> illegal_message("\\x0b")[1]
    'Contains an invisible control character (U+000B); delete it and try again.'
    """
    code = f"U+{ord(char):04X}"
    return (
        f"含有不可见的控制字符（{code}），请删除后重试。",
        f"Contains an invisible control character ({code}); delete it and try again.",
    )


def refuse_illegal(text: str) -> str:
    """``text`` unchanged, or a pydantic error (type ``control_character``) naming the character.

    The message holds both languages: the JSON API shows it as it is, the web forms translate
    the error type.
    """
    char = find_illegal(text)
    if char is None:
        return text
    zh, en = illegal_message(char)
    raise PydanticCustomError(
        "control_character", "{zh} / {en}", {"zh": zh, "en": en, "char": f"U+{ord(char):04X}"}
    )


#: A text field of an input (JSON body, form, CLI option, query): refuses control characters.
CleanStr = Annotated[str, AfterValidator(refuse_illegal)]

#: What a required name, title or text made only of invisible characters is told (zh, en).
INVISIBLE_MESSAGE = ("名称不能为空（只含不可见字符）", "must have a visible character")


def refuse_invisible(text: str) -> str:
    """``text`` unchanged, or a pydantic error (type ``invisible_text``) when it has no
    character a reader can see (:func:`has_visible`): a project named U+200B showed as an
    invisible link that nobody could click.

    The message holds both languages, as :func:`refuse_illegal`'s does.
    """
    if has_visible(text):
        return text
    zh, en = INVISIBLE_MESSAGE
    raise PydanticCustomError("invisible_text", "{zh} / {en}", {"zh": zh, "en": en})


#: A required name, title or text of an input: no control character, and at least one
#: character that shows (``min_length=1`` and ``strip()`` let "\u200b" through).
VisibleText = Annotated[str, AfterValidator(refuse_illegal), AfterValidator(refuse_invisible)]


def _first_illegal(value: Any, where: str) -> tuple[str, str] | None:
    if isinstance(value, str):
        char = find_illegal(value)
        return (where, char) if char is not None else None
    if isinstance(value, BaseModel):
        items: Any = ((name, getattr(value, name)) for name in type(value).model_fields)
    elif isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list | tuple | set | frozenset):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _first_illegal(key, where) if isinstance(key, str) else None
        found = found or _first_illegal(item, f"{where}.{key}" if where else str(key))
        if found:
            return found
    return None


def check_input(value: Any, name: str = "") -> None:
    """Raise a :class:`~gaodi.core.errors.ValidationError` naming the first field of ``value``
    (a pydantic model, a dict, a list or a text; ``name`` when it is a bare text) that holds a
    control character: the net under every JSON operation, whatever its models declare.
    """
    found = _first_illegal(value, "" if isinstance(value, BaseModel) else name)
    if found is None:
        return
    field, char = found
    zh, en = illegal_message(char)
    raise ValidationError(f"{field}：{zh}", f"{field}: {en}", field=field)


def clean_text(text: str) -> str:
    """``text`` without control characters (vertical tab and form feed become line breaks)."""
    if _ILLEGAL.search(text) is None:
        return text
    return _ILLEGAL.sub("", text.translate(_BREAKS))


def clean_value(value: Any) -> Any:
    """:func:`clean_text` applied to a string, or to the strings inside lists and dicts."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_value(v) for v in value]
    if isinstance(value, tuple):
        return tuple(clean_value(v) for v in value)
    if isinstance(value, dict):
        return {clean_value(k): clean_value(v) for k, v in value.items()}
    return value


def neutralise(text: str) -> str:
    """A CSV cell's text that no spreadsheet evaluates (OWASP: prefix a single quote)."""
    return "'" + text if _NEEDS_QUOTE.match(text) else text


def unneutralise(text: str) -> str:
    """The inverse of :func:`neutralise`: drop the one quote it added before a trigger."""
    return text[1:] if _ADDED_QUOTE.match(text) else text


def csv_cell(value: Any) -> Any:
    """A value ready for a CSV writer: strings cleaned and neutralised, others unchanged."""
    return neutralise(clean_text(value)) if isinstance(value, str) else value


#: The same two rules in the regex dialect of polars (Rust: no surrogates in its strings).
_ILLEGAL_RS = r"[\x00-\x08\x0E-\x1F\x7F-\x{9F}\x{FFFE}\x{FFFF}]"
_NEEDS_QUOTE_RS = r"^'*[=+\-@\t\r＝＋－＠]"


def csv_frame(frame: Any) -> Any:
    """A polars DataFrame ready for ``write_csv``: :func:`csv_cell` on every text column.

    >>> import polars as pl
    >>> csv_frame(pl.DataFrame({"region": ["=1+1", "长沙\\x0b"], "lq": [-1.5, 2.0]})).rows()
    [("'=1+1", -1.5), ('长沙\\n', 2.0)]
    """
    import polars as pl

    texts = [name for name, kind in frame.schema.items() if kind == pl.String]
    if not texts:
        return frame
    cleaned = [
        pl.col(c).str.replace_all(r"[\x0B\x0C]", "\n").str.replace_all(_ILLEGAL_RS, "")
        for c in texts
    ]
    frame = frame.with_columns(cleaned)
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(_NEEDS_QUOTE_RS))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in texts
    )
