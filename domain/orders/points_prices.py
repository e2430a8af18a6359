"""Which products sell for points, and at what price: points (a higher noun) registers where to read
it when imported, so orders import no points. Without it nothing is paid with points."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

PricesOf = Callable[[list[int]], Awaitable[dict[int, int]]]


async def _none(product_ids: list[int]) -> dict[int, int]:
    return {}


_prices_of: list[PricesOf] = [_none]


def register(prices_of: PricesOf) -> None:
    _prices_of[0] = prices_of


async def of(product_ids: list[int]) -> dict[int, int]:
    """The points price of each product that has one."""
    return await _prices_of[0](product_ids)
