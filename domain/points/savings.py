"""Green points for a household's saving: electricity and water used in a month against the month
before (from the meter readings, as the bills read them), shared among who lives there. Each
member's share is posted under (house, month, person): a month processed twice earns once."""

from __future__ import annotations

import math
from datetime import datetime

from auth.viewer import Viewer
from domain.bills.periods import Month, last_month, parse_period
from domain.devices import meters
from domain.devices.models import DeviceType
from domain.people.models import Residency, ResidencyKind
from domain.points import access, ledger, rules
from domain.points.models import Kind, Rules, Source
from domain.space import calendar
from domain.space.models import Community
from realtime.outbox import transaction


async def award(viewer: Viewer, *, community_id: int, period: str) -> int:
    """An operator runs a month by hand (the sweep runs last month by itself). Returns the points posted now."""
    access.check_operate(viewer, community_id)
    return await award_month(community_id, parse_period(period))


async def sweep(now: datetime | None = None) -> int:
    """Last month, in each community's zone: what is already posted is found by its key."""
    total = 0
    for community in await Community.all().only("id", "time_zone"):
        total += await award_month(community.id, last_month(community.time_zone, now))
    return total


async def award_month(community_id: int, month: Month) -> int:
    zone_name = await calendar.zone_of(community_id)
    terms = await rules.of(community_id)
    this, before = month.span(zone_name), month.previous.span(zone_name)
    posted = 0
    for house_id, house_meters in (await meters.meters_by_house(community_id, in_service_at=before.since)).items():
        points = 0
        for meter in house_meters:
            rate = _rate(meter.type, terms)
            if not rate:
                continue
            used = await meters.used_during(meter.id, this.since, this.until)
            used_before = await meters.used_during(meter.id, before.since, before.until)
            if used is not None and used_before is not None and used < used_before:
                points += math.floor((used_before - used) * rate)
        points = min(points, terms.saving_monthly_cap)
        if points > 0:
            posted += await _share(community_id, house_id, month, points)
    return posted


def _rate(device_type: DeviceType, terms: Rules) -> int:
    return {
        DeviceType.ELECTRICITY_METER: terms.points_per_kwh_saved,
        DeviceType.WATER_METER: terms.points_per_m3_saved,
    }.get(device_type, 0)


async def _share(community_id: int, house_id: int, month: Month, points: int) -> int:
    """Evenly among who lives there now; what does not divide goes to the owners first."""
    living = await Residency.filter(house_id=house_id, moved_out__isnull=True).order_by("id")
    members = sorted({r.person_id: r for r in living}.values(), key=lambda r: (r.kind is not ResidencyKind.OWNER, r.id))
    if not members:
        return 0
    share, rest = divmod(points, len(members))
    posted = 0
    async with transaction():
        for index, member in enumerate(members):
            amount = share + (1 if index < rest else 0)
            if amount <= 0:
                continue
            result = await ledger.post(
                ledger.Change(
                    community_id=community_id,
                    person_id=member.person_id,
                    kind=Kind.GREEN,
                    amount=amount,
                    reason_code="SAVED_ENERGY",
                    reason=f"Your household used less electricity and water in {month.label}",
                    source=Source.READING,
                    source_id=f"{house_id}:{month.label}",
                    idempotency_key=f"saving:{house_id}:{month.label}:{member.person_id}",
                )
            )
            posted += amount if result.new else 0
    return posted
