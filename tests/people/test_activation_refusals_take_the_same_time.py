"""authRegister with an activation code answers every phone alike, in words and in time: the
unknown phone pays a password check (scrypt, ~50 ms) so that it cannot be told apart. A person the
office registered whose code is expired, never issued, or out of tries must pay the same check;
else the quick answer says "this phone is registered with the office here"."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.support import Api, World, error, make_person, new_phone

REGISTER = """
mutation R($input: AuthRegisterInput!) { authRegister(input: $input) { accessToken } }
"""


def _counting_scrypt(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = hashlib.scrypt

    def scrypt(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", scrypt)
    return calls


async def _refusal(api: Api, phone: str, calls: list[int]) -> tuple[dict[str, object], int, float]:
    before = len(calls)
    started = time.perf_counter()
    result = await api(
        REGISTER,
        {"input": {"phone": phone, "password": "a-new-password-1", "name": "Someone", "activationCode": "123456"}},
    )
    elapsed = time.perf_counter() - started
    refused = error(result)
    refused.pop("requestId", None)
    return refused, len(calls) - before, elapsed


@pytest.mark.parametrize(
    "office_record",
    [
        pytest.param({}, id="no-code-issued"),
        pytest.param(
            {
                "activation_code_hash": "scrypt$16384$8$1$AAAA$AAAA",
                "activation_expires_at": datetime(2020, 1, 1, tzinfo=UTC),
            },
            id="code-expired",
        ),
        pytest.param(
            {
                "activation_code_hash": "scrypt$16384$8$1$AAAA$AAAA",
                "activation_expires_at": datetime.now(UTC) + timedelta(days=1),
                "activation_attempts": 5,
            },
            id="out-of-tries",
        ),
    ],
)
async def test_an_office_registered_phone_costs_what_an_unknown_one_does(
    api: Api, world: World, monkeypatch: pytest.MonkeyPatch, office_record: dict[str, object]
) -> None:
    office = await make_person(name="Registered by the office", password_hash=None, **office_record)
    calls = _counting_scrypt(monkeypatch)
    unknown, unknown_checks, _ = await _refusal(api, new_phone(), calls)
    known, known_checks, _ = await _refusal(api, office.phone, calls)
    assert known == unknown  # the same words
    assert known_checks == unknown_checks, (
        f"unknown phone: {unknown_checks} scrypt runs, office-registered phone: {known_checks} "
        "(about 50 ms quicker: a timing oracle for who lives here)"
    )
