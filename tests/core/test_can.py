"""``can(principal, action, obj)``: the one permission question of writes, with hand-built
principals on each action routed through it (plans intake and review, the chains import).

Expected answers come from the role matrix and the scope rules as written in the docs: a chain
office reports and reviews only its own chain's figures and edits only its own chains; a park
office only its own parks'; an enterprise user and a viewer submit no figures; the analyst and
the administrator act on every scope.
"""

from __future__ import annotations

import pytest

from gaodi.chains.models import Chain
from gaodi.core.permissions import Principal, can
from gaodi.plans.models import Observation, Submission

CHAIN_OFFICE = Principal("chain3", "chain_office", chain_ids=frozenset({3}))
PARK_OFFICE = Principal("park2", "park_office", park_ids=frozenset({2}))
ENTERPRISE = Principal("firm7", "enterprise", enterprise_ids=frozenset({7}))
VIEWER = Principal("view", "viewer")
ANALYST = Principal("ana", "analyst")
ADMIN = Principal("root", "admin")


def obs(scope: str, scope_id: int) -> Observation:
    return Observation(scope=scope, scope_id=scope_id)


@pytest.mark.parametrize(
    ("who", "scope", "scope_id", "expected"),
    [
        (CHAIN_OFFICE, "chain", 3, True),  # its own chain
        (CHAIN_OFFICE, "chain", 4, False),  # another chain
        (CHAIN_OFFICE, "city", 0, False),  # the city's figures belong to the bureau
        (CHAIN_OFFICE, "park", 3, False),  # a park with its chain's number is not its chain
        (PARK_OFFICE, "park", 2, True),
        (PARK_OFFICE, "park", 5, False),
        (PARK_OFFICE, "chain", 2, False),
        (ENTERPRISE, "city", 0, False),  # no right to submit plan figures at all
        (ENTERPRISE, "park", 2, False),
        (VIEWER, "city", 0, False),  # reads everything, submits nothing
        (ANALYST, "city", 0, True),
        (ANALYST, "chain", 4, True),
        (ADMIN, "park", 5, True),
    ],
)
def test_submit_a_figure(who: Principal, scope: str, scope_id: int, expected: bool) -> None:
    assert can(who, "submit", obs(scope, scope_id)) is expected


def test_offices_read_city_figures_but_not_other_offices() -> None:
    assert can(CHAIN_OFFICE, "read", obs("city", 0)) is True
    assert can(CHAIN_OFFICE, "read", obs("chain", 3)) is True
    assert can(CHAIN_OFFICE, "read", obs("chain", 4)) is False
    assert can(PARK_OFFICE, "read", obs("chain", 4)) is False
    assert can(ENTERPRISE, "read", obs("city", 0)) is False  # no plan domain for a firm


def test_review_a_figure_needs_the_approve_right() -> None:
    assert can(CHAIN_OFFICE, "approve", obs("chain", 3)) is False  # submits, never approves
    assert can(PARK_OFFICE, "approve", obs("park", 2)) is False
    assert can(ANALYST, "approve", obs("chain", 3)) is True
    assert can(ANALYST, "admin", obs("chain", 3)) is False  # unlocking is the admin's
    assert can(ADMIN, "admin", obs("chain", 3)) is True


@pytest.mark.parametrize(
    ("who", "scope", "scope_id", "expected"),
    [
        (CHAIN_OFFICE, "chain", 3, True),
        (CHAIN_OFFICE, "chain", 4, False),
        (CHAIN_OFFICE, "city", 0, False),
        (PARK_OFFICE, "park", 2, True),
        (PARK_OFFICE, "chain", 3, False),
        (ENTERPRISE, "park", 2, False),
        (VIEWER, "chain", 4, True),
        (ANALYST, "city", 0, True),
    ],
)
def test_see_a_submission(who: Principal, scope: str, scope_id: int, expected: bool) -> None:
    assert can(who, "read", Submission(scope=scope, scope_id=scope_id)) is expected


@pytest.mark.parametrize(
    ("who", "chain_id", "expected"),
    [
        (CHAIN_OFFICE, 3, True),
        (CHAIN_OFFICE, 4, False),
        (CHAIN_OFFICE, None, False),  # a new chain: the bureau creates chains
        (PARK_OFFICE, 3, False),  # no right to edit chains
        (ENTERPRISE, 3, False),
        (VIEWER, 3, False),
        (ANALYST, 3, False),  # reads and approves proposals, does not edit chains
        (ADMIN, None, True),
        (ADMIN, 4, True),
    ],
)
def test_edit_a_chain(who: Principal, chain_id: int | None, expected: bool) -> None:
    assert can(who, "edit", Chain(id=chain_id)) is expected


def test_a_new_row_whose_scope_needs_the_database_is_denied() -> None:
    """A chain office's enterprises are those on its chains' links (a subquery): a row not
    written yet cannot be placed without the database, so the answer is no rather than a guess."""
    from gaodi.enterprises.models import Enterprise

    assert can(CHAIN_OFFICE, "edit", Enterprise(park_id=2)) is False
    assert can(PARK_OFFICE, "edit", Enterprise(park_id=2)) is True  # a plain column: decided
    assert can(PARK_OFFICE, "edit", Enterprise(park_id=5)) is False


@pytest.mark.parametrize(
    ("who", "enterprise_id", "chain_id", "expected"),
    [
        (ENTERPRISE, 7, None, True),  # its own firm's appeal: the enterprise actor
        (ENTERPRISE, 8, None, False),  # another firm's
        (CHAIN_OFFICE, 8, 3, True),  # filed under its chain
        (CHAIN_OFFICE, 8, 4, False),
        (VIEWER, 7, 3, False),  # reads, never handles appeals
        (ANALYST, 7, 3, False),  # appeals are the offices' and the firms'
        (ADMIN, 7, 4, True),
    ],
)
def test_handle_an_appeal(
    who: Principal, enterprise_id: int, chain_id: int | None, expected: bool
) -> None:
    from gaodi.projects.models import Appeal

    appeal = Appeal(enterprise_id=enterprise_id, chain_id=chain_id)
    assert can(who, "edit", appeal) is expected
