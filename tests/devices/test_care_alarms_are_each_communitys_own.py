"""A person recorded ELDERLY_ALONE by two communities they live in: each community's care rule
is its own, so a CARE alarm open in one must not silence the other's (its housekeeper would never
be told)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from domain.alarms.models import Alarm
from domain.devices.care import check_elderly_alone
from domain.people.models import CareRecord, CareTag, Residency, ResidencyKind
from tests.support import World


async def test_each_community_raises_its_own_care_alarm(world: World) -> None:
    elder = world.elder_a102  # A recorded them ELDERLY_ALONE (world)
    await Residency.create(
        person=elder, house=world.b101, community_id=world.b.id, kind=ResidencyKind.TENANT, moved_in=date(2021, 1, 1)
    )
    await CareRecord.create(person=elder, community=world.b, tag=CareTag.ELDERLY_ALONE)
    raised = await check_elderly_alone(silence=timedelta(hours=1), now=datetime.now(UTC) + timedelta(days=2))
    communities = sorted(
        a.community_id for a in await Alarm.filter(type="CARE", house_id__in=[world.a102.id, world.b101.id])
    )
    assert communities == sorted([world.a.id, world.b.id]), (raised, communities)
