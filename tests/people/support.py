"""Registering, logging in and refreshing, as apps do: the documents and small helpers the login tests share."""

from __future__ import annotations

from typing import Any

from tests.conftest import RunningServer
from tests.support import PASSWORD, Api, data

AUTH_FIELDS = "accessToken refreshToken expiresIn tokenType person { id name }"
REGISTER = f"""
mutation Register($input: AuthRegisterInput!) {{
  authRegister(input: $input) {{ {AUTH_FIELDS} }}
}}
"""
LOGIN = f"""
mutation Login($phone: String!, $password: String!) {{
  authLogin(phone: $phone, password: $password) {{ {AUTH_FIELDS} }}
}}
"""
REFRESH = f"""
mutation Refresh($refreshToken: String!) {{
  authRefresh(refreshToken: $refreshToken) {{ {AUTH_FIELDS} }}
}}
"""
REQUEST_CODE = "mutation C($phone: String!) { authRequestPhoneCode(phone: $phone) }"
ME = "query Me { me { id name } }"
NEW_PASSWORD = "a-brand-new-password"


def register_input(
    phone: str, *, password: str = NEW_PASSWORD, name: str = "New Neighbour", **extra: str
) -> dict[str, Any]:
    return {"input": {"phone": phone, "password": password, "name": name, **extra}}


async def phone_code(api: Api, server: RunningServer, phone: str) -> str:
    """Ask for a code for the phone, and read it where the SMS gateway received it."""
    assert data(await api(REQUEST_CODE, {"phone": phone}))["authRequestPhoneCode"] is True
    return server.sms.codes[phone.replace("-", "").replace(" ", "")]


async def proven_register_input(api: Api, server: RunningServer, phone: str, **fields: str) -> dict[str, Any]:
    """register_input for a phone proven the way its holder would: with the code sent to it."""
    return register_input(phone, phoneCode=await phone_code(api, server, phone), **fields)


async def login(api: Api, phone: str, password: str = PASSWORD) -> dict[str, Any]:
    payload: dict[str, Any] = data(await api(LOGIN, {"phone": phone, "password": password}))["authLogin"]
    return payload


async def me(api: Api, token: str) -> dict[str, Any]:
    return await api(ME, token=token)
