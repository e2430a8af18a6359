"""Free text from clients: trimmed, bounded, and only what a person could have typed."""

from __future__ import annotations

import re
import unicodedata

from domain.common.errors import InvalidInput

# The longest free text (descriptions, notes: TextField columns) a client may send.
FREE_TEXT_MAX = 2000

# Control characters (NUL among them, which PostgreSQL refuses in text) have no place in a name.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Descriptions and notes may run over several lines.
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Direction overrides and isolates (and the bare marks) reorder what others read: "Zhang\u202egnahZ"
# shows as somebody else. No name, note or description needs them.
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


# Letters and symbols that print as nothing: the Hangul fillers, the braille blank, Khmer's
# inherent vowels, the Mongolian vowel separator.
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5\u180e")


def _visible(character: str) -> bool:
    """A letter, number, symbol or punctuation that shows: not a mark, space, format or control."""
    return unicodedata.category(character)[0] in "LNSP" and character not in _BLANK


def text(value: str, *, field: str, max_length: int, min_length: int = 1, multiline: bool = False) -> str:
    cleaned = value.strip()
    try:
        cleaned.encode()
    except UnicodeEncodeError:  # a lone surrogate: possible in JSON, not in typed text
        raise InvalidInput(f"{field} is not valid Unicode text", field=field) from None
    if (_CONTROL_BUT_LINES if multiline else _CONTROL).search(cleaned):
        raise InvalidInput(f"{field} contains control characters", field=field)
    if _BIDI_CONTROLS.search(cleaned):
        raise InvalidInput(f"{field} contains text-direction controls", field=field)
    if cleaned and not any(_visible(c) for c in cleaned):
        # Only spaces, invisible formatting (zero-width spaces, joiners), lone marks or letters that
        # print blank (Hangul fillers): nothing anyone can read.
        raise InvalidInput(f"{field} has no visible character", field=field)
    if not min_length <= len(cleaned) <= max_length:
        raise InvalidInput(f"{field} must be {min_length} to {max_length} characters", field=field)
    return cleaned


def camel(name: str) -> str:
    """A Python name as the schema spells it: ``moved_out`` → ``movedOut``."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
