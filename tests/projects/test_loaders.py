"""The reads the projects feature makes of chains, parks, enterprises and the audit log, through
the owners' loaders (issue [15]): each on the hand-made city of ``conftest.py``, rows in and out
of the principal's scope.

The city: chains A (links a1, a2) and B (link b1); parks P1, P2; enterprises E1, E2 in P1, E3 in
P2, E4 in no park; E1 on a1, E3 on b1. The tests add E4 on a2, E2 on b1 *excluded*, E3 on a1
*ended*, so "current" attachments are E1-a1, E3-b1, E4-a2.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from gaodi.audit import loaders as audit_loaders
from gaodi.audit import service as audit
from gaodi.chains import loaders as chain_loaders
from gaodi.core.errors import NotFoundError, PermissionDenied
from gaodi.enterprises import loaders as enterprise_loaders
from gaodi.models import Enterprise, EnterpriseLink, Park
from gaodi.projects.models import Appeal, Challenge, ChallengeApplication
from gaodi.projects.scopes import appeal_filter, application_filter
from tests.projects.conftest import World, uscc

NOT_FOUND = ("找不到（测试）。", "Not found (test).")


@pytest.fixture
def city(lite_session: Session, lite_world: World) -> World:
    lite_session.add_all(
        [
            EnterpriseLink(enterprise_id=lite_world.e4, link_id=lite_world.link_a2, source="manual"),
            EnterpriseLink(
                enterprise_id=lite_world.e2, link_id=lite_world.link_b1, source="manual",
                excluded=True,
            ),
            EnterpriseLink(
                enterprise_id=lite_world.e3, link_id=lite_world.link_a1, source="manual",
                valid_to=date(2020, 1, 1),
            ),
        ]
    )  # fmt: skip
    lite_session.commit()
    return lite_world


# --------------------------------------------------------------------------- chains


def test_chain_in_scope(lite_session: Session, city: World) -> None:
    office = city.chain_office  # chain A only
    assert (
        chain_loaders.chain_in_scope(lite_session, office, city.chain_a, not_found=NOT_FOUND).id
        == city.chain_a
    )
    for outside in (city.chain_b, 999_999, None):
        with pytest.raises(NotFoundError) as err:
            chain_loaders.chain_in_scope(lite_session, office, outside, not_found=NOT_FOUND)
        assert (err.value.zh, err.value.en) == NOT_FOUND  # a refusal reads as a missing row
    # the row scope only: a park office (no right to edit chains) still refers to any chain
    got = chain_loaders.chain_in_scope(
        lite_session, city.park_office, city.chain_b, not_found=NOT_FOUND
    )
    assert got.id == city.chain_b


def test_default_chain(lite_session: Session, city: World) -> None:
    # E1 is on a1 (chain A) only; E3 currently on b1 (its a1 attachment ended)
    assert chain_loaders.default_chain(lite_session, city.admin, city.e1) == city.chain_a
    assert chain_loaders.default_chain(lite_session, city.admin, city.e3) == city.chain_b
    # a chain office files only under its own chain: B is outside chain A's office
    assert chain_loaders.default_chain(lite_session, city.chain_office, city.e3) is None
    # E2's only attachment is excluded
    assert chain_loaders.default_chain(lite_session, city.admin, city.e2) is None


def test_names_and_lookups(lite_session: Session, city: World) -> None:
    assert chain_loaders.chain_names(lite_session) == {city.chain_a: "链A", city.chain_b: "链B"}
    assert chain_loaders.link_names(lite_session, [city.link_b1, city.link_a1, 999_999]) == {
        city.link_a1: "环节a1",
        city.link_b1: "环节b1",
    }
    assert chain_loaders.link_names(lite_session, []) == {}
    assert chain_loaders.chain_exists(lite_session, city.chain_b)
    assert not chain_loaders.chain_exists(lite_session, 999_999)
    assert chain_loaders.link_chain(lite_session, city.link_a2) == city.chain_a
    assert chain_loaders.link_chain(lite_session, 999_999) is None
    assert chain_loaders.find_chain_id(lite_session, "B") == city.chain_b  # code
    assert chain_loaders.find_chain_id(lite_session, " 链A ") == city.chain_a  # name
    assert chain_loaders.find_chain_id(lite_session, str(city.chain_b)) == city.chain_b  # id
    assert chain_loaders.find_chain_id(lite_session, "链C") is None


def test_chain_and_link_choices_follow_the_scope(lite_session: Session, city: World) -> None:
    a, b = city.chain_a, city.chain_b
    assert chain_loaders.chain_id_choices(lite_session, city.admin) == [(a, "链A"), (b, "链B")]
    assert chain_loaders.chain_id_choices(lite_session, city.chain_office) == [(a, "链A")]
    assert chain_loaders.link_choices(lite_session, city.chain_office) == [
        (city.link_a1, a, "环节a1"),
        (city.link_a2, a, "环节a2"),
    ]
    assert [r[0] for r in chain_loaders.link_choices(lite_session, city.viewer)] == [
        city.link_a1,
        city.link_a2,
        city.link_b1,
    ]
    # an enterprise user has no right to read chains at all
    with pytest.raises(PermissionDenied):
        chain_loaders.chain_id_choices(lite_session, city.enterprise)
    with pytest.raises(PermissionDenied):
        chain_loaders.link_choices(lite_session, city.enterprise)


def test_membership_reads(lite_session: Session, city: World) -> None:
    a, b = city.chain_a, city.chain_b
    assert chain_loaders.all_links(lite_session) == [
        (city.link_a1, a, "环节a1", False),
        (city.link_a2, a, "环节a2", False),
        (city.link_b1, b, "环节b1", False),
    ]
    # current: E1-a1, E4-a2, E3-b1 (E2-b1 excluded, E3-a1 ended)
    assert chain_loaders.current_link_counts(lite_session) == {
        city.link_a1: 1,
        city.link_a2: 1,
        city.link_b1: 1,
    }
    # E4 has no park: left out
    assert chain_loaders.chain_park_counts(lite_session) == [
        (a, city.park_1, 1),
        (b, city.park_2, 1),
    ]
    assert chain_loaders.current_members(lite_session) == [
        (city.e1, a, "企业一", uscc(1)),
        (city.e3, b, "企业三", uscc(3)),
        (city.e4, a, "企业四", uscc(4)),
    ]


# --------------------------------------------------------------------------- parks


def test_park_reads(lite_session: Session, city: World) -> None:
    from gaodi.parks import loaders as park_loaders

    p3 = Park(name="园区三")  # no short name: labelled by its name
    lite_session.add(p3)
    lite_session.flush()
    office = city.park_office  # P1 only
    assert (
        park_loaders.park_in_scope(lite_session, office, city.park_1, not_found=NOT_FOUND).id
        == city.park_1
    )
    for outside in (city.park_2, 999_999, None):
        with pytest.raises(NotFoundError):
            park_loaders.park_in_scope(lite_session, office, outside, not_found=NOT_FOUND)
    assert park_loaders.park_scoped(office)
    assert not park_loaders.park_scoped(city.admin)
    assert not park_loaders.park_scoped(city.chain_office)
    names = {city.park_1: "P1", city.park_2: "P2", p3.id: "园区三"}
    assert park_loaders.park_labels(lite_session) == names
    assert park_loaders.park_ids(lite_session) == [city.park_1, city.park_2, p3.id]
    assert park_loaders.find_park_id(lite_session, "园区二") == city.park_2
    assert park_loaders.find_park_id(lite_session, "P1") == city.park_1
    assert park_loaders.find_park_id(lite_session, str(p3.id)) == p3.id
    assert park_loaders.find_park_id(lite_session, "P9") is None
    assert park_loaders.park_choices(lite_session, office) == [(city.park_1, "P1")]
    assert park_loaders.park_choices(lite_session, city.admin) == list(names.items())
    with pytest.raises(PermissionDenied):
        park_loaders.park_choices(lite_session, city.enterprise)


# --------------------------------------------------------------------------- enterprises


def _ids(session: Session, subquery: object) -> set[int]:
    return set(session.scalars(select(Enterprise.id).where(Enterprise.id.in_(subquery))))


def test_enterprise_in_scope(lite_session: Session, city: World) -> None:
    park = city.park_office  # P1: E1, E2
    assert (
        enterprise_loaders.enterprise_in_scope(lite_session, park, city.e2, not_found=NOT_FOUND).id
        == city.e2
    )
    for outside in (city.e3, city.e4, 999_999, None):
        with pytest.raises(NotFoundError):
            enterprise_loaders.enterprise_in_scope(lite_session, park, outside, not_found=NOT_FOUND)
    chain = city.chain_office  # chain A: E1 (a1), E4 (a2); not E3 (its a1 attachment ended)
    for e in (city.e1, city.e4):
        assert (
            enterprise_loaders.enterprise_in_scope(
                lite_session, chain, e, "read", not_found=NOT_FOUND
            ).id
            == e
        )
    with pytest.raises(NotFoundError):
        enterprise_loaders.enterprise_in_scope(
            lite_session, chain, city.e3, "read", not_found=NOT_FOUND
        )


def test_enterprise_reads(lite_session: Session, city: World) -> None:
    assert _ids(lite_session, enterprise_loaders.ids_in_parks([city.park_1])) == {city.e1, city.e2}
    assert _ids(lite_session, enterprise_loaders.ids_in_parks([city.park_1, city.park_2])) == {
        city.e1,
        city.e2,
        city.e3,
    }
    assert _ids(lite_session, enterprise_loaders.ids_in_park(city.park_2)) == {city.e3}
    assert enterprise_loaders.names(lite_session, [city.e3, city.e1, 999_999]) == {
        city.e1: "企业一",
        city.e3: "企业三",
    }
    assert enterprise_loaders.names_and_parks(lite_session, [city.e4, city.e2]) == {
        city.e2: ("企业二", city.park_1),
        city.e4: ("企业四", None),
    }
    assert enterprise_loaders.names_and_parks(lite_session, []) == {}
    assert enterprise_loaders.id_by_uscc(lite_session, uscc(3)) == city.e3
    assert enterprise_loaders.id_by_uscc(lite_session, uscc(99)) is None
    assert enterprise_loaders.parks_by_enterprise(lite_session) == [
        (city.e1, city.park_1),
        (city.e2, city.park_1),
        (city.e3, city.park_2),
        (city.e4, None),
    ]


def test_projects_row_filters_through_the_enterprise_reads(
    lite_session: Session, city: World
) -> None:
    """The appeal filter of a park office (its enterprises' appeals) and the application filter
    of a park office (its enterprises' applications) select the rows they did before."""
    appeals = {
        e: Appeal(enterprise_id=e, category="other", title="t", text="t", status="received")
        for e in (city.e1, city.e3, city.e4)
    }
    lite_session.add_all(appeals.values())
    lite_session.flush()
    got = set(
        lite_session.scalars(
            select(Appeal.enterprise_id).where(appeal_filter(city.park_office, "read"))
        )
    )
    assert got == {city.e1}
    challenge = Challenge(
        title="t", problem="p", chain_id=city.chain_b, budget=1.0, deadline=date(2030, 1, 1)
    )
    lite_session.add(challenge)
    lite_session.flush()
    for e in (city.e2, city.e3, None):  # E2 in P1, E3 in P2, a firm from outside the city
        lite_session.add(
            ChallengeApplication(
                challenge_id=challenge.id, applicant_name="x", enterprise_id=e, proposal="p"
            )
        )
    lite_session.flush()
    clause = application_filter(city.park_office, "read")
    got = set(lite_session.scalars(select(ChallengeApplication.enterprise_id).where(clause)))
    assert got == {city.e2}
    # the chain office of A: applications to its chains' challenges only (none: B's challenge)
    clause = application_filter(city.chain_office, "read")
    assert list(lite_session.scalars(select(ChallengeApplication.id).where(clause))) == []


# --------------------------------------------------------------------------- audit


def test_audit_entries(lite_session: Session, city: World) -> None:
    audit.record(
        lite_session,
        "appeal",
        "appeal.assign",
        entity_id="1",
        after={"department": "甲"},
        actor="u1",
    )
    audit.record(lite_session, "appeal", "appeal.note", entity_id="1", after={"x": 1}, actor="u1")
    audit.record(
        lite_session,
        "challenge",
        "appeal.assign",
        entity_id="1",
        after={"department": "乙"},
        actor="u2",
    )
    audit.record(
        lite_session,
        "appeal",
        "appeal.reassign",
        entity_id="2",
        after={"department": "丙"},
        actor="u3",
    )
    audit.record(
        lite_session,
        "appeal",
        "appeal.reassign",
        entity_id="1",
        after={"department": "丁"},
        actor="u4",
    )
    audit.record(lite_session, "appeal", "appeal.assign", entity_id="3", after=None, actor="u5")
    got = audit_loaders.entries(
        lite_session, "appeal", ["1", "2"], ["appeal.assign", "appeal.reassign"]
    )
    assert got == [
        ("1", "u1", {"department": "甲"}),
        ("2", "u3", {"department": "丙"}),
        ("1", "u4", {"department": "丁"}),
    ]
    assert audit_loaders.entries(lite_session, "appeal", [], ["appeal.assign"]) == []
    # more ids than one IN list holds: every chunk is read, each oldest first
    many = [str(i) for i in range(1000, 1000 + audit_loaders.CHUNK)] + ["1"]
    assert [
        e.actor for e in audit_loaders.entries(lite_session, "appeal", many, ["appeal.reassign"])
    ] == ["u4"]
