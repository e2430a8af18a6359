"""The event loop's rules over real HTTP: every refused transition is a typed error and changes nothing.

The table is written out here by hand, independently of `domain/events/workflow.py`, so a change
to the workflow that nobody meant shows up as a failing row. Refusals come in three kinds:

- the person is not a party the action is for (reporter, assignee, dispatcher): FORBIDDEN on `id`,
  whatever state the event is in (a stranger to the action learns nothing about its state);
- the person cannot see the event at all: NOT_FOUND on `id`;
- the right party, the wrong state: CONFLICT on `status`.

Each row takes an event in a state (brought there through the API), tries the action, and proves
the event is exactly as before: status, assignee, rating and timeline. Since a refusal changes
nothing, rows share one event per state; a row that did change it fails, and the next row finds
the event no longer pristine and gets a fresh one. The module builds one world (people, houses,
tokens) and cleans it after its last test.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from auth.roles import Role
from auth.tokens import TokenIssuer
from domain.events.models import EventEntry
from domain.people.models import Person
from tests.conftest import _TABLES, RunningServer
from tests.events.support import ACCEPT, ASSIGN, ESCALATE, RATE, REJECT, REOPEN, RESOLVE
from tests.support import Api, World, data, error, make_staff, make_world, token_for

REPORT = """
mutation R($input: EventReportInput!) {
  eventReport(input: $input) { id status assigneeId assigneeName gridId }
}
"""
EVENT = """
query E($id: ID!) {
  event(id: $id) {
    id status assigneeId assigneeName rating
    timeline { action fromStatus toStatus actorName note }
  }
}
"""

STATUSES = ["REPORTED", "ASSIGNED", "IN_PROGRESS", "RESOLVED", "CLOSED", "REJECTED", "REOPENED", "ESCALATED"]

# The loop as the issue describes it: from which states each action may be taken...
ALLOWED_FROM: dict[str, set[str]] = {
    "assign": {"REPORTED", "ASSIGNED", "IN_PROGRESS", "REOPENED", "ESCALATED"},
    "accept": {"ASSIGNED", "REOPENED"},
    "resolve": {"IN_PROGRESS"},
    "reject": {"REPORTED", "ASSIGNED", "ESCALATED"},
    "escalate": {"REPORTED", "ASSIGNED", "IN_PROGRESS", "REOPENED"},
    "reopen": {"RESOLVED"},
    "rate": {"RESOLVED"},
}
# ...and by whom (names of the cast below).
TAKEN_BY: dict[str, tuple[str, ...]] = {
    "assign": ("operator",),
    "accept": ("assignee",),
    "resolve": ("assignee",),
    "reject": ("assignee", "operator"),
    "escalate": ("assignee", "operator"),
    "reopen": ("reporter",),
    "rate": ("reporter",),
}


@dataclass
class Cast:
    """The world's people by their part, plus a grid worker in each of A's grids, with one token each."""

    world: World
    api: Api
    issuer: TokenIssuer
    worker_g1: Person
    worker_g2: Person
    tokens: dict[int, str] = field(default_factory=dict)
    # One event per state for the refusal rows, with its snapshot as it was made.
    pristine: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)

    def __getitem__(self, who: str) -> Person:
        w = self.world
        people = {
            "reporter": w.owner_a101,  # reports about house a101, in grid g1
            "household": w.child_a101,  # lives in a101 too, but did not report
            "neighbour": w.elder_a102,  # lives in a102, grid g2
            "assignee": w.keeper_g1,  # g1's housekeeper: gets a101's events automatically
            "operator": w.operator_a,
            "property_staff": w.staff_a,
            "worker_g1": self.worker_g1,  # sees g1's events, is not their assignee
            "worker_g2": self.worker_g2,  # another grid of the same community
            "operator_b": w.operator_b,
            "merchant": w.merchant_a,
        }
        return people[who]

    async def __call__(self, who: str | Person, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        person = self[who] if isinstance(who, str) else who
        if person.id not in self.tokens:
            self.tokens[person.id] = await token_for(self.issuer, person)
        return await self.api(query, variables, token=self.tokens[person.id])


@pytest.fixture(autouse=True)
async def clean_database() -> AsyncIterator[None]:
    """Replaces conftest's per-test clean-up: `cast` cleans once, after the module."""
    yield


