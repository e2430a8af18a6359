"""Alarm rules: which reading of which device type raises which alarm.

Defaults follow common practice (smoke obscuration, % of the lower explosive limit for gas, the
PM2.5 "very unhealthy" band, adult heart rate). A community may replace any of them, or add one
for another metric its devices report, with an AlarmThreshold.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from domain.alarms.models import Severity
from domain.devices.models import AlarmThreshold, DeviceType


@dataclass(frozen=True)
class Rule:
    alarm_type: str
    severity: Severity
    fires: Callable[[float], bool]
    description: str
    overridden: bool = False


DEFAULT_RULES: dict[tuple[DeviceType, str], Rule] = {
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


def from_threshold(threshold: AlarmThreshold) -> Rule:
    above, below = threshold.above, threshold.below
    default = DEFAULT_RULES.get((DeviceType(threshold.device_type), threshold.metric))
    parts = [f"{threshold.metric} ≥ {above:g}"] if above is not None else []
    parts += [f"{threshold.metric} ≤ {below:g}"] if below is not None else []
    return Rule(
        alarm_type=default.alarm_type if default else threshold.metric.upper(),
        severity=Severity(threshold.severity),
        fires=lambda v: (above is not None and v >= above) or (below is not None and v <= below),
        description=" or ".join(parts) + " (community threshold)",
        overridden=True,
    )


def rules_for(thresholds: Iterable[AlarmThreshold]) -> dict[tuple[DeviceType, str], Rule]:
    """The rules in force in one community: the defaults, with its thresholds laid over them."""
    rules = dict(DEFAULT_RULES)
    for threshold in thresholds:
        rules[(DeviceType(threshold.device_type), threshold.metric)] = from_threshold(threshold)
    return rules
