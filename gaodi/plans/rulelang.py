"""A small, safe language for user-defined validation rules (no ``eval``).

A rule compares two arithmetic expressions over reported values of one period::

    sum(chain_output@park) <= chain_output@city
    industrial_investment@city >= 0.2 * chain_output@city
    energy_intensity <= 0.6

Grammar (hand-written recursive descent; anything else is a syntax error)::

    rule    := expr CMP expr                       CMP: <= >= < > = ==
    expr    := term (("+" | "-") term)*
    term    := factor (("*" | "/") factor)*
    factor  := NUMBER | ref | "sum" "(" ref ")" | "(" expr ")" | "-" factor
    ref     := CODE ("@" SCOPE)?                   CODE: an indicator code (a-z, 0-9, _)
    SCOPE   := "city" | "park" | "chain" | "park:" ID | "chain:" ID | "self"

``CODE`` alone (or ``@self``) is the value of the series being submitted; ``CODE@park`` inside
``sum(...)`` is the sum over every park's value. A reference with no value for the period makes
the rule *not evaluable* (reported, never a failure).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from gaodi.core.errors import ValidationError

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|(?P<cmp><=|>=|==|<|>|=)"
    r"|(?P<op>[-+*/()@:])|(?P<name>[A-Za-z_][A-Za-z0-9_]*))"
)
SCOPES = ("city", "park", "chain", "self")
COMPARATORS = {
    "<=": lambda a, b: a <= b + 1e-9 * max(1.0, abs(b)),
    ">=": lambda a, b: a >= b - 1e-9 * max(1.0, abs(b)),
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "=": lambda a, b: math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9),
    "==": lambda a, b: math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9),
}


@dataclass(frozen=True)
class Ref:
    """A reported value: indicator ``code`` at ``scope`` (``scope_id`` None: every one)."""

    code: str
    scope: str = "self"
    scope_id: int | None = None
    total: bool = False  # inside sum(...)

    def __str__(self) -> str:
        at = "" if self.scope == "self" else f"@{self.scope}"
        if self.scope_id is not None:
            at += f":{self.scope_id}"
        text = f"{self.code}{at}"
        return f"sum({text})" if self.total else text


@dataclass(frozen=True)
class Num:
    value: float

    def __str__(self) -> str:
        return f"{self.value:g}"


@dataclass(frozen=True)
class BinOp:
    op: str
    left: Node
    right: Node

    def __str__(self) -> str:
        return f"({self.left} {self.op} {self.right})"


@dataclass(frozen=True)
class Neg:
    operand: Node

    def __str__(self) -> str:
        return f"-{self.operand}"


Node = Num | Ref | BinOp | Neg


@dataclass(frozen=True)
class Rule:
    left: Node
    comparator: str
    right: Node

    def refs(self) -> list[Ref]:
        out: list[Ref] = []

        def walk(node: Node) -> None:
            if isinstance(node, Ref):
                out.append(node)
            elif isinstance(node, BinOp):
                walk(node.left)
                walk(node.right)
            elif isinstance(node, Neg):
                walk(node.operand)

        walk(self.left)
        walk(self.right)
        return out

    @property
    def codes(self) -> set[str]:
        return {r.code for r in self.refs()}


def _syntax(text: str, where: int, what_zh: str, what_en: str) -> ValidationError:
    return ValidationError(
        f"规则“{text}”在第 {where + 1} 个字符处有误：{what_zh}。",
        f"Rule {text!r} is invalid at character {where + 1}: {what_en}.",
        field="expression",
    )


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            start = pos + (len(text[pos:]) - len(text[pos:].lstrip()))
            raise _syntax(text, start, f"无法识别“{text[start]}”", f"unexpected {text[start]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind), m.start(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, value: str | None = None, kind: str | None = None) -> tuple[str, str, int]:
        tok = self.peek()
        if tok is None:
            raise _syntax(self.text, len(self.text), "规则不完整", "the rule is incomplete")
        if (value is not None and tok[1] != value) or (kind is not None and tok[0] != kind):
            want = value or kind or ""
            raise _syntax(self.text, tok[2], f"应为“{want}”", f"expected {want!r}, got {tok[1]!r}")
        self.i += 1
        return tok

    def rule(self) -> Rule:
        left = self.expr()
        cmp = self.take(kind="cmp")[1]
        right = self.expr()
        tok = self.peek()
        if tok is not None:
            raise _syntax(self.text, tok[2], f"多余的“{tok[1]}”", f"unexpected {tok[1]!r}")
        return Rule(left, cmp, right)

    def expr(self) -> Node:
        node = self.term()
        while (tok := self.peek()) is not None and tok[1] in ("+", "-"):
            self.i += 1
            node = BinOp(tok[1], node, self.term())
        return node

    def term(self) -> Node:
        node = self.factor()
        while (tok := self.peek()) is not None and tok[1] in ("*", "/"):
            self.i += 1
            node = BinOp(tok[1], node, self.factor())
        return node

    def factor(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise _syntax(self.text, len(self.text), "规则不完整", "the rule is incomplete")
        kind, value, _ = tok
        if kind == "num":
            self.i += 1
            return Num(float(value))
        if value == "-":
            self.i += 1
            return Neg(self.factor())
        if value == "(":
            self.i += 1
            node = self.expr()
            self.take(")")
            return node
        if kind == "name" and value == "sum":
            self.i += 1
            self.take("(")
            ref = self.ref()
            self.take(")")
            return Ref(ref.code, ref.scope, ref.scope_id, total=True)
        if kind == "name":
            return self.ref()
        raise _syntax(self.text, tok[2], f"不应出现“{value}”", f"unexpected {value!r}")

    def ref(self) -> Ref:
        code = self.take(kind="name")[1]
        tok = self.peek()
        if tok is None or tok[1] != "@":
            return Ref(code)
        self.i += 1
        scope_tok = self.take(kind="name")
        scope = scope_tok[1]
        if scope not in SCOPES:
            raise _syntax(
                self.text,
                scope_tok[2],
                f"范围须为 {'/'.join(SCOPES)}",
                f"the scope must be one of {', '.join(SCOPES)}",
            )
        scope_id = None
        nxt = self.peek()
        if nxt is not None and nxt[1] == ":":
            self.i += 1
            scope_id = int(self.take(kind="num")[1].split(".")[0])
        return Ref(code, scope, scope_id)


def parse_rule(text: str) -> Rule:
    """Parse a rule; a :class:`ValidationError` names the position of any mistake.

    Examples
    --------
    >>> r = parse_rule("sum(chain_output@park) <= chain_output@city")
    >>> str(r.left), r.comparator, str(r.right), sorted(r.codes)
    ('sum(chain_output@park)', '<=', 'chain_output@city', ['chain_output'])
    """
    if not text or not text.strip():
        raise ValidationError("规则为空。", "The rule is empty.", field="expression")
    return _Parser(text).rule()


Resolver = Callable[[Ref], float | None]


@dataclass(frozen=True)
class RuleResult:
    """``passed`` is None when a referenced value is missing (not evaluable)."""

    passed: bool | None
    left: float | None
    right: float | None
    missing: tuple[str, ...]

    def explain(self, rule: Rule, lang: str = "zh") -> str:
        if self.passed is None:
            names = ", ".join(self.missing)
            return f"缺少数值：{names}，规则未检查。" if lang == "zh" else f"Missing: {names}."
        verdict = (
            ("通过" if self.passed else "未通过")
            if lang == "zh"
            else ("passed" if self.passed else "failed")
        )
        return (
            f"{rule.left} = {self.left:,.4g} {rule.comparator} {rule.right} = "
            f"{self.right:,.4g}：{verdict}"
            if lang == "zh"
            else f"{rule.left} = {self.left:,.4g} {rule.comparator} {rule.right} = "
            f"{self.right:,.4g}: {verdict}"
        )


def evaluate(rule: Rule, resolve: Resolver) -> RuleResult:
    """Evaluate ``rule`` with values from ``resolve`` (None: no value).

    Examples
    --------
    >>> r = parse_rule("sum(x@park) <= x@city")
    >>> values = {"x@park": 9800.0, "x@city": 9600.0}
    >>> res = evaluate(r, lambda ref: values.get(str(ref).removeprefix("sum(").rstrip(")")))
    >>> res.passed, res.left, res.right
    (False, 9800.0, 9600.0)
    """
    missing: list[str] = []

    def value(node: Node) -> float | None:
        if isinstance(node, Num):
            return node.value
        if isinstance(node, Ref):
            v = resolve(node)
            if v is None:
                missing.append(str(node))
            return v
        if isinstance(node, Neg):
            inner = value(node.operand)
            return None if inner is None else -inner
        a, b = value(node.left), value(node.right)
        if a is None or b is None:
            return None
        if node.op == "+":
            return a + b
        if node.op == "-":
            return a - b
        if node.op == "*":
            return a * b
        if b == 0:
            missing.append(f"{node.right} ≠ 0")
            return None
        return a / b

    left, right = value(rule.left), value(rule.right)
    if left is None or right is None:
        return RuleResult(None, left, right, tuple(missing))
    return RuleResult(bool(COMPARATORS[rule.comparator](left, right)), left, right, ())
