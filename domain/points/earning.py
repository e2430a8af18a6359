"""Earning by the community's rules: sorting at a smart bin, taking part in an activity, and an
operator's grant or deduction. Each earning is posted under its own idempotency key, so the same
record, activity or request processed twice earns once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from auth.viewer import Viewer
from domain.common.errors import InvalidInput, NotFound, RateLimited, Unauthenticated
from domain.common.rows import lock
from domain.common.text import text
from domain.devices import telemetry
from domain.devices.models import Device, DeviceType
from domain.devices.reading_identity import reading_id_problem
from domain.people.models import Membership, Person, Residency
from domain.points import access, ledger, rules
from domain.points.models import Balance, Card, Entry, Kind, Rules, SortingRecord, Source
from domain.space import calendar
from realtime.outbox import transaction

MAX_RECORDS = 500
MAX_ADJUSTMENT = 100_000
BIN_TYPES = frozenset({DeviceType.GARBAGE_BIN})


@dataclass(frozen=True)
class SortingIn:
    record_id: str
    card_id: str
    correct: bool
    category: str = ""
    recorded_at: datetime | None = None


@dataclass
class SortingReport:
    accepted: int = 0
    duplicates: list[int] = field(default_factory=list)
    # Positions of records whose card nobody in the community holds: stored, nobody earns.
    unknown_cards: list[int] = field(default_factory=list)
    points: int = 0


async def report_sorting(device_key: str, records: list[SortingIn], *, client: str) -> SortingReport:
    """A smart bin's sorting records, by its device key: stored once each (per record id); a right
    sorting earns its card holder GREEN points (up to the daily cap), a wrong one costs CREDIT."""
    if not 1 <= len(records) <= MAX_RECORDS:
        raise InvalidInput(f"Send 1 to {MAX_RECORDS} records", field="records")
    if await telemetry.BAD_KEYS.exhausted(client):
        raise RateLimited(telemetry.BAD_KEYS.refusal, field="deviceKey")
    try:
        device = await telemetry.authenticate_device(device_key)
    except Unauthenticated:
        await telemetry.BAD_KEYS.try_spend(client)
        raise
    if device.type not in BIN_TYPES:
        raise InvalidInput("Only smart garbage bins report sorting records", field="deviceKey")
    now = datetime.now(UTC)
    for index, record in enumerate(records):
        _check(index, record, now)
    terms = await rules.of(device.community_id)
    zone_name = await calendar.zone_of(device.community_id)
    report = SortingReport()
    async with transaction():
        await lock(Device, device.id)  # a twin of this batch waits here, then finds it all stored
        for index, record in enumerate(records):
            if await SortingRecord.exists(device_id=device.id, record_id=record.record_id):
                report.duplicates.append(index)
                continue
            card = await Card.get_or_none(community_id=device.community_id, card_id=record.card_id)
            row = await SortingRecord.create(
                device_id=device.id,
                community_id=device.community_id,
                record_id=record.record_id,
                card_id=record.card_id,
                person_id=card.person_id if card else None,
                correct=record.correct,
                category=record.category,
                recorded_at=record.recorded_at or now,
            )
            report.accepted += 1
            if card is None:
                report.unknown_cards.append(index)
                continue
            report.points += await _sorting_points(row, card.person_id, device.name, terms, zone_name)
    return report


def _check(index: int, record: SortingIn, now: datetime) -> None:
    where = f"records[{index}]"
    for name, value in (("recordId", record.record_id), ("cardId", record.card_id)):
        if (problem := reading_id_problem(value)) is not None:
            raise InvalidInput(f"{where}.{name}: {problem.replace('readingId', name)}", field=f"{where}.{name}")
    if len(record.category) > 20:
        raise InvalidInput(f"{where}.category is at most 20 characters", field=f"{where}.category")
    if record.recorded_at is not None:
        if record.recorded_at.utcoffset() is None:
            raise InvalidInput(f"{where}.recordedAt needs a time zone", field=f"{where}.recordedAt")
        if record.recorded_at > now + telemetry.MAX_CLOCK_SKEW:
            raise InvalidInput(f"{where}.recordedAt is in the future", field=f"{where}.recordedAt")


async def _sorting_points(row: SortingRecord, person_id: int, bin_name: str, terms: Rules, zone_name: str) -> int:
    key = f"sorting:{row.device_id}:{row.record_id}"
    if not row.correct:
        await ledger.post(
            ledger.Change(
                community_id=row.community_id,
                person_id=person_id,
                kind=Kind.CREDIT,
                amount=-terms.sorted_wrong_credit,
                reason_code="SORTED_WRONG",
                reason=f"Wrongly sorted at {bin_name}",
                source=Source.SORTING,
                source_id=str(row.id),
                idempotency_key=key,
                clamp=True,
            )
        )
        return 0
    amount = await _within_daily_cap(
        person_id, row.community_id, Source.SORTING, terms.sorted_right_points, terms.sorting_daily_cap, zone_name
    )
    if amount <= 0:
        return 0
    await ledger.post(
        ledger.Change(
            community_id=row.community_id,
            person_id=person_id,
            kind=Kind.GREEN,
            amount=amount,
            reason_code="SORTED_RIGHT",
            reason=f"Sorted right at {bin_name}",
            source=Source.SORTING,
            source_id=str(row.id),
            idempotency_key=key,
        )
    )
    return amount


async def _within_daily_cap(
    person_id: int, community_id: int, source: Source, amount: int, cap: int, zone_name: str
) -> int:
    """What of ``amount`` today's cap still allows, under the balance's row lock (two bins at once
    cannot both take the last of it)."""
    kind = Kind.VOLUNTEER if source is Source.ACTIVITY else Kind.GREEN
    await Balance.bulk_create(
        [Balance(person_id=person_id, community_id=community_id, kind=kind, balance=0)], ignore_conflicts=True
    )
    await Balance.filter(person_id=person_id, community_id=community_id, kind=kind).select_for_update().first()
    since = calendar.span(zone_name, calendar.Period.TODAY).since
    earned = await Entry.filter(
        person_id=person_id, community_id=community_id, kind=kind, source=source, amount__gt=0, created_at__gte=since
    ).values_list("amount", flat=True)
    return max(0, min(amount, cap - sum(int(str(a)) for a in earned)))


async def award_volunteer(
    *,
    community_id: int,
    person_id: int,
    activity_id: str,
    title: str,
    idempotency_key: str,
    points: int | None = None,
) -> int:
    """For the neighbours feature: taking part in an activity, or finishing a help request, earns
    VOLUNTEER points (``points``, else the community's ``volunteer_points``; up to the daily cap).
    The same key again earns nothing more. Returns the points."""
    terms = await rules.of(community_id)
    zone_name = await calendar.zone_of(community_id)
    async with transaction():
        if await Entry.exists(idempotency_key=f"volunteer:{idempotency_key}"):
            return 0
        amount = await _within_daily_cap(
            person_id,
            community_id,
            Source.ACTIVITY,
            terms.volunteer_points if points is None else points,
            terms.volunteer_daily_cap,
            zone_name,
        )
        if amount <= 0:
            return 0
        posted = await ledger.post(
            ledger.Change(
                community_id=community_id,
                person_id=person_id,
                kind=Kind.VOLUNTEER,
                amount=amount,
                reason_code="VOLUNTEERED",
                reason=title[:200] or "Took part in an activity",
                source=Source.ACTIVITY,
                source_id=activity_id,
                idempotency_key=f"volunteer:{idempotency_key}",
            )
        )
        return amount if posted.new else 0


async def adjust(
    viewer: Viewer,
    *,
    community_id: int,
    person_id: int,
    kind: Kind,
    amount: int,
    reason: str,
    idempotency_key: str,
) -> ledger.Posted:
    """An operator grants (amount > 0) or deducts (< 0) by hand, with a reason, on the ledger as
    theirs. A deduction of GREEN or VOLUNTEER points is refused past the balance; of CREDIT it
    stops at 0."""
    access.check_operate(viewer, community_id)
    if amount == 0 or abs(amount) > MAX_ADJUSTMENT:
        raise InvalidInput(f"amount is -{MAX_ADJUSTMENT} to {MAX_ADJUSTMENT}, not 0", field="amount")
    why = text(reason, field="reason", max_length=200)
    key = text(idempotency_key, field="idempotencyKey", max_length=64)
    await person_of(community_id, person_id)
    actor = await Person.get(id=viewer.person_id)
    async with transaction():
        return await ledger.post(
            ledger.Change(
                community_id=community_id,
                person_id=person_id,
                kind=kind,
                amount=amount,
                reason_code="GRANTED" if amount > 0 else "DEDUCTED",
                reason=why,
                source=Source.OPERATOR,
                source_id=str(actor.id),
                actor_id=actor.id,
                actor_name=actor.name,
                idempotency_key=f"operator:{actor.id}:{key}",
                clamp=kind is Kind.CREDIT,
            )
        )


async def person_of(community_id: int, person_id: int, *, field: str = "personId") -> Person:
    """Someone who lives or works in the community (else NOT_FOUND: nothing said of others)."""
    lives = await Residency.exists(person_id=person_id, community_id=community_id, moved_out__isnull=True)
    works = lives or await Membership.exists(person_id=person_id, community_id=community_id)
    person = await Person.get_or_none(id=person_id) if works else None
    if person is None:
        raise NotFound(f"No person {person_id} in this community", field=field)
    return person


async def bind_card(viewer: Viewer, *, community_id: int, person_id: int, card_id: str) -> Card:
    """The office gives a resident a card (or records their face id) that the bins read."""
    access.check_hand_out(viewer, community_id)
    if (problem := reading_id_problem(card_id)) is not None:
        raise InvalidInput(problem.replace("readingId", "cardId"), field="cardId")
    await person_of(community_id, person_id)
    async with transaction():
        existing = await Card.get_or_none(community_id=community_id, card_id=card_id)
        if existing is not None:
            await Card.filter(id=existing.id).update(person_id=person_id)
            return await Card.get(id=existing.id)
        return await Card.create(community_id=community_id, card_id=card_id, person_id=person_id)
