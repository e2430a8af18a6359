"""Roles a membership gives in a community, and the groups of them that access rules name.

The groups say who people are, not what they may do: each noun's ``access.py`` says which
group may do what there, so "who may acknowledge an alarm?" is answered in one file.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    RESIDENT = "RESIDENT"
    HOUSEKEEPER = "HOUSEKEEPER"
    GRID_WORKER = "GRID_WORKER"
    PROPERTY_STAFF = "PROPERTY_STAFF"
    MERCHANT = "MERCHANT"
    COURIER = "COURIER"
    OPERATOR = "OPERATOR"
    PLATFORM_ADMIN = "PLATFORM_ADMIN"


# The community's own office: its whole population and places are theirs to see and serve.
COMMUNITY_STAFF = frozenset({Role.OPERATOR, Role.PROPERTY_STAFF})
# Staff whose scope is the grids they are assigned to.
GRID_STAFF = frozenset({Role.HOUSEKEEPER, Role.GRID_WORKER})
# Everyone who works in the community.
STAFF = COMMUNITY_STAFF | GRID_STAFF
# Those who run the community: its space, devices, roles, and who see ID numbers.
OPERATORS = frozenset({Role.OPERATOR})
# Who works for a shop (granted per shop, domain/shops): merchants run it, couriers deliver for it.
SHOP_STAFF = frozenset({Role.MERCHANT, Role.COURIER})
