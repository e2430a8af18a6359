"""Who works on an event: reassigning takes it from the old assignee, and staff whose role is revoked no
longer read or work their open assignments."""

from __future__ import annotations

from auth.roles import Role
from domain.events.models import Event, EventEntry
from domain.people.models import Membership
from tests.events.support import ACCEPT, ASSIGN, RESOLVE
from tests.events.support import report_about as report
from tests.support import Api, World, code_and_field, data, make_staff

EVENT = """
query E($id: ID!) {
  event(id: $id) { id status assigneeId contact deadlineAt overdue rating photos { key } timeline { action } }
}
"""
REVOKE = "mutation R($id: ID!) { membershipRevoke(id: $id) { id } }"


async def test_staff_whose_role_is_revoked_no_longer_read_or_work_their_open_assignments(
    api: Api, world: World
) -> None:
    event = await report(api, world, world.owner_a101, world.a101, description="Leak; call me on 13800001111")
    assert event["assigneeId"] == str(world.keeper_g1.id)
    membership = await Membership.get(person_id=world.keeper_g1.id)
    revoked = await api(REVOKE, {"id": str(membership.id)}, as_=world.operator_a)
    if revoked.get("errors"):  # refusing to revoke while they have open work would do as well
        assert code_and_field(revoked) == ("CONFLICT", "membershipId"), revoked
        return

    # An assignee counts as one only while they hold a staff role in the event's community.
    read = await api(EVENT, {"id": event["id"]}, as_=world.keeper_g1)
    assert code_and_field(read) == ("NOT_FOUND", "id"), read
    accept = await api(ACCEPT, {"id": event["id"]}, as_=world.keeper_g1)
    assert code_and_field(accept)[0] in ("NOT_FOUND", "FORBIDDEN"), accept
    assert (await Event.get(id=int(event["id"]))).status.value == "ASSIGNED"


async def test_reassigning_work_in_progress_takes_it_from_the_old_assignee(api: Api, world: World) -> None:
    worker_g1 = await make_staff(Role.GRID_WORKER, world.a, world.g1, name="Worker g1")
    event = await report(api, world, world.owner_a101, world.a101)
    data(await api(ACCEPT, {"id": event["id"]}, as_=world.keeper_g1))
    moved = await api(ASSIGN, {"id": event["id"], "assigneeId": str(worker_g1.id)}, as_=world.operator_a)
    assert data(moved)["eventAssign"] == {"id": event["id"], "status": "ASSIGNED", "assigneeId": str(worker_g1.id)}
    # The old assignee still sees it (their grid) but may no longer work on it; the new one must accept first.
    assert code_and_field(await api(RESOLVE, {"id": event["id"]}, as_=world.keeper_g1)) == ("FORBIDDEN", "id")
    assert code_and_field(await api(RESOLVE, {"id": event["id"]}, as_=worker_g1)) == ("CONFLICT", "status")
    data(await api(ACCEPT, {"id": event["id"]}, as_=worker_g1))
    data(await api(RESOLVE, {"id": event["id"]}, as_=worker_g1))
    actions = [e.action for e in await EventEntry.filter(event_id=int(event["id"])).order_by("id")]
    assert actions == ["REPORT", "ASSIGN", "ACCEPT", "ASSIGN", "ACCEPT", "RESOLVE"]
