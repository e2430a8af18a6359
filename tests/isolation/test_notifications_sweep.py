"""The isolation sweep of notifications: every root field of theirs, generated from the schema, has
a probe here (a new field without one fails `test_every_field_is_probed`).

The victim is the resident of house a102 (their notifications, one of them dead on a channel, and
their preferences). The probers: a resident of another house of the same community (a101), the
housekeeper of another grid, community A's own property staff, and everyone of community B. An
inbox is its person's alone: a read must leave the victim's rows out (or be refused), a mutation
must change nothing of theirs, the subscription must never carry their messages (proved by a
marker of the subscriber's own, published after the victim's)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import pytest
from gql import GraphQLRequest, gql

from domain.notifications.models import Delivery, DeliveryState, Notification, Preference
from domain.people.models import Person
from tests.conftest import RunningServer
from tests.isolation.sweep import ids_in, root_fields
from tests.notifications.support import tell
from tests.realtime.support import socket
from tests.support import Api, World

NOUNS = {"notifications"}
REFUSED = {"NOT_FOUND", "FORBIDDEN"}


@dataclass
class Scene:
    w: World
    theirs: list[Notification]  # the elder of a102's


async def make_scene(server: RunningServer, world: World) -> Scene:
    theirs = await tell(server, [world.elder_a102.id], "notice-victim-1", community_id=world.a.id)
    theirs += await tell(server, [world.elder_a102.id], "notice-victim-2", community_id=world.a.id)
    await Delivery.filter(notification_id=theirs[0].id).update(state=DeliveryState.DEAD, tries=8)
    await Preference.create(person_id=world.elder_a102.id, muted_kinds=["ORDER"], channels=["PUSH"])
    return Scene(w=world, theirs=theirs)


def probers(s: Scene) -> list[Person]:
    return [s.w.owner_a101, s.w.keeper_g1, s.w.staff_a, s.w.owner_b101, s.w.operator_b]


def victim_ids(s: Scene) -> set[str]:
    return {str(n.id) for n in s.theirs}


@dataclass(frozen=True)
class Probe:
    document: str
    variables: dict[str, Any]
    # For a read: whose rows must not show. None: it must be refused or change nothing of the victim's.
    lists: bool = True


PROBES: dict[str, Probe] = {
    "myNotifications": Probe("query { myNotifications(first: 50) { nodes { id } } }", {}),
    "notificationPreferences": Probe("query { notificationPreferences { mutedKinds channels } }", {}),
    "notificationDeadLetters": Probe(
        "query Q($c: ID) { notificationDeadLetters(communityId: $c) { nodes { id personId } } }", {"c": "A"}
    ),
    "notificationsMarkRead": Probe(
        "mutation M($ids: [ID!]!) { notificationsMarkRead(ids: $ids) { id } }", {"ids": "VICTIMS"}, lists=False
    ),
    "notificationPreferencesSet": Probe(
        "mutation P { notificationPreferencesSet(input: {mutedKinds: [ALARM], channels: [LOG]}) { channels } }",
        {},
        lists=False,
    ),
}
SUBSCRIPTIONS = {"myNotifications"}


def test_every_field_is_probed() -> None:
    assert root_fields(NOUNS) == set(PROBES) | SUBSCRIPTIONS


async def victim_state(s: Scene) -> dict[str, Any]:
    return {
        "notifications": await Notification.filter(person_id=s.w.elder_a102.id).order_by("id").values(),
        "deliveries": await Delivery.filter(person_id=s.w.elder_a102.id).order_by("id").values(),
        "preference": await Preference.filter(person_id=s.w.elder_a102.id).values(),
    }


@pytest.fixture
async def scene(server: RunningServer, world: World) -> Scene:
    return await make_scene(server, world)


@pytest.mark.parametrize("name", sorted(PROBES))
async def test_no_one_reaches_what_is_not_theirs(api: Api, scene: Scene, name: str) -> None:
    probe = PROBES[name]
    before = await victim_state(scene)
    leaks: list[tuple[str, Any]] = []
    for person in probers(scene):
        variables = {
            k: (str(scene.w.a.id) if v == "A" else sorted(victim_ids(scene)) if v == "VICTIMS" else v)
            for k, v in probe.variables.items()
        }
        result = await api(probe.document, variables, as_=person)
        codes = {(e.get("extensions") or {}).get("code") for e in result.get("errors") or []}
        if codes and codes <= REFUSED:
            continue
        assert not result.get("errors"), (person.name, result)
        shown = ids_in(result["data"], keys=("id", "personId"))
        if shown & (victim_ids(scene) | {str(scene.w.elder_a102.id)}):
            leaks.append((person.name, result["data"]))
    assert not leaks, leaks
    assert await victim_state(scene) == before, "someone changed the victim's notifications or preferences"


async def received_until(server: RunningServer, person: Person, marker: Notification) -> list[str]:
    """The ids of every message of the person's inbox subscription (replayed from the start) up to the marker."""
    document = gql("subscription S($after: String) { myNotifications(after: $after) { kind notification { id } } }")
    received: list[str] = []
    async with socket(server, person) as session:
        request = GraphQLRequest(document, variable_values={"after": "0"})

        async def collect() -> None:
            async for message in session.subscribe(request):
                received.append(message["myNotifications"]["notification"]["id"])
                if received[-1] == str(marker.id):
                    return

        await asyncio.wait_for(collect(), timeout=15)
    return received


async def test_the_inbox_subscription_carries_only_the_subscribers_own(server: RunningServer, scene: Scene) -> None:
    for person in probers(scene):
        [marker] = await tell(server, [person.id], f"notice-marker-{person.id}")
        received = await received_until(server, person, marker)
        assert str(marker.id) in received
        assert not set(received) & victim_ids(scene), person.name
