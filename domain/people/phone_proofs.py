"""Proving a phone: a one-time code sent to it, typed back. An account is bound to a phone only
by its holder (or by the property office, in person, with an activation code).

Asking for a code answers the same for every phone, registered or not, so it tells nobody who
lives here; budgets per phone and per client address bound what a sweep can send.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Protocol

from tortoise.expressions import F

from auth.passwords import hash_password, verify_password
from domain.common.budgets import Budget
from domain.people import validation
from domain.people.models import PhoneProof

CODE_TTL = timedelta(minutes=5)
MAX_CODE_TRIES = 5
CODES_PER_PHONE = Budget(
    "phone-code", limit=5, window=timedelta(hours=1), refusal="Too many codes for this phone: try again later"
)
CODES_PER_ADDRESS = Budget(
    "phone-code-address", limit=20, window=timedelta(hours=1), refusal="Too many codes asked from here: try later"
)


class CodeSender(Protocol):
    """Where codes go: an SMS gateway in production, the log in development (server/sms.py)."""

    async def send_code(self, phone: str, code: str) -> None: ...


async def request_code(sender: CodeSender, *, phone: str, client: str) -> None:
    """Send a new code to the phone (the previous one stops working)."""
    phone = validation.phone(phone)
    await CODES_PER_ADDRESS.spend(client, field="phone")
    await CODES_PER_PHONE.spend(phone, field="phone")
    code = f"{secrets.randbelow(10**6):06d}"
    expires_at = datetime.now(UTC) + CODE_TTL
    # Hashed like a password: a stolen database must not give away codes still valid.
    await PhoneProof.update_or_create(
        phone=phone, defaults={"code_hash": hash_password(code), "expires_at": expires_at, "attempts": 0}
    )
    await sender.send_code(phone, code)


async def prove(phone: str, code: str) -> bool:
    """Whether ``code`` is the phone's outstanding code; a right one is used up. Each try is
    counted first, in one conditional UPDATE: parallel guesses cannot outrun MAX_CODE_TRIES."""
    proof = await PhoneProof.get_or_none(phone=phone)
    if proof is None or proof.expires_at < datetime.now(UTC):
        verify_password(code, None)  # the same time either way
        return False
    counted = await PhoneProof.filter(id=proof.id, attempts__lt=MAX_CODE_TRIES).update(attempts=F("attempts") + 1)
    if not counted or not verify_password(code.strip(), proof.code_hash):
        return False
    # One use: of two registrations racing with one code, one deletes it and wins.
    return await PhoneProof.filter(id=proof.id, code_hash=proof.code_hash).delete() == 1
