"""Bad event and upload input is a typed error naming the argument, never INTERNAL, and writes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from domain.events.models import Event
from domain.files.models import StoredFile
from domain.people.models import Person
from tests.events.support import REPORT_ABOUT as REPORT
from tests.events.support import report_about as report
from tests.files.support import upload
from tests.support import Api, World, code_and_field, token_for

STATISTICS = "query S($c: ID!, $since: DateTime) { eventStatistics(communityId: $c, since: $since) { total } }"
UPLOAD = """
mutation U($type: String!, $size: Int!) {
  requestUpload(kind: EVENT_PHOTO, contentType: $type, size: $size) { key url method headers }
}
"""


async def raw(api: Api, person: Person, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """Sent as the JSON text Python writes (`\\ud800`, `NaN`), which httpx's own encoder refuses."""
    body = json.dumps({"query": query, "variables": variables})
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {await token_for(api.issuer, person)}"}
    response = await api.http.post(api.url, content=body, headers=headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_a_place_outside_the_community_or_someone_elses_upload_writes_nothing(api: Api, world: World) -> None:
    theirs = await upload(api, world.owner_b101)
    op = world.operator_a
    cases: list[tuple[dict[str, Any], tuple[str, str]]] = [
        ({"houseId": str(world.b101.id)}, ("NOT_FOUND", "houseId")),
        ({"buildingId": str(world.b1.id)}, ("NOT_FOUND", "buildingId")),
        ({"houseId": str(world.a101.id), "buildingId": str(world.a2.id)}, ("INVALID_INPUT", "buildingId")),
        ({"photos": [theirs]}, ("INVALID_INPUT", "photos")),
    ]
    for extra, expected in cases:
        fields = {"communityId": str(world.a.id), "category": "NOISE", "description": "Loud", **extra}
        assert code_and_field(await api(REPORT, {"input": fields}, as_=op)) == expected, extra
    assert await Event.all().count() == 0
    assert (await StoredFile.get(key=theirs)).event_id is None


@pytest.mark.parametrize(
    "key",
    ["\ud800", "a\x00b", "k" * 201, "k" * 20_000],
    ids=["lone-surrogate", "nul", "longer-than-the-column", "huge"],
)
async def test_a_malformed_photo_key_is_invalid_input_and_writes_nothing(api: Api, world: World, key: str) -> None:
    fields = {"communityId": str(world.a.id), "category": "REPAIR", "description": "Broken", "photos": [key]}
    result = await raw(api, world.owner_a101, REPORT, {"input": fields})
    # Keys are checked for shape before they reach the database (schema.string_inputs: the
    # StoredFile.key column): a typed error naming the item, never INTERNAL.
    assert code_and_field(result) == ("INVALID_INPUT", "photos[0]"), result
    assert await Event.all().count() == 0


async def test_bad_event_and_upload_input_is_a_typed_error_and_writes_nothing(api: Api, world: World) -> None:
    me = world.owner_a101
    base = {"communityId": str(world.a.id), "category": "REPAIR", "description": "Broken"}
    cases: list[tuple[dict[str, Any], tuple[str, str | None]]] = [
        ({"photos": [f"k{i}" for i in range(10)]}, ("INVALID_INPUT", "photos")),
        ({"photos": ["k", "k"]}, ("INVALID_INPUT", "photos")),
        ({"latitude": 90.000001}, ("INVALID_INPUT", "latitude")),
        ({"longitude": -1e308}, ("INVALID_INPUT", "longitude")),
        ({"description": "x" * 2001}, ("INVALID_INPUT", "description")),
        ({"description": "bell\x07"}, ("INVALID_INPUT", "description")),
        ({"description": " \n\t "}, ("INVALID_INPUT", "description")),
        ({"houseId": "-1"}, ("INVALID_INPUT", "houseId")),
        ({"houseId": "1e3"}, ("INVALID_INPUT", "houseId")),
        ({"communityId": "99999999999"}, ("INVALID_INPUT", "communityId")),
        ({"source": "HOTLINE_12345"}, ("INVALID_INPUT", "source")),
    ]
    for extra, expected in cases:
        assert code_and_field(await api(REPORT, {"input": {**base, **extra}}, as_=me)) == expected, extra
    # What GraphQL itself refuses is described, never masked as INTERNAL.
    for extra in ({"latitude": float("nan")}, {"longitude": float("inf")}, {"category": "BOGUS"}):
        result = await raw(api, me, REPORT, {"input": {**base, **extra}})
        assert result["errors"][0]["message"].startswith("Variable '$input'"), result
    uploads = [
        ("image/jpeg", -1, "size"),
        ("image/jpeg", 0, "size"),
        ("IMAGE/JPEG", 10, "contentType"),
        ("image/jpeg; charset=binary", 10, "contentType"),
        ("text/html", 10, "contentType"),
    ]
    for content_type, size, field in uploads:
        result = await api(UPLOAD, {"type": content_type, "size": size}, as_=me)
        assert code_and_field(result) == ("INVALID_INPUT", field), (content_type, size)
    assert await Event.all().count() == 0
    assert await StoredFile.all().count() == 0


async def test_statistics_over_any_date_range_are_an_answer_not_an_internal_error(api: Api, world: World) -> None:
    await report(api, world, world.owner_a101, world.a101)
    for since in ("2020-01-01T00:00:00+08:00", "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59-05:00"):
        result = await api(STATISTICS, {"c": str(world.a.id), "since": since}, as_=world.operator_a)
        # Bounds outside 2000-2100 are refused (PostgreSQL cannot even hold some valid DateTimes in UTC).
        assert "errors" not in result or code_and_field(result)[0] == "INVALID_INPUT", (since, result)
