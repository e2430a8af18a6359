"""Register, log in, rotate refresh tokens, log out, and load the Viewer of a request."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from auth.models import RefreshToken
from auth.passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password
from auth.roles import Role
from auth.tokens import (
    AccessClaims,
    TokenIssuer,
    new_refresh_token,
    new_session_id,
    one_time_code_hash,
    refresh_token_hash,
)
from auth.viewer import Grant, Viewer
from domain.errors import Conflict, InvalidInput, Unauthenticated
from domain.lookup import create_or_conflict
from domain.people import validation
from domain.people.models import Membership, Person, Residency


@dataclass(frozen=True)
class TokenPair:
    person: Person
    access_token: str
    refresh_token: str
    expires_in: int


_REGISTERED = "This phone number is already registered: log in instead"


def _now() -> datetime:
    return datetime.now(UTC)


async def register(
    issuer: TokenIssuer, *, phone: str, password: str, name: str, activation_code: str | None
) -> TokenPair:
    """Create an account, or claim the person the property office registered with this phone.

    Claiming needs the one-time activation code the office handed out: knowing
    somebody's phone number must not be enough to take over their record.
    """
    phone = validation.phone(phone)
    name = validation.name(name)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"The password needs at least {MIN_PASSWORD_LENGTH} characters", field="password")
    async with in_transaction():
        person = await Person.get_or_none(phone=phone)
        if person is None:
            person = await create_or_conflict(
                Person, _REGISTERED, field="phone", name=name, phone=phone, password_hash=hash_password(password)
            )
        elif person.password_hash:
            raise Conflict(_REGISTERED, field="phone")
        else:
            _check_activation_code(person, activation_code)
            person.password_hash = hash_password(password)
            person.activation_code_hash = None
            person.activation_expires_at = None
            await person.save(update_fields=["password_hash", "activation_code_hash", "activation_expires_at"])
        return await start_session(issuer, person)


def _check_activation_code(person: Person, code: str | None) -> None:
    if not code:
        raise InvalidInput(
            "Your property office registered this phone: enter the activation code they gave you",
            field="activationCode",
        )
    expected = person.activation_code_hash
    expired = person.activation_expires_at is None or person.activation_expires_at < _now()
    if expected is None or expired or not hmac.compare_digest(expected, one_time_code_hash(code)):
        raise InvalidInput("The activation code is wrong or has expired", field="activationCode")


async def login(issuer: TokenIssuer, *, phone: str, password: str) -> TokenPair:
    try:
        phone = validation.phone(phone)
    except InvalidInput:
        phone = ""  # still pay for a password check below: no shortcut for malformed phones
    person = await Person.get_or_none(phone=phone) if phone else None
    if not verify_password(password, person.password_hash if person else None) or person is None:
        raise Unauthenticated("Wrong phone number or password")
    async with in_transaction():
        return await start_session(issuer, person)


async def refresh(issuer: TokenIssuer, *, refresh_token: str) -> TokenPair:
    """Rotate: the old token is spent, a new one in the same family is issued.

    Presenting a spent token means it was stolen or replayed: the whole family,
    that login on every device holding it, is revoked.
    """
    pair: TokenPair | None = None
    async with in_transaction():
        row = await RefreshToken.get_or_none(token_hash=refresh_token_hash(refresh_token))
        if row is None or row.revoked_at is not None:
            failure = "The refresh token is not valid: log in again"
        elif row.expires_at < _now():
            failure = "The refresh token has expired: log in again"
        # The conditional update is the guard: of two concurrent refreshes only one spends the token.
        elif await RefreshToken.filter(id=row.id, used_at=None).update(used_at=_now()) != 1:
            await RefreshToken.filter(family=row.family, revoked_at=None).update(revoked_at=_now())
            failure = "This refresh token was already used: the session is revoked, log in again"
        else:
            failure = ""
            pair = await _issue(issuer, await Person.get(id=row.person_id), row.family)
    if pair is None:
        # Raised after the commit, so a revocation above stays written.
        raise Unauthenticated(failure)
    return pair


async def logout(viewer: Viewer) -> None:
    """End the viewer's session: its refresh tokens are revoked and its access tokens stop working."""
    viewer.require_person()
    if viewer.session:
        await RefreshToken.filter(family=viewer.session, revoked_at=None).update(revoked_at=_now())


async def start_session(issuer: TokenIssuer, person: Person) -> TokenPair:
    """A new login: a new refresh-token family and an access token bound to it."""
    return await _issue(issuer, person, new_session_id())


async def _issue(issuer: TokenIssuer, person: Person, family: str) -> TokenPair:
    token = new_refresh_token()
    await RefreshToken.create(
        token_hash=refresh_token_hash(token),
        family=family,
        person_id=person.id,
        expires_at=_now() + timedelta(seconds=issuer.refresh_ttl_seconds),
    )
    return TokenPair(
        person=person,
        access_token=issuer.access_token(person.id, family),
        refresh_token=token,
        expires_in=issuer.access_ttl_seconds,
    )


async def viewer_for_token(issuer: TokenIssuer, token: str) -> tuple[Viewer, AccessClaims]:
    """The Viewer behind an access token; fails if the token is bad or its session was logged out."""
    claims = issuer.read_access_token(token)
    if not await RefreshToken.filter(family=claims.session, revoked_at=None).exists():
        raise Unauthenticated("This session has ended: log in again")
    return await load_viewer(claims.person_id, session=claims.session), claims


async def load_viewer(person_id: int, *, session: str | None = None) -> Viewer:
    memberships = await Membership.filter(person_id=person_id).values_list("role", "community_id", "grid_id")
    residencies = await Residency.filter(person_id=person_id, moved_out=None).values_list("house_id", "community_id")
    grants = tuple(
        Grant(role=Role(role), community_id=community_id, grid_id=grid_id)
        for role, community_id, grid_id in memberships
        if Role(role) is not Role.RESIDENT  # a resident's scope is their houses, below
    )
    return Viewer(
        person_id=person_id,
        grants=grants,
        house_ids=frozenset(h for h, _ in residencies),
        resident_community_ids=frozenset(c for _, c in residencies),
        session=session,
    )
