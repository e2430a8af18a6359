"""Every "may" of devices: who reads which, who manages them and their alarm rules, who watches
their status and which status message reaches whom."""

from __future__ import annotations

from typing import Any

from tortoise.queryset import QuerySet

from auth.roles import COMMUNITY_STAFF, OPERATORS
from auth.viewer import Viewer
from domain.common.errors import Forbidden
from domain.common.guards import require_person, require_role
from domain.devices.models import Device
from domain.space.access import in_scope


def readable_devices(viewer: Viewer) -> QuerySet[Device]:
    """Community staff: every device of their community. Housekeepers and grid workers: devices
    in their grids' houses. Residents: devices in their own houses."""
    require_person(viewer)
    if viewer.is_platform_admin:
        return Device.all()
    return Device.filter(in_scope(viewer, grid="house__grid_id"))


def check_manage(viewer: Viewer, community_id: int, action: str) -> None:
    """Registering, moving, retiring devices, rotating their keys: the community's operators."""
    require_role(viewer, community_id, OPERATORS, action)


def check_read_rules(viewer: Viewer, community_id: int) -> None:
    require_role(viewer, community_id, COMMUNITY_STAFF, "Reading alarm rules")


def check_set_rules(viewer: Viewer, community_id: int, action: str) -> None:
    """A community's own thresholds: its operators."""
    require_role(viewer, community_id, OPERATORS, action)


def check_watch_status(viewer: Viewer, community_id: int) -> None:
    """deviceStatus: anyone of the community (each then gets only the devices they may see)."""
    require_person(viewer)
    if not (viewer.is_platform_admin or community_id in viewer.member_community_ids):
        raise Forbidden("Watching devices is for the community's people", field="communityId")


def may_receive_status(viewer: Viewer, status: dict[str, Any]) -> bool:
    """readable_devices' rule for one status message (``community_id``, ``grid_id``, ``house_id``)."""
    return viewer.sees_place(
        community_id=status["community_id"], grid_id=status.get("grid_id"), house_id=status.get("house_id")
    )
