"""Mutual help: a resident asks, neighbours offer, the requester accepts one and confirms it was
done; the helper earns VOLUNTEER points once."""

from __future__ import annotations

from domain.points.models import Entry
from tests.neighbours.support import (
    HELP_ACCEPT,
    HELP_CANCEL,
    HELP_CONFIRM,
    HELP_OFFER,
    HELP_OFFERS,
    HELP_REQUEST,
    HELP_REQUESTS,
    ask_help,
    volunteer_points,
)
from tests.support import Api, World, code_and_field, data, ids


async def test_asked_offered_accepted_confirmed_and_paid_once(api: Api, world: World) -> None:
    sofa = await ask_help(api, world, world.elder_a102)
    assert sofa["status"] == "OPEN"
    assert code_and_field(await api(HELP_OFFER, {"r": sofa["id"], "n": "me"}, as_=world.elder_a102)) == (
        "FORBIDDEN",
        "requestId",
    )
    offered = data(await api(HELP_OFFER, {"r": sofa["id"], "n": "After 6 pm"}, as_=world.owner_a101))["helpOfferCreate"]
    data(await api(HELP_OFFER, {"r": sofa["id"], "n": "Weekend"}, as_=world.keeper_g1))
    assert code_and_field(await api(HELP_OFFER, {"r": sofa["id"], "n": "again"}, as_=world.owner_a101)) == (
        "CONFLICT",
        "requestId",
    )
    # The requester sees every offer; a helper their own.
    assert len(data(await api(HELP_OFFERS, {"r": sofa["id"]}, as_=world.elder_a102))["helpOffers"]["nodes"]) == 2
    assert ids(data(await api(HELP_OFFERS, {"r": sofa["id"]}, as_=world.owner_a101))["helpOffers"]["nodes"]) == {
        int(offered["id"])
    }
    assert code_and_field(await api(HELP_ACCEPT, {"o": offered["id"]}, as_=world.owner_a101)) == (
        "FORBIDDEN",
        "offerId",
    )
    assert code_and_field(await api(HELP_CONFIRM, {"id": sofa["id"]}, as_=world.elder_a102)) == ("CONFLICT", "id")
    accepted = data(await api(HELP_ACCEPT, {"o": offered["id"]}, as_=world.elder_a102))["helpOfferAccept"]
    assert (accepted["status"], accepted["helperId"]) == ("ACCEPTED", str(world.owner_a101.id))
    assert code_and_field(await api(HELP_OFFER, {"r": sofa["id"], "n": "late"}, as_=world.child_a101))[0] == "CONFLICT"
    assert code_and_field(await api(HELP_CONFIRM, {"id": sofa["id"]}, as_=world.owner_a101)) == ("FORBIDDEN", "id")
    done = data(await api(HELP_CONFIRM, {"id": sofa["id"]}, as_=world.elder_a102))["helpRequestConfirm"]
    assert (done["status"], done["pointsAwarded"]) == ("DONE", 10)
    assert code_and_field(await api(HELP_CONFIRM, {"id": sofa["id"]}, as_=world.elder_a102)) == ("CONFLICT", "id")
    assert code_and_field(await api(HELP_CANCEL, {"id": sofa["id"]}, as_=world.elder_a102)) == ("CONFLICT", "id")
    assert await volunteer_points(api, world, world.owner_a101) == 10
    assert await Entry.filter(kind="VOLUNTEER", source_id=f"help:{sofa['id']}").count() == 1


async def test_help_requests_stay_in_their_community(api: Api, world: World) -> None:
    sofa = await ask_help(api, world, world.elder_a102)
    assert ids(data(await api(HELP_REQUESTS, {}, as_=world.owner_a101))["helpRequests"]["nodes"]) == {int(sofa["id"])}
    assert data(await api(HELP_REQUESTS, {}, as_=world.owner_b101))["helpRequests"]["nodes"] == []
    assert code_and_field(await api(HELP_REQUEST, {"id": sofa["id"]}, as_=world.owner_b101))[0] == "NOT_FOUND"
    assert code_and_field(await api(HELP_OFFER, {"r": sofa["id"], "n": "x"}, as_=world.operator_b))[0] == "NOT_FOUND"


async def test_the_requester_withdraws(api: Api, world: World) -> None:
    sofa = await ask_help(api, world, world.elder_a102)
    assert code_and_field(await api(HELP_CANCEL, {"id": sofa["id"]}, as_=world.owner_a101)) == ("FORBIDDEN", "id")
    assert (
        data(await api(HELP_CANCEL, {"id": sofa["id"]}, as_=world.elder_a102))["helpRequestCancel"]["status"]
        == "CANCELLED"
    )
    assert code_and_field(await api(HELP_OFFER, {"r": sofa["id"], "n": "x"}, as_=world.owner_a101))[0] == "CONFLICT"
