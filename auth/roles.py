"""Roles a membership gives in a community, and which roles may do what."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    RESIDENT = "RESIDENT"
    HOUSEKEEPER = "HOUSEKEEPER"
    GRID_WORKER = "GRID_WORKER"
    PROPERTY_STAFF = "PROPERTY_STAFF"
    MERCHANT = "MERCHANT"
    OPERATOR = "OPERATOR"
    PLATFORM_ADMIN = "PLATFORM_ADMIN"


# Staff who see the whole community's houses and people.
COMMUNITY_READERS = frozenset({Role.OPERATOR, Role.PROPERTY_STAFF})
# Staff whose scope is the grids they are assigned to.
GRID_ROLES = frozenset({Role.HOUSEKEEPER, Role.GRID_WORKER})
# Who may change the community's space (buildings, units, houses, grids) and memberships.
SPACE_MANAGERS = frozenset({Role.OPERATOR})
# Who may register people and their residencies.
PEOPLE_MANAGERS = frozenset({Role.OPERATOR, Role.PROPERTY_STAFF})
# Who may read ID numbers (a resident always reads their own).
ID_NUMBER_READERS = frozenset({Role.OPERATOR})
