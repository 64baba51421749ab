"""The diagnosis of every chain, and the pages that show it, against the code of an earlier
commit, in the same run on the same database.

Run (on a built city, e.g. the large demo: ``gaodi demo build --size large``)::

    GAODI_DATA_DIR=/tmp/gaodi-large .venv/bin/python benchmarks/chain_diagnosis.py \\
        [--before 99f506a0] [--repeat 3] [--pages /,/chains,/chains/1] \\
        [--user demo-admin --password gaodi-demo]

* **before**: the ``gaodi`` package of commit ``--before`` (``git archive`` into a temporary
  folder): each firm's output a :class:`fractions.Fraction` in the exact HHI and top-1 share,
  and the facts read as one row per assignment with the firm's figures joined to each;
* **now**: this tree: the exact HHI and top-1 share as sums of scaled integers, each assigned
  firm's figures read once.

Each measurement runs in a fresh interpreter (``PYTHONPATH`` the one tree or the other), so
every cache of the app is cold: ``diagnose_all`` of every chain as an administrator, then
each page's first request after signing in (``/`` holds the chains card, ``/chains`` the
summary, ``/chains/<id>`` one chain). The two alternate ``--repeat`` times; the table gives
the best CPU seconds of each (SQLite's work included: it runs in the process) and the ratio
before/now. Both must give the same diagnoses (every field but the ``computed_at`` stamp)
and the same pages. Machines here are shared: quote the ratios. Results and the command:
docs/benchmarks/chains.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "99f506a0"

# Runs in a fresh interpreter whose PYTHONPATH is the tree under test; prints one JSON line.
CHILD = r"""
import hashlib, json, re, sys, time
import gaodi
target, user, password, tree = sys.argv[1:5]
assert gaodi.__file__.startswith(tree), (gaodi.__file__, tree)  # not the installed package
if target == "service":
    from sqlalchemy.orm import configure_mappers
    from gaodi.chains import service
    from gaodi.core.permissions import Principal
    from gaodi.db import session_scope
    configure_mappers()  # the app does this at start, not per request
    with session_scope() as session:
        wall, cpu = time.perf_counter(), time.process_time()
        found = service.diagnose_all(session, Principal("bench", "admin"))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    text = json.dumps([d.model_dump(mode="json") for d in found], sort_keys=True)
else:
    from fastapi.testclient import TestClient
    from gaodi.db import get_engine
    from gaodi.web.app import create_app
    client = TestClient(create_app(get_engine()), base_url="http://testserver")
    client.cookies.set("gaodi_lang", "zh")
    meta = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
    token = meta.search(client.get("/login").text).group(1)
    signed = client.post("/login", follow_redirects=False, data={
        "username": user, "password": password, "csrf_token": token, "next": "/"})
    assert signed.status_code == 303, signed.status_code
    client.get("/healthz")
    wall, cpu = time.perf_counter(), time.process_time()
    response = client.get(target)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    assert response.status_code == 200, (target, response.status_code)
    tokens = r'(csrf-token" content=|X-CSRF-Token": |name="(_once|csrf_token)" value=)"[^"]*"'
    text = re.sub(tokens, "", response.text)
    text = re.sub(r'content="[0-9a-f]{20,}"', "", text)  # the page's nonce
text = re.sub(r'"computed_at": "[^"]*"', "", text)
text = re.sub(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d)?[.\d]*[+\d:Z]*", "", text)
print(json.dumps({"cpu": cpu, "wall": wall, "digest": hashlib.sha256(text.encode()).hexdigest()}))
"""


def run(tree: Path, target: str, user: str, password: str) -> dict[str, float | str]:
    """One cold measurement of ``target`` with the ``gaodi`` package of ``tree``."""
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": "0"}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, target, user, password, str(tree)],
        cwd=tree, env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default=BEFORE, help="the commit to compare with")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages", default="/,/chains,/chains/1")
    parser.add_argument("--user", default="demo-admin")
    parser.add_argument("--password", default="gaodi-demo")
    args = parser.parse_args()
    targets = ["service", *[p for p in args.pages.split(",") if p]]
    with tempfile.TemporaryDirectory(prefix="gaodi-before-") as tmp:
        archive = subprocess.run(
            ["git", "archive", args.before, "gaodi"], cwd=ROOT, check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        trees = {"before": Path(tmp), "now": ROOT}
        best: dict[tuple[str, str], float] = {}
        digests: dict[tuple[str, str], str] = {}
        for _ in range(args.repeat):
            for target in targets:
                for label, tree in trees.items():
                    got = run(tree, target, args.user, args.password)
                    key = (target, label)
                    best[key] = min(best.get(key, float("inf")), float(got["cpu"]))
                    if digests.setdefault(key, str(got["digest"])) != got["digest"]:
                        sys.exit(f"{target} ({label}) answered differently in another run")
    print(f"before: {args.before}; now: this tree; best CPU s of {args.repeat}, cold each time")
    print(f"| {'what':38s} | before, s | now, s | before/now | same answer |")
    print(f"|{'-' * 40}|-----------|--------|------------|-------------|")
    for target in targets:
        name = "diagnose_all, every chain" if target == "service" else f"page {target}, cold"
        b, n = best[(target, "before")], best[(target, "now")]
        same = "yes" if digests[(target, "before")] == digests[(target, "now")] else "NO"
        print(f"| {name:38s} | {b:9.2f} | {n:6.2f} | {b / n:10.1f} | {same:11s} |")


if __name__ == "__main__":
    main()
