"""Small async factories, a two-community world, and a GraphQL-over-HTTP client for tests."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import httpx
import pytest

from auth.passwords import hash_password
from auth.roles import Role
from auth.tokens import TokenIssuer
from domain.people.accounts import start_session
from domain.people.models import CareRecord, CareTag, Membership, Person, Residency, ResidencyKind
from domain.space.models import Building, Community, Grid, House, Unit

PASSWORD = "correct-horse-battery"


@lru_cache(maxsize=1)
def password_hash() -> str:
    # scrypt is slow on purpose: hash the shared test password once per run.
    return hash_password(PASSWORD)


_phone_counter = iter(range(10_000_000, 99_999_999))


def new_phone() -> str:
    return f"139{next(_phone_counter)}"


async def make_community(**overrides: Any) -> Community:
    code = overrides.pop("code", f"C{next(_phone_counter)}")
    return await Community.create(**{"name": f"Community {code}", "code": code, **overrides})


async def make_building(community: Community, **overrides: Any) -> Building:
    return await Building.create(**{"community": community, "name": f"B{next(_phone_counter)}", **overrides})


async def make_house(building: Building, **overrides: Any) -> House:
    fields = {"community_id": building.community_id, "building": building, "number": str(next(_phone_counter))}
    return await House.create(**{**fields, **overrides})


async def make_person(**overrides: Any) -> Person:
    fields = {"name": "Someone", "phone": new_phone(), "password_hash": password_hash()}
    return await Person.create(**{**fields, **overrides})


async def make_resident(
    house: House,
    *,
    kind: ResidencyKind = ResidencyKind.OWNER,
    tags: list[CareTag] = (),  # type: ignore[assignment]
    **overrides: Any,
) -> Person:
    """A person living in the house; ``tags``: the house's community's care record of them."""
    person = await make_person(**overrides)
    for tag in tags:
        await CareRecord.create(person=person, community_id=house.community_id, tag=tag)
    await Residency.create(
        person=person, house=house, community_id=house.community_id, kind=kind, moved_in=date(2020, 1, 1)
    )
    await Membership.get_or_create(person=person, community_id=house.community_id, role=Role.RESIDENT, grid=None)
    return person


async def make_staff(role: Role, community: Community | None, grid: Grid | None = None, **overrides: Any) -> Person:
    person = await make_person(**overrides)
    await Membership.create(person=person, community=community, role=role, grid=grid)
    return person


@dataclass
class World:
    """Two communities. A: building A1 (unit U1: houses a101 in grid g1, a102 in grid g2),
    building A2 (house a201 in g2). B: building B1, house b101 in grid gb."""

    a: Community
    b: Community
    a1: Building
    a2: Building
    b1: Building
    u1: Unit
    g1: Grid
    g2: Grid
    gb: Grid
    a101: House
    a102: House
    a201: House
    b101: House
    owner_a101: Person
    child_a101: Person
    elder_a102: Person
    owner_b101: Person
    keeper_g1: Person
    operator_a: Person
    staff_a: Person
    merchant_a: Person
    operator_b: Person
    admin: Person


async def make_world() -> World:
    a = await make_community(code="ALPHA", name="Alpha Garden")
    b = await make_community(code="BETA", name="Beta Court")
    a1 = await make_building(a, name="A1")
    a2 = await make_building(a, name="A2")
    b1 = await make_building(b, name="B1")
    u1 = await Unit.create(community=a, building=a1, name="U1")
    g1 = await Grid.create(community=a, name="g1")
    g2 = await Grid.create(community=a, name="g2")
    gb = await Grid.create(community=b, name="gb")
    a101 = await make_house(a1, unit=u1, grid=g1, number="101")
    a102 = await make_house(a1, unit=u1, grid=g2, number="102")
    a201 = await make_house(a2, grid=g2, number="201")
    b101 = await make_house(b1, grid=gb, number="101")
    return World(
        a=a,
        b=b,
        a1=a1,
        a2=a2,
        b1=b1,
        u1=u1,
        g1=g1,
        g2=g2,
        gb=gb,
        a101=a101,
        a102=a102,
        a201=a201,
        b101=b101,
        owner_a101=await make_resident(a101, name="Owner A101", id_number="110101198001010021"),
        child_a101=await make_resident(a101, kind=ResidencyKind.FAMILY, name="Child A101", tags=[CareTag.CHILD]),
        elder_a102=await make_resident(a102, name="Elder A102", tags=[CareTag.ELDERLY_ALONE]),
        owner_b101=await make_resident(b101, name="Owner B101"),
        keeper_g1=await make_staff(Role.HOUSEKEEPER, a, g1, name="Keeper g1"),
        operator_a=await make_staff(Role.OPERATOR, a, name="Operator A"),
        staff_a=await make_staff(Role.PROPERTY_STAFF, a, name="Staff A"),
        merchant_a=await make_staff(Role.MERCHANT, a, name="Merchant A"),
        operator_b=await make_staff(Role.OPERATOR, b, name="Operator B"),
        admin=await make_staff(Role.PLATFORM_ADMIN, None, name="Admin"),
    )


async def token_for(issuer: TokenIssuer, person: Person) -> str:
    return (await start_session(issuer, person)).access_token


class Api:
    """GraphQL over real HTTP, as an app would send it."""

    def __init__(self, url: str, issuer: TokenIssuer, *, local_address: str | None = None) -> None:
        self.url = url
        self.issuer = issuer
        # The whole of 127.0.0.0/8 is this machine: another source address is another client.
        transport = httpx.AsyncHTTPTransport(local_address=local_address) if local_address else None
        self.http = httpx.AsyncClient(timeout=30, transport=transport)

    def from_address(self, address: str) -> Api:
        """The same API, called from another client address (close it after use)."""
        return Api(self.url, self.issuer, local_address=address)

    async def __call__(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        as_: Person | None = None,
    ) -> dict[str, Any]:
        if as_ is not None:
            token = await token_for(self.issuer, as_)
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        # json.dumps escapes what is not ASCII, as browsers' JSON.stringify does: a lone surrogate
        # ("\ud800") is sent as its escape, which httpx's own UTF-8 encoding could not send at all.
        body = json.dumps({"query": query, "variables": variables or {}})
        response = await self.http.post(self.url, content=body, headers=headers)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def close(self) -> None:
        await self.http.aclose()


def data(result: dict[str, Any]) -> dict[str, Any]:
    assert not result.get("errors"), result.get("errors")
    out: dict[str, Any] = result["data"]
    return out


def error(result: dict[str, Any]) -> dict[str, Any]:
    """The first error's extensions plus its message: {'code': ..., 'field': ..., 'message': ...}."""
    errors = result.get("errors")
    assert errors, f"expected an error, got {result}"
    first = errors[0]
    return {**(first.get("extensions") or {}), "message": first["message"]}


