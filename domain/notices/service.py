"""Sending notices, reading them, marking them read, and who a notice reaches.

Who a notice reaches is fixed when it is sent: its targets (the community, or some of its
buildings, units or houses) are expanded into one ``NoticeHousehold`` row per household, in the
transaction that sends it. Receipts are then two counts over those rows (one GROUP BY for a page).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.expressions import Q, Subquery
from tortoise.functions import Count

from auth.viewer import Viewer
from domain.common.errors import InvalidInput, NotFound
from domain.common.pagination import Page, paginate
from domain.common.rows import get_visible
from domain.common.text import FREE_TEXT_MAX, text
from domain.notices import access, messages
from domain.notices.models import Notice, NoticeHousehold, TargetKind
from domain.notifications import service as notifications
from domain.notifications.models import Kind as NotificationKind
from domain.people.models import Person, Residency
from domain.space import places
from domain.space.models import Building, House, Unit
from realtime.outbox import record, transaction

MAX_TARGETS = 100
TITLE_MAX = 100


@dataclass(frozen=True)
class NewNotice:
    community_id: int
    title: str
    body: str
    target_kind: TargetKind
    target_ids: Sequence[int] = ()


@dataclass(frozen=True)
class NoticeView:
    """A notice as this viewer sees it: the receipts for its sender and staff, whether it was read
    for the viewer's own households (None: it is not theirs to read)."""

    notice: Notice
    read_count: int | None
    targeted_count: int | None
    read: bool | None


async def send(viewer: Viewer, new: NewNotice) -> NoticeView:
    access.check_send(viewer, new.community_id)
    await places.community(new.community_id)
    title = text(new.title, field="title", max_length=TITLE_MAX)
    body = text(new.body, field="body", max_length=FREE_TEXT_MAX, multiline=True)
    targets = _target_ids(new.target_kind, new.target_ids)
    households = await _households(new.community_id, new.target_kind, targets)
    access.check_send_to(viewer, new.community_id, new.target_kind, (grid for _, grid in households))
    if not households:
        raise InvalidInput("No household lives where this notice is aimed", field="targetIds")
    sender = await Person.get(id=viewer.person_id)
    async with transaction():
        notice = await Notice.create(
            community_id=new.community_id,
            sender_id=sender.id,
            sender_name=sender.name,
            title=title,
            body=body,
            target_kind=new.target_kind,
            target_ids=targets,
        )
        await NoticeHousehold.bulk_create(
            [NoticeHousehold(notice_id=notice.id, house_id=house) for house, _ in households], batch_size=1000
        )
        payload = messages.payload(notice, targeted=len(households))
        await record(messages.topic(notice.community_id), messages.NoticeMessage.NOTICE_SENT, payload)
        # Its residents are told when the app is closed too (their inbox, WeChat, push), once each.
        await notifications.notify(
            person_ids=await targeted_people(notice.id),
            kind=NotificationKind.NOTICE,
            source=f"notice-{notice.id}",
            title=title,
            body=body,
            community_id=notice.community_id,
            subject={"noticeId": str(notice.id)},
        )
    return (await views(viewer, [notice]))[0]


async def list_notices(
    viewer: Viewer,
    *,
    community_id: int | None = None,
    unread_only: bool = False,
    first: int | None = None,
    after: str | None = None,
) -> tuple[Page[Notice], list[NoticeView]]:
    qs = access.readable_notices(viewer)
    if community_id is not None:
        qs = qs.filter(community_id=community_id)
    if unread_only:
        unread = NoticeHousehold.filter(house_id__in=sorted(viewer.house_ids), read_at=None).values("notice_id")
        qs = qs.filter(id__in=Subquery(unread))
    page = await paginate(qs, first=first, after=after)
    return page, await views(viewer, page.items)


async def get_notice(viewer: Viewer, notice_id: int) -> NoticeView:
    notice = await get_visible(access.readable_notices(viewer), notice_id, what="notice", field="id")
    return (await views(viewer, [notice]))[0]


