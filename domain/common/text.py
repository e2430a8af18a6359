"""Free text from clients: trimmed, bounded, and only what a person could have typed."""

from __future__ import annotations

import re

from domain.common.errors import InvalidInput

# Control characters (NUL among them, which PostgreSQL refuses in text) have no place in a name.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Descriptions and notes may run over several lines.
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text(value: str, *, field: str, max_length: int, min_length: int = 1, multiline: bool = False) -> str:
    cleaned = value.strip()
    try:
        cleaned.encode()
    except UnicodeEncodeError:  # a lone surrogate: possible in JSON, not in typed text
        raise InvalidInput(f"{field} is not valid Unicode text", field=field) from None
    if (_CONTROL_BUT_LINES if multiline else _CONTROL).search(cleaned):
        raise InvalidInput(f"{field} contains control characters", field=field)
    if not min_length <= len(cleaned) <= max_length:
        raise InvalidInput(f"{field} must be {min_length} to {max_length} characters", field=field)
    return cleaned
