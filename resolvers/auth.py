"""Register, log in, refresh, log out."""

from __future__ import annotations

from strawberry.types import Info

from auth import service
from auth.service import TokenPair, load_viewer
from resolvers.context import Context
from schema import inputs
from schema.types import AuthPayload, Person


async def _payload(info: Info[Context, None], pair: TokenPair) -> AuthPayload:
    # The rest of this operation (the payload's nested fields included) runs as the new session.
    info.context.become(await load_viewer(pair.person.id, session=pair.session))
    return AuthPayload(
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        expires_in=pair.expires_in,
        token_type="Bearer",
        person=Person.from_row(pair.person),
    )


async def auth_register(info: Info[Context, None], input: inputs.AuthRegisterInput) -> AuthPayload:
    pair = await service.register(
        info.context.issuer,
        phone=input.phone,
        password=input.password,
        name=input.name,
        activation_code=input.activation_code,
    )
    return await _payload(info, pair)


async def auth_login(info: Info[Context, None], phone: str, password: str) -> AuthPayload:
    return await _payload(info, await service.login(info.context.issuer, phone=phone, password=password))


async def auth_refresh(info: Info[Context, None], refresh_token: str) -> AuthPayload:
    return await _payload(info, await service.refresh(info.context.issuer, refresh_token=refresh_token))


async def auth_logout(info: Info[Context, None]) -> bool:
    await service.logout(info.context.viewer())
    return True
