"""Cold server CPU of the heaviest pages, this code against a named commit, in the same run.

Run (on a large city: ``gaodi demo build --size large``, then ``gaodi user demo-accounts``)::

    GAODI_DATA_DIR=/path/to/data .venv/bin/python benchmarks/large_pages.py \
        --baseline 99f506a0 [--rounds 2] [PATH ...]

The baseline's tree is taken with ``git archive`` into a temporary folder. Each round starts one
fresh process per code (baseline, then this checkout), which signs in as demo-admin with a
TestClient and opens each page once, cold, in the order given (a later page reuses what an
earlier one cached, the same way for both), timing the server's CPU (``time.process_time``;
requests run in the app's worker thread of the same process). Prints each page's seconds per
round and the ratio now/baseline over the sums of all rounds, and each process's peak RSS.
Machines here are shared: quote the ratios. Results: docs/benchmarks/pages.md.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = (
    "/",
    "/parks",
    "/parks/3",
    "/enterprises/eligibility",
    "/enterprises/rank",
    "/chains",
    "/map",
)


def child(paths: list[str]) -> None:
    """In the code's own folder: each page's cold CPU seconds, as JSON on the last line."""
    import resource

    from fastapi.testclient import TestClient

    from gaodi.db import get_engine
    from gaodi.web.app import create_app
    from tests.web.helpers import login

    client = TestClient(create_app(get_engine()), base_url="http://testserver")
    client.cookies.set("gaodi_lang", "zh")
    login(client, "demo-admin", "gaodi-demo")
    out: dict[str, float] = {}
    for path in paths:
        start = time.process_time()
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code}")
        out[path] = time.process_time() - start
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def run(root: Path, paths: list[str]) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", *paths],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{root}: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", default=list(PAGES))
    parser.add_argument("--baseline", default="99f506a0", help="the commit to compare with")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.paths)
        return 0
    if "GAODI_DATA_DIR" not in os.environ:
        parser.error("set GAODI_DATA_DIR to a built city (gaodi demo build --size large)")
    with tempfile.TemporaryDirectory(prefix="gaodi-baseline-") as tmp:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.baseline], capture_output=True, check=True
        ).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        runs: dict[str, list[dict[str, float]]] = {"baseline": [], "now": []}
        for _ in range(args.rounds):
            runs["baseline"].append(run(Path(tmp), args.paths))
            runs["now"].append(run(ROOT, args.paths))
    print(f"{'page':28s} {args.baseline + ' s':>22s} {'now s':>22s} {'ratio':>6s}")
    for key in [*args.paths, "rss_mb"]:
        old = [r[key] for r in runs["baseline"]]
        new = [r[key] for r in runs["now"]]
        ratio = sum(new) / sum(old) if sum(old) else float("nan")
        print(
            f"{key:28s} {' / '.join(f'{v:.2f}' for v in old):>22s} "
            f"{' / '.join(f'{v:.2f}' for v in new):>22s} {ratio:6.2f}"
        )
    old_all = sum(sum(r[p] for p in args.paths) for r in runs["baseline"])
    new_all = sum(sum(r[p] for p in args.paths) for r in runs["now"])
    print(f"{'all pages':28s} {old_all:>22.2f} {new_all:>22.2f} {new_all / old_all:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
