"""Register, log in, rotate refresh tokens, log out, and load the Viewer of a request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.expressions import F

from auth.passwords import hash_password, verify_password
from auth.roles import Role
from auth.tokens import (
    AccessClaims,
    TokenIssuer,
    TokenRejected,
    new_refresh_token,
    new_session_id,
    refresh_token_hash,
)
from auth.viewer import Grant, Viewer
from domain.common.errors import Conflict, DomainError, InvalidInput, Unauthenticated
from domain.common.guards import require_person
from domain.common.rows import create_or_conflict
from domain.people import messages, validation
from domain.people.messages import ViewerMessage
from domain.people.models import AuthSession, Membership, Person, RefreshToken, Residency
from realtime.outbox import record, transaction


@dataclass(frozen=True)
class TokenPair:
    person: Person
    session: str
    access_token: str
    refresh_token: str
    expires_in: int


MAX_ACTIVATION_ATTEMPTS = 5
MAX_FAILED_LOGINS = 10
LOGIN_BLOCK = timedelta(minutes=15)
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
    password_hash = hash_password(validation.password(password))
    failure: DomainError | None = None
    async with transaction():
        person = await Person.get_or_none(phone=phone)
        if person is None:
            person = await create_or_conflict(
                Person, _REGISTERED, field="phone", name=name, phone=phone, password_hash=password_hash
            )
        elif person.password_hash:
            raise Conflict(_REGISTERED, field="phone")
        else:
            failure = await _claim(person, activation_code, password_hash)
        if failure is None:
            return await start_session(issuer, person)
    # Raised after the commit: a wrong code's attempt count must stay written.
    raise failure


async def _claim(person: Person, code: str | None, password_hash: str) -> DomainError | None:
    if not code:
        return InvalidInput(
            "Your property office registered this phone: enter the activation code they gave you",
            field="activationCode",
        )
    # Counted before checking, in one conditional UPDATE: parallel guesses cannot outrun the limit.
    reserved = await Person.filter(id=person.id, activation_attempts__lt=MAX_ACTIVATION_ATTEMPTS).update(
        activation_attempts=F("activation_attempts") + 1
    )
    if not reserved:
        return InvalidInput("Too many wrong codes: ask your property office for a new one", field="activationCode")
    expired = person.activation_expires_at is None or person.activation_expires_at < _now()
    if expired or not verify_password(code.strip(), person.activation_code_hash):
        return InvalidInput("The activation code is wrong or has expired", field="activationCode")
    # Conditional on the state we checked: of two claims racing with one code, one wins.
    claimed = await Person.filter(
        id=person.id, password_hash=None, activation_code_hash=person.activation_code_hash
    ).update(password_hash=password_hash, activation_code_hash=None, activation_expires_at=None, activation_attempts=0)
    if claimed != 1:
        return Conflict(_REGISTERED, field="phone")
    return None


async def login(issuer: TokenIssuer, *, phone: str, password: str) -> TokenPair:
    """Phone and password. Each try is counted before the password is checked, atomically, so
    parallel guesses cannot outrun the limit: after MAX_FAILED_LOGINS wrong ones in a row the
    account rests for LOGIN_BLOCK."""
    try:
        phone = validation.phone(phone)
    except InvalidInput:
        phone = ""  # still pay for a password check below: no shortcut for malformed phones
    person = await Person.get_or_none(phone=phone) if phone else None
    allowed = person is not None and await _reserve_login_attempt(person.id)
    right = verify_password(password, person.password_hash if person else None)  # paid in every case
    if person is None:
        raise Unauthenticated("Wrong phone number or password")
    if not allowed:
        # Even a right password: while resting, the account is no oracle for guesses.
        raise Unauthenticated("Too many wrong passwords: this account may log in again in a few minutes")
    if not right:
        await Person.filter(id=person.id, failed_logins__gte=MAX_FAILED_LOGINS, login_blocked_until=None).update(
            login_blocked_until=_now() + LOGIN_BLOCK
        )
        raise Unauthenticated("Wrong phone number or password")
    async with transaction():
        await Person.filter(id=person.id).update(failed_logins=0, login_blocked_until=None)
        return await start_session(issuer, person)


async def _reserve_login_attempt(person_id: int) -> bool:
    """Count one try, unless the account is resting. One conditional UPDATE: atomic on both databases."""
    if await Person.filter(id=person_id, failed_logins__lt=MAX_FAILED_LOGINS).update(
        failed_logins=F("failed_logins") + 1
    ):
        return True
    # The count is used up: once its rest is over, start a new count (one winner if raced).
    restarted = await Person.filter(id=person_id, login_blocked_until__lt=_now()).update(
        failed_logins=1, login_blocked_until=None
    )
    return restarted == 1


async def refresh(issuer: TokenIssuer, *, refresh_token: str) -> TokenPair:
    """Rotate: the old token is spent, a new one in the same session is issued.

    Presenting a spent token means it was stolen or replayed: the whole session,
    that login on every device holding it, is revoked.
    """
    try:
        token_hash = refresh_token_hash(refresh_token)
    except UnicodeEncodeError:
        raise Unauthenticated("The refresh token is not valid: log in again") from None
    async with transaction():
        found = await RefreshToken.get_or_none(token_hash=token_hash)
        # Lock the session, then read the token again: a twin refresh or a logout that held
        # the lock before us has finished, and we see what it wrote.
        session = await AuthSession.filter(id=found.family).select_for_update().first() if found else None
        token = await RefreshToken.get_or_none(id=found.id) if found else None
        if token is None or session is None or session.revoked_at is not None:
            failure = "The refresh token is not valid: log in again"
        elif token.expires_at < _now():
            failure = "The refresh token has expired: log in again"
        elif session.created_at + timedelta(seconds=issuer.session_ttl_seconds) < _now():
            failure = f"This login is older than {issuer.session_ttl_seconds // 86400} days: log in again"
        elif await RefreshToken.filter(id=token.id, used_at=None).update(used_at=_now()) != 1:
            await _end_session(session.person_id, session.id)
            failure = "This refresh token was already used: the session is revoked, log in again"
        else:
            return await _issue(issuer, await Person.get(id=token.person_id), session.id)
    # Raised after the commit, so a revocation above stays written.
    raise Unauthenticated(failure)


async def logout(viewer: Viewer) -> None:
    """End the viewer's session: its refresh tokens and its access tokens stop working at once,
    and its open sockets close, on every process."""
    person_id = require_person(viewer)
    if viewer.session:
        async with transaction():
            await _end_session(person_id, viewer.session)


async def _end_session(person_id: int, session: str) -> None:
    """Revoke a session (inside the caller's transaction) and say so, once, to every process."""
    if await AuthSession.filter(id=session, revoked_at=None).update(revoked_at=_now()):
        await record(messages.topic(), ViewerMessage.SESSION_ENDED, messages.session_ended(person_id, session))


async def start_session(issuer: TokenIssuer, person: Person) -> TokenPair:
    """A new login: a new session, its first refresh token and an access token bound to it."""
    session = await AuthSession.create(id=new_session_id(), person_id=person.id)
    return await _issue(issuer, person, session.id)


async def _issue(issuer: TokenIssuer, person: Person, session: str) -> TokenPair:
    token = new_refresh_token()
    await RefreshToken.create(
        token_hash=refresh_token_hash(token),
        family=session,
        person_id=person.id,
        expires_at=_now() + timedelta(seconds=issuer.refresh_ttl_seconds),
    )
    return TokenPair(
        person=person,
        session=session,
        access_token=issuer.access_token(person.id, session),
        refresh_token=token,
        expires_in=issuer.access_ttl_seconds,
    )


async def viewer_for_token(issuer: TokenIssuer, token: str) -> tuple[Viewer, AccessClaims]:
    """The Viewer behind an access token; fails if the token is bad or its session was logged out."""
    try:
        claims = issuer.read_access_token(token)
    except TokenRejected as rejected:
        raise Unauthenticated(str(rejected)) from None
    if not await AuthSession.filter(id=claims.session, revoked_at=None).exists():
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
