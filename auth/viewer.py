"""The Viewer: who is asking, and with which roles in which communities."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from auth.roles import COMMUNITY_STAFF, GRID_STAFF, Role


@dataclass(frozen=True)
class Grant:
    """One membership: a role in a community (None = every community), maybe scoped to a grid
    or, for a shop's staff, to one shop (of that community)."""

    role: Role
    community_id: int | None
    grid_id: int | None = None
    shop_id: int | None = None


@dataclass(frozen=True)
class Viewer:
    person_id: int | None = None
    grants: tuple[Grant, ...] = ()
    # Houses the person lives in now (active residencies), and their communities.
    house_ids: frozenset[int] = field(default_factory=frozenset)
    resident_community_ids: frozenset[int] = field(default_factory=frozenset)
    # Since when they live in each of those houses (the earliest active residency there): what
    # was the house's before is a former household's (its bills, say), not theirs.
    homes_since: tuple[tuple[int, date], ...] = ()
    session: str | None = None

    def lives_in_since(self, house_id: object) -> date | None:
        """The day the viewer moved into that house, if they live there now."""
        return next((since for house, since in self.homes_since if house == house_id), None)

    @property
    def is_platform_admin(self) -> bool:
        return any(g.role is Role.PLATFORM_ADMIN for g in self.grants)

    def communities_with(self, roles: Iterable[Role]) -> set[int]:
        wanted = set(roles)
        return {g.community_id for g in self.grants if g.role in wanted and g.community_id is not None}

    @property
    def readable_community_ids(self) -> set[int]:
        """Communities whose whole population this viewer may read."""
        return self.communities_with(COMMUNITY_STAFF)

    @property
    def grid_ids(self) -> set[int]:
        return {g.grid_id for g in self.grants if g.role in GRID_STAFF and g.grid_id is not None}

    @property
    def member_community_ids(self) -> set[int]:
        """Every community this viewer belongs to in any role, residents included."""
        return {g.community_id for g in self.grants if g.community_id is not None} | set(self.resident_community_ids)

    def sees_place(self, *, community_id: object, grid_id: object, house_id: object) -> bool:
        """Whether something at this place (an alarm, a device) is in this viewer's scope:
        the same scopes as houses, for one item that is already loaded (a message, say)."""
        admin, communities, grids = self._places
        return admin or community_id in communities or grid_id in grids or house_id in self.house_ids

    @cached_property  # asked once per live message per subscriber: worked out once per viewer
    def _places(self) -> tuple[bool, frozenset[int], frozenset[int]]:
        return self.is_platform_admin, frozenset(self.readable_community_ids), frozenset(self.grid_ids)

    @cached_property  # asked once per live message per subscriber: computed once per viewer
    def scope(self) -> str:
        """Everything but who the person is: two viewers with one scope see the same places
        (used to share per-viewer answers between them, see schema.shared_events)."""
        grants = sorted((g.role.value, g.community_id or 0, g.grid_id or 0, g.shop_id or 0) for g in self.grants)
        homes = (sorted(self.house_ids), sorted(self.resident_community_ids), sorted(self.homes_since))
        return repr((self.person_id is None, grants, *homes))

    def shops_with(self, roles: Iterable[Role]) -> set[int]:
        """The shops this viewer serves in one of these roles."""
        wanted = set(roles)
        return {g.shop_id for g in self.grants if g.role in wanted and g.shop_id is not None}

    def has_role(self, community_id: int, roles: Iterable[Role]) -> bool:
        return self.is_platform_admin or community_id in self.communities_with(roles)


ANONYMOUS = Viewer()
