"""How far a second, blind reading of the corpus agrees with its annotations (issue #13).

Run:  .venv/bin/python benchmarks/extraction_agreement.py [--diff]

tests/data/extraction_corpus/second-reading/ holds a second annotation of a sample of the
corpus's *tuning* texts, made by readers who saw only the text and the written counting rules
(second-reading/RULES.md), never the corpus's annotation nor the extractor's output. This script
scores, on those texts, with the corpus's own matching rule (gaodi/text/evaluate.py):

* the second reading against the corpus (B vs A): how far two readers agree, the ceiling a
  precision or recall measured on this corpus can honestly claim;
* the extractor against each reading (E vs A, E vs B).

``--diff`` lists every disagreement between the two readings (tuning texts only, so reading them
cannot tune the rules on held-out text). The sample, how it was drawn and what was done with its
disagreements are in SPLIT.md (2026-12-06).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from extraction_accuracy import _print_errors  # the same listing, run from benchmarks/
from rich.console import Console
from rich.table import Table

from gaodi.text.evaluate import field_correct, match_targets, split_of
from gaodi.text.extract import extract_plan

REAL = Path(__file__).resolve().parents[1] / "tests" / "data" / "extraction_corpus"
SECOND = REAL / "second-reading"
FIELDS = ("value", "value_max", "unit", "year", "comparator")
PAIRS = ("B vs A", "E vs A", "E vs B")


def _targets(path: Path) -> list[dict]:
    # the matching rule compares actions too; neither reading numbers them
    return [dict(t, action=None) for t in json.loads(path.read_text("utf-8"))["targets"]]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--diff", action="store_true", help="list the readings' disagreements")
    args = ap.parse_args()
    counts = {k: [0, 0, 0] for k in PAIRS}  # gold, predicted, matched
    right = {k: dict.fromkeys(FIELDS, 0) for k in PAIRS}
    names = sorted(p.stem for p in SECOND.glob("*.json"))
    for name in names:
        # the study reads only tuning texts: a held-out text here would leak its annotation
        assert split_of(name) == "tuning", name
        text = (REAL / f"{name}.txt").read_text("utf-8")
        a, b = _targets(REAL / f"{name}.json"), _targets(SECOND / f"{name}.json")
        e = [dict(t, action=None) for t in extract_plan(text).model_dump()["targets"]]
        for key, gold, pred in (("B vs A", a, b), ("E vs A", a, e), ("E vs B", b, e)):
            pairs = match_targets(text, gold, pred)
            for k, n in enumerate((len(gold), len(pred), len(pairs))):
                counts[key][k] += n
            for i, j in pairs:
                for f in FIELDS:
                    right[key][f] += field_correct(f, gold[i], pred[j])
            if args.diff and key == "B vs A":
                _print_errors(name, text, gold, pred, FIELDS, ("only A", "only B"))
    table = Table(title=f"second reading of {len(names)} tuning texts")
    for col in ("pair", "gold", "predicted", "matched", "precision", "recall", *FIELDS):
        table.add_column(col, justify="left" if col == "pair" else "right")
    for key in PAIRS:
        gold, pred, matched = counts[key]
        table.add_row(
            key,
            str(gold),
            str(pred),
            str(matched),
            f"{matched / pred if pred else 1:.3f}",
            f"{matched / gold if gold else 1:.3f}",
            *(f"{right[key][f] / matched if matched else 1:.2f}" for f in FIELDS),
        )
    Console(width=120).print(table)


if __name__ == "__main__":
    main()
