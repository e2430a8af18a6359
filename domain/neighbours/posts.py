"""Posts and comments, in a group or on the community's board; photos through the upload path
(domain/files); authors edit and delete their own; group admins and operators remove with a
reason (the row stays, for the operators); residents report abuse, operators resolve reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from auth.viewer import Viewer
from domain.common.errors import Conflict, Forbidden, InvalidInput
from domain.common.pagination import Page, paginate
from domain.common.rows import create_or_conflict, get_visible, lock
from domain.common.text import FREE_TEXT_MAX, text
from domain.files import service as files
from domain.files.models import FileKind, StoredFile
from domain.files.storage import Storage
from domain.neighbours import access, groups, messages
from domain.neighbours.messages import NeighbourMessage
from domain.neighbours.models import AbuseReport, Comment, Group, Post, PostPhoto, PostStatus, ReportStatus
from domain.people.models import Person
from domain.space import places
from realtime.outbox import record, transaction

REASON_MAX = 200


@dataclass(frozen=True)
class NewPost:
    community_id: int
    body: str
    group_id: int | None = None
    photos: list[str] = field(default_factory=list)


def _body(value: str) -> str:
    return text(value, field="body", max_length=FREE_TEXT_MAX, multiline=True)


def _reason(value: str, name: str = "reason") -> str:
    return text(value, field=name, max_length=REASON_MAX)


async def get_post(viewer: Viewer, post_id: int, *, field: str = "id") -> Post:
    return await get_visible(access.readable_posts(viewer), post_id, what="post", field=field)


async def list_posts(
    viewer: Viewer, *, community_id: int, group_id: int | None, first: int | None, after: str | None
) -> Page[Post]:
    """A group's posts (``group_id``), or the community's board (none)."""
    access.check_member(viewer, community_id)
    qs = access.readable_posts(viewer).filter(community_id=community_id)
    qs = qs.filter(group_id=group_id) if group_id is not None else qs.filter(group_id__isnull=True)
    return await paginate(qs, first=first, after=after)


async def _where(viewer: Viewer, community_id: int, group_id: int | None) -> Group | None:
    """Where the viewer may write: the board of a community of theirs, or a group they are in."""
    access.check_member(viewer, community_id)
    await places.community(community_id)
    if group_id is None:
        return None
    group = await groups.get_group(viewer, group_id, field="groupId")
    if group.community_id != community_id:
        raise InvalidInput("This group is in another community", field="groupId")
    access.check_post_in(viewer, group, await groups.is_active_member(viewer.person_id, group.id))
    return group


async def _photos(viewer: Viewer, storage: Storage, keys: list[str]) -> list[StoredFile]:
    photos = await files.uploaded(viewer, storage, keys, field="photos")
    if any(p.kind is not FileKind.POST_PHOTO for p in photos):
        raise InvalidInput("A post's photos are POST_PHOTO uploads", field="photos")
    return photos


async def create_post(viewer: Viewer, storage: Storage, new: NewPost) -> Post:
    group = await _where(viewer, new.community_id, new.group_id)
    body = _body(new.body)
    photos = await _photos(viewer, storage, new.photos)
    author = await Person.get(id=viewer.person_id)
    async with transaction():
        post = await Post.create(
            community_id=new.community_id,
            group_id=group.id if group else None,
            author_id=author.id,
            author_name=author.name,
            body=body,
        )
        if photos:
            await files.attach(photos, field="photos")
            await PostPhoto.bulk_create([PostPhoto(post_id=post.id, file_id=p.id) for p in photos])
        await record(messages.topic(post.community_id), NeighbourMessage.POST_CREATED, messages.post(post))
        return post


async def update_post(viewer: Viewer, post_id: int, body: str) -> Post:
    post = await get_post(viewer, post_id)
    access.check_author(viewer, post.author_id)
    cleaned = _body(body)
    async with transaction():
        await lock(Post, post.id)
        post = await Post.get(id=post.id)
        if post.status is not PostStatus.VISIBLE:
            raise Conflict("A removed post cannot be changed", field="id")
        post.body, post.edited_at = cleaned, datetime.now(UTC)
        await post.save(update_fields=["body", "edited_at"])
        await record(messages.topic(post.community_id), NeighbourMessage.POST_UPDATED, messages.post(post))
        return post


async def delete_post(viewer: Viewer, post_id: int) -> Post:
    post = await get_post(viewer, post_id)
    access.check_author(viewer, post.author_id)
    return await _hide(post, PostStatus.DELETED, reason="", by=viewer.person_id)


async def remove_post(viewer: Viewer, post_id: int, reason: str) -> Post:
    post = await get_post(viewer, post_id)
    admin = post.group_id is not None and await groups.is_admin(viewer.person_id, post.group_id)
    access.check_remove(viewer, post.community_id, admin)
    return await _hide(post, PostStatus.REMOVED, reason=_reason(reason), by=viewer.person_id)


async def _hide(post: Post, status: PostStatus, *, reason: str, by: int | None) -> Post:
    async with transaction():
        await lock(Post, post.id)
        post = await Post.get(id=post.id)
        if post.status is not PostStatus.VISIBLE:
            raise Conflict("This post was removed or deleted already", field="id")
        post.status, post.removed_reason, post.removed_by_id = status, reason, by
        await post.save(update_fields=["status", "removed_reason", "removed_by_id"])
        await record(messages.topic(post.community_id), NeighbourMessage.POST_REMOVED, messages.post(post))
        return post


# --- comments --------------------------------------------------------------------------------


async def get_comment(viewer: Viewer, comment_id: int, *, field: str = "id") -> Comment:
    return await get_visible(access.readable_comments(viewer), comment_id, what="comment", field=field)


async def list_comments(viewer: Viewer, *, post_id: int, first: int | None, after: str | None) -> Page[Comment]:
    post = await get_post(viewer, post_id, field="postId")
    return await paginate(access.readable_comments(viewer).filter(post_id=post.id), first=first, after=after)


async def create_comment(viewer: Viewer, post_id: int, body: str) -> Comment:
    post = await get_post(viewer, post_id, field="postId")
    group = await _where(viewer, post.community_id, post.group_id)
    cleaned = _body(body)
    author = await Person.get(id=viewer.person_id)
    async with transaction():
        await lock(Post, post.id)
        if await Post.filter(id=post.id, status=PostStatus.VISIBLE).count() != 1:
            raise Conflict("This post was removed: it takes no comments", field="postId")
        comment = await Comment.create(
            post_id=post.id,
            community_id=post.community_id,
            group_id=group.id if group else None,
            author_id=author.id,
            author_name=author.name,
            body=cleaned,
        )
        await record(messages.topic(comment.community_id), NeighbourMessage.COMMENT_CREATED, messages.comment(comment))
        return comment


async def update_comment(viewer: Viewer, comment_id: int, body: str) -> Comment:
    comment = await get_comment(viewer, comment_id)
    access.check_author(viewer, comment.author_id)
    cleaned = _body(body)
    async with transaction():
        changed = await Comment.filter(id=comment.id, status=PostStatus.VISIBLE).update(
            body=cleaned, edited_at=datetime.now(UTC)
        )
        if changed != 1:
            raise Conflict("A removed comment cannot be changed", field="id")
        return await Comment.get(id=comment.id)


async def delete_comment(viewer: Viewer, comment_id: int) -> Comment:
    comment = await get_comment(viewer, comment_id)
    access.check_author(viewer, comment.author_id)
    return await _hide_comment(comment, PostStatus.DELETED, reason="", by=viewer.person_id)


async def remove_comment(viewer: Viewer, comment_id: int, reason: str) -> Comment:
    comment = await get_comment(viewer, comment_id)
    admin = comment.group_id is not None and await groups.is_admin(viewer.person_id, comment.group_id)
    access.check_remove(viewer, comment.community_id, admin)
    return await _hide_comment(comment, PostStatus.REMOVED, reason=_reason(reason), by=viewer.person_id)


async def _hide_comment(comment: Comment, status: PostStatus, *, reason: str, by: int | None) -> Comment:
    async with transaction():
        changed = await Comment.filter(id=comment.id, status=PostStatus.VISIBLE).update(
            status=status, removed_reason=reason, removed_by_id=by
        )
        if changed != 1:
            raise Conflict("This comment was removed or deleted already", field="id")
        return await Comment.get(id=comment.id)


# --- abuse reports ---------------------------------------------------------------------------


async def report(viewer: Viewer, *, post_id: int | None, comment_id: int | None, reason: str) -> AbuseReport:
    """A resident reports a post or a comment they can read; once each."""
    if (post_id is None) == (comment_id is None):
        raise InvalidInput("Report a post or a comment: name one of them", field="postId")
    if comment_id is not None:
        comment = await get_comment(viewer, comment_id, field="commentId")
        post, target = await Post.get(id=comment.post_id), f"comment:{comment.id}"
    else:
        post = await get_post(viewer, post_id or 0, field="postId")
        comment, target = None, f"post:{post.id}"
    person = access.check_member(viewer, post.community_id)
    why = _reason(reason)
    if (comment.author_id if comment else post.author_id) == person:
        raise Forbidden("You cannot report what you wrote yourself: delete it", field="postId")
    async with transaction():
        return await create_or_conflict(
            AbuseReport,
            "You reported this already",
            field="commentId" if comment else "postId",
            community_id=post.community_id,
            post_id=post.id,
            comment_id=comment.id if comment else None,
            target=target,
            reporter_id=person,
            reason=why,
        )


async def list_reports(
    viewer: Viewer, *, community_id: int, open_only: bool, first: int | None, after: str | None
) -> Page[AbuseReport]:
    access.check_moderate(viewer, community_id)
    qs = access.readable_reports(viewer).filter(community_id=community_id)
    if open_only:
        qs = qs.filter(status=ReportStatus.OPEN)
    return await paginate(qs, first=first, after=after)


async def resolve_report(viewer: Viewer, report_id: int, resolution: str) -> AbuseReport:
    row = await get_visible(access.readable_reports(viewer), report_id, what="report", field="id")
    access.check_moderate(viewer, row.community_id)
    said = text(resolution, field="resolution", max_length=REASON_MAX, min_length=0)
    async with transaction():
        changed = await AbuseReport.filter(id=row.id, status=ReportStatus.OPEN).update(
            status=ReportStatus.RESOLVED,
            resolution=said,
            resolved_by_id=viewer.person_id,
            resolved_at=datetime.now(UTC),
        )
        if changed != 1:
            raise Conflict("This report was resolved already", field="id")
        return await AbuseReport.get(id=row.id)
