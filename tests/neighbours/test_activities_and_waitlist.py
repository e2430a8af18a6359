"""Activities: seats up to capacity, then a wait-list that moves up in sign-up order; check-in by
the office or by the activity's code; finishing a volunteer activity earns each checked-in
participant its points, once."""

from __future__ import annotations

from domain.neighbours.models import Activity, Signup
from domain.points.models import Entry
from tests.neighbours.support import (
    ACTIVITIES,
    ACTIVITY,
    CANCEL,
    CHECK_IN,
    CHECK_IN_CODE,
    FINISH,
    SIGN_UP,
    SIGNUPS,
    make_activity,
    sign_up,
    volunteer_points,
)
from tests.support import Api, World, code_and_field, data, make_resident


async def test_a_full_activity_puts_people_on_the_wait_list_which_moves_up(api: Api, world: World) -> None:
    camp = await make_activity(api, world, title="Summer camp", capacity=2)
    first = await sign_up(api, camp, world.owner_a101)
    second = await sign_up(api, camp, world.child_a101)
    third = await sign_up(api, camp, world.elder_a102)
    late = await make_resident(world.a201, name="Late A201")
    fourth = await sign_up(api, camp, late)
    assert [s["status"] for s in (first, second, third, fourth)] == ["CONFIRMED", "CONFIRMED", "WAITING", "WAITING"]
    seen = data(await api(ACTIVITY, {"id": camp["id"]}, as_=world.owner_a101))["neighbourActivityDetail"]
    assert (seen["confirmed"], seen["waiting"]) == (2, 2)
    assert code_and_field(await api(SIGN_UP, {"a": camp["id"]}, as_=world.owner_a101)) == ("CONFLICT", "activityId")
    # A seat freed goes to the first who waited (the elder), not the last.
    assert (
        data(await api(CANCEL, {"a": camp["id"]}, as_=world.child_a101))["neighbourActivityCancel"]["status"]
        == "CANCELLED"
    )
    assert (await Signup.get(person_id=world.elder_a102.id)).status == "CONFIRMED"
    assert (await Signup.get(person_id=late.id)).status == "WAITING"
    # Giving up a place on the wait-list frees no seat.
    data(await api(CANCEL, {"a": camp["id"]}, as_=late))
    assert code_and_field(await api(CANCEL, {"a": camp["id"]}, as_=late)) == ("NOT_FOUND", "activityId")
    seen = data(await api(ACTIVITY, {"id": camp["id"]}, as_=world.owner_a101))["neighbourActivityDetail"]
    assert (seen["confirmed"], seen["waiting"]) == (2, 0)
    # Signing up again after cancelling: at the end, as anyone new (the seats are taken).
    assert (await sign_up(api, camp, world.child_a101))["status"] == "WAITING"
    # Outsiders neither see nor sign up.
    assert code_and_field(await api(SIGN_UP, {"a": camp["id"]}, as_=world.owner_b101)) == ("NOT_FOUND", "activityId")


async def test_only_the_office_sees_the_check_in_code_and_everyones_sign_ups(api: Api, world: World) -> None:
    club = await make_activity(api, world)
    assert club["checkInCode"] and len(club["checkInCode"]) == 6
    await sign_up(api, club, world.owner_a101)
    await sign_up(api, club, world.elder_a102)
    assert (
        data(await api(ACTIVITY, {"id": club["id"]}, as_=world.owner_a101))["neighbourActivityDetail"]["checkInCode"]
        is None
    )
    listed = data(await api(ACTIVITIES, {"c": str(world.a.id)}, as_=world.owner_a101))["neighbourActivities"]["nodes"]
    assert [a["checkInCode"] for a in listed] == [None]
    own = data(await api(SIGNUPS, {"a": club["id"]}, as_=world.owner_a101))["neighbourActivitySignups"]["nodes"]
    assert [s["personId"] for s in own] == [str(world.owner_a101.id)]
    everyone = data(await api(SIGNUPS, {"a": club["id"]}, as_=world.staff_a))["neighbourActivitySignups"]["nodes"]
    assert len(everyone) == 2


