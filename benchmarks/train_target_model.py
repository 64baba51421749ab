"""Train the model of gaodi/text/learned.py on the corpus's tuning texts, and measure it.

Run:  .venv/bin/python benchmarks/train_target_model.py --cv     (5-fold, by text; a table)
      .venv/bin/python benchmarks/train_target_model.py --write  (gaodi/text/target_model.json)
      .venv/bin/python benchmarks/train_target_model.py --check  (retrain; is the file that?)

Only tuning texts are read (``split_of``); each quantity of a text (``scan_quantities``) is one
example. Its label comes from the annotation alone: a quantity is a target when an annotated
target has the same value and a quote that overlaps the quantity's clause. Its features are
``quantity_features``, with ``taken`` set from the rules' *first* decision on the text
(tests/data/extraction_corpus/first-runs.json, benchmarks/first_runs.py): on a text they have
not seen, the rules decide like that, not like the rules tuned on it.

``--cv`` splits the tuning texts into five folds by text (scikit-learn's GroupKFold), trains on
four and judges the fifth, and prints, at the level of quantities, the rules' first decisions
against the same decisions with the targets the model gives less than t set aside, for several
t. The threshold shipped (``SET_ASIDE_BELOW``) was read from that table, on tuning texts only.

The trainer is LightGBM with fixed parameters, one thread and ``deterministic``: the same
texts give the same file. ``--check`` retrains in full and compares every tree; the test suite
(tests/text/test_learned.py) checks the same more cheaply: the file's digest of the examples is
the one the trainer computes from the texts now, and a fit of the first trees gives the file's
first trees exactly (boosting grows tree k from the same data, parameters and random state
whatever the number of trees asked for).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "data" / "extraction_corpus"
MODEL = ROOT / "gaodi" / "text" / "target_model.json"
PARAMS = {
    "objective": "binary",
    "n_estimators": 400,
    "learning_rate": 0.05,
    "num_leaves": 31,
    "min_child_samples": 10,
    "colsample_bytree": 0.3,
    "deterministic": True,
    "force_row_wise": True,
    "n_jobs": 1,
    "random_state": 0,
    "verbose": -1,
}
THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5)


@dataclass(frozen=True)
class Example:
    text: str
    features: dict[str, float]
    label: bool
    taken: bool


def examples(names: list[str] | None = None) -> list[Example]:
    """One example per quantity of each tuning text (all tuning texts by default)."""
    from gaodi.text.evaluate import split_of
    from gaodi.text.extract import read_text
    from gaodi.text.learned import quantity_features
    from gaodi.text.numerals import scan_quantities
    from gaodi.text.targets import _CLAUSE_DELIMS, _bounds

    first = json.loads((REAL / "first-runs.json").read_text(encoding="utf-8"))
    if names is None:
        names = sorted(n for n in first if split_of(n) == "tuning")
    out: list[Example] = []
    for name in names:
        if split_of(name) != "tuning":
            raise SystemExit(f"{name} is a held-out text: the model learns from tuning texts only")
        ctx = read_text((REAL / f"{name}.txt").read_text(encoding="utf-8")).ctx
        annotated = json.loads((REAL / f"{name}.json").read_text(encoding="utf-8"))["targets"]
        spans = []
        for g in annotated:
            values = {float(v) for v in (g["value"], g.get("value_max")) if v is not None}
            i = ctx.text.find(g["quote"])
            while i >= 0:
                spans.append((i, i + len(g["quote"]), values))
                i = ctx.text.find(g["quote"], i + 1)
        taken = {int(start) for start, _ in first[name]["taken"]}
        for q in scan_quantities(ctx.text):
            c0, c1 = _bounds(ctx.norm, q.start, _CLAUSE_DELIMS)
            label = any(
                a < c1 and c0 < b and any(abs(v - q.value) <= 1e-9 * max(1.0, v) for v in vs)
                for a, b, vs in spans
            )
            rule = q.start in taken
            out.append(Example(name, quantity_features(ctx, q, rule), label, rule))
    return out


def digest(data: list[Example]) -> str:
    """sha256 of what the model learns from: each example's text, features and label, in order."""
    import hashlib

    rows = [[e.text, sorted(e.features.items()), e.label] for e in data]
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8")).hexdigest()


def named_trees(plain: dict, count: int | None = None) -> list[dict]:
    """The first ``count`` trees (all by default) of a plain model, each split naming its feature
    (a file numbers the features in the order its trees first use them)."""
    names = plain["features"]
    return [
        {**tree, "feature": [None if f is None else names[f] for f in tree["feature"]]}
        for tree in plain["trees"][:count]
    ]


def _fit(train: list[Example], trees: int | None = None):  # -> (LGBMClassifier, DictVectorizer)
    import numpy as np
    from lightgbm import LGBMClassifier
    from sklearn.feature_extraction import DictVectorizer

    vec = DictVectorizer(dtype=np.float32)
    x = vec.fit_transform([e.features for e in train])
    model = LGBMClassifier(**{**PARAMS, "n_estimators": trees or PARAMS["n_estimators"]})
    model.fit(x, np.array([e.label for e in train]))
    return model, vec