@pytest.fixture(scope="module")
async def cast(server: RunningServer) -> AsyncIterator[Cast]:
    world = await make_world()
    api = Api(server.url, server.issuer)
    yield Cast(
        world=world,
        api=api,
        issuer=server.issuer,
        worker_g1=await make_staff(Role.GRID_WORKER, world.a, world.g1, name="Worker g1"),
        worker_g2=await make_staff(Role.GRID_WORKER, world.a, world.g2, name="Worker g2"),
    )
    await api.close()
    for model in _TABLES:
        await model.all().delete()


async def report(cast: Cast, who: str = "reporter", *, house: bool = True, **extra: Any) -> dict[str, Any]:
    w = cast.world
    fields: dict[str, Any] = {"communityId": str(w.a.id), "category": "REPAIR", "description": "The tap leaks", **extra}
    if house:
        fields["houseId"] = str(w.a101.id)
    return dict(data(await cast(who, REPORT, {"input": fields}))["eventReport"])


async def step(cast: Cast, who: str, document: str, variables: dict[str, Any], status: str) -> None:
    result = data(await cast(who, document, variables))
    assert next(iter(result.values()))["status"] == status


async def event_in(cast: Cast, status: str) -> str:
    """An event reported by `reporter`, brought to `status` through the API. All but REPORTED are
    about house a101 (grid g1) and so assigned to `assignee` at once; REPORTED is about the common
    parts (no grid: it waits for a dispatcher)."""
    if status == "REPORTED":
        reported = await report(cast, house=False)
        assert (reported["status"], reported["assigneeId"]) == ("REPORTED", None)
        return str(reported["id"])
    reported = await report(cast)
    assert (reported["status"], reported["assigneeId"]) == ("ASSIGNED", str(cast["assignee"].id))
    event = {"id": reported["id"]}
    paths: dict[str, list[tuple[str, str, dict[str, Any], str]]] = {
        "ASSIGNED": [],
        "IN_PROGRESS": [("assignee", ACCEPT, {}, "IN_PROGRESS")],
        "RESOLVED": [("assignee", ACCEPT, {}, "IN_PROGRESS"), ("assignee", RESOLVE, {}, "RESOLVED")],
        "CLOSED": [
            ("assignee", ACCEPT, {}, "IN_PROGRESS"),
            ("assignee", RESOLVE, {}, "RESOLVED"),
            ("reporter", RATE, {"score": 4}, "CLOSED"),
        ],
        "REJECTED": [("assignee", REJECT, {"reason": "Not ours: the water company's"}, "REJECTED")],
        "REOPENED": [
            ("assignee", ACCEPT, {}, "IN_PROGRESS"),
            ("assignee", RESOLVE, {}, "RESOLVED"),
            ("reporter", REOPEN, {}, "REOPENED"),
        ],
        "ESCALATED": [("assignee", ESCALATE, {}, "ESCALATED")],
    }
    for who, document, variables, reached in paths[status]:
        await step(cast, who, document, {**event, **variables}, reached)
    return str(reported["id"])


async def attempt(cast: Cast, action: str, who: str, event_id: str) -> dict[str, Any]:
    documents: dict[str, tuple[str, dict[str, Any]]] = {
        "assign": (ASSIGN, {"assigneeId": str(cast["property_staff"].id), "note": "Over to you"}),
        "accept": (ACCEPT, {"note": "On it"}),
        "resolve": (RESOLVE, {"note": "Done"}),
        "reject": (REJECT, {"reason": "Not ours"}),
        "escalate": (ESCALATE, {"note": "Help"}),
        "reopen": (REOPEN, {"note": "Still broken"}),
        "rate": (RATE, {"score": 4, "comment": "Fine"}),
    }
    document, variables = documents[action]
    return await cast(who, document, {"id": event_id, **variables})


