"""Register, log in, rotate refresh tokens, log out, and load the Viewer of a request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

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
from domain.common.budgets import Budget
from domain.common.errors import Conflict, DomainError, InvalidInput, Unauthenticated
from domain.common.guards import require_person
from domain.common.rows import create_or_conflict
from domain.people import messages, phone_proofs, validation
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
FAILED_LOGINS_PER_ADDRESS = 30
FAILED_LOGINS_PER_ACCOUNT = 100
_RESTING = "Too many wrong passwords: this account may log in again in a few minutes"
# Tries of one account from one address (a success forgives them), failures of one address
# across accounts, tries of one account from anywhere.
PAIR_FAILURES = Budget("login-pair", limit=MAX_FAILED_LOGINS, window=LOGIN_BLOCK, refusal=_RESTING)
ADDRESS_FAILURES = Budget("login-address", limit=FAILED_LOGINS_PER_ADDRESS, window=LOGIN_BLOCK, refusal=_RESTING)
ACCOUNT_FAILURES = Budget("login-account", limit=FAILED_LOGINS_PER_ACCOUNT, window=LOGIN_BLOCK, refusal=_RESTING)
_REGISTERED = "This phone number is already registered: log in instead"
_UNPROVEN = "Prove the phone first: authRequestPhoneCode sends a code to it (or use your activation code)"
_WRONG_ACTIVATION = "The activation code is wrong, used up or expired: ask your property office for a new one"
# Registrations tried from one address: a family's phones are a handful, a sweep is thousands.
REGISTRATIONS_PER_ADDRESS = Budget(
    "register-address", limit=20, window=timedelta(hours=1), refusal="Too many registrations from here: try later"
)


def _now() -> datetime:
    return datetime.now(UTC)


async def register(
    issuer: TokenIssuer,
    *,
    phone: str,
    password: str,
    name: str,
    client: str,
    phone_code: str | None = None,
    activation_code: str | None = None,
) -> TokenPair:
    """Create an account for a phone its holder proved (``phone_code``, from
    phone_proofs.request_code), or claim the person the property office registered with this
    phone: by proving the phone too, or with the office's activation code.

    Knowing somebody's phone number is never enough to bind it, and a refusal does not say
    whether the phone is registered: without a right code every phone gets the same answer.
    """
    await REGISTRATIONS_PER_ADDRESS.spend(client, field="phone")
    phone = validation.phone(phone)
    name = validation.name(name)
    password_hash = hash_password(validation.password(password))
    proven = bool(phone_code) and await phone_proofs.prove(phone, phone_code or "")
    if not proven and not activation_code:
        raise InvalidInput(_UNPROVEN, field="phoneCode")
    person = await Person.get_or_none(phone=phone)
    if not proven:
        # Checked before the transaction: scrypt's 50 ms must not hold the outbox's write lock.
        failure = await _check_activation_code(person, activation_code)
        if failure is not None or person is None:
            raise failure or InvalidInput(_WRONG_ACTIVATION, field="activationCode")
    async with transaction():
        if not proven:
            # Conditional on the state we checked: of two claims racing with one code, one wins.
            assert person is not None
            claimed = await Person.filter(
                id=person.id, password_hash=None, activation_code_hash=person.activation_code_hash
            ).update(
                password_hash=password_hash,
                activation_code_hash=None,
                activation_expires_at=None,
                activation_attempts=0,
            )
            if claimed != 1:
                raise InvalidInput(_WRONG_ACTIVATION, field="activationCode")
        elif person is None:
            person = await create_or_conflict(
                Person, _REGISTERED, field="phone", name=name, phone=phone, password_hash=password_hash
            )
        elif person.password_hash:
            raise Conflict(_REGISTERED, field="phone")  # told only to the phone's holder
        else:
            await Person.filter(id=person.id, password_hash=None).update(
                password_hash=password_hash, activation_code_hash=None, activation_expires_at=None
            )
        return await start_session(issuer, person)


async def _check_activation_code(person: Person | None, code: str | None) -> DomainError | None:
    """Whether ``code`` is the office's outstanding code for this person; every try counts."""
    if person is None or person.password_hash or not code:
        verify_password(code or "", None)  # the same time as a real check
        return InvalidInput(_WRONG_ACTIVATION, field="activationCode")
    # Counted before checking, in one conditional UPDATE: parallel guesses cannot outrun the limit.
    reserved = await Person.filter(id=person.id, activation_attempts__lt=MAX_ACTIVATION_ATTEMPTS).update(
        activation_attempts=F("activation_attempts") + 1
    )
    if not reserved:
        verify_password(code, None)  # every refusal takes one check's time: no timing oracle
        return InvalidInput(_WRONG_ACTIVATION, field="activationCode")
    expired = person.activation_expires_at is None or person.activation_expires_at < _now()
    right = verify_password(code.strip(), person.activation_code_hash)  # paid even when expired
    if expired or not right:
        return InvalidInput(_WRONG_ACTIVATION, field="activationCode")
    return None


