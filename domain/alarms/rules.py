"""Default alarm rules: which reading of which device type raises which alarm.

Per-community overrides come later; these defaults follow common practice (smoke obscuration,
% of the lower explosive limit for gas, the PM2.5 "very unhealthy" band, adult heart rate).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from domain.alarms.models import Severity
from domain.devices.models import DeviceType


@dataclass(frozen=True)
class Rule:
    alarm_type: str
    severity: Severity
    fires: Callable[[float], bool]
    description: str


RULES: dict[tuple[DeviceType, str], Rule] = {
    (DeviceType.SMOKE_DETECTOR, "smoke"): Rule("SMOKE", Severity.CRITICAL, lambda v: v >= 5.0, "smoke ≥ 5 %/m"),
    (DeviceType.GAS_DETECTOR, "gas"): Rule("GAS", Severity.CRITICAL, lambda v: v >= 10.0, "gas ≥ 10 % LEL"),
    (DeviceType.WATER_LEAK_SENSOR, "leak"): Rule("WATER_LEAK", Severity.MAJOR, lambda v: v >= 1, "water detected"),
    (DeviceType.WEARABLE, "sos"): Rule("SOS", Severity.CRITICAL, lambda v: v >= 1, "SOS pressed"),
    (DeviceType.WEARABLE, "heart_rate"): Rule(
        "HEART_RATE", Severity.MAJOR, lambda v: v < 40 or v > 140, "heart rate below 40 or above 140"
    ),
    (DeviceType.FALL_SENSOR, "fall"): Rule("FALL", Severity.CRITICAL, lambda v: v >= 1, "fall detected"),
    (DeviceType.MANHOLE_COVER, "open"): Rule("MANHOLE_OPEN", Severity.MAJOR, lambda v: v >= 1, "cover open"),
    (DeviceType.ENVIRONMENT_SENSOR, "pm25"): Rule("PM25", Severity.WARNING, lambda v: v >= 150, "PM2.5 ≥ 150 µg/m³"),
    (DeviceType.GARBAGE_BIN, "fill"): Rule("BIN_FULL", Severity.MINOR, lambda v: v >= 90, "bin ≥ 90 % full"),
}


def rule_for(device_type: DeviceType, metric: str) -> Rule | None:
    return RULES.get((device_type, metric))
