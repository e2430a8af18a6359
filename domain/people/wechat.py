"""Logging in from the WeChat mini-program.

1. ``wx.login()`` gives the mini-program a code; ``login`` exchanges it with WeChat
   (code2Session) for the user's openid (and unionid). An openid already bound to a person
   logs in: our own access and refresh tokens, as a password login gives.
2. An openid bound to nobody gets a ticket (10 minutes, one use, stored hashed). The
   mini-program's phone-number button gives a second code; ``link_phone`` exchanges it with
   WeChat for the phone the user verified there, binds the openid to the person with that phone
   (or a new person, as self-registration makes), and logs in.

WeChat proved the phone, so this binds like a proven SMS code does (phone_proofs). Another openid
of the same unionid (the vendor's other app) already bound binds this one too. WeChat's
session_key is never stored (server/wechat.py says why).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from tortoise.exceptions import IntegrityError

from auth.tokens import TokenIssuer, new_refresh_token, refresh_token_hash
from domain.common.budgets import Budget
from domain.common.errors import InvalidInput, Unauthenticated
from domain.common.rows import create_or_conflict
from domain.people import validation
from domain.people.accounts import TokenPair, start_session
from domain.people.models import Person, WechatIdentity
from realtime.outbox import transaction

TICKET_TTL = timedelta(minutes=10)
DEFAULT_NAME = "微信用户"
WECHAT_LOGINS_PER_ADDRESS = Budget(
    "wechat-login-address", limit=60, window=timedelta(hours=1), refusal="Too many WeChat logins from here: try later"
)
PHONE_LINKS_PER_ADDRESS = Budget(
    "wechat-link-address", limit=20, window=timedelta(hours=1), refusal="Too many phone links from here: try later"
)
_BAD_TICKET = "The WeChat ticket is not valid or has expired: call authWechatLogin again"


@dataclass(frozen=True)
class WechatSession:
    openid: str
    unionid: str | None = None


class WechatApi(Protocol):
    """WeChat's server API (server/wechat.py over HTTP)."""

    async def code_to_session(self, code: str) -> WechatSession: ...

    async def phone_number(self, phone_code: str) -> str: ...


@dataclass(frozen=True)
class WechatLogin:
    pair: TokenPair | None  # logged in
    ticket: str | None  # bound to nobody yet: for link_phone


def _now() -> datetime:
    return datetime.now(UTC)


def _api(api: WechatApi | None) -> WechatApi:
    if api is None:
        raise InvalidInput("WeChat login is not configured on this server", field="code")
    return api


async def login(issuer: TokenIssuer, api: WechatApi | None, *, code: str, client: str) -> WechatLogin:
    api = _api(api)
    await WECHAT_LOGINS_PER_ADDRESS.spend(client, field="code")
    if not code.strip():
        raise InvalidInput("The code of wx.login() is needed", field="code")
    session = await api.code_to_session(code.strip())
    async with transaction():
        identity = await _identity(session)
        if identity.person_id is None and session.unionid:
            sibling = await WechatIdentity.filter(unionid=session.unionid, person_id__not_isnull=True).first()
            if sibling is not None:
                identity.person_id = sibling.person_id
        identity.unionid = session.unionid or identity.unionid
        identity.last_login_at = _now()
        if identity.person_id is not None:
            identity.ticket_hash, identity.ticket_expires_at = None, None
            await identity.save()
            return WechatLogin(pair=await start_session(issuer, await Person.get(id=identity.person_id)), ticket=None)
        ticket = new_refresh_token()
        identity.ticket_hash, identity.ticket_expires_at = refresh_token_hash(ticket), _now() + TICKET_TTL
        await identity.save()
        return WechatLogin(pair=None, ticket=ticket)


async def _identity(session: WechatSession) -> WechatIdentity:
    """The openid's row, locked; made on its first login (of two first logins at once, one makes it)."""
    for _ in range(3):
        found = await WechatIdentity.filter(openid=session.openid).select_for_update().first()
        if found is not None:
            return found
        try:
            async with transaction():  # a savepoint: a twin's insert must not end the outer one
                await WechatIdentity.create(openid=session.openid, unionid=session.unionid)
        except IntegrityError:
            continue
    raise RuntimeError(f"WeChat identity {session.openid} could not be made")


async def link_phone(
    issuer: TokenIssuer, api: WechatApi | None, *, ticket: str, phone_code: str, name: str | None, client: str
) -> TokenPair:
    """Bind the ticket's openid to the phone WeChat verified, and log in."""
    api = _api(api)
    await PHONE_LINKS_PER_ADDRESS.spend(client, field="wechatTicket")
    try:
        ticket_hash = refresh_token_hash(ticket)
    except UnicodeEncodeError:
        raise Unauthenticated(_BAD_TICKET) from None
    pending = await WechatIdentity.get_or_none(ticket_hash=ticket_hash, ticket_expires_at__gt=_now())
    if pending is None:
        raise Unauthenticated(_BAD_TICKET)
    shown = validation.name(name) if name else DEFAULT_NAME
    phone = validation.phone(await api.phone_number(phone_code.strip()), field="phoneCode")
    async with transaction():
        # One use: of two links racing with one ticket, one clears it and goes on.
        if not await WechatIdentity.filter(id=pending.id, ticket_hash=ticket_hash).update(
            ticket_hash=None, ticket_expires_at=None
        ):
            raise Unauthenticated(_BAD_TICKET)
        person = await Person.get_or_none(phone=phone)
        if person is None:
            person = await create_or_conflict(
                Person, "This phone was registered meanwhile: try again", field="phoneCode", name=shown, phone=phone
            )
        await WechatIdentity.filter(id=pending.id).update(person_id=person.id, last_login_at=_now())
        return await start_session(issuer, person)


async def openids_of(person_ids: list[int]) -> dict[int, list[str]]:
    """Each person's openids: where a subscribe message reaches them."""
    found: dict[int, list[str]] = {}
    rows = await WechatIdentity.filter(person_id__in=person_ids).order_by("id").values_list("person_id", "openid")
    for person_id, openid in rows:
        found.setdefault(person_id, []).append(openid)
    return found
