"""The alarm feeds (live, from a cursor), the alarm list, and a smoke reading that raises an alarm."""

from __future__ import annotations

from gql import gql

from tests.devices.support import REPORT
from tests.support import Api

ALARM_EVENTS = gql(
    """
    subscription S($c: ID!, $after: String, $min: Severity) {
      alarmEvents(communityId: $c, after: $after, minSeverity: $min) {
        cursor kind alarm { id type severity count house { number } }
      }
    }
    """
)
MY_ALARMS = gql(
    "subscription M($after: String) { myAlarms(after: $after) { cursor kind alarm { type house { number } } } }"
)
ALARMS = (
    "query A($c: ID) { alarms(communityId: $c) { totalCount nodes { id type severity count active acknowledged } } }"
)


async def smoke(api: Api, key: str, value: float = 25) -> None:
    await api(REPORT, {"key": key, "readings": [{"metric": "smoke", "value": value}]})