async def snapshot(cast: Cast, event_id: str) -> dict[str, Any]:
    """What the community's operator sees of the event: status, assignee, rating, whole timeline."""
    return dict(data(await cast("operator", EVENT, {"id": event_id}))["event"])


async def pristine_event(cast: Cast, status: str) -> tuple[str, dict[str, Any]]:
    """An event in `status` exactly as it was made (made now, or kept from an earlier row)."""
    if status in cast.pristine:
        event_id, made = cast.pristine[status]
        if await snapshot(cast, event_id) == made:
            return event_id, made
    event_id = await event_in(cast, status)
    made = await snapshot(cast, event_id)
    assert made["status"] == status
    cast.pristine[status] = (event_id, made)
    return event_id, made


async def assert_refused(cast: Cast, status: str, action: str, who: str, code: str, field: str) -> dict[str, Any]:
    event_id, before = await pristine_event(cast, status)
    result = await attempt(cast, action, who, event_id)
    refused = error(result)
    assert (refused["code"], refused.get("field")) == (code, field), refused
    assert result.get("data") is None
    assert await snapshot(cast, event_id) == before
    return refused


# --- the wrong person: FORBIDDEN, before the state is even looked at ---------------------------

WRONG_PERSON = [
    # The assignee and the dispatchers cannot do the reporter's part.
    ("RESOLVED", "rate", "assignee"),
    ("RESOLVED", "reopen", "assignee"),
    ("RESOLVED", "rate", "operator"),
    ("RESOLVED", "reopen", "property_staff"),
    # The reporter cannot do the assignee's or the dispatchers' part.
    ("ASSIGNED", "accept", "reporter"),
    ("IN_PROGRESS", "resolve", "reporter"),
    ("ASSIGNED", "assign", "reporter"),
    ("REPORTED", "assign", "reporter"),
    ("ASSIGNED", "reject", "reporter"),
    ("ASSIGNED", "escalate", "reporter"),
    # The assignee does not dispatch; dispatchers do not do the assignee's work.
    ("ASSIGNED", "assign", "assignee"),
    ("ASSIGNED", "accept", "operator"),
    ("IN_PROGRESS", "resolve", "operator"),
    ("ASSIGNED", "accept", "property_staff"),
    # Grid staff who see the event (their grid) but are not on it.
    ("ASSIGNED", "accept", "worker_g1"),
    ("IN_PROGRESS", "resolve", "worker_g1"),
    ("ASSIGNED", "reject", "worker_g1"),
    ("ASSIGNED", "escalate", "worker_g1"),
    ("ASSIGNED", "assign", "worker_g1"),
    ("RESOLVED", "rate", "worker_g1"),
    # Who is asked first: the wrong person hears FORBIDDEN even where the state is wrong too.
    ("CLOSED", "rate", "assignee"),
    ("CLOSED", "accept", "reporter"),
    ("REJECTED", "assign", "reporter"),
    ("IN_PROGRESS", "accept", "operator"),
]


@pytest.mark.parametrize(("status", "action", "who"), WRONG_PERSON, ids=["-".join(row) for row in WRONG_PERSON])
async def test_the_wrong_person_is_forbidden_and_nothing_changes(
    cast: Cast, status: str, action: str, who: str
) -> None:
    refused = await assert_refused(cast, status, action, who, "FORBIDDEN", "id")
    # The message names who may, never the event's state.
    assert status not in refused["message"]


# --- someone who cannot see the event: NOT_FOUND -----------------------------------------------

