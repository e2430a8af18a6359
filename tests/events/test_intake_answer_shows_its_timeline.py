"""What eventIntake answers is the integration's own event, timeline and all, whoever else the
request happens to carry a token for: the integration key is what authorizes the answer. Before
the refactor of #8 the timeline came with it; at bed2714 it was emptied when the request's
bearer token belonged to a person who may not read the event (a gateway sharing an HTTP client
with an app, a console logged in as a resident). Fixed in 307cfad; these tests pin it."""

from __future__ import annotations

from tests.events.test_intake_from_integrations import INTAKE, intake_input, register_integration
from tests.support import Api, World, data


async def test_the_intake_answer_keeps_its_timeline_with_a_strangers_token(api: Api, world: World) -> None:
    key = await register_integration(api, world)
    submitted = {"key": key, "input": intake_input(world, "REF-TL-1", houseId=str(world.a101.id))}
    answered = data(await api(INTAKE, submitted, as_=world.owner_b101))["eventIntake"]
    assert [e["action"] for e in answered["timeline"]] == ["REPORT", "ASSIGN"]  # a101 is in g1: its housekeeper


async def test_the_intake_answer_is_the_same_with_or_without_a_token(api: Api, world: World) -> None:
    key = await register_integration(api, world)
    first = data(await api(INTAKE, {"key": key, "input": intake_input(world, "REF-TL-2")}))["eventIntake"]
    again = data(await api(INTAKE, {"key": key, "input": intake_input(world, "REF-TL-2")}, as_=world.merchant_a))
    assert again["eventIntake"] == first
