"""Password hashing with scrypt (standard library, memory-hard, a standard slow KDF)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# 16 MiB of memory and ~50 ms a hash on this class of machine: slow for an attacker, fine for a login.
_N, _R, _P = 2**14, 8, 1
_DKLEN = 32


def hash_password(password: str) -> str:
    """Callers check the password is acceptable first (domain.people.validation.password)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=_DKLEN)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, encoded: str | None) -> bool:
    try:
        secret = password.encode()
    except UnicodeEncodeError:  # a lone surrogate (possible in JSON) is no text anybody typed
        secret, encoded = b"", None  # cannot match anything: fall through to the same time cost
    if not encoded:
        # Burn the same time as a real check so unknown phones cannot be told apart by timing.
        hashlib.scrypt(secret, salt=b"0" * 16, n=_N, r=_R, p=_P, dklen=_DKLEN)
        return False
    try:
        scheme, n, r, p, salt, digest = encoded.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(secret, salt=_unb64(salt), n=int(n), r=int(r), p=int(p), dklen=len(_unb64(digest)))
    return hmac.compare_digest(candidate, _unb64(digest))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
