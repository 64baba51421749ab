"""Precision and recall of ``extract_plan`` on the hand-annotated corpus in tests/data/plans.

Run:  .venv/bin/python benchmarks/extraction_accuracy.py [--markdown] [--errors]

The corpus is split (tests/data/plans/corpus.json) into *dev* texts, read while the rules
were written; *held-out* texts, annotated at the same time, first run once the rules were
frozen (four fixes followed from reading its errors); and *held-out-2* texts, annotated after
those fixes and before the extractor was ever run on them. The matching rule is in
gaodi/text/evaluate.py.

It also scores the larger corpus of real texts in tests/data/extraction_corpus (issue #13): per
text and overall, held-out and tuning apart (the split is fixed by the text's name, see
SPLIT.md there): precision, recall, and on the matched targets the share with the right year,
comparator, value and unit.

Run:  .venv/bin/python benchmarks/extraction_accuracy.py --corpus [--per-text]
      [--corpus-errors SPLIT] [--by-hash] [--before-round3] [--rules-only] [--reach]
      [--by-confidence [--write]]

``--rules-only`` scores the rules' targets alone; by default the learned model of
gaodi/text/learned.py sets aside the targets it judges unlikely, as ``extract_plan`` does.

``--reach`` counts, per split, the annotated targets a reviewer finds among the targets, among
them and those set aside, and among all three lists with the numbers the model suggested (the
suggestions are not targets: they do not change precision or recall above).

``--by-confidence`` counts, per split, the targets in three bands of the model's confidence in
them (below 0.5, 0.5–0.8, 0.8 and above) and how many in each are annotated targets; with
``--write`` the held-out figures go to gaodi/text/confidence_bands.json, quoted by the review
screen.

``--by-hash --before-round3`` scores the held-out texts of the split as it stood before the
third round (37 texts), the like-for-like comparison of rules across rounds.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table

from gaodi.text import bands
from gaodi.text.evaluate import (
    FIELDS,
    Score,
    field_correct,
    hash_split,
    match_targets,
    matched_by_band,
    score_actions,
    score_targets,
    split_of,
)
from gaodi.text.extract import extract_plan

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "plans"
REAL = Path(__file__).resolve().parents[1] / "tests" / "data" / "extraction_corpus"
# fields scored on the real corpus: its annotations do not number actions
REAL_FIELDS = ("value", "value_max", "unit", "year", "comparator", "indicator")


# Texts added in the third round (2026-12-04 evening, docs/benchmarks/extraction-corpus.md):
# ``--before-round3`` leaves them out, to compare the rules on the texts held before it.
ROUND3 = frozenset(
    {
        "anhui-2024", "anhui-huaibei-2024", "anhui-lujiang-2021", "china-2024", "china-2024b",
        "china-2025", "china-2025b", "chongqing-chengkou-2025", "fujian-2018",
        "fujian-quanzhou-2023", "heilongjiang-2022", "heilongjiang-2025", "hunan-2024",
        "hunan-xiangxi-2021", "jiangxi-2024", "shaanxi-xian-2020", "shaanxi-xian-2025",
        "shaanxi-xian-2026", "shanxi-shuozhou-2025", "sichuan-2010", "tianjin-2025",
        "xizang-2010", "xizang-2012", "beijing-2025", "shanghai-2021", "shanghai-2021b",
        "shanghai-2021c", "shanghai-2022", "zhejiang-dongtou-2023", "china-2021", "china-2021b",
        "guangdong-longgang-2025", "guangxi-yulin-2025", "hebei-handan-2025",
        "neimenggu-chifeng-2025", "tianjin-dongli-2024", "fujian-2021", "henan-xinyang-2024",
        "henan-zhumadian-2026", "hubei-wuhan-2025", "tianjin-2023", "china-2022", "china-2025c",
        "henan-xuchang-2015", "hunan-yiyang-2016", "fujian-quanzhou-2022", "gansu-jiayuguan-2023",
        "henan-xinxiang-2024", "hunan-shaoyang-2023", "jiangsu-nantong-2019",
        "jiangxi-shanggao-2024", "anhui-fanchang-2022", "fujian-zhangpu-2020", "hubei-shayang-2024",
        "qinghai-haidong-2020",
    }
)  # fmt: skip
# set by the command line: the split by the hash alone (moved texts back in held-out), and
# the texts held before the third round only
BY_HASH = False
BEFORE_ROUND3 = False
# set by --only / --without: the names of a list file (one per line, as
# tests/data/extraction_corpus/round9-2026-12-06.list) to keep, or to leave out
ONLY: frozenset[str] | None = None
WITHOUT: frozenset[str] = frozenset()
# set by --rules-only: score the rules' targets alone, without the learned model's second
# opinion (gaodi/text/learned.py), which sets aside the targets it judges unlikely
SECOND_OPINION = True


def real_texts() -> dict[str, list[str]]:
    """Names of the real corpus's texts by split."""
    names = sorted(p.stem for p in REAL.glob("*.txt"))
    if BEFORE_ROUND3:
        names = [n for n in names if n not in ROUND3]
    names = [n for n in names if (ONLY is None or n in ONLY) and n not in WITHOUT]
    split = hash_split if BY_HASH else split_of
    return {
        "held-out": [n for n in names if split(n) == "held-out"],
        "tuning": [n for n in names if split(n) == "tuning"],
    }


