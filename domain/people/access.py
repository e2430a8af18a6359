"""What people data a viewer may read, and which personal fields it may see unmasked."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from auth.roles import COMMUNITY_STAFF, OPERATORS, Role
from auth.viewer import Viewer
from domain.common.errors import Forbidden, InvalidInput
from domain.common.guards import require_person, require_platform_admin, require_role
from domain.people.models import CareRecord, CareTag, Membership, Person, Residency
from domain.space.access import staff_houses
from domain.space.models import House


def readable_residencies(viewer: Viewer) -> QuerySet[Residency]:
    """A resident sees who lives in their house now; staff also see who lived there before."""
    require_person(viewer)
    if viewer.is_platform_admin:
        return Residency.all()
    return Residency.filter(
        Q(house_id__in=sorted(viewer.house_ids), moved_out=None)
        | Q(house_id__in=Subquery(House.filter(staff_houses(viewer)).values("id")))
    )


def readable_memberships(viewer: Viewer) -> QuerySet[Membership]:
    require_person(viewer)
    if viewer.is_platform_admin:
        return Membership.all()
    return Membership.filter(
        Q(person_id=viewer.person_id or 0) | Q(community_id__in=sorted(viewer.readable_community_ids))
    )


def readable_care_records(viewer: Viewer) -> QuerySet[CareRecord]:
    """Care records of the persons this viewer may read; which communities' records are shown
    is personal_data_visibility's call (``care_communities``)."""
    return CareRecord.filter(person_id__in=Subquery(readable_persons(viewer).values("id")))


async def recorded_where_they_live(viewer: Viewer, tag: CareTag) -> Q:
    """A filter on residencies: those whose community recorded ``tag`` for the person."""
    records = CareRecord.filter(tag=tag)
    if not viewer.is_platform_admin:
        records = records.filter(community_id__in=sorted(viewer.member_community_ids))
    tagged: dict[int, list[int]] = {}
    for row in await records.values("person_id", "community_id"):
        tagged.setdefault(row["community_id"], []).append(row["person_id"])
    if not tagged:
        return Q(id__in=[])
    return Q(*(Q(community_id=c, person_id__in=sorted(p)) for c, p in tagged.items()), join_type="OR")


async def care_record_keeper(viewer: Viewer, person_id: int, community_id: int | None) -> int:
    """The community whose care record of this person the viewer may change: one where the
    person lives now and the viewer is its staff (operators, property staff). ``community_id``
    chooses when there are several."""
    require_person(viewer)
    homes = await Residency.filter(person_id=person_id, moved_out=None).values("community_id")
    kept: set[int] = {h["community_id"] for h in homes if viewer.has_role(h["community_id"], COMMUNITY_STAFF)}
    if community_id is not None:
        if community_id not in kept:
            raise Forbidden(
                "Care tags are recorded by the staff of a community the person lives in now", field="communityId"
            )
        return community_id
    if len(kept) == 1:
        return kept.pop()
    if not kept:
        raise Forbidden("Care tags are recorded by the staff of a community the person lives in now", field="tags")
    raise InvalidInput("The person lives in several of your communities: name one (communityId)", field="communityId")


def readable_persons(viewer: Viewer) -> QuerySet[Person]:
    require_person(viewer)
    if viewer.is_platform_admin:
        return Person.all()
    return Person.filter(
        Q(id=viewer.person_id or 0)
        | Q(id__in=Subquery(readable_residencies(viewer).values("person_id")))
        | Q(
            id__in=Subquery(
                Membership.filter(community_id__in=sorted(viewer.readable_community_ids)).values("person_id")
            )
        )
    )


@dataclass(frozen=True)
class PersonalData:
    """Which personal fields of one person the viewer sees unmasked."""

    phone: bool = False
    id_number: bool = False
    # Whose care records are shown: these communities' (None: every community's).
    care_communities: frozenset[int] | None = frozenset()

    @property
    def care_tags(self) -> bool:
        return self.care_communities is None or bool(self.care_communities)

    def shows_care_record_of(self, community_id: int) -> bool:
        return self.care_communities is None or community_id in self.care_communities


EVERYTHING = PersonalData(phone=True, id_number=True, care_communities=None)


