"""Print the shape measures of docs/architecture.md (issue [15]): cycles, upward imports, ...

Run from the repository root: ``.venv/bin/python scripts/measure_architecture.py``.
The layers are read from ``pyproject.toml``'s import-linter contract, so the measure follows the
contract rather than a copy of it.
"""

from __future__ import annotations

import itertools
import tomllib
from pathlib import Path

import grimp
import networkx as nx

ROOT = Path(__file__).resolve().parents[1]


def _layers() -> list[set[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = config["tool"]["importlinter"]["contracts"][0]
    return [{name.strip() for name in layer.split(":")} for layer in contract["layers"]]


def _top(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2])


def _best_order(
    cycle: set[str], edges: list[tuple[str, str]]
) -> tuple[tuple[str, ...], list[tuple[str, str]]]:
    """The order of a cycle's parts (lowest first) that the fewest module imports go against,
    and those imports: what would have to move for the parts to be layered. Exhaustive, so
    only for small cycles (8 parts: 40,320 orders)."""
    inside = [(m, i) for m, i in edges if _top(m) in cycle and _top(i) in cycle]
    if len(cycle) > 8:
        return tuple(sorted(cycle)), []
    best: tuple[tuple[str, ...], list[tuple[str, str]]] | None = None
    for order in itertools.permutations(sorted(cycle)):
        rank = {part: k for k, part in enumerate(order)}
        against = [(m, i) for m, i in inside if rank[_top(i)] > rank[_top(m)]]
        if best is None or len(against) < len(best[1]):
            best = (order, against)
    assert best is not None
    return best[0], sorted(set(best[1]))


def main() -> None:
    graph = grimp.build_graph("gaodi")
    modules = [m for m in graph.modules if m.count(".")]
    edges = [
        (m, i)
        for m in modules
        for i in graph.find_modules_directly_imported_by(m)
        if i.startswith("gaodi.") and _top(i) != _top(m)
    ]
    parts = nx.DiGraph((_top(m), _top(i)) for m, i in edges)
    parts.add_nodes_from(_top(m) for m in modules)
    cycles = [c for c in nx.strongly_connected_components(parts) if len(c) > 1]
    in_cycles = sum(len(c) for c in cycles)

    layers = _layers()
    rank = {name: index for index, layer in enumerate(layers) for name in layer}
    upward = sorted(
        {
            (m, i)
            for m, i in edges
            if _top(m) in rank and _top(i) in rank and rank[_top(i)] < rank[_top(m)]
        }
    )
    features = next((layer for layer in layers if "gaodi.plans" in layer), set())
    cross_models = sorted(
        {
            (m, i)
            for m, i in edges
            if _top(m) != _top(i) and _top(i) in features and i.endswith(".models")
        }
    )
    long_modules = sorted(
        (
            (sum(1 for _ in path.open(encoding="utf-8")), str(path.relative_to(ROOT)))
            for path in (ROOT / "gaodi").rglob("*.py")
        ),
        reverse=True,
    )
    long_modules = [(n, p) for n, p in long_modules if n > 600]

    print("| measure | value |")
    print("|---|---:|")
    print(f"| top-level parts of `gaodi/` | {parts.number_of_nodes()} |")
    print(f"| parts in an import cycle | {in_cycles} in {len(cycles)} cycle(s) |")
    print(f"| upward imports between layers (module pairs) | {len(upward)} |")
    print(f"| imports of another feature's `models` (module pairs) | {len(cross_models)} |")
    print(f"| modules over 600 lines | {len(long_modules)} |")
    for cycle in cycles:
        print("cycle:", ", ".join(sorted(p.removeprefix("gaodi.") for p in cycle)))
        order, against = _best_order(cycle, edges)
        print("  best order:", " < ".join(p.removeprefix("gaodi.") for p in order))
        for m, i in against:
            print(f"  against it: {m} -> {i}")
    for m, i in upward:
        print("upward:", m, "->", i)
    for n, p in long_modules:
        print(f"long: {p} {n}")


if __name__ == "__main__":
    main()
