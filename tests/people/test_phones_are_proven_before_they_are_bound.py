"""Nobody binds a phone they do not hold: an account needs the code sent to the phone (or the
office's activation code), and without one every phone gets the same answer, so registering is
no way to learn who lives here; asking for codes and registering are budgeted per address."""

from __future__ import annotations

from domain.people.accounts import REGISTRATIONS_PER_ADDRESS
from domain.people.models import Person, Residency
from domain.people.phone_proofs import CODES_PER_ADDRESS
from tests.conftest import RunningServer
from tests.people.support import REGISTER, REQUEST_CODE, phone_code, register_input
from tests.support import Api, World, code_and_field, data, error, make_resident, new_phone


async def test_registering_somebody_elses_phone_without_its_code_binds_nothing(api: Api, world: World) -> None:
    resident = await make_resident(world.a201, name="Real Owner", password_hash=None)  # the office's record
    squat = await api(REGISTER, register_input(resident.phone, name="Squatter"))
    assert code_and_field(squat) == ("INVALID_INPUT", "phoneCode")
    wrong = await api(REGISTER, register_input(new_phone(), name="Squatter", phoneCode="000000"))
    assert code_and_field(wrong) == ("INVALID_INPUT", "phoneCode")
    assert (await Person.get(id=resident.id)).password_hash is None
    assert not await Person.filter(name="Squatter").exists()


async def test_without_a_code_every_phone_gets_the_same_answer(api: Api, world: World) -> None:
    office_registered = await make_resident(world.a201, password_hash=None)
    answers = [
        error(await api(REGISTER, register_input(phone, name="Probe", phoneCode="123456")))
        for phone in (new_phone(), world.owner_a101.phone, office_registered.phone)
    ]
    assert answers[0] == answers[1] == answers[2]
    asked = [
        data(await api(REQUEST_CODE, {"phone": p}))["authRequestPhoneCode"]
        for p in (new_phone(), world.owner_a101.phone)
    ]
    assert asked == [True, True]


async def test_proving_the_phone_claims_the_offices_record(api: Api, world: World, server: RunningServer) -> None:
    resident = await make_resident(world.a201, name="Real Owner", password_hash=None)
    code = await phone_code(api, server, resident.phone)
    claimed = data(await api(REGISTER, register_input(resident.phone, phoneCode=code)))["authRegister"]
    assert claimed["person"]["id"] == str(resident.id)
    assert await Residency.filter(person_id=resident.id, house_id=world.a201.id).exists()
    # A code works once.
    again = await api(REGISTER, register_input(resident.phone, password="another-password", phoneCode=code))
    assert code_and_field(again) == ("INVALID_INPUT", "phoneCode")


async def test_asking_for_codes_and_registering_are_budgeted_per_address(api: Api, world: World) -> None:
    sweeper = api.from_address("127.0.0.5")
    try:
        for _ in range(CODES_PER_ADDRESS.limit):
            await sweeper(REQUEST_CODE, {"phone": new_phone()})
        assert code_and_field(await sweeper(REQUEST_CODE, {"phone": new_phone()})) == ("RATE_LIMITED", "phone")
        for _ in range(REGISTRATIONS_PER_ADDRESS.limit):
            await sweeper(REGISTER, register_input(new_phone(), phoneCode="000000"))
        refused = await sweeper(REGISTER, register_input(new_phone(), phoneCode="000000"))
        assert code_and_field(refused) == ("RATE_LIMITED", "phone")
    finally:
        await sweeper.close()
    # Elsewhere, a neighbour asks as usual.
    assert data(await api(REQUEST_CODE, {"phone": new_phone()}))["authRequestPhoneCode"] is True