def load_real(name: str) -> tuple[str, dict, list[dict], list[dict]]:
    """(text, source, expected targets, predicted targets) of one text of the real corpus."""
    text = (REAL / f"{name}.txt").read_text(encoding="utf-8")
    ann = json.loads((REAL / f"{name}.json").read_text(encoding="utf-8"))
    pred = [t for t in extract_plan(text, SECOND_OPINION).model_dump()["targets"]]
    gold = [dict(t, action=None) for t in ann["targets"]]
    for t in pred:
        t["action"] = None  # not annotated on this corpus
    return text, ann["source"], gold, pred


@dataclass
class TextScore:
    name: str
    province: str
    expected: int
    predicted: int
    matched: int
    fields: dict[str, int]  # matched pairs with the field right

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    def accuracy(self, field: str) -> float:
        return self.fields[field] / self.matched if self.matched else 1.0


def score_real(name: str) -> TextScore:
    text, source, gold, pred = load_real(name)
    pairs = match_targets(text, gold, pred)
    fields = {f: sum(field_correct(f, gold[i], pred[j]) for i, j in pairs) for f in REAL_FIELDS}
    return TextScore(name, source["province"], len(gold), len(pred), len(pairs), fields)


def total(scores: list[TextScore], name: str) -> TextScore:
    fields = {f: sum(s.fields[f] for s in scores) for f in REAL_FIELDS}
    return TextScore(
        name,
        f"{len({s.province for s in scores})} provinces",
        sum(s.expected for s in scores),
        sum(s.predicted for s in scores),
        sum(s.matched for s in scores),
        fields,
    )


def _names_of(path: str) -> frozenset[str]:
    return frozenset(
        ln.strip() for ln in Path(path).read_text(encoding="utf-8").splitlines() if ln.strip()
    )


#: coarse kinds of text, the first word of the source's ``kind`` that names one
KINDS = (
    "work report",
    "statistic",
    "review",
    "press",
    "interview",
    "plan",
    "notice",
    "policy",
    "news",
)


def kind_of(source: dict) -> str:
    """The coarse kind of a corpus text, read off its source's ``kind`` ("news mixing…" → news)."""
    kind = source["kind"].lower()
    return next((k for k in KINDS if k in kind), "other")


def print_by_kind() -> None:
    """Totals per split and coarse kind of text: where the errors are, no text's own listed."""
    console = Console()
    for split, names in real_texts().items():
        groups: dict[str, list[TextScore]] = {}
        for n in names:
            source = json.loads((REAL / f"{n}.json").read_text(encoding="utf-8"))["source"]
            groups.setdefault(kind_of(source), []).append(score_real(n))
        rows = [total(scores, kind) for kind, scores in groups.items()]
        rows.sort(key=lambda r: -r.expected)
        console.print(_real_table(f"real corpus, {split}: by kind of text", rows))


def print_real(per_text: bool, errors: str | None) -> None:
    console = Console()
    totals = []
    for split, names in real_texts().items():
        scores = [score_real(n) for n in names]
        totals.append(total(scores, f"{split} ({len(names)} texts)"))
        if per_text:
            console.print(_real_table(f"real corpus, {split}: per text", scores))
    totals.append(total([score_real(n) for ns in real_texts().values() for n in ns], "all"))
    console.print(_real_table("real corpus (tests/data/extraction_corpus): overall", totals))
    if errors:
        names = [n for s, ns in real_texts().items() for n in ns if errors in (s, "all")]
        for name in names:
            text, _, gold, pred = load_real(name)
            _print_errors(name, text, gold, pred, REAL_FIELDS)


@dataclass
class Reach:
    """What a reviewer sees of a text's annotated targets: among the targets, among those the
    model set aside, and among the numbers it suggested (each matched to an annotated target
    the earlier lists did not hold)."""

    expected: int = 0
    targets: int = 0
    kept: int = 0  # annotated targets matched by a target
    set_aside: int = 0
    restored: int = 0  # … by a target set aside
    suggested: int = 0
    adopted: int = 0  # … by a suggestion
    adopted_as_read: int = 0  # … with every field right (year, comparator, value, unit, name)

    def add(self, other: Reach) -> None:
        for k in vars(self):
            setattr(self, k, getattr(self, k) + getattr(other, k))


