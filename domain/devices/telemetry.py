"""Readings from devices and gateways: checked one by one, stored, and turned into alarms."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from domain.alarms import service as alarm_service
from domain.common.budgets import Budget
from domain.common.errors import InvalidInput, RateLimited, Unauthenticated
from domain.common.rows import lock
from domain.devices import care, heartbeat, movements, sensed
from domain.devices.metrics import METRICS
from domain.devices.models import AlarmThreshold, Device, Reading
from domain.devices.reading_identity import identity, reading_id_problem, stored_already
from domain.devices.rules import rules_for
from domain.devices.service import device_key_hash
from domain.space.models import House
from realtime.outbox import transaction

MAX_BATCH = 1000
# A device clock may run a little fast; a reading from further ahead is refused.
MAX_CLOCK_SKEW = timedelta(minutes=5)
# A gateway may forward a backlog after an outage, but not from another era.
MAX_AGE = timedelta(days=366)


@dataclass(frozen=True)
class ReadingIn:
    metric: str
    value: float
    recorded_at: datetime | None = None
    # The device's own id for the reading: with it, a retry is known by it (reading_identity.py).
    reading_id: str | None = None


@dataclass(frozen=True)
class Rejected:
    index: int
    field: str
    reason: str


@dataclass
class IngestReport:
    accepted: int = 0  # stored by this batch
    rejected: list[Rejected] = field(default_factory=list)
    alarms: list[int] = field(default_factory=list)
    # Positions of readings stored already (by an earlier send of this batch, or earlier in it).
    duplicates: list[int] = field(default_factory=list)


async def authenticate_device(key: str) -> Device:
    device = await Device.get_or_none(key_hash=device_key_hash(key), retired_at=None)
    if device is None:
        raise Unauthenticated("Unknown or retired device key")
    return device


def _check(device: Device, index: int, reading: ReadingIn, now: datetime) -> Rejected | None:
    allowed = METRICS.get(device.type, {})
    if reading.metric not in allowed:
        known = ", ".join(sorted(allowed)) or "none"
        return Rejected(index, "metric", f"{device.type.value} reports {known}, not {reading.metric!r}")
    low, high = allowed[reading.metric]
    if not math.isfinite(reading.value) or not low <= reading.value <= high:
        return Rejected(index, "value", f"{reading.metric} must be between {low:g} and {high:g}")
    if reading.recorded_at is not None:
        if reading.recorded_at.tzinfo is None:
            return Rejected(index, "recordedAt", "recordedAt needs a time zone (e.g. +08:00 or Z)")
        try:
            at = reading.recorded_at.astimezone(UTC)
        except OverflowError:  # year 1 with a positive offset, say
            return Rejected(index, "recordedAt", "recordedAt is out of range")
        if at > now + MAX_CLOCK_SKEW:
            return Rejected(index, "recordedAt", "recordedAt is in the future")
        if at < now - MAX_AGE:
            return Rejected(index, "recordedAt", f"recordedAt is older than {MAX_AGE.days} days")
    if reading.reading_id is not None and (problem := reading_id_problem(reading.reading_id)):
        return Rejected(index, "readingId", problem)
    return None


# Wrong device keys from one address: a gateway with a bad key retries a few times a minute, a
# key guesser thousands of times.
BAD_KEYS_PER_ADDRESS = 20
BAD_KEYS = Budget(
    "device-key",
    limit=BAD_KEYS_PER_ADDRESS,
    window=timedelta(minutes=1),
    refusal="Too many unknown device keys from this address: try again in a minute",
)


async def ingest(device_key: str, readings: list[ReadingIn], *, client: str) -> IngestReport:
    """Store what is valid and new, refuse the rest one by one with a reason; raise the alarms the
    rules find. One transaction: readings, latest state, alarms and their events commit together.
    A reading stored already (the same batch sent again) is not stored, counted or announced again:
    its position is in ``duplicates``."""
    if not readings:
        raise InvalidInput("Send at least one reading", field="readings")
    if len(readings) > MAX_BATCH:
        raise InvalidInput(f"At most {MAX_BATCH} readings a request", field="readings")
    if await BAD_KEYS.exhausted(client):
        raise RateLimited(BAD_KEYS.refusal, field="deviceKey")
    try:
        device = await authenticate_device(device_key)
    except Unauthenticated:
        await BAD_KEYS.try_spend(client)
        raise
    now = datetime.now(UTC)
    report = IngestReport()
    checked: list[tuple[int, Reading]] = []
    for index, reading in enumerate(readings):
        problem = _check(device, index, reading, now)
        if problem is not None:
            report.rejected.append(problem)
            continue
        row = Reading(
            device_id=device.id,
            metric=reading.metric,
            value=reading.value,
            recorded_at=reading.recorded_at or now,
            identity=identity(reading.metric, reading.recorded_at, reading.reading_id),
        )
        checked.append((index, row))
    if not checked:
        return report
    rules = rules_for(await AlarmThreshold.filter(community_id=device.community_id))
    async with transaction():
        # Read the device again under its lock: a heartbeat sweep or a concurrent report may have
        # changed `online` or `last_reading` since it was authenticated.
        await lock(Device, device.id)
        device = await Device.get(id=device.id)
        if device.retired_at is not None:
            raise Unauthenticated("Unknown or retired device key")
        # Under the device's lock: a twin of this batch that committed first is seen here, one
        # still running waits for this one. The unique index on (device, identity) backs it up.
        known = await stored_already(device.id, (row.identity for _, row in checked if row.identity))
        accepted, report.duplicates = _new(checked, known)
        if not accepted:
            return report  # all stored already: nothing to write, the device said nothing new
        house = await House.get_or_none(id=device.house_id) if device.house_id else None
        grid_id = house.grid_id if house else None
        await Reading.bulk_create(accepted)
        latest = dict(device.last_reading or {})
        for stored in sorted(accepted, key=lambda r: r.recorded_at):
            latest[stored.metric] = stored.value
        came_online = not device.online
        await Device.filter(id=device.id).update(online=True, last_seen_at=now, last_reading=latest)
        if came_online:
            await heartbeat.came_back(device, grid_id=grid_id)
        if (movement := _movement(device, accepted, latest)) is not None:
            await movements.moved(movement)
        if sensed.watched(device.type):
            for change in _changes(device, accepted, latest):
                await sensed.sensed(change)
        for stored in accepted:
            if device.type in care.ACCESS_TYPES and stored.metric == care.ACCESS_METRIC:
                await care.passed_a_gate(int(stored.value), device.community_id)
            rule = rules.get((device.type, stored.metric))
            if rule is None or not rule.fires(stored.value):
                continue
            alarm = await alarm_service.trigger(
                alarm_service.Trigger(
                    community_id=device.community_id,
                    type=rule.alarm_type,
                    severity=rule.severity,
                    device_id=device.id,
                    house_id=device.house_id,
                    grid_id=grid_id,
                    details={"metric": stored.metric, "value": stored.value, "rule": rule.description},
                ),
                at=stored.recorded_at,
            )
            report.alarms.append(alarm.id)
    report.accepted = len(accepted)
    return report


POSITION_METRICS = ("latitude", "longitude")


def _movement(device: Device, accepted: list[Reading], latest: dict[str, float]) -> movements.Moved | None:
    """Where the device is after this batch, if it said (a coordinate missing from the batch is
    its last known one)."""
    times = [r.recorded_at for r in accepted if r.metric in POSITION_METRICS]
    latitude, longitude = (latest.get(metric) for metric in POSITION_METRICS)
    if not times or latitude is None or longitude is None:
        return None
    return movements.Moved(device.id, device.community_id, float(latitude), float(longitude), at=max(times))


def _changes(device: Device, accepted: list[Reading], latest: dict[str, float]) -> list[sensed.Sensed]:
    """Each metric this batch reported, with the device's latest value of it."""
    times: dict[str, datetime] = {}
    for reading in accepted:
        times[reading.metric] = max(times.get(reading.metric, reading.recorded_at), reading.recorded_at)
    return [
        sensed.Sensed(device.id, device.community_id, device.type, metric, float(latest[metric]), at=at)
        for metric, at in sorted(times.items())
    ]


def _new(checked: list[tuple[int, Reading]], stored: set[str]) -> tuple[list[Reading], list[int]]:
    """The readings of ``checked`` not stored yet (each identity once: a batch may repeat one), and
    the positions of the others."""
    seen = set(stored)
    new: list[Reading] = []
    duplicates: list[int] = []
    for index, row in checked:
        if row.identity is not None and row.identity in seen:
            duplicates.append(index)
            continue
        if row.identity is not None:
            seen.add(row.identity)
        new.append(row)
    return new, duplicates
