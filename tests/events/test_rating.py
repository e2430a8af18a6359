"""A rating stays with the staff member who was rated, and staff cannot rate their own work."""

from __future__ import annotations

from tests.events.support import ACCEPT, ASSIGN, RATE, RESOLVE
from tests.events.support import report_about as report
from tests.support import Api, World, data

MY_RATINGS = "query { myRatings { average totalCount ratings { eventId score } } }"


async def resolved(api: Api, world: World) -> str:
    """Reported by the owner of a101, accepted and resolved by g1's housekeeper."""
    event = await report(api, world, world.owner_a101, world.a101)
    assert event["assigneeId"] == str(world.keeper_g1.id)
    data(await api(ACCEPT, {"id": event["id"]}, as_=world.keeper_g1))
    data(await api(RESOLVE, {"id": event["id"]}, as_=world.keeper_g1))
    return str(event["id"])


async def test_staff_cannot_inflate_their_own_ratings(api: Api, world: World) -> None:
    # The housekeeper of g1 reports about a house of g1: the event is assigned to themselves.
    event = await report(api, world, world.keeper_g1, world.a101)
    assert event["assigneeId"] == str(world.keeper_g1.id)
    data(await api(ACCEPT, {"id": event["id"]}, as_=world.keeper_g1))
    data(await api(RESOLVE, {"id": event["id"]}, as_=world.keeper_g1))
    await api(RATE, {"id": event["id"], "score": 5}, as_=world.keeper_g1)

    # Reported and resolved by one person: closed at once, with no rating to give themselves.
    mine = data(await api(MY_RATINGS, {}, as_=world.keeper_g1))["myRatings"]
    assert (mine["average"], mine["totalCount"]) == (None, 0), mine


async def test_a_rating_stays_with_the_staff_member_who_was_rated(api: Api, world: World) -> None:
    event_id = await resolved(api, world)
    reopened = await api(
        RATE, {"id": event_id, "score": 1, "comment": "Still leaks", "reopen": True}, as_=world.owner_a101
    )
    assert data(reopened)["eventRate"]["status"] == "REOPENED"
    data(await api(ASSIGN, {"id": event_id, "assigneeId": str(world.staff_a.id)}, as_=world.operator_a))

    # A rating stays with whoever held the event when it was given (it is kept on the timeline).
    newcomer = data(await api(MY_RATINGS, {}, as_=world.staff_a))["myRatings"]
    keeper = data(await api(MY_RATINGS, {}, as_=world.keeper_g1))["myRatings"]
    assert (newcomer["average"], newcomer["totalCount"]) == (None, 0), newcomer
    assert (keeper["average"], keeper["totalCount"]) == (1.0, 1), keeper
