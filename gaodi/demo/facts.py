"""The demo city's facts and synthetic structure, read from the package's data files."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

import yaml


@dataclass(frozen=True)
class LinkSpec:
    code: str
    name: str
    segment: str
    industry_codes: tuple[str, ...]
    keywords: tuple[str, ...]
    key_link: bool
    parent: str | None  # parent link's name
    sort_order: int
    #: A leader (龙头) enterprise of the chain sits here (flag ``lead``); ``lead_park`` is the
    #: short name of its park (``lead@长沙高新区``), None for the chain's first park.
    lead: bool = False
    lead_park: str | None = None


@dataclass(frozen=True)
class ChainSpec:
    code: str
    name: str
    kind: str
    name_status: str
    source: str
    weight: float
    parks: tuple[str, ...]
    links: tuple[LinkSpec, ...] = field(default_factory=tuple)


def _read(name: str) -> Any:
    return yaml.safe_load(files("gaodi.demo").joinpath("data", name).read_text(encoding="utf-8"))


@cache
def city() -> dict[str, Any]:
    return _read("city.yaml")


@cache
def calibration() -> dict[str, Any]:
    """The demo's calibration (``changsha_facts.yaml`` ``demo_calibration``): published figures
    the synthetic data is scaled to, each with its source, and the labelled assumptions."""
    return dict(_read("changsha_facts.yaml")["demo_calibration"])


@cache
def plan_text() -> str:
    return (
        files("gaodi.demo").joinpath("data", "changsha-plan-2021.txt").read_text(encoding="utf-8")
    )


def _parse_link(chain_code: str, line: str, order: int) -> LinkSpec:
    parts = [p.strip() for p in line.split("|")]
    if len(parts) != 5:
        raise ValueError(f"chain {chain_code}: bad link line {line!r}")
    segment, name, codes, keywords, flags = parts
    parent = None
    if " / " in name:
        parent, name = (s.strip() for s in name.split(" / ", 1))
    tokens = flags.split()
    lead = next((t for t in tokens if t == "lead" or t.startswith("lead@")), None)
    return LinkSpec(
        code=f"{chain_code}-{order:02d}",
        name=name,
        segment=segment,
        industry_codes=tuple(codes.split()),
        keywords=tuple(k.strip() for k in keywords.split(",") if k.strip()),
        key_link="key" in tokens,
        parent=parent,
        sort_order=order,
        lead=lead is not None,
        lead_park=(lead.partition("@")[2] or None) if lead else None,
    )


@cache
def chains() -> tuple[ChainSpec, ...]:
    data = _read("chains.yaml")
    sources = data["sources"]
    out = []
    for c in data["chains"]:
        links = tuple(_parse_link(c["code"], line, i + 1) for i, line in enumerate(c["links"]))
        out.append(
            ChainSpec(
                code=c["code"],
                name=c["name"],
                kind=c["kind"],
                name_status=c["name_status"],
                source=sources.get(c["source"], c["source"]),
                weight=float(c["weight"]),
                parks=tuple(c["parks"]),
                links=links,
            )
        )
    return tuple(out)