CANNOT_SEE = [
    # Residents see the events they reported, not their household's nor their neighbours'.
    ("RESOLVED", "rate", "household"),
    ("RESOLVED", "reopen", "household"),
    ("RESOLVED", "rate", "neighbour"),
    ("RESOLVED", "reopen", "neighbour"),
    ("ASSIGNED", "accept", "neighbour"),
    # Grid staff of another grid.
    ("ASSIGNED", "accept", "worker_g2"),
    ("IN_PROGRESS", "resolve", "worker_g2"),
    ("ASSIGNED", "reject", "worker_g2"),
    ("ASSIGNED", "escalate", "worker_g2"),
    # The housekeeper of g1 does not see the common parts' events until one is assigned to them.
    ("REPORTED", "accept", "assignee"),
    ("REPORTED", "escalate", "assignee"),
    # Another community's operator, and a merchant of this one.
    ("ASSIGNED", "assign", "operator_b"),
    ("ASSIGNED", "reject", "operator_b"),
    ("ESCALATED", "assign", "operator_b"),
    ("ASSIGNED", "accept", "merchant"),
    ("REPORTED", "assign", "merchant"),
]


@pytest.mark.parametrize(("status", "action", "who"), CANNOT_SEE, ids=["-".join(row) for row in CANNOT_SEE])
async def test_someone_who_cannot_see_the_event_finds_nothing_and_nothing_changes(
    cast: Cast, status: str, action: str, who: str
) -> None:
    await assert_refused(cast, status, action, who, "NOT_FOUND", "id")


# --- the right person, the wrong state: CONFLICT on status -------------------------------------

WRONG_STATE = [
    (status, action, who)
    for action, allowed in ALLOWED_FROM.items()
    for who in TAKEN_BY[action]
    for status in STATUSES
    if status not in allowed
    # A REPORTED event has no assignee yet: nobody is "the assignee" of it (see CANNOT_SEE).
    and not (status == "REPORTED" and who == "assignee")
]


@pytest.mark.parametrize(("status", "action", "who"), WRONG_STATE, ids=["-".join(row) for row in WRONG_STATE])
async def test_the_right_person_in_the_wrong_state_gets_a_conflict_and_nothing_changes(
    cast: Cast, status: str, action: str, who: str
) -> None:
    refused = await assert_refused(cast, status, action, who, "CONFLICT", "status")
    assert status in refused["message"]


@pytest.mark.parametrize(
    ("action", "who"), [(a, w) for a, parties in TAKEN_BY.items() for w in parties], ids=lambda v: str(v)
)
async def test_each_action_is_taken_by_its_party_from_an_allowed_state(cast: Cast, action: str, who: str) -> None:
    """The other side of the table: the right person in the first allowed state succeeds."""
    status = next(s for s in STATUSES if s in ALLOWED_FROM[action] and not (s == "REPORTED" and who == "assignee"))
    event_id = await event_in(cast, status)
    before = await snapshot(cast, event_id)
    result = await attempt(cast, action, who, event_id)
    assert not result.get("errors"), result["errors"]
    after = await snapshot(cast, event_id)
    assert len(after["timeline"]) == len(before["timeline"]) + 1
    assert after["timeline"][-1]["fromStatus"] == status


# --- bad input from the right person: INVALID_INPUT naming the argument ------------------------


@pytest.mark.parametrize("reason", ["", "   \n  "], ids=["empty", "blank"])
async def test_a_rejection_needs_a_reason(cast: Cast, reason: str) -> None:
    event_id, before = await pristine_event(cast, "ASSIGNED")
    for who in ("assignee", "operator"):
        refused = error(await cast(who, REJECT, {"id": event_id, "reason": reason}))
        # The argument is `reason`: the error names it, so a client can highlight it.
        assert (refused["code"], refused.get("field")) == ("INVALID_INPUT", "reason"), who
    assert await snapshot(cast, event_id) == before


@pytest.mark.parametrize("score", [0, 6, -1, 100])
async def test_a_rating_is_1_to_5(cast: Cast, score: int) -> None:
    event_id, before = await pristine_event(cast, "RESOLVED")
    for reopen in (False, True):
        refused = error(await cast("reporter", RATE, {"id": event_id, "score": score, "reopen": reopen}))
        assert (refused["code"], refused.get("field")) == ("INVALID_INPUT", "score")
    assert await snapshot(cast, event_id) == before


