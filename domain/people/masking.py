"""Personal data as shown to those who may not read it in full (people.access decides who may)."""

from __future__ import annotations


def mask_phone(value: str) -> str:
    """138****5678: enough to recognise a number, not enough to call it."""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_id_number(value: str) -> str:
    if len(value) <= 4:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 4) + value[-2:]


def mask_name(value: str) -> str:
    """张** : the family name to greet them by, not who they are."""
    return value[:1] + "*" * max(len(value) - 1, 1)