def reach_real(name: str) -> Reach:
    text = (REAL / f"{name}.txt").read_text(encoding="utf-8")
    ann = json.loads((REAL / f"{name}.json").read_text(encoding="utf-8"))["targets"]
    gold = [dict(t, action=None) for t in ann]  # actions are not annotated on this corpus
    found = extract_plan(text).model_dump()
    out = Reach(expected=len(gold))
    left = list(range(len(gold)))
    for listed, count, hit in (
        (found["targets"], "targets", "kept"),
        ([s["target"] for s in found["set_aside"]], "set_aside", "restored"),
        ([s["target"] for s in found["suggested"]], "suggested", "adopted"),
    ):
        listed = [dict(t, action=None) for t in listed]
        pairs = match_targets(text, [gold[i] for i in left], listed)
        setattr(out, count, len(listed))
        setattr(out, hit, len(pairs))
        if hit == "adopted":
            out.adopted_as_read = sum(
                all(field_correct(f, gold[left[i]], listed[j]) for f in REAL_FIELDS)
                for i, j in pairs
            )
        matched = {left[i] for i, _ in pairs}
        left = [i for i in left if i not in matched]
    return out


def print_reach() -> None:
    """Per split: the share of the annotated targets a reviewer finds among the targets, among
    them and the targets set aside, and among all three lists with the suggestions; how many
    of the set-aside targets and of the suggestions are targets not otherwise listed, and how
    many of those suggestions have every field as annotated (adopted without a mend)."""
    table = Table(title="real corpus: within the reviewer's reach (second opinion)")
    cols = ("split", "expected", "in targets", "+ set aside", "+ suggested", "set aside",
            "restorable", "suggested", "adoptable", "as read", "suggested a text")  # fmt: skip
    for col in cols:
        table.add_column(col, justify="left" if col == "split" else "right")
    for split, names in real_texts().items():
        r = Reach()
        for n in names:
            r.add(reach_real(n))
        e = max(r.expected, 1)
        table.add_row(
            f"{split} ({len(names)} texts)",
            str(r.expected),
            f"{r.kept} ({r.kept / e:.3f})",
            f"{r.kept + r.restored} ({(r.kept + r.restored) / e:.3f})",
            f"{r.kept + r.restored + r.adopted} ({(r.kept + r.restored + r.adopted) / e:.3f})",
            str(r.set_aside),
            str(r.restored),
            str(r.suggested),
            f"{r.adopted} ({r.adopted / max(r.suggested, 1):.2f})",
            str(r.adopted_as_read),
            f"{r.suggested / max(len(names), 1):.2f}",
        )
    Console().print(table)


def confidence_real(name: str) -> list[tuple[int, int]]:
    """Per band of the model's confidence: the targets extracted from the text and how many of
    them match an annotated target."""
    text = (REAL / f"{name}.txt").read_text(encoding="utf-8")
    ann = json.loads((REAL / f"{name}.json").read_text(encoding="utf-8"))["targets"]
    gold = [dict(t, action=None) for t in ann]
    listed = [dict(t, action=None) for t in extract_plan(text).model_dump()["targets"]]
    return matched_by_band(text, gold, listed)


def measure_bands() -> dict[str, bands.Bands]:
    """Per split: the targets and annotated targets in each band of the model's confidence."""
    out = {}
    for split, names in real_texts().items():
        sums = [(0, 0) for _ in bands.EDGES]
        for n in names:
            sums = [(a + c, b + d) for (a, b), (c, d) in zip(sums, confidence_real(n), strict=True)]
        command = "benchmarks/extraction_accuracy.py --corpus --by-confidence --write"
        out[split] = bands.from_counts(sums, len(names), date.today().isoformat(), command)
    return out


def print_by_confidence(write: bool) -> None:
    """Per split and band of the model's confidence: targets, how many are annotated targets,
    their precision and share of the split's targets. ``write``: the held-out figures go to
    gaodi/text/confidence_bands.json, which the review screen quotes."""
    table = Table(title="real corpus: targets by the model's confidence")
    for col in ("split", "band", "targets", "matched", "precision", "share of targets"):
        table.add_column(col, justify="left" if col in ("split", "band") else "right")
    measured = measure_bands()
    for split, found in measured.items():
        every = max(sum(b.targets for b in found.bands), 1)
        for b in found.bands:
            share = b.targets / every
            table.add_row(f"{split} ({found.texts} texts)", b.label(), str(b.targets),
                          str(b.matched), f"{b.precision:.3f}", f"{share:.2f}")  # fmt: skip
    Console().print(table)
    if write:
        path = Path(bands.__file__).with_name(bands.FILE)
        data = bands.to_json(measured["held-out"])
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path}")