def cross_validate(data: list[Example]) -> dict[float, tuple[int, int, int]]:
    """(correct, predicted, expected) quantities by threshold; 0.0 is the rules alone."""
    import numpy as np
    from sklearn.model_selection import GroupKFold

    groups = np.array([e.text for e in data])
    chance = np.zeros(len(data))
    for train, test in GroupKFold(5).split(data, groups=groups):
        model, vec = _fit([data[i] for i in train])
        x = vec.transform([data[i].features for i in test])
        chance[test] = model.predict_proba(x)[:, 1]
    expected = sum(e.label for e in data)
    out = {}
    for t in (0.0, *THRESHOLDS):
        kept = [e.taken and p >= t for e, p in zip(data, chance, strict=True)]
        correct = sum(k and e.label for k, e in zip(kept, data, strict=True))
        out[t] = (correct, sum(kept), expected)
    return out


def export(model, vec) -> dict:
    """The trees in the plain form ``gaodi.text.learned.Forest`` reads."""
    names = vec.get_feature_names_out()
    dump = model.booster_.dump_model()
    used: dict[int, int] = {}
    trees = []
    for info in dump["tree_info"]:
        tree: dict[str, list] = {
            k: [] for k in ("leaf", "value", "feature", "threshold", "left", "right", "zero_left")
        }

        def add(node: dict, tree: dict[str, list] = tree) -> int:
            i = len(tree["leaf"])
            for k in tree:
                tree[k].append(None)
            if "leaf_value" in node:
                tree["leaf"][i], tree["value"][i] = True, node["leaf_value"]
                return i
            if node["decision_type"] != "<=" or node["missing_type"] not in ("None", "Zero"):
                raise SystemExit(f"a split the reader cannot follow: {node['decision_type']}")
            feature = used.setdefault(node["split_feature"], len(used))
            zero_left = (
                node["default_left"] if node["missing_type"] == "Zero" else node["threshold"] >= 0
            )
            tree["leaf"][i], tree["value"][i] = False, node["internal_value"]
            tree["feature"][i], tree["threshold"][i] = feature, node["threshold"]
            tree["zero_left"][i] = zero_left
            tree["left"][i] = add(node["left_child"])
            tree["right"][i] = add(node["right_child"])
            return i

        add(info["tree_structure"])
        trees.append(tree)
    features = [str(names[k]) for k, _ in sorted(used.items(), key=lambda kv: kv[1])]
    return {
        "meta": {
            "trainer": "LightGBM " + __import__("lightgbm").__version__,
            "params": PARAMS,
            "trained_on": "the tuning texts of tests/data/extraction_corpus with first-runs.json",
        },
        "features": features,
        "trees": trees,
    }


def write(data: list[Example], path: Path = MODEL) -> dict:
    model, vec = _fit(data)
    plain = export(model, vec)
    plain["meta"]["texts"] = len({e.text for e in data})
    plain["meta"]["examples"] = len(data)
    plain["meta"]["examples_sha256"] = digest(data)
    path.write_text(json.dumps(plain, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")
    return plain


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cv", action="store_true", help="cross-validate on tuning texts")
    parser.add_argument("--write", action="store_true", help=f"train and write {MODEL.name}")
    parser.add_argument("--check", action="store_true", help=f"retrain; does {MODEL.name} agree?")
    args = parser.parse_args()
    if not (args.cv or args.write or args.check):
        parser.error("say --cv, --write or --check")
    data = examples()
    print(f"{len({e.text for e in data})} tuning texts, {len(data)} quantities, "
          f"{sum(e.label for e in data)} annotated as targets, {sum(e.taken for e in data)} "
          "taken by the rules' first run")  # fmt: skip
    if args.cv:
        from rich.console import Console
        from rich.table import Table

        table = Table(title="5-fold by text, tuning texts only: quantities")
        for col in ("decision", "correct", "predicted", "expected", "precision", "recall", "F1"):
            table.add_column(col, justify="right")
        for t, (c, p, e) in cross_validate(data).items():
            prec, rec = c / p if p else 1.0, c / e if e else 1.0
            f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
            label = "rules' first run" if t == 0.0 else f"… set aside below {t}"
            table.add_row(label, str(c), str(p), str(e), f"{prec:.3f}", f"{rec:.3f}", f"{f1:.3f}")
        Console().print(table)
    if args.check:
        shipped = json.loads(MODEL.read_text("utf-8"))
        model, vec = _fit(data)
        fresh = named_trees(export(model, vec))
        same = [a == b for a, b in zip(fresh, named_trees(shipped), strict=False)]
        ok = len(fresh) == len(shipped["trees"]) and all(same)
        ok = ok and shipped["meta"].get("examples_sha256") == digest(data)
        print(f"{MODEL.relative_to(ROOT)}: {sum(same)} of {len(shipped['trees'])} trees as "
              f"retrained, examples {'as' if ok else 'NOT as'} digested")  # fmt: skip
        if not ok:
            return 1
    if args.write:
        plain = write(data)
        print(f"{MODEL.relative_to(ROOT)}: {len(plain['trees'])} trees, "
              f"{len(plain['features'])} features used")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
