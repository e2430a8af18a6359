"""Every "may" of bills: who reads which bill, who sets tariffs and generates a period, who sees
arrears and exports them, who pays, and which live message reaches whom.

Money is the household's and the property office's: a resident reads the bills of the houses they
live in now, for the months they have lived there (from the month they moved in: a new household
never sees the former one's bills); the community's office (operators, property staff) reads its
community's; grid staff (housekeepers) read none. Nothing crosses communities.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from auth.roles import COMMUNITY_STAFF, OPERATORS
from auth.viewer import Viewer
from domain.bills.models import Bill, Tariff
from domain.common.errors import Forbidden, InvalidInput
from domain.common.guards import require_person, require_role


def first_period_of(since: date) -> str:
    """The first month a resident who moved in on that day is billed for: the month of the move
    (a period overlaps a residency when it ends after the day they moved in)."""
    return f"{since:%Y-%m}"


def readable_bills(viewer: Viewer) -> QuerySet[Bill]:
    """The community's office: its community's bills. Residents: their own houses' bills of the
    months they have lived there."""
    require_person(viewer)
    if viewer.is_platform_admin:
        return Bill.all()
    visible = Q(community_id__in=sorted(viewer.communities_with(COMMUNITY_STAFF)))
    for house_id, since in viewer.homes_since:
        visible |= Q(house_id=house_id, period__gte=first_period_of(since))
    return Bill.filter(visible)


def readable_tariffs(viewer: Viewer) -> QuerySet[Tariff]:
    """Prices are no secret to anyone of the community, residents included."""
    require_person(viewer)
    if viewer.is_platform_admin:
        return Tariff.all()
    return Tariff.filter(community_id__in=sorted(viewer.member_community_ids))


def check_set_tariffs(viewer: Viewer, community_id: int) -> None:
    require_role(viewer, community_id, OPERATORS, "Setting a tariff")


def check_generate(viewer: Viewer, community_id: int) -> None:
    require_role(viewer, community_id, OPERATORS, "Generating bills")


def check_read_arrears(viewer: Viewer, community_id: int) -> None:
    """Arrears and the figures of a community's bills: its office."""
    require_role(viewer, community_id, COMMUNITY_STAFF, "Reading a community's arrears")


def check_export(viewer: Viewer, community_id: int) -> None:
    """A period's bills as a file: the community's operators only."""
    require_role(viewer, community_id, OPERATORS, "Exporting bills")


def check_pay(viewer: Viewer, bill: Bill) -> None:
    """For the payments noun: a bill is paid by someone who lives in its house now."""
    require_person(viewer)
    if bill.house_id not in viewer.house_ids:
        raise Forbidden("A bill is paid by the household it is for", field="billId")


def home_to_watch(viewer: Viewer, community_id: int | None) -> int:
    """myBills: the community of the resident's homes to watch (one stream per community)."""
    require_person(viewer)
    communities = sorted(viewer.resident_community_ids)
    chosen = community_id
    if chosen is None and len(communities) == 1:
        chosen = communities[0]
    if chosen is None or chosen not in communities:
        raise InvalidInput("Name the community you live in to watch (communityId)", field="communityId")
    return chosen


def may_receive_at_home(viewer: Viewer, bill: dict[str, Any]) -> bool:
    """myBills: only the bills of the houses the resident lives in now, of their months there."""
    since = viewer.lives_in_since(bill.get("house_id"))
    return since is not None and str(bill.get("period", "")) >= first_period_of(since)
