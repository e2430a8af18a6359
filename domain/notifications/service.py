"""Telling people what happened when no socket of theirs may be open.

``notify(...)`` is the one entry point. The nouns that tell (alarms, events, orders, bills, and
notices) call it **inside the transaction of their change**: the notification rows, their
deliveries and the inbox's live message commit with the change or not at all. The worker
(``delivery.py``) sends the deliveries afterwards; the inbox (``myNotifications``) shows the rows.

Who is told of what (decided by the caller, with the helpers below):

- a CRITICAL or MAJOR alarm: the household's residents and the housekeepers of the grid;
- an event's status change: its reporter; an order's: its buyer;
- a bill overdue: the household; a notice: whom the notice names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError

from auth.roles import Role
from auth.viewer import Viewer
from domain.common.errors import InvalidInput
from domain.common.pagination import Page, paginate
from domain.notifications import access, messages
from domain.notifications.messages import NotificationMessage
from domain.notifications.models import Channel, Delivery, Kind, Notification, Preference
from domain.people.models import Membership, Residency
from realtime.outbox import record, transaction

# Where a notification goes unless the person chose fewer. SMS is only for urgent alarms.
DEFAULT_CHANNELS = (Channel.WECHAT, Channel.PUSH, Channel.LOG)
TITLE_MAX = 100
BODY_MAX = 500


async def notify(
    *,
    person_ids: Iterable[int],
    kind: Kind,
    source: str,
    title: str,
    body: str,
    community_id: int | None = None,
    urgent: bool = False,
    subject: dict[str, str] | None = None,
) -> list[Notification]:
    """Tell each person of ``source`` (a stable name of what happened: ``alarm-12:CRITICAL``,
    ``notice-5``), once: a person already told of that source is not told again. Call inside
    ``realtime.outbox.transaction()`` (record() refuses otherwise).

    ``urgent``: CRITICAL and care alarms, which quiet hours do not hold back and which also go by
    SMS. Returns the notifications made now.
    """
    made: list[Notification] = []
    for person_id in sorted(set(person_ids)):
        note = await _once(
            person_id=person_id,
            community_id=community_id,
            kind=kind,
            source=source[:80],
            title=title[:TITLE_MAX],
            body=body[:BODY_MAX],
            urgent=urgent,
            subject=subject or {},
        )
        if note is None:
            continue
        for channel in await _channels(person_id, kind, urgent=urgent):
            await Delivery.create(
                notification_id=note.id,
                person_id=person_id,
                community_id=community_id,
                channel=channel,
                key=f"{person_id}:{note.source}:{channel.value}"[:120],
                next_at=note.created_at,
            )
        await record(messages.topic(person_id), NotificationMessage.NOTIFIED, messages.payload(note))
        made.append(note)
    return made


async def _once(**values: Any) -> Notification | None:
    """The row, unless this person was told of this source already (the unique index decides,
    inside a savepoint so the caller's transaction lives on)."""
    if await Notification.filter(person_id=values["person_id"], source=values["source"]).exists():
        return None
    try:
        async with transaction():
            return await Notification.create(**values)
    except IntegrityError:
        return None  # a twin wrote it meanwhile


async def _channels(person_id: int, kind: Kind, *, urgent: bool) -> list[Channel]:
    preference = await Preference.get_or_none(person_id=person_id)
    if preference is not None and kind.value in preference.muted_kinds and not urgent:
        return []  # the inbox has it; nothing goes out
    chosen = [Channel(c) for c in preference.channels] if preference and preference.channels else DEFAULT_CHANNELS
    channels: list[Channel] = [c for c in chosen if c is not Channel.SMS]
    if urgent and kind is Kind.ALARM:
        channels.append(Channel.SMS)
    return channels


# --- who is told --------------------------------------------------------------------------------


async def household(house_id: int | None) -> list[int]:
    """Who lives in the house now."""
    if house_id is None:
        return []
    rows = await Residency.filter(house_id=house_id, moved_out=None).values_list("person_id", flat=True)
    return sorted({int(str(r)) for r in rows})


async def housekeepers(grid_id: int | None) -> list[int]:
    """The housekeepers of the grid."""
    if grid_id is None:
        return []
    rows = await Membership.filter(grid_id=grid_id, role=Role.HOUSEKEEPER).values_list("person_id", flat=True)
    return sorted({int(str(r)) for r in rows})


# --- the inbox ----------------------------------------------------------------------------------


async def list_mine(viewer: Viewer, *, unread: bool | None, first: int | None, after: str | None) -> Page[Notification]:
    rows = access.readable_notifications(viewer)
    if unread is not None:
        rows = rows.filter(read_at__isnull=unread)
    return await paginate(rows, first=first, after=after)


async def mark_read(viewer: Viewer, ids: list[int]) -> list[Notification]:
    """Mark the viewer's own notifications read (others' ids are ignored, as if absent): what is
    not sent yet is not sent at all. Returns the viewer's rows among ``ids``."""
    if len(ids) > 100:
        raise InvalidInput("At most 100 notifications at once", field="ids")
    now = datetime.now(UTC)
    async with transaction():
        mine = access.readable_notifications(viewer).filter(id__in=ids)
        fresh = await mine.filter(read_at=None).order_by("id")
        await mine.filter(read_at=None).update(read_at=now)
        for note in fresh:
            note.read_at = now
            await record(messages.topic(note.person_id), NotificationMessage.READ, messages.payload(note))
        return list(await mine.order_by("id"))


@dataclass(frozen=True)
class Preferences:
    muted_kinds: list[Kind]
    channels: list[Channel]
    quiet_from: int | None
    quiet_until: int | None


async def preferences(viewer: Viewer) -> Preferences:
    person_id = access.check_watch(viewer)
    row = await Preference.get_or_none(person_id=person_id)
    if row is None:
        return Preferences(muted_kinds=[], channels=list(DEFAULT_CHANNELS), quiet_from=None, quiet_until=None)
    return _preferences(row)


def _preferences(row: Preference) -> Preferences:
    channels = [Channel(c) for c in row.channels] or list(DEFAULT_CHANNELS)
    return Preferences(
        muted_kinds=[Kind(k) for k in row.muted_kinds],
        channels=channels,
        quiet_from=row.quiet_from,
        quiet_until=row.quiet_until,
    )


def _minute(value: str | None, field: str) -> int | None:
    """ "22:30" → minutes after midnight."""
    if value is None or value == "":
        return None
    hours, sep, minutes = value.partition(":")
    if not (sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and len(hours) <= 2):
        raise InvalidInput("A time of day is HH:MM, e.g. 22:30", field=field)
    if int(hours) > 23 or int(minutes) > 59:
        raise InvalidInput("A time of day is 00:00 to 23:59", field=field)
    return int(hours) * 60 + int(minutes)


async def set_preferences(
    viewer: Viewer,
    *,
    muted_kinds: list[Kind],
    channels: list[Channel],
    quiet_from: str | None,
    quiet_until: str | None,
) -> Preferences:
    person_id = access.check_watch(viewer)
    start, end = _minute(quiet_from, "quietFrom"), _minute(quiet_until, "quietUntil")
    if (start is None) != (end is None):
        raise InvalidInput("Quiet hours need both quietFrom and quietUntil (or neither)", field="quietUntil")
    values = {
        "muted_kinds": sorted({k.value for k in muted_kinds}),
        "channels": sorted({c.value for c in channels}),
        "quiet_from": start,
        "quiet_until": end,
    }
    async with transaction():
        row, made = await Preference.get_or_create(person_id=person_id, defaults=values)
        if not made:
            await Preference.filter(id=row.id).update(**values)
            row = await Preference.get(id=row.id)
    return _preferences(row)


async def dead_letters(
    viewer: Viewer, *, community_id: int | None, first: int | None, after: str | None
) -> Page[Delivery]:
    return await paginate(access.readable_dead_letters(viewer, community_id), first=first, after=after)
