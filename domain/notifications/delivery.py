"""Sending what notify() wrote: claimed, sent through a channel, retried, or given up on.

Every process runs ``deliver_due`` periodically (server/app.py). A delivery is **claimed** by one
statement that moves its ``next_at`` a lease ahead and counts the try, so no other worker sees it
due while it is being sent: on PostgreSQL the rows are picked with ``FOR UPDATE SKIP LOCKED`` (two
workers never wait for, nor take, each other's rows); on SQLite the same single UPDATE runs under
its one writer lock, which is as exclusive. Then it is sent, outside any transaction:

- sent: SENT. Delivery is at least once: a worker that dies after sending and before marking it
  leaves the claim to lapse (LEASE) and the delivery is sent again. The unique ``key`` (person,
  source, channel) keeps it one row, so it is never sent twice otherwise.
- failed: due again after a doubling back-off (``backoff × 2^(tries-1)``, at most an hour), and
  DEAD after ``max_tries``: ``notificationDeadLetters`` shows it to the community's operators.
- read in the inbox before it went out, or no address on that channel: SKIPPED.
- within the person's quiet hours (their community's zone): due again when they end, the try not
  counted; urgent ones (CRITICAL and care alarms) do not wait.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any, Protocol

from tortoise import connections

from domain.notifications.models import Channel, Delivery, DeliveryState, Notification, Preference
from domain.people.models import Person
from domain.people.wechat import openids_of
from domain.space import calendar
from realtime.outbox import transaction

log = logging.getLogger("lingli.notifications")

LEASE = timedelta(minutes=2)  # longer than any channel's send may take (their timeouts are seconds)
BATCH = 20
LONGEST_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True)
class Outgoing:
    """One delivery as a channel sends it."""

    delivery_id: int
    channel: Channel
    person_id: int
    phone: str
    openids: list[str]
    kind: str
    title: str
    body: str
    urgent: bool
    subject: dict[str, str]
    created_at: datetime


class Undeliverable(Exception):
    """This channel cannot reach this person (no openid, not subscribed): skipped, not retried."""


class Sender(Protocol):
    """A channel: raises Undeliverable to skip, anything else to be tried again later."""

    async def send(self, message: Outgoing) -> None: ...


class LogSender:
    """The default channel: the server's log."""

    async def send(self, message: Outgoing) -> None:
        log.info(
            "notification to person %s: [%s] %s — %s", message.person_id, message.kind, message.title, message.body
        )


@dataclass(frozen=True)
class Policy:
    max_tries: int = 8
    backoff: timedelta = timedelta(seconds=5)

    def retry_after(self, tries: int) -> timedelta:
        later: timedelta = self.backoff * (2 ** max(0, tries - 1))
        return min(LONGEST_BACKOFF, later)


async def claim(*, now: datetime | None = None, limit: int = BATCH) -> list[int]:
    """Take up to ``limit`` due deliveries: theirs now for LEASE (their next_at moves past it, the
    try is counted). Never the same row to two claimers."""
    now = now or datetime.now(UTC)
    connection = connections.get("default")
    postgres = connection.capabilities.dialect == "postgres"
    p = ("$1", "$2", "$3", "$4") if postgres else ("?", "?", "?", "?")
    lock = " FOR UPDATE SKIP LOCKED" if postgres else ""
    # One statement, outside any transaction (it is one by itself): no outbox lock is taken for it.
    # It begins with WITH, not UPDATE: tortoise's asyncpg client drops the rows of a statement
    # that begins with UPDATE (it runs those for their count alone).
    sql = (
        f"WITH due AS (SELECT id FROM notification_delivery WHERE state = {p[1]} AND next_at <= {p[2]} "
        f"ORDER BY next_at, id LIMIT {p[3]}{lock}) "
        f"UPDATE notification_delivery SET next_at = {p[0]}, tries = tries + 1 "
        "WHERE id IN (SELECT id FROM due) RETURNING id"
    )
    # Looked for first: most runs find nothing, and a read takes no write lock (an UPDATE on SQLite
    # does, even of no row: every process's worker would hold up every writer every few seconds).
    if not await Delivery.filter(state=DeliveryState.PENDING, next_at__lte=now).exists():
        return []
    params: list[Any] = [now + LEASE, DeliveryState.PENDING.value, now, limit]
    if not postgres:
        # "?" are bound in the order they stand: the CTE's first.
        params = [DeliveryState.PENDING.value, _sqlite_time(now), limit, _sqlite_time(now + LEASE)]
    _, rows = await connection.execute_query(sql, params)
    return sorted(int(row["id"]) for row in rows)


