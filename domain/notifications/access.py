"""Every "may" of notifications: a person's inbox is theirs alone (no role reads another's, not even
a platform admin's: it is what was told to them); a community's dead letters are for its operators."""

from __future__ import annotations

from typing import Any

from tortoise.queryset import QuerySet

from auth.roles import OPERATORS
from auth.viewer import Viewer
from domain.common.guards import require_person, require_platform_admin, require_role
from domain.notifications.models import Delivery, DeliveryState, Notification


def readable_notifications(viewer: Viewer) -> QuerySet[Notification]:
    return Notification.filter(person_id=require_person(viewer))


def check_watch(viewer: Viewer) -> int:
    """Anyone logged in follows their own inbox; the topic is theirs, so nobody else's is asked for."""
    return require_person(viewer)


def may_receive(viewer: Viewer, payload: dict[str, Any]) -> bool:
    return viewer.person_id is not None and payload.get("person_id") == viewer.person_id


def readable_dead_letters(viewer: Viewer, community_id: int | None) -> QuerySet[Delivery]:
    """Deliveries that gave up: a community's for its operators; those of no community (a person
    living nowhere) for platform admins."""
    if community_id is None:
        require_platform_admin(viewer, "Reading undelivered notifications of no community")
    elif not viewer.is_platform_admin:
        require_role(viewer, community_id, OPERATORS, "Reading undelivered notifications")
    return Delivery.filter(state=DeliveryState.DEAD, community_id=community_id)
