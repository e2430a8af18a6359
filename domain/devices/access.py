"""Which devices a viewer may see: devices of the houses (and communities) they may see."""

from __future__ import annotations

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from auth.viewer import Viewer
from domain.common.guards import require_person
from domain.devices.models import Device


def readable_devices(viewer: Viewer) -> QuerySet[Device]:
    """Community staff: every device of their community. Housekeepers and grid workers: devices
    in their grids' houses. Residents: devices in their own houses."""
    require_person(viewer)
    if viewer.is_platform_admin:
        return Device.all()
    return Device.filter(
        Q(community_id__in=sorted(viewer.readable_community_ids))
        | Q(house__grid_id__in=sorted(viewer.grid_ids))
        | Q(house_id__in=sorted(viewer.house_ids))
    )
