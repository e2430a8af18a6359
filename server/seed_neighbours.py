"""The demo's neighbourhood: an open reading club and a parents' group by approval (Wang Fang in
both, her request approved), posts on the board and in the club with a comment, a reading
afternoon for two with a third neighbour on the wait-list, and Grandma Li asking for help.
Through the domain's own functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.files.stores import make_storage
from domain.neighbours import activities, groups, help, posts
from domain.neighbours.models import GroupKind, JoinPolicy
from domain.people.accounts import load_viewer
from domain.people.models import Person
from domain.space.models import Community
from server.settings import DATA_DIR

READING_CLUB = "读书会 Reading club"
PARENTS = "1号楼家长群 Parents of building 1"
READING_AFTERNOON = "周六读书会 Saturday reading afternoon"


async def seed_neighbours(community: Community, *, operator: Person) -> None:
    office = await load_viewer(operator.id)
    wang, grandma, zhao = [
        await load_viewer((await Person.get(phone=phone)).id) for phone in ("13800000001", "13800000012", "13800000013")
    ]
    # No photos in the demo: the store is never asked for anything.
    storage = make_storage("local", data_dir=DATA_DIR, public_base_url="http://127.0.0.1", secret=b"seed" * 8)

    club = await groups.create_group(
        office,
        groups.NewGroup(
            community_id=community.id,
            name=READING_CLUB,
            kind=GroupKind.INTEREST,
            join_policy=JoinPolicy.OPEN,
            description="每月一本书 One book a month",
        ),
    )
    parents = await groups.create_group(
        office,
        groups.NewGroup(
            community_id=community.id, name=PARENTS, kind=GroupKind.PARENTS, join_policy=JoinPolicy.APPROVAL
        ),
    )
    await groups.join(wang, club.id)
    await groups.join(zhao, club.id)
    asked = await groups.join(wang, parents.id)
    await groups.decide(office, asked.id, approve=True)

    await posts.create_post(
        office,
        storage,
        posts.NewPost(community_id=community.id, body="本周六上午小区大扫除 Clean-up on Saturday morning"),
    )
    book = await posts.create_post(
        wang,
        storage,
        posts.NewPost(community_id=community.id, group_id=club.id, body="这个月读《活着》 This month: To Live"),
    )
    await posts.create_comment(zhao, book.id, "好书！我有一本可以借 Great book, I can lend my copy")
    await posts.create_post(
        wang,
        storage,
        posts.NewPost(community_id=community.id, group_id=parents.id, body="周五谁去接孩子？ Who picks up on Friday?"),
    )

    saturday = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    afternoon = await activities.create_activity(
        office,
        activities.NewActivity(
            community_id=community.id,
            title=READING_AFTERNOON,
            place="社区活动室 Community room",
            starts_at=saturday,
            ends_at=saturday + timedelta(hours=2),
            capacity=2,
            volunteer=False,
        ),
    )
    for viewer in (wang, zhao, grandma):  # two seats: Grandma Li waits
        await activities.sign_up(viewer, afternoon.id)

    await help.ask(
        grandma,
        community_id=community.id,
        title="帮忙取快递 Pick up a parcel",
        description="快递柜在东门 At the east gate",
    )
