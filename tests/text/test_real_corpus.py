"""The real corpus of issue #13 (tests/data/extraction_corpus): its make-up, its annotations'
consistency, and floors on the extractor's scores set from the measured figures.

Measured with ``benchmarks/extraction_accuracy.py --corpus`` (docs/benchmarks/
extraction-corpus.md): held-out precision 0.78 and recall 0.86, tuning 1.00 and 1.00; after
five more texts (SPLIT.md, log) held-out 0.79 and 0.86 (37 texts), tuning 1.00 and 0.99 (23
texts). After the evening round (55 more texts, five held-out texts moved to tuning, SPLIT.md)
held-out 0.86 and 0.88 (62 texts), tuning 0.97 and 0.99 (53 texts). The floors are the figures
minus about 0.03 for the held-out part (a regression guard, not the issue's 0.95 bar, which is
not met) and 0.02-0.04 for the tuning part. New held-out texts move the held-out figure by
themselves (2026-12-05, sixth round: six texts took precision from 0.85 to 0.83 before any
rule changed; later batches of reviews moved it to 0.67 the same way), so the floor on all
held-out texts follows the corpus as it grows (SPLIT.md logs each move), and a second floor holds
on a fixed set: the 106 held-out texts of the corpus at 932eb69 (held-out-2026-12-05.list),
measured 0.85 and 0.88 at the end of the 2026-12-05 afternoon round. The night round's 39
held-out texts (first runs 0.59 / 0.69 and 0.69 / 0.57, SPLIT.md) took all held-out texts from
recall 0.84 to 0.79, so that floor's recall moved from 0.80 to 0.75. The late-evening rounds of
the same day (308 more texts, 155 held-out, SPLIT.md) left all held-out texts at 0.78 / 0.79 and
took the fixed set to 0.88 / 0.90, so its floor moved from (0.82, 0.85) to (0.85, 0.87); the 153
new tuning texts (first runs as low as 0.57 precision) left tuning at 0.95 / 0.93, so its floor
moved from (0.94, 0.95) to (0.93, 0.92). The night's fifth and sixth rounds (144 more texts,
68 held-out, 76 tuning; SPLIT.md) brought tuning texts whose first runs missed a quarter of
their targets, and the tuning recall floor moved from 0.92 to 0.91; the seventh round (90 more,
40 tuning at 0.78 / 0.80 on their first run) moved the tuning floor to (0.92, 0.90), and the eighth
(76 more, 36 tuning at 0.85 / 0.57 on their first run) to (0.91, 0.88). At the end of that night
(532 held-out texts at 0.80 / 0.80, tuning 518 at 0.92 / 0.90) the floor on all held-out texts
moved from (0.70, 0.75) to (0.77, 0.77) and the tuning floor to (0.90, 0.88), each about 0.03
and 0.02 under the figure.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

import pytest

from gaodi.text.bands import EDGES, measured
from gaodi.text.evaluate import MOVED_TO_TUNING, match_targets, matched_by_band, split_of
from gaodi.text.extract import extract_plan, normalize_newlines

DATA = Path(__file__).resolve().parents[1] / "data" / "extraction_corpus"
NAMES = sorted(p.stem for p in DATA.glob("*.txt"))


def _load(name: str) -> tuple[str, dict]:
    text = normalize_newlines((DATA / f"{name}.txt").read_text(encoding="utf-8"))
    return text, json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def test_corpus_make_up() -> None:
    sources = [_load(n)[1]["source"] for n in NAMES]
    assert len(NAMES) >= 50
    assert len({s["province"] for s in sources}) >= 20
    assert all(s["url"].startswith("http") and s["title"] for s in sources)
    held_out = [n for n in NAMES if split_of(n) == "held-out"]
    assert len(held_out) >= 30 and len(NAMES) - len(held_out) >= 15


def test_split_follows_the_recorded_rule() -> None:
    log = (DATA / "SPLIT.md").read_text(encoding="utf-8")
    for name in NAMES:
        first = hashlib.sha1(name.encode()).hexdigest()[0]
        by_hash = "held-out" if first in "01234567" else "tuning"
        if name in MOVED_TO_TUNING:
            # only a held-out text can move, and only with its move written in the log
            assert by_hash == "held-out" and f"`{name}`" in log, name
            assert split_of(name) == "tuning"
        else:
            assert split_of(name) == by_hash


@pytest.mark.parametrize("name", NAMES)
def test_annotations_quote_their_text(name: str) -> None:
    text, ann = _load(name)
    assert ann["name"] == name
    for t in ann["targets"]:
        assert t["quote"] in text, t["quote"]
        assert t["comparator"] in (">=", "<=", "=")
        assert t["value_max"] is None or t["value_max"] >= t["value"]


# the held-out texts of 2026-12-05 before the afternoon round: a set that later texts do not move
FIXED = [
    ln.strip()
    for ln in (DATA / "held-out-2026-12-05.list").read_text(encoding="utf-8").splitlines()
    if ln.strip() and not ln.startswith("#")
]


@cache
def _counts(split: str) -> tuple[int, int, int, tuple[tuple[int, int], ...]]:
    """matched, predicted, expected, and (targets, matched) per band of the model's confidence."""
    matched = predicted = expected = 0
    bands = [(0, 0) for _ in EDGES]
    names = FIXED if split == "held-out-2026-12-05" else [n for n in NAMES if split_of(n) == split]
    for name in names:
        text, ann = _load(name)
        gold = [dict(t, action=None) for t in ann["targets"]]
        pred = [dict(t, action=None) for t in extract_plan(text).model_dump()["targets"]]
        matched += len(match_targets(text, gold, pred))
        predicted += len(pred)
        expected += len(gold)
        by_band = matched_by_band(text, gold, pred)
        bands = [(a + c, b + d) for (a, b), (c, d) in zip(bands, by_band, strict=True)]
    return matched, predicted, expected, tuple(bands)


