"""The event transitions, as every event test sends them; a report about house a101 (grid g1, whose
housekeeper gets it at once) and an upload through the signed URL the API hands out."""

from __future__ import annotations

from typing import Any

import httpx

from domain.people.models import Person
from tests.support import Api, World, data

ASSIGN = """
mutation A($id: ID!, $assigneeId: ID!, $note: String! = "") {
  eventAssign(id: $id, assigneeId: $assigneeId, note: $note) { id status assigneeId }
}
"""
ACCEPT = 'mutation A($id: ID!, $note: String! = "") { eventAccept(id: $id, note: $note) { id status } }'
RESOLVE = 'mutation R($id: ID!, $note: String! = "") { eventResolve(id: $id, note: $note) { id status } }'
REJECT = "mutation R($id: ID!, $reason: String!) { eventReject(id: $id, reason: $reason) { id status } }"
ESCALATE = 'mutation E($id: ID!, $note: String! = "") { eventEscalate(id: $id, note: $note) { id status } }'
REOPEN = 'mutation R($id: ID!, $note: String! = "") { eventReopen(id: $id, note: $note) { id status } }'
RATE = """
mutation R($id: ID!, $score: Int!, $comment: String! = "", $reopen: Boolean! = false) {
  eventRate(id: $id, score: $score, comment: $comment, reopen: $reopen) { id status rating }
}
"""
REPORT = """
mutation R($input: EventReportInput!) {
  eventReport(input: $input) { id status assigneeName source category }
}
"""
UPLOAD = """
mutation U($kind: FileKind!, $type: String!, $size: Int!) {
  requestUpload(kind: $kind, contentType: $type, size: $size) { key url method headers expiresAt }
}
"""
JPEG = b"\xff\xd8\xff\xe0" + b"lingli-photo" * 100


async def report(api: Api, world: World, person: Person, **extra: Any) -> dict[str, Any]:
    fields = {
        "communityId": str(world.a.id),
        "category": "REPAIR",
        "description": "The kitchen tap leaks.\nSince Monday.",
        "houseId": str(world.a101.id),
        **extra,
    }
    return dict(data(await api(REPORT, {"input": fields}, as_=person))["eventReport"])


async def upload(api: Api, person: Person, body: bytes = JPEG, content_type: str = "image/jpeg") -> str:
    slot = data(await api(UPLOAD, {"kind": "EVENT_PHOTO", "type": content_type, "size": len(body)}, as_=person))[
        "requestUpload"
    ]
    async with httpx.AsyncClient() as http:
        response = await http.request(slot["method"], slot["url"], content=body, headers=slot["headers"])
    assert response.status_code == 200, response.text
    return str(slot["key"])


REPORT_ABOUT = """
mutation R($input: EventReportInput!) {
  eventReport(input: $input) { id status assigneeId deadlineAt }
}
"""


async def report_about(api: Api, world: World, person: Person, house: Any = None, **extra: Any) -> dict[str, Any]:
    """An event in community A (about `house` if given: a101 is grid g1, whose keeper gets it at once)."""
    fields: dict[str, Any] = {"communityId": str(world.a.id), "category": "REPAIR", "description": "Broken", **extra}
    if house is not None:
        fields["houseId"] = str(house.id)
    return dict(data(await api(REPORT_ABOUT, {"input": fields}, as_=person))["eventReport"])
