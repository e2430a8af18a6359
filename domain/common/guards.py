"""The coarse checks every noun's access rules start from: logged in, holding a role here.

The Viewer (auth) only knows what it holds; saying no, with a typed error the client can act
on, is the domain's.
"""

from __future__ import annotations

from collections.abc import Iterable

from auth.roles import Role
from auth.viewer import Viewer
from domain.common.errors import Forbidden, Unauthenticated


def require_person(viewer: Viewer) -> int:
    if viewer.person_id is None:
        raise Unauthenticated("Log in first: send 'Authorization: Bearer <access token>'")
    return viewer.person_id


def require_role(viewer: Viewer, community_id: int, roles: Iterable[Role], action: str) -> None:
    require_person(viewer)
    if not viewer.has_role(community_id, roles):
        names = ", ".join(sorted(r.value for r in roles))
        raise Forbidden(f"{action} needs one of these roles in this community: {names}")


def require_platform_admin(viewer: Viewer, action: str) -> None:
    require_person(viewer)
    if not viewer.is_platform_admin:
        raise Forbidden(f"{action} needs the PLATFORM_ADMIN role")
