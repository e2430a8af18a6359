"""An id is what the API gave out: ASCII digits. Fullwidth digits, spaces, signs and underscores
(all of which int() would read) are INVALID_INPUT and touch nothing."""

from __future__ import annotations

import base64

import pytest

from domain.devices.models import Device
from tests.devices.support import register
from tests.support import Api, World, code_and_field

RETIRE = "mutation R($id: ID!) { deviceRetire(id: $id) { id retired } }"


@pytest.mark.parametrize("spelling", ["\uff11", " {id} ", "+{id}", "0_{id}", "{id}\n"])
async def test_an_id_not_written_in_ascii_digits_is_refused(api: Api, world: World, spelling: str) -> None:
    device_id, _ = await register(api, world)
    written = spelling.format(id=device_id) if "{id}" in spelling else spelling
    result = await api(RETIRE, {"id": written}, as_=world.operator_a)
    assert code_and_field(result) == ("INVALID_INPUT", "id")
    assert (await Device.get(id=device_id)).retired_at is None


async def test_page_and_live_cursors_are_ascii_digits_too(api: Api, world: World) -> None:
    fullwidth = base64.urlsafe_b64encode("id:\uff11".encode()).decode()
    result = await api(
        "query C($a: String) { houses(after: $a) { totalCount } }", {"a": fullwidth}, as_=world.operator_a
    )
    assert code_and_field(result) == ("INVALID_INPUT", "after")