async def test_check_in_by_the_office_or_by_code(api: Api, world: World) -> None:
    club = await make_activity(api, world, capacity=2)
    await sign_up(api, club, world.owner_a101)
    await sign_up(api, club, world.elder_a102)
    await sign_up(api, club, world.child_a101)  # waiting: no seat to check in to
    code = club["checkInCode"]
    wrong = "000000" if code != "000000" else "111111"
    assert code_and_field(await api(CHECK_IN_CODE, {"a": club["id"], "code": wrong}, as_=world.owner_a101)) == (
        "INVALID_INPUT",
        "code",
    )
    done = data(await api(CHECK_IN_CODE, {"a": club["id"], "code": code}, as_=world.owner_a101))
    assert done["neighbourActivityCheckInWithCode"]["checkedInAt"] is not None
    assert (
        code_and_field(await api(CHECK_IN_CODE, {"a": club["id"], "code": code}, as_=world.owner_a101))[0] == "CONFLICT"
    )
    assert code_and_field(await api(CHECK_IN_CODE, {"a": club["id"], "code": code}, as_=world.child_a101)) == (
        "NOT_FOUND",
        "personId",
    )
    # The office checks the elder in; a resident may not check anyone in.
    by_office = {"a": club["id"], "p": str(world.elder_a102.id)}
    assert code_and_field(await api(CHECK_IN, by_office, as_=world.owner_a101))[0] == "FORBIDDEN"
    assert data(await api(CHECK_IN, by_office, as_=world.staff_a))["neighbourActivityCheckIn"]["checkedInAt"]
    # A checked-in participant no longer cancels (the seat was used).
    assert code_and_field(await api(CANCEL, {"a": club["id"]}, as_=world.owner_a101))[0] == "CONFLICT"


async def test_wrong_codes_are_limited(api: Api, world: World) -> None:
    club = await make_activity(api, world)
    await sign_up(api, club, world.owner_a101)
    wrong = "000000" if club["checkInCode"] != "000000" else "111111"
    for _ in range(10):
        await api(CHECK_IN_CODE, {"a": club["id"], "code": wrong}, as_=world.owner_a101)
    limited = await api(CHECK_IN_CODE, {"a": club["id"], "code": club["checkInCode"]}, as_=world.owner_a101)
    assert code_and_field(limited) == ("RATE_LIMITED", "code")


async def test_finishing_a_volunteer_activity_earns_the_checked_in_their_points_once(api: Api, world: World) -> None:
    clean_up = await make_activity(api, world, title="Spring clean-up", volunteer=True, points=15, capacity=3)
    for person in (world.owner_a101, world.elder_a102, world.child_a101):
        await sign_up(api, clean_up, person)
    for person in (world.owner_a101, world.elder_a102):
        data(await api(CHECK_IN, {"a": clean_up["id"], "p": str(person.id)}, as_=world.staff_a))
    assert code_and_field(await api(FINISH, {"id": clean_up["id"]}, as_=world.owner_a101))[0] == "FORBIDDEN"
    assert (
        data(await api(FINISH, {"id": clean_up["id"]}, as_=world.staff_a))["neighbourActivityFinish"]["status"]
        == "FINISHED"
    )
    assert await volunteer_points(api, world, world.owner_a101) == 15
    assert await volunteer_points(api, world, world.elder_a102) == 15
    assert await volunteer_points(api, world, world.child_a101) == 0  # signed up, never came
    assert code_and_field(await api(FINISH, {"id": clean_up["id"]}, as_=world.staff_a)) == ("CONFLICT", "id")
    assert await Entry.filter(kind="VOLUNTEER").count() == 2
    rows = data(await api(SIGNUPS, {"a": clean_up["id"], "s": "CONFIRMED"}, as_=world.staff_a))[
        "neighbourActivitySignups"
    ]
    assert sorted(s["pointsAwarded"] for s in rows["nodes"]) == [0, 15, 15]
    # Over: no more sign-ups, cancellations or check-ins.
    assert code_and_field(await api(SIGN_UP, {"a": clean_up["id"]}, as_=world.keeper_g1))[0] == "CONFLICT"
    assert code_and_field(await api(CANCEL, {"a": clean_up["id"]}, as_=world.child_a101))[0] == "CONFLICT"


async def test_a_volunteer_activity_without_points_earns_the_communitys_rule(api: Api, world: World) -> None:
    walk = await make_activity(api, world, title="Walking the elderly", volunteer=True)
    await sign_up(api, walk, world.owner_a101)
    data(await api(CHECK_IN, {"a": walk["id"], "p": str(world.owner_a101.id)}, as_=world.staff_a))
    data(await api(FINISH, {"id": walk["id"]}, as_=world.operator_a))
    assert await volunteer_points(api, world, world.owner_a101) == 10  # Rules.volunteer_points' default
    assert await Activity.filter(status="FINISHED").count() == 1
