"""Figures as the statistics answer them."""

from __future__ import annotations


def rounded(value: object) -> float | None:
    """An aggregate from the database (a Decimal, a float or text, by backend) to two places."""
    return None if value is None else round(float(str(value)), 2)
