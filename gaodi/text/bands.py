"""How often a target is right at a given model confidence, measured on texts nobody tuned on.

The review screen shows each extracted target's probability by the learned model
(:mod:`gaodi.text.learned`). A probability alone does not tell a reviewer what to check: this
module holds, for three bands of it fixed before they were measured (below 0.5, 0.5 to below
0.8, 0.8 and above, on the two decimals shown; ``tests/data/extraction_corpus/SPLIT.md``,
2026-12-06 10:40 UTC), how many targets the extraction gave in each band on the corpus's
held-out texts and how many of those were annotated targets (the corpus's matching rule,
:mod:`gaodi.text.evaluate`). The precision of a band is matched / targets.

The figures are measured, not set: ``benchmarks/extraction_accuracy.py --corpus
--by-confidence --write`` writes ``confidence_bands.json``, and a test re-measures them, so a
retrained model or a changed rule cannot leave stale figures on the page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any, Literal

# The lower edges of the bands, in order (SPLIT.md, 2026-12-06 10:40 UTC).
EDGES = (Decimal("0"), Decimal("0.5"), Decimal("0.8"))
BandKey = Literal["check", "doubt", "sure"]
KEYS: tuple[BandKey, ...] = ("check", "doubt", "sure")  # the page's names, lowest first
FILE = "confidence_bands.json"


@dataclass(frozen=True)
class Band:
    """One band of the model's confidence and what was measured in it."""

    key: BandKey
    low: Decimal
    high: Decimal | None  # None: up to and including 1
    targets: int
    matched: int

    @property
    def precision(self) -> Decimal:
        """matched / targets, exact (0 when the band held no target)."""
        return Decimal(self.matched) / Decimal(self.targets) if self.targets else Decimal(0)

    def label(self) -> str:
        if self.high is None:
            return f"≥ {self.low:.2f}"
        return f"< {self.high:.2f}" if self.low == 0 else f"{self.low:.2f}–{self.high:.2f}"


@dataclass(frozen=True)
class Bands:
    """The bands as measured: on how many held-out texts, when, by which command."""

    bands: tuple[Band, ...]
    texts: int
    measured: str  # ISO date
    command: str

    def of(self, confidence: float | Decimal) -> Band:
        """The band of a confidence, compared on its two shown decimals."""
        return self.bands[band_index(confidence)]


def band_index(confidence: float | Decimal) -> int:
    """Which band (0 lowest) a confidence falls in, on its two shown decimals."""
    shown = Decimal(f"{float(confidence):.2f}")
    return max(i for i, edge in enumerate(EDGES) if shown >= edge)


def from_counts(counts: list[tuple[int, int]], texts: int, measured: str, command: str) -> Bands:
    """Bands from (targets, matched) per band, lowest first."""
    highs: list[Decimal | None] = [*EDGES[1:], None]
    return Bands(
        tuple(Band(k, lo, hi, t, m)
              for k, lo, hi, (t, m) in zip(KEYS, EDGES, highs, counts, strict=True)),
        texts, measured, command,
    )  # fmt: skip


def to_json(bands: Bands) -> dict[str, Any]:
    return {
        "what": "targets extracted from the held-out texts of tests/data/extraction_corpus, by "
        "band of the learned model's confidence, and how many of them are annotated targets",
        "texts": bands.texts,
        "measured": bands.measured,
        "command": bands.command,
        "bands": [
            {"low": str(b.low), "high": None if b.high is None else str(b.high),
             "targets": b.targets, "matched": b.matched}
            for b in bands.bands
        ],
    }  # fmt: skip


@cache
def measured() -> Bands:
    """The figures shipped with the package (``confidence_bands.json``)."""
    data = json.loads(resources.files("gaodi.text").joinpath(FILE).read_text(encoding="utf-8"))
    counts = [(int(b["targets"]), int(b["matched"])) for b in data["bands"]]
    return from_counts(counts, int(data["texts"]), str(data["measured"]), str(data["command"]))
