"""The rules' first decisions on each tuning text of the corpus, before any rule was written
from its errors: what the model of ``gaodi/text/learned.py`` learns to trust them by.

Each text was committed before the extractor ran on it (tests/data/extraction_corpus/SPLIT.md),
so the extractor of the commit before the one that added a text had never seen it. This script
finds that commit with git, runs that commit's ``extract_plan`` on the text in a separate
process (``git archive`` of its ``gaodi`` package on PYTHONPATH), and records which quantities
of the text (by the current ``scan_quantities``: start and value) its targets sit on.

Run:  .venv/bin/python benchmarks/first_runs.py        (needs the repository's git history)
Writes tests/data/extraction_corpus/first-runs.json; held-out texts are left out.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "data" / "extraction_corpus"
OUT = REAL / "first-runs.json"

# run inside the old commit's package: print the targets' (quote, value) of each text
_RUNNER = """
import json, sys
from pathlib import Path
from gaodi.text.extract import extract_plan
out = {}
for name in sys.argv[2:]:
    text = (Path(sys.argv[1]) / f"{name}.txt").read_text(encoding="utf-8")
    out[name] = [[t.quote, float(t.value)] for t in extract_plan(text).targets]
print(json.dumps(out, ensure_ascii=False))
"""


def _added_by() -> dict[str, str]:
    """The commit that added each text of the corpus."""
    log = subprocess.run(
        ["git", "log", "--diff-filter=A", "--format=C %H", "--name-only", "--", f"{REAL}/*.txt"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    added: dict[str, str] = {}
    commit = ""
    for line in log.splitlines():
        if line.startswith("C "):
            commit = line[2:]
        elif line.strip():
            added.setdefault(Path(line).stem, commit)  # the log runs newest first
    return added


def _run_at(commit: str, names: list[str]) -> dict[str, list[list]]:
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "archive", f"{commit}^", "gaodi"], cwd=ROOT, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        env = dict(os.environ, PYTHONPATH=tmp)
        done = subprocess.run(
            [sys.executable, "-c", _RUNNER, str(REAL), *names],
            cwd=tmp,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(done.stdout)


def taken_quantities(text: str, targets: list[list]) -> list[list[float]]:
    """[start, value] of each quantity of ``text`` a target (quote, value) sits on."""
    from gaodi.text.numerals import scan_quantities

    quantities = scan_quantities(text)
    out: list[list[float]] = []
    for quote, value in targets:
        i = text.find(quote)
        while i >= 0:
            hit = next(
                (
                    q
                    for q in quantities
                    if i <= q.start < i + len(quote)
                    and abs(q.value - value) <= 1e-9 * max(1.0, abs(q.value))
                ),
                None,
            )
            if hit is not None:
                if [hit.start, hit.value] not in out:
                    out.append([hit.start, hit.value])
                break
            i = text.find(quote, i + 1)
    return sorted(out)


def main() -> None:
    from gaodi.text.evaluate import split_of
    from gaodi.text.extract import read_text

    added = _added_by()
    by_commit: dict[str, list[str]] = defaultdict(list)
    for name, commit in sorted(added.items()):
        if split_of(name) == "tuning":
            by_commit[commit].append(name)
    result: dict[str, dict] = {}
    for commit, names in sorted(by_commit.items()):
        found = _run_at(commit, names)
        for name in names:
            # positions in the text the rules read (glosses such as "(yè)" left out)
            text = read_text((REAL / f"{name}.txt").read_text(encoding="utf-8")).ctx.text
            result[name] = {"rules_of": f"{commit}^", "taken": taken_quantities(text, found[name])}
    OUT.write_text(
        json.dumps(dict(sorted(result.items())), ensure_ascii=False, indent=0) + "\n",
        encoding="utf-8",
    )
    print(f"{len(result)} tuning texts from {len(by_commit)} commits → {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