async def personal_data_visibility(viewer: Viewer, person_ids: Iterable[int]) -> dict[int, PersonalData]:
    """Who may see what, for a batch of persons (one loader, two queries).

    - themselves: everything;
    - their household, and the staff responsible for where they live now (community
      staff, housekeepers and grid workers of their grid): phone, and the care tags that
      community recorded (a community never sees another's care records of the same person);
    - an operator of where they live now: also the ID number, but only if every community
      they live or work in is one the viewer operates (moving a stranger in by phone
      must not unmask an ID number the stranger's other communities keep);
    - staff of a community they work for: their phone (colleagues call each other).
    Anyone else who can see the person at all sees only masked values.
    """
    ids = sorted(set(person_ids))
    if viewer.is_platform_admin:
        return dict.fromkeys(ids, EVERYTHING)
    homes = await Residency.filter(person_id__in=ids, moved_out=None).values_list(
        "person_id", "community_id", "house_id", "house__grid_id"
    )
    jobs = await Membership.filter(person_id__in=ids, role__not=Role.RESIDENT).values_list("person_id", "community_id")
    mine = viewer.house_ids
    staffed = viewer.readable_community_ids
    grids = viewer.grid_ids
    operated = viewer.communities_with(OPERATORS)
    cared_for: dict[object, set[int]] = {}
    worked_with: set[object] = set()
    lives_where_operated: set[object] = set()
    footprint: dict[object, set[object]] = {}
    for person, community, house, grid in homes:
        footprint.setdefault(person, set()).add(community)
        if house in mine or community in staffed or grid in grids:
            cared_for.setdefault(person, set()).add(community)
        if community in operated:
            lives_where_operated.add(person)
    for person, community in jobs:
        footprint.setdefault(person, set()).add(community)  # None: a platform admin, operated by nobody
        if community in staffed:
            worked_with.add(person)
    return {
        pid: EVERYTHING
        if pid == viewer.person_id
        else PersonalData(
            phone=pid in cared_for or pid in worked_with,
            id_number=pid in lives_where_operated and footprint[pid] <= operated,
            care_communities=frozenset(cared_for.get(pid, ())),
        )
        for pid in ids
    }


async def manages_person(viewer: Viewer, person_id: int) -> bool:
    """Staff change who a person is (phone, ID number, tags, activation code) only when the
    person is wholly theirs: every community the person lives or works in now is one where
    the viewer manages people, and a person with staff roles is changed only by an operator,
    so nobody re-keys an account that holds more power than they do."""
    if viewer.is_platform_admin:
        return True
    lives_in = await Residency.filter(person_id=person_id, moved_out=None).values_list("community_id", flat=True)
    works_in = await Membership.filter(person_id=person_id, role__not=Role.RESIDENT).values_list(
        "community_id", flat=True
    )
    if None in works_in:  # a platform admin
        return False
    staff_of = {c for c in works_in if isinstance(c, int)}
    footprint = staff_of | {c for c in lives_in if isinstance(c, int)}
    managed = viewer.communities_with(COMMUNITY_STAFF)
    return bool(footprint) and footprint <= managed and staff_of <= viewer.communities_with(OPERATORS)


async def check_manage_person(viewer: Viewer, person_id: int, refusal: str) -> None:
    """Changing who a person is (phone, ID number, someone else's name) or issuing their
    activation code; ``refusal`` says so to whoever may not."""
    require_person(viewer)
    if not await manages_person(viewer, person_id):
        raise Forbidden(refusal)


def check_register(viewer: Viewer, community_id: int) -> None:
    """Registering people with the office: the community's staff."""
    require_role(viewer, community_id, COMMUNITY_STAFF, "Registering a person")


def check_move_in(viewer: Viewer, community_id: int) -> None:
    require_role(viewer, community_id, COMMUNITY_STAFF, "Moving a person in")


def check_manage_residency(viewer: Viewer, community_id: int, action: str) -> None:
    """Moving out, correcting a residency: the community's staff."""
    require_role(viewer, community_id, COMMUNITY_STAFF, action)


def check_grant(viewer: Viewer, *, role: Role, community_id: int | None) -> None:
    """Operators grant staff roles in their community; only a platform admin grants PLATFORM_ADMIN."""
    if role is Role.PLATFORM_ADMIN:
        require_platform_admin(viewer, "Granting PLATFORM_ADMIN")
    elif community_id is not None:
        require_role(viewer, community_id, OPERATORS, "Granting a role")


def check_revoke(viewer: Viewer, membership: Membership) -> None:
    if membership.community_id is None:
        require_platform_admin(viewer, "Revoking PLATFORM_ADMIN")
    else:
        require_role(viewer, membership.community_id, OPERATORS, "Revoking a role")