def _real_table(title: str, rows: list[TextScore]) -> Table:
    table = Table(title=title)
    cols = ("text", "province", "expected", "predicted", "matched", "precision", "recall")
    for col in (*cols, "year", "comparator", "value", "unit", "indicator"):
        table.add_column(col, justify="left" if col in ("text", "province") else "right")
    for r in rows:
        table.add_row(
            r.name,
            r.province,
            str(r.expected),
            str(r.predicted),
            str(r.matched),
            f"{r.precision:.2f}",
            f"{r.recall:.2f}",
            *(f"{r.accuracy(f):.2f}" for f in ("year", "comparator", "value", "unit", "indicator")),
        )
    return table


def _print_errors(
    name: str,
    text: str,
    gold: list[dict],
    pred: list[dict],
    fields: tuple[str, ...],
    labels: tuple[str, str] = ("MISSED  ", "INVENTED"),
) -> None:
    """Targets of ``gold`` not matched, of ``pred`` not matched, and matched pairs whose
    ``fields`` differ (benchmarks/extraction_agreement.py calls it with its own labels)."""
    pairs = match_targets(text, gold, pred)
    gi, pj = {i for i, _ in pairs}, {j for _, j in pairs}
    for i, g in enumerate(gold):
        if i not in gi:
            print(f"{name}: {labels[0]} {g['indicator']} {g['value']} {g['unit']} | {g['quote']}")
    for j, p in enumerate(pred):
        if j not in pj:
            print(f"{name}: {labels[1]} {p['indicator']} {p['value']} {p['unit']} | {p['quote']}")
    for i, j in pairs:
        g, p = gold[i], pred[j]
        bad = [f"{f}: {g[f]!r} != {p[f]!r}" for f in fields if not field_correct(f, g, p)]
        if bad:
            print(f"{name}: FIELD    {g['indicator']} {g['value']} | " + "; ".join(bad))


def load(name: str) -> tuple[str, dict, dict]:
    text = (CORPUS / f"{name}.txt").read_text(encoding="utf-8")
    gold = json.loads((CORPUS / f"{name}.expected.json").read_text(encoding="utf-8"))
    pred = extract_plan(text, SECOND_OPINION).model_dump()
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
    ap.add_argument("--corpus", action="store_true", help="score the real corpus (issue #13)")
    ap.add_argument("--per-text", action="store_true", help="with --corpus: one row per text")
    ap.add_argument(
        "--corpus-errors",
        choices=("held-out", "tuning", "all"),
        help="with --corpus: list missed, invented and wrong-field targets of this split",
    )
    ap.add_argument(
        "--by-hash",
        action="store_true",
        help="with --corpus: split by the hash alone (texts moved to tuning counted held-out)",
    )
    ap.add_argument(
        "--before-round3",
        action="store_true",
        help="with --corpus: only the texts held before the third round (2026-12-04 evening)",
    )
    ap.add_argument("--only", metavar="LIST", help="with --corpus: only the texts named in LIST")
    ap.add_argument("--without", metavar="LIST", help="with --corpus: leave out those in LIST")
    ap.add_argument(
        "--by-kind", action="store_true", help="with --corpus: totals per kind of text and split"
    )
    ap.add_argument(
        "--reach",
        action="store_true",
        help="with --corpus: annotated targets among the targets, set aside and suggested",
    )
    ap.add_argument(
        "--by-confidence",
        action="store_true",
        help="with --corpus: the targets and their precision by band of the model's confidence",
    )
    ap.add_argument(
        "--write",
        action="store_true",
        help="with --by-confidence: write the held-out figures to gaodi/text/confidence_bands.json",
    )
    ap.add_argument(
        "--rules-only",
        action="store_true",
        help="the rules' targets alone, without the learned model's second opinion",
    )
    args = ap.parse_args()
    narrowed = args.only or args.without or args.by_hash or args.before_round3 or args.rules_only
    if args.write and (not args.by_confidence or narrowed):
        ap.error("--write goes with --corpus --by-confidence alone (all held-out texts)")
    global BY_HASH, BEFORE_ROUND3, ONLY, WITHOUT, SECOND_OPINION
    SECOND_OPINION = not args.rules_only
    BY_HASH, BEFORE_ROUND3 = args.by_hash, args.before_round3
    ONLY = _names_of(args.only) if args.only else None
    WITHOUT = _names_of(args.without) if args.without else frozenset()
    if args.corpus:
        if args.reach:
            print_reach()
        elif args.by_confidence:
            print_by_confidence(args.write)
        elif args.by_kind:
            print_by_kind()
        else:
            print_real(args.per_text, args.corpus_errors)
        return
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
            _print_errors(name, text, gold["targets"], pred["targets"], FIELDS)


if __name__ == "__main__":
    main()
