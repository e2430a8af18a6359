"""Input checks shared by registration and the operators' people mutations."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from domain.common.errors import InvalidInput
from domain.common.text import text

_PHONE = re.compile(r"^\+?\d{6,15}$")
_ID_NUMBER = re.compile(r"^[0-9A-Za-z]{6,32}$")
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128  # a pass phrase fits; scrypt need not hash a megabyte


def phone(value: str, field: str = "phone") -> str:
    cleaned = re.sub(r"[\s-]", "", value)
    if not _PHONE.match(cleaned):
        raise InvalidInput("A phone number is 6 to 15 digits, optionally with a leading +", field=field)
    return cleaned


# The oldest residency anyone still alive could have begun; earlier is a typo (or 0001-01-01).
EARLIEST_RESIDENCY = date(1900, 1, 1)


def residency_date(value: date, field: str) -> date:
    # A year either way of any zone's today: UTC's date is near enough for a bound this wide.
    if not EARLIEST_RESIDENCY <= value <= datetime.now(UTC).date() + timedelta(days=366):
        raise InvalidInput(
            f"{field} must be between {EARLIEST_RESIDENCY.isoformat()} and a year from today", field=field
        )
    return value


def password(value: str, field: str = "password") -> str:
    if len(value) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"The password needs at least {MIN_PASSWORD_LENGTH} characters", field=field)
    if len(value) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(f"A password has at most {MAX_PASSWORD_LENGTH} characters", field=field)
    try:
        value.encode()
    except UnicodeEncodeError:  # a lone surrogate (possible in JSON) is no text anybody typed
        raise InvalidInput("The text is not valid Unicode", field=field) from None
    return value


def name(value: str, field: str = "name") -> str:
    return text(value, field=field, max_length=100)


def id_number(value: str | None, field: str = "idNumber") -> str | None:
    if value is None or value.strip() == "":
        return None
    cleaned = value.strip().upper()
    if not _ID_NUMBER.match(cleaned):
        raise InvalidInput("An ID number is 6 to 32 letters and digits", field=field)
    return cleaned
