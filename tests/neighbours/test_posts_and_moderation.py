"""Posts and comments: on the board or in a group; a group by approval's for its members (and
operators) alone; authors change and delete their own; moderators remove with a reason that only
operators read; residents report, operators resolve."""

from __future__ import annotations

import httpx

from domain.files.models import StoredFile
from domain.neighbours.models import AbuseReport, Post
from tests.neighbours.support import (
    COMMENT_CREATE,
    COMMENT_DELETE,
    COMMENT_REMOVE,
    COMMENT_UPDATE,
    COMMENTS,
    PHOTO,
    POST,
    POST_CREATE,
    POST_DELETE,
    POST_REMOVE,
    POST_UPDATE,
    POSTS,
    REPORT,
    REPORT_RESOLVE,
    REPORTS,
    join,
    make_group,
    member_of,
    post,
    upload_photo,
)
from tests.support import Api, World, code_and_field, data, ids


async def test_the_board_is_the_communitys(api: Api, world: World) -> None:
    mine = await post(api, world.a, world.owner_a101, "Lost cat, grey, answers to Mimi")
    theirs = await post(api, world.b, world.owner_b101, "Beta's board")
    seen = data(await api(POSTS, {"c": str(world.a.id)}, as_=world.elder_a102))["neighbourPosts"]["nodes"]
    assert ids(seen) == {int(mine["id"])}
    assert code_and_field(await api(POSTS, {"c": str(world.b.id)}, as_=world.elder_a102))[0] == "FORBIDDEN"
    assert code_and_field(await api(POST, {"id": theirs["id"]}, as_=world.owner_a101))[0] == "NOT_FOUND"
    given = {"communityId": str(world.b.id), "body": "hello"}
    assert code_and_field(await api(POST_CREATE, {"input": given}, as_=world.owner_a101))[0] == "FORBIDDEN"


async def test_a_private_groups_posts_are_its_members_and_operators_alone(api: Api, world: World) -> None:
    group = await make_group(api, world.a, world.staff_a, name="Parents", kind="PARENTS", policy="APPROVAL")
    await member_of(api, group, world.owner_a101, world.staff_a)
    inside = await post(api, world.a, world.owner_a101, "Pick-up rota for Friday", group)
    for reader in (world.owner_a101, world.operator_a, world.staff_a):
        assert (
            data(await api(POST, {"id": inside["id"]}, as_=reader))["neighbourPost"]["body"]
            == "Pick-up rota for Friday"
        )
    pending = await join(api, group, world.elder_a102)
    assert pending["status"] == "PENDING"
    for outsider in (world.elder_a102, world.keeper_g1, world.owner_b101, world.operator_b):
        assert code_and_field(await api(POST, {"id": inside["id"]}, as_=outsider))[0] == "NOT_FOUND", outsider.name
    listed = data(await api(POSTS, {"c": str(world.a.id), "g": group["id"]}, as_=world.elder_a102))["neighbourPosts"]
    assert listed["nodes"] == []
    # Not a member: cannot post or comment there.
    given = {"communityId": str(world.a.id), "body": "me too", "groupId": group["id"]}
    assert code_and_field(await api(POST_CREATE, {"input": given}, as_=world.elder_a102)) == ("FORBIDDEN", "groupId")
    assert (
        code_and_field(await api(COMMENT_CREATE, {"p": inside["id"], "b": "hi"}, as_=world.elder_a102))[0]
        == "NOT_FOUND"
    )


async def test_an_open_groups_posts_are_the_communitys_to_read(api: Api, world: World) -> None:
    group = await make_group(api, world.a, world.staff_a, name="Runners")
    await join(api, group, world.owner_a101)
    run = await post(api, world.a, world.owner_a101, "Sunday 7:00 at the gate", group)
    assert data(await api(POST, {"id": run["id"]}, as_=world.elder_a102))["neighbourPost"]["id"] == run["id"]
    # Reading is not writing: only members post in it.
    assert code_and_field(await api(COMMENT_CREATE, {"p": run["id"], "b": "hi"}, as_=world.elder_a102)) == (
        "FORBIDDEN",
        "groupId",
    )


