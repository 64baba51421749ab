"""Speed of ``extract_plan`` in characters per second, against a bare regex scan of numbers.

Run:  .venv/bin/python benchmarks/extraction.py [--repeat N]

Both run in the same process over the same texts (the 17 texts of tests/data/plans). The
baseline is ``re.findall(r"\\d+(?:\\.\\d+)?", text)``: the least any extractor has to do, find
the numbers, with no judgement about them. The ratio says what the rules cost on top of that.
A third row times the rules alone (``second_opinion=False``): the difference is what the
learned model's second opinion (gaodi/text/learned.py) costs.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from gaodi.text.extract import extract_plan

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "plans"
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _time(func: Callable[[str], object], texts: list[str], repeat: int) -> float:
    """Median seconds for one pass over all texts."""
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for text in texts:
            func(text)
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20, help="passes over the corpus (median)")
    args = ap.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    chars = sum(len(t) for t in texts)
    extract_plan(texts[0])  # warm up imports and regex compilation
    t_extract = _time(extract_plan, texts, args.repeat)
    t_rules = _time(lambda t: extract_plan(t, second_opinion=False), texts, args.repeat)
    t_regex = _time(_NUMBER.findall, texts, args.repeat)
    table = Table(title=f"{len(texts)} texts, {chars} characters, median of {args.repeat} passes")
    for col in ("method", "seconds per pass", "characters per second", "ratio to baseline"):
        table.add_column(col, justify="left" if col == "method" else "right")
    table.add_row("re.findall numbers (baseline)", f"{t_regex:.5f}", f"{chars / t_regex:,.0f}", "1")
    for name, t in (("extract_plan, rules only", t_rules), ("extract_plan", t_extract)):
        table.add_row(name, f"{t:.4f}", f"{chars / t:,.0f}", f"{t / t_regex:,.0f}×")
    print(f"the second opinion costs {t_extract / t_rules:.2f}× the rules' time")
    Console().print(table)


if __name__ == "__main__":
    main()