@pytest.mark.parametrize("score", [3, 4, 5])
async def test_only_a_low_rating_may_reopen(cast: Cast, score: int) -> None:
    event_id, before = await pristine_event(cast, "RESOLVED")
    refused = error(await cast("reporter", RATE, {"id": event_id, "score": score, "reopen": True}))
    assert (refused["code"], refused.get("field")) == ("INVALID_INPUT", "reopen")
    assert await snapshot(cast, event_id) == before


async def test_an_event_is_assigned_only_to_staff_of_its_community(cast: Cast) -> None:
    event_id, before = await pristine_event(cast, "ASSIGNED")
    w = cast.world
    not_staff = {
        "a resident": str(w.owner_a101.id),
        "a merchant": str(w.merchant_a.id),
        "another community's operator": str(w.operator_b.id),
        "the platform admin": str(w.admin.id),
        "nobody": "2147480000",
        "not an id": "abc",
    }
    for who, assignee_id in not_staff.items():
        refused = error(await cast("operator", ASSIGN, {"id": event_id, "assigneeId": assignee_id}))
        assert (refused["code"], refused.get("field")) == ("INVALID_INPUT", "assigneeId"), who
    assert await snapshot(cast, event_id) == before


async def test_bad_input_from_the_wrong_person_is_still_forbidden(cast: Cast) -> None:
    """The party is checked before the input: a stranger to the action learns nothing more."""
    event_id, before = await pristine_event(cast, "RESOLVED")
    assert error(await cast("assignee", RATE, {"id": event_id, "score": 9}))["code"] == "FORBIDDEN"
    assert error(await cast("worker_g1", REJECT, {"id": event_id, "reason": ""}))["code"] == "FORBIDDEN"
    assert await snapshot(cast, event_id) == before


# --- the timeline of what did happen --------------------------------------------------------


async def test_every_transition_is_on_the_timeline_with_who_and_their_note(cast: Cast) -> None:
    reported = await report(cast, description="The hall light flickers")
    event = {"id": reported["id"]}
    staff = str(cast["property_staff"].id)
    worker = str(cast["worker_g1"].id)
    steps: list[tuple[str, str, dict[str, Any], str]] = [
        ("operator", ASSIGN, {"assigneeId": worker, "note": "The keeper is away this week"}, "ASSIGNED"),
        ("worker_g1", ESCALATE, {"note": "Needs an electrician"}, "ESCALATED"),
        ("operator", ASSIGN, {"assigneeId": staff, "note": "Electrician on call"}, "ASSIGNED"),
        ("property_staff", ACCEPT, {"note": "On my way"}, "IN_PROGRESS"),
        ("property_staff", RESOLVE, {"note": "Replaced the starter"}, "RESOLVED"),
        ("reporter", REOPEN, {"note": "It flickers again at night"}, "REOPENED"),
        ("property_staff", ACCEPT, {"note": "Back tonight"}, "IN_PROGRESS"),
        ("property_staff", RESOLVE, {"note": "Replaced the tube too"}, "RESOLVED"),
        ("reporter", RATE, {"score": 4, "comment": "Fine now"}, "CLOSED"),
    ]
    for who, document, variables, status in steps:
        await step(cast, who, document, {**event, **variables}, status)

    final = await snapshot(cast, reported["id"])
    assert [(e["action"], e["fromStatus"], e["toStatus"], e["actorName"], e["note"]) for e in final["timeline"]] == [
        ("REPORT", None, "REPORTED", "Owner A101", ""),
        ("ASSIGN", "REPORTED", "ASSIGNED", "Lingli", "Assigned to the grid's staff automatically"),
        ("ASSIGN", "ASSIGNED", "ASSIGNED", "Operator A", "The keeper is away this week"),
        ("ESCALATE", "ASSIGNED", "ESCALATED", "Worker g1", "Needs an electrician"),
        ("ASSIGN", "ESCALATED", "ASSIGNED", "Operator A", "Electrician on call"),
        ("ACCEPT", "ASSIGNED", "IN_PROGRESS", "Staff A", "On my way"),
        ("RESOLVE", "IN_PROGRESS", "RESOLVED", "Staff A", "Replaced the starter"),
        ("REOPEN", "RESOLVED", "REOPENED", "Owner A101", "It flickers again at night"),
        ("ACCEPT", "REOPENED", "IN_PROGRESS", "Staff A", "Back tonight"),
        ("RESOLVE", "IN_PROGRESS", "RESOLVED", "Staff A", "Replaced the tube too"),
        ("RATE", "RESOLVED", "CLOSED", "Owner A101", "Rated 4/5: Fine now"),
    ]
    assert (final["status"], final["assigneeId"], final["assigneeName"], final["rating"]) == (
        "CLOSED",
        staff,
        "Staff A",
        4,
    )
    # The rows behind it: who was assigned by each ASSIGN entry, and the actors' ids.
    entries = await EventEntry.filter(event_id=int(reported["id"])).order_by("id")
    assert [e.assignee_id for e in entries if e.action == "ASSIGN"] == [
        cast["assignee"].id,
        cast["worker_g1"].id,
        cast["property_staff"].id,
    ]
    assert entries[1].actor_id is None and entries[0].actor_id == cast["reporter"].id


