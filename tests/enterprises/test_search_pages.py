"""Every page of the enterprise list, on every sort key, filter and scope, holds the rows the
list's stated order puts there (sort value, missing values last either way, then name, then
id), and the page is found by sorting the ids only, not whole rows (sixth audit P2: a deep
page of a 300,000-firm city sorted every column of every firm and took half a minute).

The city is 23 firms made here, with ties in every key and missing parks, industries and
latest-year revenues; the expected order is computed in Python from the same spec."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from gaodi.core.permissions import SYSTEM, Principal
from gaodi.db import session_scope
from gaodi.enterprises import service
from gaodi.enterprises.schemas import EnterpriseFilter
from gaodi.models import (
    Chain,
    Enterprise,
    EnterpriseLink,
    EnterpriseYear,
    IndustryCode,
    Link,
    Park,
)

PARKS = ("PARKB", "PARKA")  # inserted B first: the park order is by name, not by id
INDUSTRIES = ("3670", "2710", "3411")
#: name, park (index or None), industry (index or None), revenue 2023 ("-": no 2023 row), tags,
#: on the chain. Names repeat (ties broken by id); values repeat (ties broken by name, id).
FIRMS: list[tuple[str, int | None, int | None, float | str | None, list[str], bool]] = [
    ("FIRMK", 0, 0, 500.0, ["srdi"], True),
    ("FIRMC", 1, None, None, [], False),
    ("FIRMA", None, 1, 500.0, ["srdi", "leader"], True),
    ("FIRMK", 1, 1, "-", [], True),
    ("FIRMB", 0, 2, 120.5, [], False),
    ("FIRMA", 0, 0, 120.5, ["leader"], False),
    ("FIRMZ", None, None, None, ["srdi"], True),
    ("FIRMD", 1, 2, 9000.0, [], True),
    ("FIRMC", 0, 1, "-", [], False),
    ("FIRMM", 1, 0, 500.0, ["srdi"], False),
    ("FIRME", None, 2, 0.0, [], True),
    ("FIRMA", 1, None, 77.0, [], True),
    ("FIRMQ", 0, 0, None, ["leader"], False),
    ("FIRMB", 1, 1, 9000.0, [], False),
    ("FIRMF", 0, None, "-", ["srdi"], True),
    ("FIRMG", 1, 2, 3.25, [], False),
    ("FIRMK", None, 0, 120.5, [], False),
    ("FIRMH", 0, 1, 500.0, [], True),
    ("FIRMJ", 1, 0, "-", ["srdi"], False),
    ("FIRMA", 0, 2, 0.0, [], True),
    ("FIRMN", None, 1, 77.0, [], False),
    ("FIRMP", 1, 0, 9000.0, ["leader"], True),
    ("FIRMB", 0, None, None, [], False),
]


@dataclass
class Firm:
    id: int
    uscc: str
    name: str
    park: str | None
    park_id: int | None
    industry: str | None
    revenue: float | None
    tags: list[str]
    on_chain: bool


@dataclass
class City:
    firms: list[Firm]
    park_ids: dict[str, int]
    chain: str


@pytest.fixture
def city(db: Engine) -> City:
    firms: list[Firm] = []
    with session_scope(db, actor="test") as s:
        s.add_all([IndustryCode(code=c, name=f"类{c}", level="class") for c in INDUSTRIES])
        parks = [Park(name=n) for n in PARKS]
        chain = Chain(code="PG", name="分页测试链", name_status="assumed")
        s.add_all([*parks, chain])
        s.flush()
        link = Link(chain_id=chain.id, code="pg1", name="分页环节", segment="up")
        s.add(link)
        s.flush()
        for n, (name, park, industry, revenue, tags, on_chain) in enumerate(FIRMS):
            # USCCs in an order unlike the ids' and the names' (n * 7 mod 23 is a permutation)
            uscc = f"91430100MA{(n * 7) % 23:08d}"
            ent = Enterprise(
                uscc=uscc,
                name=name,
                park_id=None if park is None else parks[park].id,
                industry_code=None if industry is None else INDUSTRIES[industry],
                tags=tags,
            )
            s.add(ent)
            s.flush()
            s.add(EnterpriseYear(enterprise_id=ent.id, year=2022, revenue=1.0 + n))
            if revenue != "-":
                s.add(EnterpriseYear(enterprise_id=ent.id, year=2023, revenue=revenue))
            if on_chain:
                s.add(EnterpriseLink(enterprise_id=ent.id, link_id=link.id, source="rule"))
            firms.append(
                Firm(
                    id=ent.id,
                    uscc=uscc,
                    name=name,
                    park=None if park is None else PARKS[park],
                    park_id=ent.park_id,
                    industry=ent.industry_code,
                    revenue=None if revenue == "-" else revenue,  # type: ignore[arg-type]
                    tags=tags,
                    on_chain=on_chain,
                )
            )
        park_ids = {p.name: p.id for p in parks}
    return City(firms, park_ids, "PG")


def expected(firms: list[Firm], sort: str) -> list[int]:
    """The list's stated order, computed here: the key's value (reversed for '-'), missing
    values last in both directions, then name, then id."""
    key = sort.lstrip("-")
    attr = {"name": "name", "uscc": "uscc", "park": "park", "industry": "industry"}.get(
        key, "revenue"
    )
    present = [f for f in firms if getattr(f, attr) is not None]
    missing = [f for f in firms if getattr(f, attr) is None]
    # stable sorts: name and id first, then the value (reversed alone when descending)
    present.sort(key=lambda f: (f.name, f.id))
    present.sort(key=lambda f: getattr(f, attr), reverse=sort.startswith("-"))
    missing.sort(key=lambda f: (f.name, f.id))
    return [f.id for f in present + missing]


def all_pages(engine: Engine, principal: Principal, size: int, **kw: Any) -> list[int]:
    """Every page of the list, one after the other, checking the totals each page states."""
    seen: list[int] = []
    with session_scope(engine) as s:
        first = service.search(s, principal, EnterpriseFilter(per_page=size, **kw))
        for number in range(1, first.pages + 1):
            page = service.search(s, principal, EnterpriseFilter(page=number, per_page=size, **kw))
            assert (page.total, page.pages, page.page) == (first.total, first.pages, number)
            assert len(page.rows) == min(size, page.total - (number - 1) * size)
            seen += [r.id for r in page.rows]
        assert len(seen) == first.total
    return seen


SORTS = ["name", "uscc", "park", "industry", "revenue"]
SORTS += ["-" + s for s in SORTS]


def test_every_page_of_every_sort_holds_the_rows_of_the_stated_order(
    db: Engine, city: City
) -> None:
    for sort in SORTS:
        want = expected(city.firms, sort)
        assert len(want) == 23
        assert all_pages(db, SYSTEM, 5, sort=sort) == want, sort  # the last page has 3 rows
        assert all_pages(db, SYSTEM, 23, sort=sort) == want, sort
        with session_scope(db) as s:
            # a page past the end is the last one, whose rows are the order's tail
            last = service.search(s, SYSTEM, EnterpriseFilter(page=999, per_page=4, sort=sort))
            assert (last.page, last.pages, [r.id for r in last.rows]) == (6, 6, want[20:])


def test_the_rows_of_a_page_carry_their_own_figures(db: Engine, city: City) -> None:
    by_id = {f.id: f for f in city.firms}
    with session_scope(db) as s:
        page = service.search(s, SYSTEM, EnterpriseFilter(page=3, per_page=4, sort="-revenue"))
    assert [r.id for r in page.rows] == expected(city.firms, "-revenue")[8:12]
    for row in page.rows:
        firm = by_id[row.id]
        assert (row.name, row.uscc, row.park, row.industry_code, row.revenue) == (
            firm.name, firm.uscc, firm.park, firm.industry, firm.revenue,
        )  # fmt: skip
        assert (row.year, sorted(row.tags)) == (2023, sorted(firm.tags))


def test_filters_and_scope_page_the_same_order(db: Engine, city: City) -> None:
    for sort in ("name", "-uscc", "-park", "revenue", "-industry"):
        filtered_pages(db, city, sort)


def filtered_pages(db: Engine, city: City, sort: str) -> None:
    firms = city.firms
    park_a = city.park_ids["PARKA"]
    cases: list[tuple[dict[str, Any], list[Firm]]] = [
        ({"q": "firmk"}, [f for f in firms if f.name == "FIRMK"]),  # Latin case ignored
        ({"q": firms[4].uscc}, [firms[4]]),
        ({"chain": city.chain}, [f for f in firms if f.on_chain]),
        ({"park": park_a}, [f for f in firms if f.park_id == park_a]),
        ({"tag": "srdi"}, [f for f in firms if "srdi" in f.tags]),
        (
            {"tag": "srdi", "chain": city.chain},
            [f for f in firms if "srdi" in f.tags and f.on_chain],
        ),
    ]
    for kw, subset in cases:
        assert all_pages(db, SYSTEM, 3, sort=sort, **kw) == expected(subset, sort), kw
    office = Principal("t-park", "park_office", park_ids=frozenset({park_a}))
    mine = [f for f in firms if f.park_id == park_a]
    assert all_pages(db, office, 3, sort=sort) == expected(mine, sort)
    assert all_pages(db, office, 2, sort=sort, tag="leader") == expected(
        [f for f in mine if "leader" in f.tags], sort
    )


@pytest.fixture
def statements(db: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(db, "before_cursor_execute", record)
    yield seen
    event.remove(db, "before_cursor_execute", record)


def test_a_page_is_found_by_sorting_the_ids_only(
    db: Engine, city: City, statements: list[str]
) -> None:
    for sort in SORTS:
        with session_scope(db) as s:
            statements.clear()
            page = service.search(s, SYSTEM, EnterpriseFilter(page=4, per_page=5, sort=sort))
        assert [r.id for r in page.rows] == expected(city.firms, sort)[15:20], sort
        ordered = [q for q in statements if re.search(r"\bOFFSET\b", q)]
        assert len(ordered) == 1, statements
        # what the sort carries through: the id, not every column of every firm
        columns = re.match(r"\s*SELECT\s+(.*?)\s+FROM\s", ordered[0], re.S)
        assert columns is not None and columns.group(1) == "enterprise.id", (sort, ordered[0])
