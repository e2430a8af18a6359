"""`lingli simulate`: the demo community's devices report realistic readings to a running server,
with the occasional smoke, SOS, fall or leak, and a device that falls silent for a while, so a
new user watching `alarmEvents` or `deviceStatus` in GraphiQL sees the system live.

The delivery robot drives round the demo's path (the shop, building 1, building 2, back), one step
a tick, reporting where it is: the server moves the orders it has out for delivery (and pushes
their positions to `orderUpdates`, coalesced); a robot with no delivery moves nothing.

The garage's parking sensors flip between occupied and free, and cars pass its vehicle gate
(`parkingGateRecord`): Wang Fang's registered car, and visitors without a pass (refused), so
`parkingAvailabilityUpdates` shows the free spaces move, at most once a lot a second."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from domain.devices.models import DeviceType
from server.seed import DEMO_BUILDING_POSITIONS, DEMO_DEVICES, DEMO_ROBOT, DEMO_SHOP_POSITION, demo_device_key
from server.seed_parking import DEMO_GATE, DEMO_PARKING_SENSORS, DEMO_PLATE

Reading = dict[str, float]


@dataclass(frozen=True)
class Behaviour:
    normal: Callable[[random.Random], Reading]
    incident: Callable[[random.Random], Reading]


BEHAVIOUR: dict[DeviceType, Behaviour] = {
    DeviceType.SMOKE_DETECTOR: Behaviour(
        lambda r: {"smoke": round(r.uniform(0, 1.5), 2), "battery": round(r.uniform(60, 100))},
        lambda r: {"smoke": round(r.uniform(8, 30), 1)},
    ),
    DeviceType.GAS_DETECTOR: Behaviour(
        lambda r: {"gas": round(r.uniform(0, 3), 1)}, lambda r: {"gas": round(r.uniform(15, 40))}
    ),
    DeviceType.WEARABLE: Behaviour(
        lambda r: {"heart_rate": round(r.gauss(74, 6)), "sos": 0},
        lambda r: {"sos": 1, "heart_rate": round(r.uniform(120, 160))},
    ),
    DeviceType.FALL_SENSOR: Behaviour(lambda r: {"fall": 0}, lambda r: {"fall": 1}),
    DeviceType.WATER_LEAK_SENSOR: Behaviour(lambda r: {"leak": 0}, lambda r: {"leak": 1}),
    DeviceType.ENVIRONMENT_SENSOR: Behaviour(
        lambda r: {
            "temperature": round(r.gauss(18, 3), 1),
            "humidity": round(r.uniform(35, 70)),
            "pm25": round(r.uniform(8, 60)),
            "noise": round(r.uniform(30, 55)),
        },
        lambda r: {"pm25": round(r.uniform(160, 320))},
    ),
    # A car arrives or leaves: each report is the space's state now (the server pushes changes only).
    DeviceType.PARKING_SENSOR: Behaviour(
        lambda r: {"occupied": float(r.random() < 0.5)}, lambda r: {"occupied": float(r.random() < 0.5)}
    ),
    DeviceType.MANHOLE_COVER: Behaviour(
        lambda r: {"open": 0, "tilt": round(r.uniform(0, 2), 1)}, lambda r: {"open": 1, "tilt": 35.0}
    ),
}


# The robot's round: from the shop to each building's door and back, STEPS_PER_LEG ticks a leg.
ROBOT_PATH = [DEMO_SHOP_POSITION, *DEMO_BUILDING_POSITIONS.values(), DEMO_SHOP_POSITION]
STEPS_PER_LEG = 10


def robot_position(tick: int) -> tuple[float, float]:
    """Where the robot is at this tick of its round (it goes round again and again)."""
    legs = len(ROBOT_PATH) - 1
    step = tick % (legs * STEPS_PER_LEG)
    leg, part = divmod(step, STEPS_PER_LEG)
    (lat1, lon1), (lat2, lon2) = ROBOT_PATH[leg], ROBOT_PATH[leg + 1]
    f = part / STEPS_PER_LEG
    return round(lat1 + (lat2 - lat1) * f, 6), round(lon1 + (lon2 - lon1) * f, 6)


def _robot_readings(tick: int, rng: random.Random) -> Reading:
    latitude, longitude = robot_position(tick)
    return {"latitude": latitude, "longitude": longitude, "battery": round(rng.uniform(40, 100))}


@dataclass
class Tally:
    sent: int = 0
    accepted: int = 0
    alarms: int = 0
    silent: int = 0
    gate_records: int = 0
    gate_refused: int = 0


GATE_RECORD = """
mutation G($key: String!, $plate: String!, $direction: GateDirection!) {
  parkingGateRecord(deviceKey: $key, plate: $plate, direction: $direction) { allowed }
}
"""
VISITOR_PLATES = ["沪B54321", "苏E66666", "浙B88888"]
GATE_CHANCE = 0.3  # of a car at the gate, each tick


async def _at_the_gate(
    http: httpx.AsyncClient, key: str, plates: list[str], inside: list[str], rng: random.Random, tally: Tally
) -> None:
    """Now and then a car comes in (a registered one, or a visitor without a pass) or goes out."""
    if rng.random() >= GATE_CHANCE:
        return
    leaving = bool(inside) and rng.random() < 0.5
    plate = inside[rng.randrange(len(inside))] if leaving else rng.choice(plates)
    direction = "OUT" if leaving else "IN"
    variables = {"key": key, "plate": plate, "direction": direction}
    response = await http.post("/graphql", json={"query": GATE_RECORD, "variables": variables})
    record = (response.json().get("data") or {}).get("parkingGateRecord") if response.status_code == 200 else None
    if record is None:
        return
    tally.gate_records += 1
    if leaving:
        inside.remove(plate)
    elif record["allowed"]:
        inside.append(plate)
    else:
        tally.gate_refused += 1


async def simulate(
    base_url: str,
    *,
    ticks: int | None,
    every: float = 2.0,
    incident_chance: float = 0.02,
    silence_chance: float = 0.01,
    rng: random.Random | None = None,
    devices: list[tuple[DeviceType, str]] | None = None,
    gate: str | None = None,
    plates: list[str] | None = None,
) -> Tally:
    """Each tick, every device that is not silent posts its readings to /telemetry."""
    rng = rng or random.Random()
    fleet = devices or [
        *((d.type, demo_device_key(d.name)) for d in DEMO_DEVICES),
        (DeviceType.DELIVERY_ROBOT, demo_device_key(DEMO_ROBOT)),
        *((DeviceType.PARKING_SENSOR, demo_device_key(name)) for name in DEMO_PARKING_SENSORS),
    ]
    gate_key = gate if gate is not None else (None if devices else demo_device_key(DEMO_GATE))
    at_the_gate = plates or [DEMO_PLATE, *VISITOR_PLATES]
    inside: list[str] = []
    silent_until: dict[str, int] = {}
    tally = Tally()
    tick = 0
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
        while ticks is None or tick < ticks:
            for device_type, key in fleet:
                if silent_until.get(key, -1) > tick:
                    continue
                if rng.random() < silence_chance:
                    silent_until[key] = tick + rng.randint(30, 90)  # long enough to go offline
                    tally.silent += 1
                    continue
                behaviour = BEHAVIOUR.get(device_type)
                if device_type is DeviceType.DELIVERY_ROBOT:
                    values = _robot_readings(tick, rng)
                elif behaviour is None:
                    continue
                else:
                    values = behaviour.incident(rng) if rng.random() < incident_chance else behaviour.normal(rng)
                body = {"readings": [{"metric": m, "value": v} for m, v in values.items()]}
                response = await http.post("/telemetry", json=body, headers={"X-Device-Key": key})
                tally.sent += len(values)
                if response.status_code == 200:
                    report = response.json()
                    tally.accepted += report["accepted"]
                    tally.alarms += len(report["alarmIds"])
            if gate_key is not None:
                await _at_the_gate(http, gate_key, at_the_gate, inside, rng, tally)
            tick += 1
            if ticks is None or tick < ticks:
                await asyncio.sleep(every)  # the devices' reporting period
    return tally