def code_and_field(result: dict[str, Any]) -> tuple[str, str | None]:
    """The first error's code (GRAPHQL where GraphQL itself refused the document) and field."""
    refused = error(result)
    return refused.get("code", "GRAPHQL"), refused.get("field")


def ids(nodes: list[dict[str, Any]]) -> set[int]:
    return {int(n["id"]) for n in nodes}


def free_port() -> int:
    """A loopback port nobody listens on right now (for servers a test starts itself)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def postgres_only(backend: str) -> None:
    """Skips the calling test unless on PostgreSQL (as conftest's `postgres_writers` fixture does)."""
    if backend != "postgres":
        pytest.skip("concurrent writers need PostgreSQL: SQLite serialises them (covered by --db=postgres)")


def outcome_codes(results: list[dict[str, Any]]) -> list[str]:
    """What each of several concurrent twins got: "OK" or its error code, sorted."""
    return sorted(r["errors"][0]["extensions"]["code"] if r.get("errors") else "OK" for r in results)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def errors_logged() -> Iterator[list[logging.LogRecord]]:
    """What the server logs at ERROR or worse meanwhile: the root logger and uvicorn's own (which
    does not propagate to the root), so an 'Exception in ASGI application' is seen too."""
    collect = _Collect()
    loggers = [logging.getLogger(), logging.getLogger("uvicorn")]
    for logger in loggers:
        logger.addHandler(collect)
    try:
        yield collect.records
    finally:
        for logger in loggers:
            logger.removeHandler(collect)
