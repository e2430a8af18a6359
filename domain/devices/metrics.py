"""What each device type may report: metric names and the physically possible range of each.

A reading outside its range is refused (a broken sensor, not an alarm); alarm thresholds
live in domain/alarms/rules.py.
"""

from __future__ import annotations

from domain.devices.models import DeviceType

Range = tuple[float, float]
_FLAG: Range = (0, 1)
_BATTERY = {"battery": (0.0, 100.0)}
_METER = {"reading": (0.0, 1e9)}

METRICS: dict[DeviceType, dict[str, Range]] = {
    DeviceType.CAMERA: {"online": _FLAG},
    DeviceType.ACCESS_GATE: {"passage": _FLAG, "person_id": (1, 2**31 - 1)},
    DeviceType.DOOR_LOCK: {"open": _FLAG, "person_id": (1, 2**31 - 1), **_BATTERY},
    DeviceType.SMOKE_DETECTOR: {"smoke": (0.0, 100.0), **_BATTERY},  # obscuration, %/m
    DeviceType.GAS_DETECTOR: {"gas": (0.0, 100.0), **_BATTERY},  # % of the lower explosive limit
    DeviceType.WATER_LEAK_SENSOR: {"leak": _FLAG, **_BATTERY},
    DeviceType.WATER_METER: _METER,
    DeviceType.ELECTRICITY_METER: _METER,
    DeviceType.GAS_METER: _METER,
    DeviceType.HEAT_METER: _METER,
    DeviceType.WEARABLE: {"heart_rate": (0.0, 300.0), "sos": _FLAG, **_BATTERY},
    DeviceType.FALL_SENSOR: {"fall": _FLAG},
    DeviceType.PARKING_SENSOR: {"occupied": _FLAG},
    DeviceType.VEHICLE_GATE: {"open": _FLAG},  # plates are records of their own (domain/parking)
    DeviceType.STREET_LAMP: {"on": _FLAG, "power": (0.0, 5000.0)},
    DeviceType.MANHOLE_COVER: {"open": _FLAG, "tilt": (0.0, 180.0)},
    DeviceType.ENVIRONMENT_SENSOR: {
        "temperature": (-60.0, 80.0),
        "humidity": (0.0, 100.0),
        "pm25": (0.0, 2000.0),
        "noise": (0.0, 160.0),
    },
    DeviceType.GARBAGE_BIN: {"fill": (0.0, 100.0)},
    DeviceType.DELIVERY_ROBOT: {"latitude": (-90.0, 90.0), "longitude": (-180.0, 180.0), **_BATTERY},
}