async def login(issuer: TokenIssuer, *, phone: str, password: str, client: str) -> TokenPair:
    """Phone and password, from ``client`` (the caller's address). Each try is counted before
    the password is checked, so parallel guesses cannot outrun the budgets:

    - one address guessing one account rests after MAX_FAILED_LOGINS wrong passwords, for that
      account only: a stranger cannot lock the owner out (the owner logs in from elsewhere);
    - one address trying many accounts (a sweep) rests after FAILED_LOGINS_PER_ADDRESS;
    - one account tried from many addresses rests after FAILED_LOGINS_PER_ACCOUNT.
    A right password forgives the address's wrong ones for that account."""
    try:
        phone = validation.phone(phone)
    except InvalidInput:
        phone = ""  # still pay for a password check below: no shortcut for malformed phones
    person = await Person.get_or_none(phone=phone) if phone else None
    pair = f"{person.id if person else phone}@{client}"
    allowed = (
        not await ADDRESS_FAILURES.exhausted(client)
        and await PAIR_FAILURES.try_spend(pair)
        and (person is None or await ACCOUNT_FAILURES.try_spend(str(person.id)))
    )
    right = verify_password(password, person.password_hash if person else None)  # paid in every case
    if not allowed:
        # Even a right password: while resting, the account is no oracle for guesses.
        raise Unauthenticated(_RESTING)
    if person is None or not right:
        await ADDRESS_FAILURES.try_spend(client)
        raise Unauthenticated("Wrong phone number or password")
    await PAIR_FAILURES.forgive(pair)
    async with transaction():
        return await start_session(issuer, person)


async def login_with_code(issuer: TokenIssuer, *, phone: str, code: str, client: str) -> TokenPair:
    """The one-time code authSmsRequest sent (phone_proofs: hashed, one use, CODE_TTL, at most
    MAX_CODE_TRIES tries, budgets per phone and per address for sending). Wrong codes also count
    against the address, as wrong passwords do: one address cannot sweep many phones' codes.
    Proving the phone is who the person is, so it logs in whether or not they set a password."""
    phone = validation.phone(phone)
    if await ADDRESS_FAILURES.exhausted(client):
        raise Unauthenticated(_RESTING)
    if not await phone_proofs.prove(phone, code):
        await ADDRESS_FAILURES.try_spend(client)
        raise Unauthenticated("The code is wrong, used up or expired: ask for a new one", field="code")
    person = await Person.get_or_none(phone=phone)
    if person is None:
        # Only the phone's holder gets here: telling them it is not registered tells nobody else.
        raise Unauthenticated("No account has this phone: register with authRegister", field="phone")
    async with transaction():
        return await start_session(issuer, person)


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
    # The session must be this person's: a token naming someone else's session is not theirs.
    if not await AuthSession.filter(id=claims.session, person_id=claims.person_id, revoked_at=None).exists():
        raise Unauthenticated("This session has ended: log in again")
    return await load_viewer(claims.person_id, session=claims.session), claims


# Grants kept by higher nouns (a shop's staff: domain/shops), read with the memberships. People
# import none of them: each registers its reader here when it is imported.
GrantSource = Callable[[int], Awaitable[Iterable[Grant]]]
_grant_sources: list[GrantSource] = []


def add_grant_source(source: GrantSource) -> None:
    """``source(person_id)``: the person's grants that a higher noun keeps. Whoever writes what it
    reads records ``messages.scope_changed`` in that write's transaction, as memberships do."""
    if source not in _grant_sources:
        _grant_sources.append(source)


async def load_viewer(person_id: int, *, session: str | None = None) -> Viewer:
    memberships = await Membership.filter(person_id=person_id).values_list("role", "community_id", "grid_id")
    residencies = await Residency.filter(person_id=person_id, moved_out=None).values_list(
        "house_id", "community_id", "moved_in"
    )
    since: dict[int, date] = {}
    for house_id, _, moved_in in residencies:
        since[house_id] = min(moved_in, since.get(house_id, moved_in))
    grants = tuple(
        Grant(role=Role(role), community_id=community_id, grid_id=grid_id)
        for role, community_id, grid_id in memberships
        if Role(role) is not Role.RESIDENT  # a resident's scope is their houses, below
    )
    for source in _grant_sources:
        grants += tuple(await source(person_id))
    return Viewer(
        person_id=person_id,
        grants=grants,
        house_ids=frozenset(since),
        resident_community_ids=frozenset(c for _, c, _ in residencies),
        homes_since=tuple(sorted(since.items())),
        session=session,
    )
