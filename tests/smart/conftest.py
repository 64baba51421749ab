"""A small hand-made city for the smart-manufacturing tests (every figure chosen by hand).

    firm  chains  park  industry          2023 employees / revenue (万元)  size    above-scale
    E1    A       P1    3411 (制造业 34)   1200 / 50000                     大型    yes
    E2    A       P2    3511 (35)          150 / 2500                       小型    yes
    E3    B       P1    3411 (34)          50 / 800                         小型    no
    E4    A, B    —     3911 (39)          400 / 3000                       中型    yes
    E5    —       P2    5211 (零售 52)      40 / 5000                        不详    no (not 工业)
    E6    B       P1    3411 (34)          10 / 1000                        微型    no (no assessment)

Size classes by 国统字〔2017〕213号 (工业: 大型 X≥1000 且 Y≥40000; 中型 X≥300 且 Y≥2000; 小型
X≥20 且 Y≥300; else 微型); above-scale = 工业 and main-business revenue ≥ 2000 万元.

Assessment levels stored for the roll-up tests (:func:`seed_levels`):

    E1  2022-05-01 → 1, 2023-04-01 → 3
    E2  2021-04-01 → 0, 2023-06-01 → 1, 2023-06-01 → 2 (a same-day correction, stored later)
    E3  2023-03-01 → 0
    E4  2022-08-01 → 1
    E5  2023-02-01 → 4
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from gaodi.core.codes import make_uscc
from gaodi.core.permissions import Principal
from gaodi.models import (
    Chain,
    Enterprise,
    EnterpriseLink,
    EnterpriseYear,
    IndustryCode,
    Link,
    Park,
)
from gaodi.smart.models import Assessment
from tests.sessions import acting_session

FIGURES = {
    "e1": (1200, 50000.0, "3411", "P1", ("A",)),
    "e2": (150, 2500.0, "3511", "P2", ("A",)),
    "e3": (50, 800.0, "3411", "P1", ("B",)),
    "e4": (400, 3000.0, "3911", None, ("A", "B")),
    "e5": (40, 5000.0, "5211", "P2", ()),
    "e6": (10, 1000.0, "3411", "P1", ("B",)),
}
LEVELS = [
    ("e1", date(2022, 5, 1), 1),
    ("e1", date(2023, 4, 1), 3),
    ("e2", date(2021, 4, 1), 0),
    ("e2", date(2023, 6, 1), 1),
    ("e2", date(2023, 6, 1), 2),
    ("e3", date(2023, 3, 1), 0),
    ("e4", date(2022, 8, 1), 1),
    ("e5", date(2023, 2, 1), 4),
]


@dataclass(frozen=True)
class World:
    ids: dict[str, int]
    uscc: dict[str, str]
    admin: Principal
    analyst: Principal
    viewer: Principal
    chain_office: Principal  # chain A
    park_office: Principal  # park P1
    enterprise: Principal  # E1


def uscc(n: int) -> str:
    return make_uscc("430100", random.Random(f"smart-test-{n}"))


def build_world(session: Session) -> World:
    codes = [
        ("C", "制造业", "section", None),
        ("F", "批发和零售业", "section", None),
        ("34", "通用设备制造业", "division", "C"),
        ("35", "专用设备制造业", "division", "C"),
        ("39", "计算机、通信和其他电子设备制造业", "division", "C"),
        ("52", "零售业", "division", "F"),
        ("3411", "锅炉及辅助设备制造", "class", "34"),
        ("3511", "矿山机械制造", "class", "35"),
        ("3911", "计算机整机制造", "class", "39"),
        ("5211", "百货零售", "class", "52"),
    ]
    for code, name, level, parent in codes:
        session.add(IndustryCode(code=code, name=name, level=level, parent_code=parent))
    chains = {c: Chain(code=c, name=f"链{c}") for c in ("A", "B")}
    parks = {p: Park(name=f"园区{p}") for p in ("P1", "P2")}
    session.add_all([*chains.values(), *parks.values()])
    session.flush()
    links = {c: Link(chain_id=ch.id, code=c.lower(), name=f"环节{c}", segment="mid")
             for c, ch in chains.items()}  # fmt: skip
    session.add_all(links.values())
    session.flush()
    ids: dict[str, int] = {f"chain_{c.lower()}": ch.id for c, ch in chains.items()}
    ids |= {p.lower(): pk.id for p, pk in parks.items()}
    codes_by: dict[str, str] = {}
    for n, (key, (emp, rev, ind, park, on)) in enumerate(FIGURES.items(), start=1):
        ent = Enterprise(
            uscc=uscc(n),
            name=f"测试企业{key.upper()}",
            industry_code=ind,
            park_id=parks[park].id if park else None,
        )
        session.add(ent)
        session.flush()
        session.add(
            EnterpriseYear(
                enterprise_id=ent.id, year=2023, employees=emp, revenue=rev, main_revenue=rev
            )
        )
        for c in on:
            session.add(EnterpriseLink(enterprise_id=ent.id, link_id=links[c].id, source="rule"))
        ids[key] = ent.id
        codes_by[key] = ent.uscc
    session.flush()
    return World(
        ids=ids,
        uscc=codes_by,
        admin=Principal("admin", "admin"),
        analyst=Principal("analyst", "analyst"),
        viewer=Principal("viewer", "viewer"),
        chain_office=Principal("chain-a", "chain_office", chain_ids=frozenset({ids["chain_a"]})),
        park_office=Principal("park-1", "park_office", park_ids=frozenset({ids["p1"]})),
        enterprise=Principal("e1-user", "enterprise", enterprise_ids=frozenset({ids["e1"]})),
    )


def seed_levels(session: Session, world: World) -> None:
    """Store the LEVELS table as assessment rows (levels given, not scored: roll-up input)."""
    for key, day, level in LEVELS:
        session.add(
            Assessment(
                enterprise_id=world.ids[key],
                scheme_id="miit_sme_digital_2024",
                scheme_version="2024",
                assessed_on=day,
                level=level,
                level_name=str(level),
                source="api",
            )
        )
        session.flush()  # ids in LEVELS order: the same-day correction is stored later


@pytest.fixture
def session(db: Engine) -> Iterator[Session]:
    with acting_session(db) as s:
        yield s


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)
