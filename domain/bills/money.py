"""The rounding rules of bills, in one place, on integers only.

Readings are floats (what meters send); each is first read to the thousandth of its unit (half up,
from its decimal text, so 0.1 + 0.2 is no 0.30000000000000004 m³). A line's amount is then
``quantity in thousandths × fen per unit / 1000``, rounded half up to the fen: one rounding per
line, never one per reading. The property fee takes the house's area in thousandths of a m² the
same way. Totals are sums of the rounded lines.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

MILLI = 1000


def milli(value: float | Decimal) -> int:
    """A reading or an area in thousandths of its unit, half up."""
    exact = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    return int((exact * MILLI).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def amount_fen(quantity_milli: int, price_fen: int) -> int:
    """Thousandths of a unit at ``price_fen`` a unit, to the fen, half up (non-negative inputs)."""
    return (quantity_milli * price_fen + MILLI // 2) // MILLI


def yuan(fen: int) -> str:
    """12345 → "123.45", -5 → "-0.05": from the integer, never through a float."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"