async def mark_read(viewer: Viewer, notice_id: int) -> NoticeView:
    """Every household of the viewer's that the notice was sent to has read it (from now; a
    household that read it already keeps its first reading)."""
    notice = await get_visible(access.readable_notices(viewer), notice_id, what="notice", field="id")
    houses = access.own_houses(viewer, notice)
    theirs = NoticeHousehold.filter(notice_id=notice.id, house_id__in=houses)
    access.check_mark_read(viewer, houses if await theirs.exists() else [])
    async with transaction():
        await theirs.filter(read_at=None).update(read_at=datetime.now(UTC), read_by_id=viewer.person_id)
    return (await views(viewer, [notice]))[0]


async def views(viewer: Viewer, notices: Sequence[Notice]) -> list[NoticeView]:
    """The receipts of these notices in one GROUP BY, and the viewer's own households' in one query."""
    ids = [n.id for n in notices]
    counted = {
        row["notice_id"]: (row["read"], row["targeted"])
        for row in await NoticeHousehold.filter(notice_id__in=ids)
        .annotate(targeted=Count("id"), read=Count("id", _filter=Q(read_at__isnull=False)))
        .group_by("notice_id")
        .values("notice_id", "targeted", "read")
    }
    own = await NoticeHousehold.filter(notice_id__in=ids, house_id__in=sorted(viewer.house_ids)).values(
        "notice_id", "house_id", "read_at"
    )
    result = []
    for notice in notices:
        mine = set(access.own_houses(viewer, notice))
        reads = [row["read_at"] is not None for row in own if row["notice_id"] == notice.id and row["house_id"] in mine]
        read, targeted = counted.get(notice.id, (0, 0))
        shown = access.sees_receipts(viewer, notice)
        result.append(
            NoticeView(
                notice=notice,
                read_count=read if shown else None,
                targeted_count=targeted if shown else None,
                read=all(reads) if reads else None,
            )
        )
    return result


async def targeted_households(notice_id: int) -> list[int]:
    """The houses a notice was sent to (for the nouns above: who to tell, say)."""
    return sorted(await NoticeHousehold.filter(notice_id=notice_id).values_list("house_id", flat=True))  # type: ignore[arg-type]


async def targeted_people(notice_id: int) -> list[int]:
    """Who lives now in a household the notice was sent to: the people a notification of it is for."""
    houses = NoticeHousehold.filter(notice_id=notice_id).values("house_id")
    people = await Residency.filter(house_id__in=Subquery(houses), moved_out=None).values_list("person_id", flat=True)
    return sorted(set(people))  # type: ignore[arg-type]


def _target_ids(kind: TargetKind, ids: Sequence[int]) -> list[int]:
    if kind is TargetKind.COMMUNITY:
        if ids:
            raise InvalidInput("A notice to the whole community names no targets", field="targetIds")
        return []
    unique = sorted(set(ids))
    if not 1 <= len(unique) <= MAX_TARGETS:
        raise InvalidInput(f"Name 1 to {MAX_TARGETS} targets", field="targetIds")
    return unique


async def _households(community_id: int, kind: TargetKind, ids: list[int]) -> list[tuple[int, int | None]]:
    """The houses (and their grids) the targets name, each target checked to be of the community."""
    houses = House.filter(community_id=community_id)
    if kind is not TargetKind.COMMUNITY:
        model, column = {
            TargetKind.BUILDING: (Building, "building_id"),
            TargetKind.UNIT: (Unit, "unit_id"),
            TargetKind.HOUSE: (House, "id"),
        }[kind]
        found = await model.filter(id__in=ids, community_id=community_id).count()
        if found != len(ids):
            raise NotFound(f"Not every {kind.value.lower()} named is in this community", field="targetIds")
        houses = houses.filter(**{f"{column}__in": ids})
    return [(int(h), g) for h, g in await houses.order_by("id").values_list("id", "grid_id")]
