"""Points' tests: a smart bin of community A, residents' cards, grants by the operator, rewards in
the mall, and the documents the tests send."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from gql import gql

from domain.people.models import Person
from tests.support import Api, World, data

ENTRY = "id kind amount reasonCode reason source sourceId actorName expiresAt createdAt"
MY_POINTS = "query M($c: ID) { myPoints(communityId: $c) { communityId green volunteer credit } }"
HISTORY = f"""
query H($c: ID, $p: ID, $k: PointsKind, $first: Int, $after: String) {{
  pointsHistory(communityId: $c, personId: $p, kind: $k, first: $first, after: $after) {{
    totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ {ENTRY} }}
  }}
}}
"""
ADJUST = f"mutation A($input: PointsAdjustInput!) {{ pointsAdjust(input: $input) {{ {ENTRY} }} }}"
BIND = "mutation B($c: ID!, $p: ID!, $card: String!) { pointsCardBind(communityId: $c, personId: $p, cardId: $card) }"
SORTING = """
mutation S($key: String!, $records: [SortingRecordInput!]!) {
  pointsSortingReport(deviceKey: $key, records: $records) { accepted duplicateIndexes unknownCardIndexes points }
}
"""
RULES_SET = """
mutation R($c: ID!, $input: PointsRulesInput!) {
  pointsRulesSet(communityId: $c, input: $input) { sortedRightPoints sortingDailyCap creditBase lowCreditBelow }
}
"""
REWARD = "id communityId name photoUrl kind points stock perPersonLimit active"
REWARD_CREATE = f"mutation C($input: RewardCreateInput!) {{ rewardCreate(input: $input) {{ {REWARD} }} }}"
REWARDS = f"query R($c: ID!) {{ rewards(communityId: $c) {{ totalCount nodes {{ {REWARD} }} }} }}"
REDEMPTION = "id rewardId rewardName kind points status pickupCode collectedAt cancelledAt"
REDEEM = f"mutation R($r: ID!, $key: String!) {{ rewardRedeem(rewardId: $r, idempotencyKey: $key) {{ {REDEMPTION} }} }}"
COLLECT = f"mutation C($id: ID!, $code: String!) {{ redemptionCollect(id: $id, pickupCode: $code) {{ {REDEMPTION} }} }}"
CANCEL = f"mutation C($id: ID!) {{ redemptionCancel(id: $id) {{ {REDEMPTION} }} }}"
REDEMPTIONS = f"query R($c: ID, $mine: Boolean) {{ redemptions(communityId: $c, mine: $mine) {{ totalCount nodes {{ {REDEMPTION} }} }} }}"
LEADERBOARD = """
query L($c: ID!, $p: String!, $k: PointsKind, $b: ID) {
  pointsLeaderboard(communityId: $c, period: $p, kind: $k, buildingId: $b) { rank personId name points isYou }
}
"""
LOW_CREDIT = "query L($c: ID!) { pointsLowCredit(communityId: $c) { rank personId name points } }"
MY_POINTS_UPDATES = gql(
    f"""
    subscription S($c: ID, $after: String) {{
      myPointsUpdates(communityId: $c, after: $after) {{ cursor kind balance entry {{ {ENTRY} }} }}
    }}
    """
)
REGISTER = "mutation R($input: DeviceRegisterInput!) { deviceRegister(input: $input) { key device { id } } }"


async def grant(
    api: Api, world: World, person: Person, amount: int, *, kind: str = "GREEN", community: Any = None, as_: Any = None
) -> dict[str, Any]:
    """The operator grants (or, negative, deducts) by hand."""
    result = await api(
        ADJUST, adjust_input(world, person, amount, kind=kind, community=community), as_=as_ or world.operator_a
    )
    return dict(data(result)["pointsAdjust"])


def adjust_input(
    world: World, person: Person, amount: int, *, kind: str = "GREEN", community: Any = None, key: str | None = None
) -> dict[str, Any]:
    return {
        "input": {
            "communityId": str((community or world.a).id),
            "personId": str(person.id),
            "kind": kind,
            "amount": amount,
            "reason": "Helped at the spring clean-up",
            "idempotencyKey": key or uuid.uuid4().hex,
        }
    }


async def points_of(api: Api, person: Person, community: Any = None) -> dict[str, Any]:
    variables = {"c": str(community.id)} if community is not None else {}
    return dict(data(await api(MY_POINTS, variables, as_=person))["myPoints"])


async def history_of(api: Api, person: Person, **variables: Any) -> list[dict[str, Any]]:
    return list(data(await api(HISTORY, variables, as_=person))["pointsHistory"]["nodes"])


@dataclass
class Bin:
    id: int
    key: str


async def make_bin(api: Api, world: World, community: Any = None, operator: Any = None) -> Bin:
    community = community or world.a
    building = world.a1 if community is world.a else world.b1
    payload = {
        "communityId": str(community.id),
        "type": "GARBAGE_BIN",
        "name": "Bin by A1",
        "buildingId": str(building.id),
    }
    result = data(await api(REGISTER, {"input": payload}, as_=operator or world.operator_a))["deviceRegister"]
    return Bin(id=int(result["device"]["id"]), key=result["key"])


async def bind(
    api: Api, world: World, person: Person, card: str, community: Any = None, as_: Any = None
) -> dict[str, Any]:
    variables = {"c": str((community or world.a).id), "p": str(person.id), "card": card}
    return await api(BIND, variables, as_=as_ or world.staff_a)


def throw(record_id: str, card: str, correct: bool = True, **extra: Any) -> dict[str, Any]:
    return {"recordId": record_id, "cardId": card, "correct": correct, "category": "RECYCLABLE", **extra}


async def sort(api: Api, bin: Bin, *records: dict[str, Any]) -> dict[str, Any]:
    return dict(data(await api(SORTING, {"key": bin.key, "records": list(records)}))["pointsSortingReport"])


async def make_reward(api: Api, world: World, *, points: int = 10, stock: int = 5, **extra: Any) -> dict[str, Any]:
    community = extra.pop("community", world.a)
    operator = extra.pop("as_", world.operator_a)
    payload = {"communityId": str(community.id), "name": "Reusable bag", "points": points, "stock": stock, **extra}
    return dict(data(await api(REWARD_CREATE, {"input": payload}, as_=operator))["rewardCreate"])


async def redeem(api: Api, person: Person, reward: dict[str, Any], key: str | None = None) -> dict[str, Any]:
    return await api(REDEEM, {"r": reward["id"], "key": key or uuid.uuid4().hex}, as_=person)
