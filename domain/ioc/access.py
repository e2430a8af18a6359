"""Every "may" of the operations centre: who reads a community's dashboard, who watches its feed
and its counters, and which live message of the feed reaches whom.

The IOC is the community's own office: its operators and property staff (COMMUNITY_STAFF), and
platform admins. Grid staff see their grids elsewhere (alarmEvents, events); residents their homes.
"""

from __future__ import annotations

from typing import Any

from auth.roles import COMMUNITY_STAFF
from auth.viewer import Viewer
from domain.common.guards import require_role


def check_read(viewer: Viewer, community_id: int) -> None:
    """dashboard, dashboardCounters: the community's office."""
    require_role(viewer, community_id, COMMUNITY_STAFF, "The operations centre")


def check_watch(viewer: Viewer, community_id: int) -> None:
    """iocFeed: the same people as the dashboard."""
    require_role(viewer, community_id, COMMUNITY_STAFF, "The operations centre's feed")


def may_receive(viewer: Viewer, community_id: int, payload: dict[str, Any]) -> bool:
    """One message of the feed (an alarm, an event, a device's status, an order), for this
    subscriber as they are now: still of the community's office, and the message of that community."""
    return payload.get("community_id") == community_id and viewer.has_role(community_id, COMMUNITY_STAFF)
