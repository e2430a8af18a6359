"""Sending notices over GraphQL, as the office's and housekeepers' apps do."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.people.models import Person
from tests.support import Api, World, data

NOTICE_FIELDS = "id title body targetKind targetIds senderName readCount targetedCount read"
SEND = f"mutation S($input: NoticeSendInput!) {{ noticeSend(input: $input) {{ {NOTICE_FIELDS} }} }}"
READ = f"mutation R($id: ID!) {{ noticeRead(id: $id) {{ {NOTICE_FIELDS} }} }}"
NOTICES = f"query N($c: ID, $unread: Boolean) {{ notices(communityId: $c, unreadOnly: $unread) {{ totalCount nodes {{ {NOTICE_FIELDS} }} }} }}"
NOTICE = f"query N($id: ID!) {{ notice(id: $id) {{ {NOTICE_FIELDS} }} }}"
MY_NOTICES = """
subscription S($c: ID, $after: String) {
  myNotices(communityId: $c, after: $after) { cursor kind notice { id title targetKind } }
}
"""


def notice_input(world: World, kind: str = "COMMUNITY", targets: Sequence[Any] = (), **extra: Any) -> dict[str, Any]:
    return {
        "communityId": str(world.a.id),
        "title": extra.pop("title", f"To the {kind.lower()}"),
        "body": extra.pop("body", "The water is off on Tuesday 9-12."),
        "targetKind": kind,
        "targetIds": [str(t.id) for t in targets],
        **extra,
    }


async def send(
    api: Api,
    world: World,
    kind: str = "COMMUNITY",
    targets: Sequence[Any] = (),
    *,
    as_: Person | None = None,
    **extra: Any,
) -> dict[str, Any]:
    result = await api(SEND, {"input": notice_input(world, kind, targets, **extra)}, as_=as_ or world.operator_a)
    notice: dict[str, Any] = data(result)["noticeSend"]
    return notice
