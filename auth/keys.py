"""Secret keys for machines (devices, integrations): shown once, stored as a hash.

The keys are 256 random bits, so a plain SHA-256 is enough to store them: there is nothing to
guess that a slow hash would protect, and it lets the key itself be looked up.
"""

from __future__ import annotations

import hashlib
import secrets


def new_key(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