def _scores(split: str) -> tuple[float, float]:
    matched, predicted, expected, _ = _counts(split)
    return matched / predicted, matched / expected


@pytest.mark.parametrize(
    ("split", "floor"),
    [
        ("held-out", (0.77, 0.77)),
        ("held-out-2026-12-05", (0.85, 0.87)),
        ("tuning", (0.90, 0.88)),
    ],
)
def test_scores_stay_above_their_floors(split: str, floor: tuple[float, float]) -> None:
    precision, recall = _scores(split)
    assert precision >= floor[0] and recall >= floor[1], (split, precision, recall)


def test_the_confidence_figures_the_review_screen_quotes_are_as_measured() -> None:
    # gaodi/text/confidence_bands.json, written by extraction_accuracy.py --by-confidence
    # --write: a retrained model or a changed rule must re-measure them, not leave them stale
    shipped = measured()
    *_, bands = _counts("held-out")
    assert shipped.texts == sum(split_of(n) == "held-out" for n in NAMES)
    assert [(b.targets, b.matched) for b in shipped.bands] == list(bands)
    # the bands are ordered as the page reads them: the surer, the more often right
    precisions = [b.precision for b in shipped.bands]
    assert precisions == sorted(precisions), precisions


def test_the_fixed_held_out_set_is_held_out_and_present() -> None:
    assert len(FIXED) == 106
    assert all(n in NAMES and split_of(n) == "held-out" for n in FIXED)


def test_the_second_reading_reads_tuning_texts_only_and_quotes_them() -> None:
    """second-reading/ (SPLIT.md, 2026-12-06) may hold no held-out text: its disagreements are
    read, and reading them on held-out text would tune the rules there."""
    second = sorted((DATA / "second-reading").glob("*.json"))
    assert len(second) == 80
    for path in second:
        ann = json.loads(path.read_text(encoding="utf-8"))
        assert ann["name"] == path.stem and path.stem in NAMES
        assert split_of(path.stem) == "tuning", path.stem
        text, _ = _load(path.stem)
        for t in ann["targets"]:
            assert t["quote"] in text, (path.stem, t["quote"])
            assert t["comparator"] in (">=", "<=", "=")
