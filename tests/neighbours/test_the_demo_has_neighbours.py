"""`lingli seed`: the demo resident finds her groups, the board, the reading afternoon (two seats
taken, one neighbour waiting) and Grandma Li's request for help; she offers to help."""

from __future__ import annotations

from server.seed import DEMO_PASSWORD, seed_demo
from server.seed_neighbours import PARENTS, READING_AFTERNOON, READING_CLUB
from tests.neighbours.support import ACTIVITIES, GROUPS, HELP_OFFER, HELP_REQUESTS, POSTS
from tests.support import Api, data

LOGIN = "mutation L($p: String!, $w: String!) { authLogin(phone: $p, password: $w) { accessToken } }"
ACTIVITY_TITLES = "query Q { neighbourActivities { nodes { id title capacity confirmed waiting } } }"


async def test_the_demo_resident_finds_her_neighbourhood(api: Api) -> None:
    assert await seed_demo()
    token = data(await api(LOGIN, {"p": "13800000001", "w": DEMO_PASSWORD}))["authLogin"]["accessToken"]
    found = data(await api(GROUPS, {}, token=token))["neighbourGroups"]["nodes"]
    assert {(g["name"], g["joinPolicy"]) for g in found} == {(READING_CLUB, "OPEN"), (PARENTS, "APPROVAL")}
    community = data(await api("query { myPoints { communityId } }", {}, token=token))["myPoints"]["communityId"]
    board = data(await api(POSTS, {"c": community}, token=token))["neighbourPosts"]["nodes"]
    assert len(board) == 1
    for group in found:
        inside = data(await api(POSTS, {"c": community, "g": group["id"]}, token=token))["neighbourPosts"]
        assert inside["totalCount"] == 1, group["name"]
    [afternoon] = data(await api(ACTIVITY_TITLES, {}, token=token))["neighbourActivities"]["nodes"]
    assert (afternoon["title"], afternoon["capacity"], afternoon["confirmed"], afternoon["waiting"]) == (
        READING_AFTERNOON,
        2,
        2,
        1,
    )
    assert (
        data(await api(ACTIVITIES, {"c": community}, token=token))["neighbourActivities"]["nodes"][0]["checkInCode"]
        is None
    )
    [asked] = data(await api(HELP_REQUESTS, {}, token=token))["helpRequests"]["nodes"]
    assert asked["status"] == "OPEN"
    assert data(await api(HELP_OFFER, {"r": asked["id"], "n": "我下班顺路 On my way home"}, token=token))[
        "helpOfferCreate"
    ]