async def test_a_rejection_and_a_low_rating_reopen_are_recorded_with_their_words(cast: Cast) -> None:
    rejected = await event_in(cast, "REPORTED")
    await step(cast, "operator", REJECT, {"id": rejected, "reason": "  Private property: not ours  "}, "REJECTED")
    last = (await snapshot(cast, rejected))["timeline"][-1]
    assert last == {
        "action": "REJECT",
        "fromStatus": "REPORTED",
        "toStatus": "REJECTED",
        "actorName": "Operator A",
        "note": "Private property: not ours",
    }

    resolved = await event_in(cast, "RESOLVED")
    reopened = data(
        await cast("reporter", RATE, {"id": resolved, "score": 2, "comment": "Still drips", "reopen": True})
    )["eventRate"]
    assert (reopened["status"], reopened["rating"]) == ("REOPENED", 2)
    last = (await snapshot(cast, resolved))["timeline"][-1]
    assert (last["action"], last["fromStatus"], last["toStatus"], last["actorName"], last["note"]) == (
        "REOPEN",
        "RESOLVED",
        "REOPENED",
        "Owner A101",
        "Rated 2/5: Still drips",
    )


# --- twins racing for one transition (PostgreSQL only) --------------------------------------


async def test_twin_transitions_move_the_event_once(cast: Cast, backend: str) -> None:
    if backend != "postgres":
        pytest.skip("concurrent writers need PostgreSQL: SQLite serialises them (covered by --db=postgres)")
    event_id = await event_in(cast, "ASSIGNED")
    accepts = await asyncio.gather(*(cast("assignee", ACCEPT, {"id": event_id}) for _ in range(6)))
    codes = sorted(r["errors"][0]["extensions"]["code"] if r.get("errors") else "OK" for r in accepts)
    assert codes == ["CONFLICT"] * 5 + ["OK"]
    await step(cast, "assignee", RESOLVE, {"id": event_id}, "RESOLVED")

    # The reporter's two apps: one closes it, the other reopens it: exactly one wins.
    rate, reopen = await asyncio.gather(
        cast("reporter", RATE, {"id": event_id, "score": 5}), cast("reporter", REOPEN, {"id": event_id})
    )
    assert sorted("OK" if not r.get("errors") else r["errors"][0]["extensions"]["code"] for r in (rate, reopen)) == [
        "CONFLICT",
        "OK",
    ]
    timeline = (await snapshot(cast, event_id))["timeline"]
    assert [e["action"] for e in timeline].count("ACCEPT") == 1
    assert len(timeline) == 5  # REPORT, ASSIGN, ACCEPT, RESOLVE, and RATE or REOPEN