def _sqlite_time(moment: datetime) -> str:
    """As tortoise writes a DatetimeField on SQLite (ISO, UTC, microseconds), so text order is time order."""
    return moment.astimezone(UTC).isoformat(sep=" ", timespec="microseconds")


async def deliver_due(
    senders: Mapping[Channel, Sender], policy: Policy = Policy(), *, now: datetime | None = None
) -> int:
    """Claim and send what is due, batch after batch, until nothing is; how many were sent."""
    sent = 0
    for _ in range(50):  # bounded: what is left waits for the next run
        claimed = await claim(now=now)
        if not claimed:
            break
        for delivery_id in claimed:
            sent += await _deliver(delivery_id, senders, policy)
    return sent


async def _deliver(delivery_id: int, senders: Mapping[Channel, Sender], policy: Policy) -> int:
    delivery = await Delivery.get(id=delivery_id)
    note = await Notification.get(id=delivery.notification_id)
    channel = Channel(delivery.channel)
    if note.read_at is not None:
        await _finish(delivery, DeliveryState.SKIPPED, "read before it went out")
        return 0
    sender = senders.get(channel)
    if sender is None:
        await _finish(delivery, DeliveryState.SKIPPED, f"no {channel.value} channel on this server")
        return 0
    quiet_until = None if note.urgent else await _quiet_until(note)
    if quiet_until is not None:
        async with transaction():
            await Delivery.filter(id=delivery.id, tries=delivery.tries).update(
                next_at=quiet_until, tries=delivery.tries - 1
            )
        return 0
    person = await Person.get(id=delivery.person_id)
    message = Outgoing(
        delivery_id=delivery.id,
        channel=channel,
        person_id=person.id,
        phone=person.phone,
        openids=(await openids_of([person.id])).get(person.id, []) if channel is Channel.WECHAT else [],
        kind=note.kind.value if hasattr(note.kind, "value") else str(note.kind),
        title=note.title,
        body=note.body,
        urgent=note.urgent,
        subject=dict(note.subject or {}),
        created_at=note.created_at,
    )
    try:
        await sender.send(message)
    except Undeliverable as why:
        await _finish(delivery, DeliveryState.SKIPPED, str(why))
        return 0
    except Exception as error:  # noqa: BLE001 - any failure of a channel is retried, then dead
        await _failed(delivery, f"{type(error).__name__}: {error}", policy)
        return 0
    await _finish(delivery, DeliveryState.SENT, "")
    return 1


async def _finish(delivery: Delivery, state: DeliveryState, why: str) -> None:
    sent_at = datetime.now(UTC) if state is DeliveryState.SENT else None
    async with transaction():
        # Conditional on our claim: a claim that lapsed and was taken again is the new claimer's to mark.
        await Delivery.filter(id=delivery.id, tries=delivery.tries, state=DeliveryState.PENDING).update(
            state=state, last_error=why[:300], sent_at=sent_at
        )


async def _failed(delivery: Delivery, why: str, policy: Policy) -> None:
    log.warning("notification delivery %s (%s) failed, try %d: %s", delivery.id, delivery.channel, delivery.tries, why)
    if delivery.tries >= policy.max_tries:
        log.error("notification delivery %s is dead after %d tries: %s", delivery.id, delivery.tries, why)
        await _finish(delivery, DeliveryState.DEAD, why)
        return
    async with transaction():
        await Delivery.filter(id=delivery.id, tries=delivery.tries, state=DeliveryState.PENDING).update(
            next_at=datetime.now(UTC) + policy.retry_after(delivery.tries), last_error=why[:300]
        )


async def _quiet_until(note: Notification, now: datetime | None = None) -> datetime | None:
    """When the person's quiet hours end, if they are in them now; else None."""
    preference = await Preference.get_or_none(person_id=note.person_id)
    if preference is None or preference.quiet_from is None or preference.quiet_until is None:
        return None
    zone_name = await calendar.zone_of(note.community_id) if note.community_id else calendar.DEFAULT_TIME_ZONE
    return quiet_end(zone_name, preference.quiet_from, preference.quiet_until, now or datetime.now(UTC))


def quiet_end(zone_name: str, start: int, end: int, now: datetime) -> datetime | None:
    """Quiet from ``start`` to ``end`` (minutes after midnight, local; may pass midnight): the
    instant they end if ``now`` is inside, else None."""
    if start == end:
        return None
    tz = calendar.zone(zone_name)
    local = now.astimezone(tz)
    minute = local.hour * 60 + local.minute
    inside = start <= minute < end if start < end else (minute >= start or minute < end)
    if not inside:
        return None
    day = local.date() if minute < end else local.date() + timedelta(days=1)
    ends = datetime.combine(day, time(end // 60, end % 60), tzinfo=tz)
    return ends.astimezone(UTC)
