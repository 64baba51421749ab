"""Precision and recall of extracted targets against a hand-written answer, field by field.

Matching rule (documented in docs/plan-extraction.md): a predicted target and an expected one
*match* when their quotes overlap in the text and they have the same value or similar
indicators; pairs are formed greedily, best score first, each target used once. Target-level
precision is matched / predicted and recall matched / expected. A field (indicator, value,
value_max, unit, year, comparator, action) counts as correct on a matched pair when it is equal
(indicators: equal after removing punctuation and 的, one containing the other, or a
``difflib`` ratio of at least 0.8); its precision is correct / predicted and its recall
correct / expected, so a missed or invented target costs every field.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gaodi.text.bands import EDGES, band_index
from gaodi.text.numerals import to_simplified

FIELDS = ("indicator", "value", "value_max", "unit", "year", "comparator", "action")


# Held-out texts whose extraction errors were read to understand a phenomenon: they count as
# tuning texts from then on. Each move is logged in tests/data/extraction_corpus/SPLIT.md with
# its reason, before the errors were read.
MOVED_TO_TUNING = frozenset(
    {
        "anhui-luan-2019",
        "china-2024b",
        "gansu-2025",
        "heilongjiang-2025",
        "zhejiang-jiaojiang-2022",
    }
)


def hash_split(name: str) -> str:
    """The split the recorded rule gives a name: held-out when the first hex digit of
    sha1(name) is 0-7."""
    return "held-out" if hashlib.sha1(name.encode()).hexdigest()[0] in "01234567" else "tuning"


def split_of(name: str) -> str:
    """'held-out' or 'tuning' for a corpus text, fixed by its name (tests/data/extraction_corpus).

    The rule was recorded before any text was collected, so nobody chooses where a text goes:
    held-out when the first hex digit of sha1(name) is 0-7, except the texts moved to tuning
    (``MOVED_TO_TUNING``, logged in SPLIT.md) once their errors were read.

    >>> split_of("chongqing-2023"), split_of("hebei-2016"), split_of("gansu-2025")
    ('held-out', 'tuning', 'tuning')
    """
    return "tuning" if name in MOVED_TO_TUNING else hash_split(name)


_PUNCT = re.compile(r"[\s“”\"'‘’()（）、，,。；;：:·—\-的]")


def _norm(s: str | None) -> str:
    # an indicator read off a page in traditional characters names the same thing
    return _PUNCT.sub("", to_simplified(s or ""))


def indicator_matches(a: str | None, b: str | None, threshold: float = 0.8) -> bool:
    """Whether two indicator phrases name the same thing.

    >>> indicator_matches("规模以上工业企业数量", "全市规模以上工业企业数量")
    True
    >>> indicator_matches("新材料产业产值", "工业增加值")
    False
    """
    x, y = _norm(a), _norm(b)
    if not x or not y:
        return x == y
    if x in y or y in x:
        return True
    return difflib.SequenceMatcher(None, x, y).ratio() >= threshold


def _same_number(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))


def field_correct(field: str, gold: Mapping[str, Any], pred: Mapping[str, Any]) -> bool:
    if field == "indicator":
        return indicator_matches(gold["indicator"], pred["indicator"])
    if field in ("value", "value_max"):
        return _same_number(gold[field], pred[field])
    if field == "unit" and gold[field] and pred[field]:
        # "億元" as annotated off a traditional page is the extractor's "亿元"
        return to_simplified(gold[field]) == to_simplified(pred[field])
    return gold[field] == pred[field]


def _spans(text: str, quote: str) -> list[tuple[int, int]]:
    out, i = [], text.find(quote)
    while i >= 0 and quote:
        out.append((i, i + len(quote)))
        i = text.find(quote, i + 1)
    return out


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> bool:
    return any(x0 < y1 and y0 < x1 for x0, x1 in a for y0, y1 in b)


def match_targets(
    text: str, gold: Sequence[Mapping[str, Any]], pred: Sequence[Mapping[str, Any]]
) -> list[tuple[int, int]]:
    """Pairs (index in gold, index in pred) of matching targets."""
    gspans = [_spans(text, g["quote"]) for g in gold]
    pspans = [_spans(text, p["quote"]) for p in pred]
    candidates: list[tuple[float, int, int]] = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            if not _overlap(gspans[i], pspans[j]):
                continue
            same_value = _same_number(g["value"], p["value"])
            similar = indicator_matches(g["indicator"], p["indicator"])
            if not (same_value or similar):
                continue
            score = 4.0 * same_value + 2.0 * similar + sum(field_correct(f, g, p) for f in FIELDS)
            candidates.append((score, i, j))
    pairs: list[tuple[int, int]] = []
    used_g: set[int] = set()
    used_p: set[int] = set()
    for _, i, j in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if i not in used_g and j not in used_p:
            pairs.append((i, j))
            used_g.add(i)
            used_p.add(j)
    return sorted(pairs)


@dataclass(frozen=True)
class Score:
    """Counts behind one precision/recall figure."""

    correct: int
    predicted: int
    expected: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_targets(
    docs: Iterable[tuple[str, Sequence[Mapping[str, Any]], Sequence[Mapping[str, Any]]]],
) -> dict[str, Score]:
    """Scores over documents given as (text, expected targets, predicted targets).

    >>> text = "到2023年,实现新材料产业产值2500亿元。"
    >>> gold = [{"indicator": "新材料产业产值", "value": 2500, "value_max": None,
    ...          "unit": "亿元", "year": 2023, "comparator": "=", "action": None,
    ...          "quote": "实现新材料产业产值2500亿元"}]
    >>> pred = [dict(gold[0], year=None)]
    >>> s = score_targets([(text, gold, pred)])
    >>> s["target"].recall, s["year"].recall, s["unit"].precision
    (1.0, 0.0, 1.0)
    """
    counts = {k: [0, 0, 0] for k in ("target", *FIELDS)}
    for text, gold, pred in docs:
        pairs = match_targets(text, gold, pred)
        for key in counts:
            counts[key][1] += len(pred)
            counts[key][2] += len(gold)
        counts["target"][0] += len(pairs)
        for i, j in pairs:
            for f in FIELDS:
                counts[f][0] += field_correct(f, gold[i], pred[j])
    return {k: Score(*v) for k, v in counts.items()}


def matched_by_band(
    text: str, gold: Sequence[Mapping[str, Any]], pred: Sequence[Mapping[str, Any]]
) -> list[tuple[int, int]]:
    """Per band of the learned model's confidence (:mod:`gaodi.text.bands`, lowest first): the
    predicted targets in it and how many of them match an expected target. A predicted target
    with no ``confidence`` is in no band.

    >>> text = "到2023年,产值达到2500亿元,企业超过100家。"
    >>> gold = [{"indicator": "产值", "value": 2500, "value_max": None, "unit": "亿元",
    ...          "year": 2023, "comparator": ">=", "action": None, "quote": "产值达到2500亿元"}]
    >>> firms = dict(gold[0], indicator="企业", value=100, unit="家", quote="企业超过100家")
    >>> pred = [dict(gold[0], confidence=0.93), dict(firms, confidence=0.6), firms]
    >>> matched_by_band(text, gold, pred)
    [(0, 0), (1, 0), (1, 1)]
    """
    hit = {j for _, j in match_targets(text, gold, pred)}
    out = [(0, 0) for _ in EDGES]
    for j, t in enumerate(pred):
        if t.get("confidence") is not None:
            k = band_index(t["confidence"])
            out[k] = (out[k][0] + 1, out[k][1] + (j in hit))
    return out


def score_actions(
    docs: Iterable[tuple[Sequence[Mapping[str, Any]], Sequence[Mapping[str, Any]]]],
) -> Score:
    """Actions found: an expected action counts when the same number has the same title."""
    correct = predicted = expected = 0
    for gold, pred in docs:
        titles = {a["number"]: _norm(a["title"]) for a in pred}
        correct += sum(titles.get(a["number"]) == _norm(a["title"]) for a in gold)
        predicted += len(pred)
        expected += len(gold)
    return Score(correct, predicted, expected)
