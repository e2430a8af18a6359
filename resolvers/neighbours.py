"""Neighbours: groups, posts and comments, abuse reports, activities, mutual help, and the live
neighbourhood feed."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from domain.neighbours import access, activities, groups, help, messages, posts
from domain.neighbours.live import NeighbourFollower
from domain.neighbours.models import ActivityStatus, GroupKind, HelpStatus, MemberStatus, SignupStatus
from realtime import stream
from resolvers.context import Context
from resolvers.ids import parse_cursor, parse_id, parse_optional_id
from schema.common import PAGE_HELP, Connection, LiveCursor, PageCursor, connection
from schema.neighbours import (
    AbuseReport,
    ActivitySignup,
    CheckInCode,
    HelpOffer,
    HelpRequest,
    HelpRequestCreateInput,
    NeighbourActivity,
    NeighbourActivityCreateInput,
    NeighbourComment,
    NeighbourGroup,
    NeighbourGroupCreateInput,
    NeighbourGroupMember,
    NeighbourPost,
    NeighbourPostCreateInput,
    NeighbourUpdate,
    OfferNote,
    PostBody,
    RemovalReason,
    ReportReason,
    Resolution,
)

# --- groups ----------------------------------------------------------------------------------


async def neighbour_groups(
    info: Info[Context, None],
    community_id: strawberry.ID | None = None,
    kind: GroupKind | None = None,
    first: int | None = 20,
    after: PageCursor = None,
) -> Connection[NeighbourGroup]:
    page = await groups.list_groups(
        info.context.viewer(),
        community_id=parse_optional_id(community_id, "communityId"),
        kind=kind,
        first=first,
        after=after,
    )
    return connection(page, NeighbourGroup)


async def neighbour_group(info: Info[Context, None], id: strawberry.ID) -> NeighbourGroup | None:
    return NeighbourGroup.from_row(await groups.get_group(info.context.viewer(), parse_id(id, "id")))


async def neighbour_group_members(
    info: Info[Context, None],
    group_id: strawberry.ID,
    status: MemberStatus | None = None,
    first: int | None = 20,
    after: PageCursor = None,
) -> Connection[NeighbourGroupMember]:
    page = await groups.list_members(
        info.context.viewer(), group_id=parse_id(group_id, "groupId"), status=status, first=first, after=after
    )
    return connection(page, NeighbourGroupMember)


async def neighbour_group_create(info: Info[Context, None], input: NeighbourGroupCreateInput) -> NeighbourGroup:
    new = groups.NewGroup(
        community_id=parse_id(input.community_id, "communityId"),
        name=input.name,
        kind=GroupKind(input.kind),
        join_policy=input.join_policy,
        description=input.description,
        building_id=parse_optional_id(input.building_id, "buildingId"),
    )
    return NeighbourGroup.from_row(await groups.create_group(info.context.viewer(), new))


async def neighbour_group_join(info: Info[Context, None], group_id: strawberry.ID) -> NeighbourGroupMember:
    return NeighbourGroupMember.from_row(await groups.join(info.context.viewer(), parse_id(group_id, "groupId")))


async def neighbour_group_leave(info: Info[Context, None], group_id: strawberry.ID) -> NeighbourGroupMember:
    return NeighbourGroupMember.from_row(await groups.leave(info.context.viewer(), parse_id(group_id, "groupId")))


async def neighbour_group_decide(
    info: Info[Context, None], member_id: strawberry.ID, approve: bool
) -> NeighbourGroupMember:
    row = await groups.decide(info.context.viewer(), parse_id(member_id, "memberId"), approve=approve)
    return NeighbourGroupMember.from_row(row)


async def neighbour_group_admin_set(
    info: Info[Context, None], member_id: strawberry.ID, admin: bool
) -> NeighbourGroupMember:
    row = await groups.set_admin(info.context.viewer(), parse_id(member_id, "memberId"), admin=admin)
    return NeighbourGroupMember.from_row(row)


# --- posts, comments, reports ----------------------------------------------------------------


async def neighbour_posts(
    info: Info[Context, None],
    community_id: strawberry.ID,
    group_id: strawberry.ID | None = None,
    first: int | None = 20,
    after: PageCursor = None,
) -> Connection[NeighbourPost]:
    page = await posts.list_posts(
        info.context.viewer(),
        community_id=parse_id(community_id, "communityId"),
        group_id=parse_optional_id(group_id, "groupId"),
        first=first,
        after=after,
    )
    return connection(page, NeighbourPost)


async def neighbour_post(info: Info[Context, None], id: strawberry.ID) -> NeighbourPost | None:
    return NeighbourPost.from_row(await posts.get_post(info.context.viewer(), parse_id(id, "id")))


async def neighbour_comments(
    info: Info[Context, None], post_id: strawberry.ID, first: int | None = 20, after: PageCursor = None
) -> Connection[NeighbourComment]:
    page = await posts.list_comments(
        info.context.viewer(), post_id=parse_id(post_id, "postId"), first=first, after=after
    )
    return connection(page, NeighbourComment)


async def neighbour_post_create(info: Info[Context, None], input: NeighbourPostCreateInput) -> NeighbourPost:
    new = posts.NewPost(
        community_id=parse_id(input.community_id, "communityId"),
        body=input.body,
        group_id=parse_optional_id(input.group_id, "groupId"),
        photos=list(input.photos),
    )
    return NeighbourPost.from_row(await posts.create_post(info.context.viewer(), info.context.storage, new))


async def neighbour_post_update(info: Info[Context, None], id: strawberry.ID, body: PostBody) -> NeighbourPost:
    return NeighbourPost.from_row(await posts.update_post(info.context.viewer(), parse_id(id, "id"), body))


async def neighbour_post_delete(info: Info[Context, None], id: strawberry.ID) -> NeighbourPost:
    return NeighbourPost.from_row(await posts.delete_post(info.context.viewer(), parse_id(id, "id")))


async def neighbour_post_remove(info: Info[Context, None], id: strawberry.ID, reason: RemovalReason) -> NeighbourPost:
    return NeighbourPost.from_row(await posts.remove_post(info.context.viewer(), parse_id(id, "id"), reason))


async def neighbour_comment_create(
    info: Info[Context, None], post_id: strawberry.ID, body: PostBody
) -> NeighbourComment:
    row = await posts.create_comment(info.context.viewer(), parse_id(post_id, "postId"), body)
    return NeighbourComment.from_row(row)


async def neighbour_comment_update(info: Info[Context, None], id: strawberry.ID, body: PostBody) -> NeighbourComment:
    return NeighbourComment.from_row(await posts.update_comment(info.context.viewer(), parse_id(id, "id"), body))


async def neighbour_comment_delete(info: Info[Context, None], id: strawberry.ID) -> NeighbourComment:
    return NeighbourComment.from_row(await posts.delete_comment(info.context.viewer(), parse_id(id, "id")))


async def neighbour_comment_remove(
    info: Info[Context, None], id: strawberry.ID, reason: RemovalReason
) -> NeighbourComment:
    return NeighbourComment.from_row(await posts.remove_comment(info.context.viewer(), parse_id(id, "id"), reason))


async def neighbour_report(
    info: Info[Context, None],
    reason: ReportReason,
    post_id: strawberry.ID | None = None,
    comment_id: strawberry.ID | None = None,
) -> AbuseReport:
    row = await posts.report(
        info.context.viewer(),
        post_id=parse_optional_id(post_id, "postId"),
        comment_id=parse_optional_id(comment_id, "commentId"),
        reason=reason,
    )
    return AbuseReport.from_row(row)


async def neighbour_reports(
    info: Info[Context, None],
    community_id: strawberry.ID,
    open: bool = True,
    first: int | None = 20,
    after: PageCursor = None,
) -> Connection[AbuseReport]:
    page = await posts.list_reports(
        info.context.viewer(),
        community_id=parse_id(community_id, "communityId"),
        open_only=open,
        first=first,
        after=after,
    )
    return connection(page, AbuseReport)


async def neighbour_report_resolve(
    info: Info[Context, None], id: strawberry.ID, resolution: Resolution = ""
) -> AbuseReport:
    return AbuseReport.from_row(await posts.resolve_report(info.context.viewer(), parse_id(id, "id"), resolution))


# --- activities ------------------------------------------------------------------------------


async def neighbour_activities(
    info: Info[Context, None],
    community_id: strawberry.ID | None = None,
    status: ActivityStatus | None = None,
    first: int | None = 20,
    after: PageCursor = None,
) -> Connection[NeighbourActivity]:
    page = await activities.list_activities(
        info.context.viewer(),
        community_id=parse_optional_id(community_id, "communityId"),
        status=status,
        first=first,
        after=after,
    )
    return connection(page, NeighbourActivity)


async def neighbour_activity_detail(info: Info[Context, None], id: strawberry.ID) -> NeighbourActivity | None:
    return NeighbourActivity.from_row(await activities.get_activity(info.context.viewer(), parse_id(id, "id")))


async def neighbour_activity_signups(
    info: Info[Context, None],
    activity_id: strawberry.ID,
    status: SignupStatus | None = None,
    first: int | None = 20,
    after: PageCursor = None,
) -> Connection[ActivitySignup]:
    page = await activities.list_signups(
        info.context.viewer(), activity_id=parse_id(activity_id, "activityId"), status=status, first=first, after=after
    )
    return connection(page, ActivitySignup)


async def neighbour_activity_create(
    info: Info[Context, None], input: NeighbourActivityCreateInput
) -> NeighbourActivity:
    new = activities.NewActivity(
        community_id=parse_id(input.community_id, "communityId"),
        title=input.title,
        place=input.place,
        starts_at=input.starts_at,
        ends_at=input.ends_at,
        capacity=input.capacity,
        description=input.description,
        volunteer=input.volunteer,
        points=input.points,
    )
    return NeighbourActivity.from_row(await activities.create_activity(info.context.viewer(), new))


async def neighbour_activity_sign_up(info: Info[Context, None], activity_id: strawberry.ID) -> ActivitySignup:
    row = await activities.sign_up(info.context.viewer(), parse_id(activity_id, "activityId"))
    return ActivitySignup.from_row(row)


async def neighbour_activity_cancel(info: Info[Context, None], activity_id: strawberry.ID) -> ActivitySignup:
    row = await activities.cancel(info.context.viewer(), parse_id(activity_id, "activityId"))
    return ActivitySignup.from_row(row)


async def neighbour_activity_check_in(
    info: Info[Context, None], activity_id: strawberry.ID, person_id: strawberry.ID
) -> ActivitySignup:
    row = await activities.check_in(
        info.context.viewer(), parse_id(activity_id, "activityId"), parse_id(person_id, "personId")
    )
    return ActivitySignup.from_row(row)


async def neighbour_activity_check_in_with_code(
    info: Info[Context, None], activity_id: strawberry.ID, code: CheckInCode
) -> ActivitySignup:
    row = await activities.check_in_with_code(info.context.viewer(), parse_id(activity_id, "activityId"), code)
    return ActivitySignup.from_row(row)


async def neighbour_activity_finish(info: Info[Context, None], id: strawberry.ID) -> NeighbourActivity:
    return NeighbourActivity.from_row(await activities.finish(info.context.viewer(), parse_id(id, "id")))


# --- help ------------------------------------------------------------------------------------


async def help_requests(
    info: Info[Context, None],
    community_id: strawberry.ID | None = None,
    status: HelpStatus | None = None,
    first: int | None = 20,
    after: PageCursor = None,
) -> Connection[HelpRequest]:
    page = await help.list_requests(
        info.context.viewer(),
        community_id=parse_optional_id(community_id, "communityId"),
        status=status,
        first=first,
        after=after,
    )
    return connection(page, HelpRequest)


async def help_request(info: Info[Context, None], id: strawberry.ID) -> HelpRequest | None:
    return HelpRequest.from_row(await help.get_request(info.context.viewer(), parse_id(id, "id")))


async def help_offers(
    info: Info[Context, None], request_id: strawberry.ID, first: int | None = 20, after: PageCursor = None
) -> Connection[HelpOffer]:
    page = await help.list_offers(
        info.context.viewer(), request_id=parse_id(request_id, "requestId"), first=first, after=after
    )
    return connection(page, HelpOffer)


async def help_request_create(info: Info[Context, None], input: HelpRequestCreateInput) -> HelpRequest:
    row = await help.ask(
        info.context.viewer(),
        community_id=parse_id(input.community_id, "communityId"),
        title=input.title,
        description=input.description,
    )
    return HelpRequest.from_row(row)


async def help_offer_create(info: Info[Context, None], request_id: strawberry.ID, note: OfferNote = "") -> HelpOffer:
    return HelpOffer.from_row(await help.offer(info.context.viewer(), parse_id(request_id, "requestId"), note))


async def help_offer_accept(info: Info[Context, None], offer_id: strawberry.ID) -> HelpRequest:
    return HelpRequest.from_row(await help.accept(info.context.viewer(), parse_id(offer_id, "offerId")))


async def help_request_confirm(info: Info[Context, None], id: strawberry.ID) -> HelpRequest:
    return HelpRequest.from_row(await help.confirm_done(info.context.viewer(), parse_id(id, "id")))


async def help_request_cancel(info: Info[Context, None], id: strawberry.ID) -> HelpRequest:
    return HelpRequest.from_row(await help.cancel(info.context.viewer(), parse_id(id, "id")))


# --- live ------------------------------------------------------------------------------------


async def neighbour_activity(
    info: Info[Context, None], community_id: strawberry.ID, after: LiveCursor = None
) -> AsyncGenerator[NeighbourUpdate, None]:
    live = info.context.live_viewer()
    community = parse_id(community_id, "communityId")
    access.check_watch(live.viewer, community)
    follower = NeighbourFollower(live, community)
    async for envelope in stream.events(
        info.context.broadcast,
        messages.topic(community),
        after=parse_cursor(after),
        visible=follower.visible,
        follower=follower,
    ):
        yield NeighbourUpdate.of(envelope)


@strawberry.type
class Query:
    neighbour_groups: Connection[NeighbourGroup] = strawberry.field(
        resolver=neighbour_groups, description=f"The groups of your communities (of one kind). {PAGE_HELP}"
    )
    neighbour_group: NeighbourGroup | None = strawberry.field(
        resolver=neighbour_group, description="One group of your communities: null, with NOT_FOUND, when none"
    )
    neighbour_group_members: Connection[NeighbourGroupMember] = strawberry.field(
        resolver=neighbour_group_members,
        description=f"Who is in a group (for who reads its posts); requests waiting: for its admins and the office. {PAGE_HELP}",
    )
    neighbour_posts: Connection[NeighbourPost] = strawberry.field(
        resolver=neighbour_posts,
        description=f"A group's posts (groupId), or the community's board (none); removed ones for operators. {PAGE_HELP}",
    )
    neighbour_post: NeighbourPost | None = strawberry.field(
        resolver=neighbour_post, description="One post you may read: null, with NOT_FOUND, when none"
    )
    neighbour_comments: Connection[NeighbourComment] = strawberry.field(
        resolver=neighbour_comments, description=f"The comments of a post you may read. {PAGE_HELP}"
    )
    neighbour_reports: Connection[AbuseReport] = strawberry.field(
        resolver=neighbour_reports,
        description=f"Operators: the community's abuse reports (open ones by default). {PAGE_HELP}",
    )
    neighbour_activities: Connection[NeighbourActivity] = strawberry.field(
        resolver=neighbour_activities, description=f"The activities of your communities. {PAGE_HELP}"
    )
    neighbour_activity_detail: NeighbourActivity | None = strawberry.field(
        resolver=neighbour_activity_detail, description="One activity: null, with NOT_FOUND, when none"
    )
    neighbour_activity_signups: Connection[ActivitySignup] = strawberry.field(
        resolver=neighbour_activity_signups,
        description=f"Who signed up for an activity: the office sees everyone, you your own. {PAGE_HELP}",
    )
    help_requests: Connection[HelpRequest] = strawberry.field(
        resolver=help_requests, description=f"Neighbours asking for help in your communities. {PAGE_HELP}"
    )
    help_request: HelpRequest | None = strawberry.field(
        resolver=help_request, description="One help request: null, with NOT_FOUND, when none"
    )
    help_offers: Connection[HelpOffer] = strawberry.field(
        resolver=help_offers,
        description=f"Offers on a request: for its requester and the office; a helper sees their own. {PAGE_HELP}",
    )


@strawberry.type
class Mutation:
    neighbour_group_create: NeighbourGroup = strawberry.field(
        resolver=neighbour_group_create, description="The office: a new group; you are its first admin"
    )
    neighbour_group_join: NeighbourGroupMember = strawberry.field(
        resolver=neighbour_group_join, description="Join an open group, or ask to join one by approval (PENDING)"
    )
    neighbour_group_leave: NeighbourGroupMember = strawberry.field(
        resolver=neighbour_group_leave, description="Leave a group, or withdraw your request"
    )
    neighbour_group_decide: NeighbourGroupMember = strawberry.field(
        resolver=neighbour_group_decide,
        description="A group's admins and the office: approve or refuse a request; approve: false on a member "
        "removes them (admins: the office only, never the last)",
    )
    neighbour_group_admin_set: NeighbourGroupMember = strawberry.field(
        resolver=neighbour_group_admin_set, description="The office: make a member an admin of their group, or not"
    )
    neighbour_post_create: NeighbourPost = strawberry.field(
        resolver=neighbour_post_create, description="Post on the board, or in a group you are in, with photos"
    )
    neighbour_post_update: NeighbourPost = strawberry.field(
        resolver=neighbour_post_update, description="Its author: change what a post says"
    )
    neighbour_post_delete: NeighbourPost = strawberry.field(
        resolver=neighbour_post_delete, description="Its author: delete a post"
    )
    neighbour_post_remove: NeighbourPost = strawberry.field(
        resolver=neighbour_post_remove,
        description="The group's admins and operators: hide a post from residents, with a reason",
    )
    neighbour_comment_create: NeighbourComment = strawberry.field(
        resolver=neighbour_comment_create, description="Comment on a post you may read (in a group: as a member)"
    )
    neighbour_comment_update: NeighbourComment = strawberry.field(
        resolver=neighbour_comment_update, description="Its author: change what a comment says"
    )
    neighbour_comment_delete: NeighbourComment = strawberry.field(
        resolver=neighbour_comment_delete, description="Its author: delete a comment"
    )
    neighbour_comment_remove: NeighbourComment = strawberry.field(
        resolver=neighbour_comment_remove,
        description="The group's admins and operators: hide a comment from residents, with a reason",
    )
    neighbour_report: AbuseReport = strawberry.field(
        resolver=neighbour_report, description="Report a post or a comment (name one) to the operators, once"
    )
    neighbour_report_resolve: AbuseReport = strawberry.field(
        resolver=neighbour_report_resolve, description="Operators: close a report"
    )
    neighbour_activity_create: NeighbourActivity = strawberry.field(
        resolver=neighbour_activity_create, description="The office: a new activity"
    )
    neighbour_activity_sign_up: ActivitySignup = strawberry.field(
        resolver=neighbour_activity_sign_up, description="Take a seat, or the end of the wait-list when it is full"
    )
    neighbour_activity_cancel: ActivitySignup = strawberry.field(
        resolver=neighbour_activity_cancel,
        description="Give up your seat (the first on the wait-list takes it) or your place on the wait-list",
    )
    neighbour_activity_check_in: ActivitySignup = strawberry.field(
        resolver=neighbour_activity_check_in, description="The office: check a person with a seat in"
    )
    neighbour_activity_check_in_with_code: ActivitySignup = strawberry.field(
        resolver=neighbour_activity_check_in_with_code,
        description="Check yourself in with the code shown at the activity (10 wrong codes an hour)",
    )
    neighbour_activity_finish: NeighbourActivity = strawberry.field(
        resolver=neighbour_activity_finish,
        description="The office: the activity is over; a volunteer activity's checked-in participants earn its points",
    )
    help_request_create: HelpRequest = strawberry.field(
        resolver=help_request_create, description="Ask your neighbours for help"
    )
    help_offer_create: HelpOffer = strawberry.field(
        resolver=help_offer_create, description="Offer to help with an open request (once)"
    )
    help_offer_accept: HelpRequest = strawberry.field(
        resolver=help_offer_accept, description="The requester: accept one offer"
    )
    help_request_confirm: HelpRequest = strawberry.field(
        resolver=help_request_confirm, description="The requester: it was done; the helper earns VOLUNTEER points"
    )
    help_request_cancel: HelpRequest = strawberry.field(
        resolver=help_request_cancel, description="The requester: withdraw a request not done yet"
    )


@strawberry.type
class Subscription:
    neighbour_activity: AsyncGenerator[NeighbourUpdate, None] = strawberry.subscription(
        resolver=neighbour_activity,
        description="Your community's neighbourhood, live: posts, comments, activities and their seats, help "
        "requests — of the board, open groups and the groups you are in (operators: everything)",
    )
