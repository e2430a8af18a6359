"""A DateTime without a time zone ("2026-01-01T00:00:00") is the client's mistake wherever the
schema takes one, argument or input field, as a variable or written in the document: a typed
INVALID_INPUT that says what is missing, never INTERNAL. The cases come from the built schema."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.schema_inputs import Taken, as_literal, as_variable, taken
from tests.support import Api, World

NAIVE = "2026-01-01T00:00:00"
CASES = taken("DateTime", ("query", "mutation"))


def test_the_schema_takes_datetimes_where_the_issue_says() -> None:
    where = {(case.name, case.where) for case in CASES}
    assert ("eventStatistics", "since") in where
    assert ("eventStatistics", "until") in where
    assert len(CASES) >= 2, where
    # A reading's recordedAt is no DateTime: its zone is checked with the reading's other values and
    # refuses that reading alone (tests/devices/test_telemetry.py).
    assert not [case for case in CASES if case.name == "telemetryReport"], where
    # Subscriptions (over the WebSocket only) take none; one that did would need its own case here.
    assert not taken("DateTime", ("subscription",))


@pytest.mark.parametrize("case", CASES, ids=str)
async def test_a_naive_datetime_is_invalid_input_naming_the_field(api: Api, world: World, case: Taken) -> None:
    naive = datetime.fromisoformat(NAIVE)
    for document, variables in [as_variable(case, naive), (as_literal(case, naive), None)]:
        result = await api(document, variables, as_=world.operator_a)
        errors = result.get("errors") or []
        codes = [(e.get("extensions") or {}).get("code") for e in errors]
        assert "INTERNAL" not in codes, result
        (refused,) = [e for e in errors if (e.get("extensions") or {}).get("code") == "INVALID_INPUT"]
        assert "needs a time zone" in refused["message"], refused
        assert case.leaf in refused["message"] or refused["extensions"].get("field", "").endswith(case.leaf), refused


async def test_a_time_with_its_zone_still_works(api: Api, world: World) -> None:
    document = "query Q($c: ID!, $s: DateTime) { eventStatistics(communityId: $c, since: $s) { __typename } }"
    result = await api(document, {"c": str(world.a.id), "s": NAIVE + "+08:00"}, as_=world.operator_a)
    assert "errors" not in result, result
