"""Who may comment on an event: its reporter, its assignee while on duty, and the dispatchers."""

from __future__ import annotations

from auth.roles import Role
from domain.people.models import Membership
from tests.events.support import report
from tests.support import Api, World, data, error

COMMENT = "mutation C($id: ID!, $note: String!) { eventComment(id: $id, note: $note) { status } }"
STATE = """
query E($id: ID!) {
  event(id: $id) { status overdue alarmId deadlineAt resolvedAt closedAt rating timeline { action } }
}
"""


async def test_only_the_reporter_the_assignee_on_duty_and_dispatchers_may_comment(api: Api, world: World) -> None:
    event_id = (await report(api, world, world.owner_a101))["id"]
    for outsider, codes in (
        (world.owner_b101, {"NOT_FOUND"}),
        (world.operator_b, {"NOT_FOUND"}),
        (world.merchant_a, {"NOT_FOUND", "FORBIDDEN"}),
        (world.child_a101, {"NOT_FOUND", "FORBIDDEN"}),  # lives there, did not report it
    ):
        assert error(await api(COMMENT, {"id": event_id, "note": "hi"}, as_=outsider))["code"] in codes
    # The assignee who lost the housekeeper role may no longer comment.
    await Membership.filter(person=world.keeper_g1, role=Role.HOUSEKEEPER).delete()
    refused = await api(COMMENT, {"id": event_id, "note": "hi"}, as_=world.keeper_g1)
    assert error(refused)["code"] in {"NOT_FOUND", "FORBIDDEN"}
    status = data(await api(STATE, {"id": event_id}, as_=world.operator_a))["event"]
    assert status["status"] == "ASSIGNED" and "COMMENT" not in [e["action"] for e in status["timeline"]]
