"""Precision and recall of ``extract_plan`` on the hand-annotated corpus in tests/data/plans.

Run:  .venv/bin/python benchmarks/extraction_accuracy.py [--markdown] [--errors]

The corpus is split (tests/data/plans/corpus.json) into *dev* texts, read while the rules
were written; *held-out* texts, annotated at the same time, first run once the rules were
frozen (four fixes followed from reading its errors); and *held-out-2* texts, annotated after
those fixes and before the extractor was ever run on them. The matching rule is in
gaodi/text/evaluate.py.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from gaodi.text.evaluate import (
    FIELDS,
    Score,
    field_correct,
    match_targets,
    score_actions,
    score_targets,
)
from gaodi.text.extract import extract_plan

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "plans"


def load(name: str) -> tuple[str, dict, dict]:
    text = (CORPUS / f"{name}.txt").read_text(encoding="utf-8")
    gold = json.loads((CORPUS / f"{name}.expected.json").read_text(encoding="utf-8"))
    pred = extract_plan(text).model_dump()
    return text, gold, pred


def evaluate(names: list[str]) -> tuple[dict[str, Score], Score, int]:
    docs = [load(n) for n in names]
    targets = score_targets((t, g["targets"], p["targets"]) for t, g, p in docs)
    actions = score_actions((g["actions"], p["actions"]) for _, g, p in docs)
    return targets, actions, sum(len(t) for t, _, _ in docs)


def splits() -> dict[str, list[str]]:
    corpus = json.loads((CORPUS / "corpus.json").read_text(encoding="utf-8"))
    return {
        "dev": corpus["dev"],
        "held-out": corpus["heldout"],
        "held-out-2": corpus["heldout2"],
        "all": corpus["dev"] + corpus["heldout"] + corpus["heldout2"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--markdown", action="store_true", help="print a markdown table")
    ap.add_argument(
        "--errors",
        choices=("dev", "held-out", "held-out-2", "all"),
        help="list missed and invented targets of this split",
    )
    args = ap.parse_args()
    rows = []
    for split, names in splits().items():
        targets, actions, chars = evaluate(names)
        rows.append((split, len(names), chars, targets, actions))
    if args.markdown:
        head = "| split | texts | field | expected | predicted | correct | precision | recall |"
        print(head)
        print("|" + "---|" * 8)
        for split, n, _, targets, actions in rows:
            for key in ("target", *FIELDS):
                s = targets[key]
                print(
                    f"| {split} | {n} | {key} | {s.expected} | {s.predicted} | {s.correct} | "
                    f"{s.precision:.2f} | {s.recall:.2f} |"
                )
            print(
                f"| {split} | {n} | actions | {actions.expected} | {actions.predicted} | "
                f"{actions.correct} | {actions.precision:.2f} | {actions.recall:.2f} |"
            )
    else:
        console = Console()
        for split, n, chars, targets, actions in rows:
            table = Table(title=f"{split}: {n} texts, {chars} characters")
            for col in ("field", "expected", "predicted", "correct", "precision", "recall"):
                table.add_column(col, justify="right" if col != "field" else "left")
            for key in ("target", *FIELDS):
                s = targets[key]
                table.add_row(
                    key,
                    str(s.expected),
                    str(s.predicted),
                    str(s.correct),
                    f"{s.precision:.2f}",
                    f"{s.recall:.2f}",
                )
            table.add_row(
                "actions",
                str(actions.expected),
                str(actions.predicted),
                str(actions.correct),
                f"{actions.precision:.2f}",
                f"{actions.recall:.2f}",
            )
            console.print(table)
    if args.errors:
        for name in splits()[args.errors]:
            text, gold, pred = load(name)
            pairs = match_targets(text, gold["targets"], pred["targets"])
            gi, pj = {i for i, _ in pairs}, {j for _, j in pairs}
            for i, g in enumerate(gold["targets"]):
                if i not in gi:
                    print(
                        f"{name}: MISSED   {g['indicator']} {g['value']} {g['unit']} | {g['quote']}"
                    )
            for j, p in enumerate(pred["targets"]):
                if j not in pj:
                    print(
                        f"{name}: INVENTED {p['indicator']} {p['value']} {p['unit']} | {p['quote']}"
                    )
            for i, j in pairs:
                g, p = gold["targets"][i], pred["targets"][j]
                bad = [f"{f}: {g[f]!r} != {p[f]!r}" for f in FIELDS if not field_correct(f, g, p)]
                if bad:
                    print(f"{name}: FIELD    {g['indicator']} {g['value']} | " + "; ".join(bad))


if __name__ == "__main__":
    main()