async def test_authors_change_and_delete_their_own(api: Api, world: World) -> None:
    mine = await post(api, world.a, world.owner_a101, "Free books at 101")
    assert code_and_field(await api(POST_UPDATE, {"id": mine["id"], "b": "mine now"}, as_=world.elder_a102)) == (
        "FORBIDDEN",
        "id",
    )
    changed = data(
        await api(POST_UPDATE, {"id": mine["id"], "b": "Free books at 101, until Sunday"}, as_=world.owner_a101)
    )
    assert changed["neighbourPostUpdate"]["editedAt"] is not None
    comment = data(await api(COMMENT_CREATE, {"p": mine["id"], "b": "Thanks!"}, as_=world.elder_a102))[
        "neighbourCommentCreate"
    ]
    assert code_and_field(await api(COMMENT_UPDATE, {"id": comment["id"], "b": "x"}, as_=world.owner_a101)) == (
        "FORBIDDEN",
        "id",
    )
    assert data(await api(COMMENT_UPDATE, {"id": comment["id"], "b": "Thanks a lot!"}, as_=world.elder_a102))
    assert code_and_field(await api(COMMENT_DELETE, {"id": comment["id"]}, as_=world.owner_a101)) == ("FORBIDDEN", "id")
    data(await api(COMMENT_DELETE, {"id": comment["id"]}, as_=world.elder_a102))
    assert data(await api(COMMENTS, {"p": mine["id"]}, as_=world.owner_a101))["neighbourComments"]["nodes"] == []
    assert code_and_field(await api(POST_DELETE, {"id": mine["id"]}, as_=world.elder_a102)) == ("FORBIDDEN", "id")
    data(await api(POST_DELETE, {"id": mine["id"]}, as_=world.owner_a101))
    for who in (world.owner_a101, world.operator_a):
        assert code_and_field(await api(POST, {"id": mine["id"]}, as_=who))[0] == "NOT_FOUND"
    assert await Post.filter(id=int(mine["id"]), status="DELETED").exists()


async def test_removed_posts_stay_for_operators_with_the_reason(api: Api, world: World) -> None:
    group = await make_group(api, world.a, world.staff_a, name="Swap shop")
    await join(api, group, world.owner_a101)
    await join(api, group, world.elder_a102)
    ad = await post(api, world.a, world.elder_a102, "Buy cheap watches!!!", group)
    # A plain member may not remove; the group's admin (Staff A, its creator) may.
    assert code_and_field(await api(POST_REMOVE, {"id": ad["id"], "r": "spam"}, as_=world.owner_a101)) == (
        "FORBIDDEN",
        "id",
    )
    removed = data(await api(POST_REMOVE, {"id": ad["id"], "r": "Advertising"}, as_=world.staff_a))[
        "neighbourPostRemove"
    ]
    assert removed["status"] == "REMOVED"
    for resident in (world.owner_a101, world.elder_a102):
        assert code_and_field(await api(POST, {"id": ad["id"]}, as_=resident))[0] == "NOT_FOUND"
    seen = data(await api(POST, {"id": ad["id"]}, as_=world.operator_a))["neighbourPost"]
    assert (seen["status"], seen["removedReason"]) == ("REMOVED", "Advertising")
    assert code_and_field(await api(POST_REMOVE, {"id": ad["id"], "r": "again"}, as_=world.operator_a)) == (
        "CONFLICT",
        "id",
    )
    # Comments: an operator removes one; residents no longer see it, operators do.
    note = await post(api, world.a, world.owner_a101, "Board note")
    rude = data(await api(COMMENT_CREATE, {"p": note["id"], "b": "rude words"}, as_=world.elder_a102))[
        "neighbourCommentCreate"
    ]
    data(await api(COMMENT_REMOVE, {"id": rude["id"], "r": "Rude"}, as_=world.operator_a))
    assert data(await api(COMMENTS, {"p": note["id"]}, as_=world.owner_a101))["neighbourComments"]["nodes"] == []
    kept = data(await api(COMMENTS, {"p": note["id"]}, as_=world.operator_a))["neighbourComments"]["nodes"]
    assert [(c["status"], c["removedReason"]) for c in kept] == [("REMOVED", "Rude")]


