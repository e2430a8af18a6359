"""JWT access tokens (HS256 pinned; iss, aud, exp checked) and opaque refresh tokens."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

import jwt

ALGORITHM = "HS256"


class TokenRejected(Exception):
    """An access token that is expired, altered or not ours; the message says which, for the client."""


@dataclass(frozen=True)
class AccessClaims:
    person_id: int
    session: str
    expires_at: int


@dataclass(frozen=True)
class TokenIssuer:
    secret: str
    issuer: str
    audience: str
    access_ttl_seconds: int
    refresh_ttl_seconds: int
    # However often it is refreshed, a login ends this long after it began: a stolen refresh
    # token kept fresh by its thief stops too.
    session_ttl_seconds: int = 90 * 24 * 3600

    def access_token(self, person_id: int, session: str) -> str:
        now = int(time.time())
        claims = {
            "sub": str(person_id),
            "sid": session,
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "exp": now + self.access_ttl_seconds,
            "jti": secrets.token_hex(8),
        }
        return jwt.encode(claims, self.secret, algorithm=ALGORITHM)

    def read_access_token(self, token: str) -> AccessClaims:
        try:
            claims = jwt.decode(
                token,
                self.secret,
                algorithms=[ALGORITHM],  # pinned: never trust the token's own "alg"
                issuer=self.issuer,
                audience=self.audience,
                options={"require": ["exp", "iss", "aud", "sub", "sid"]},
            )
            return AccessClaims(person_id=int(claims["sub"]), session=str(claims["sid"]), expires_at=int(claims["exp"]))
        except jwt.ExpiredSignatureError:
            raise TokenRejected("The access token has expired: refresh it") from None
        except (jwt.InvalidTokenError, ValueError):
            raise TokenRejected("The access token is not valid") from None


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def refresh_token_hash(token: str) -> str:
    # The token is 256 random bits: a fast hash is enough, and lookups stay indexable.
    return hashlib.sha256(token.encode()).hexdigest()


def new_one_time_code() -> str:
    """Eight digits: easy to read out at the property office's counter."""
    return f"{secrets.randbelow(10**8):08d}"


def new_session_id() -> str:
    return secrets.token_hex(16)