async def test_residents_report_and_operators_resolve(api: Api, world: World) -> None:
    note = await post(api, world.a, world.owner_a101, "Parking in the fire lane is fine")
    comment = data(await api(COMMENT_CREATE, {"p": note["id"], "b": "No it is not"}, as_=world.child_a101))[
        "neighbourCommentCreate"
    ]
    reported = data(await api(REPORT, {"p": note["id"], "r": "Dangerous advice"}, as_=world.elder_a102))[
        "neighbourReport"
    ]
    assert reported["status"] == "OPEN"
    assert code_and_field(await api(REPORT, {"p": note["id"], "r": "again"}, as_=world.elder_a102)) == (
        "CONFLICT",
        "postId",
    )
    assert code_and_field(await api(REPORT, {"p": note["id"], "r": "me"}, as_=world.owner_a101)) == (
        "FORBIDDEN",
        "postId",
    )
    data(await api(REPORT, {"c": comment["id"], "r": "Unkind"}, as_=world.owner_a101))
    assert code_and_field(await api(REPORT, {"r": "what?"}, as_=world.owner_a101)) == ("INVALID_INPUT", "postId")
    assert code_and_field(await api(REPORT, {"p": note["id"], "r": "x"}, as_=world.owner_b101))[0] == "NOT_FOUND"
    open_ = data(await api(REPORTS, {"c": str(world.a.id), "o": True}, as_=world.operator_a))["neighbourReports"][
        "nodes"
    ]
    assert {r["reason"] for r in open_} == {"Dangerous advice", "Unkind"}
    for who in (world.owner_a101, world.staff_a, world.operator_b):
        assert code_and_field(await api(REPORTS, {"c": str(world.a.id), "o": True}, as_=who))[0] == "FORBIDDEN"
    done = data(await api(REPORT_RESOLVE, {"id": reported["id"], "r": "Post removed"}, as_=world.operator_a))
    assert done["neighbourReportResolve"]["status"] == "RESOLVED"
    assert (
        code_and_field(await api(REPORT_RESOLVE, {"id": reported["id"], "r": "x"}, as_=world.operator_a))[0]
        == "CONFLICT"
    )
    still = data(await api(REPORTS, {"c": str(world.a.id), "o": True}, as_=world.operator_a))["neighbourReports"][
        "nodes"
    ]
    assert [r["reason"] for r in still] == ["Unkind"]
    assert await AbuseReport.all().count() == 2


async def test_photos_come_through_the_upload_path(api: Api, world: World) -> None:
    key = await upload_photo(api, world.owner_a101)
    given = {"communityId": str(world.a.id), "body": "Our street party", "photos": [key]}
    made = data(await api(POST_CREATE, {"input": given}, as_=world.owner_a101))["neighbourPostCreate"]
    assert [p["key"] for p in made["photos"]] == [key]
    async with httpx.AsyncClient() as http:
        assert (await http.get(made["photos"][0]["url"])).content == PHOTO
    assert (await StoredFile.get(key=key)).attached_at is not None
    # The same file cannot land on a second post; another's upload cannot be used at all.
    again = await api(POST_CREATE, {"input": given}, as_=world.owner_a101)
    assert code_and_field(again) == ("CONFLICT", "photos")
    other = await upload_photo(api, world.elder_a102)
    stolen = {**given, "photos": [other]}
    assert code_and_field(await api(POST_CREATE, {"input": stolen}, as_=world.owner_a101)) == (
        "INVALID_INPUT",
        "photos",
    )
    assert await Post.all().count() == 1
