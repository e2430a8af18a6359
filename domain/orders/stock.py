"""An order's hold on a shop's stock: taken at placing, given back when the order is called off."""

from __future__ import annotations

from tortoise.expressions import F

from domain.common.errors import OutOfStock
from domain.orders.models import Order, OrderLine
from domain.shops.models import Product


async def reserve(product: Product, quantity: int) -> bool:
    """Take ``quantity`` from a limited stock, only if that many are left (one conditional UPDATE:
    concurrent orders for the last items cannot take more than there are). False: the product is
    unlimited now, whatever it was when ``product`` was read (its merchant may have just changed it)."""
    if product.stock is None and await Product.filter(id=product.id, stock__isnull=True).exists():
        return False
    taken = await Product.filter(id=product.id, stock__gte=quantity).update(stock=F("stock") - quantity)
    if taken == 1:
        return True
    if await Product.filter(id=product.id, stock__isnull=True).exists():
        return False
    raise OutOfStock(f"Not enough {product.name} left for {quantity}", field="lines")


async def give_back(order: Order) -> None:
    """Inside the transaction that calls the order off: its reserved stock returns to the shop."""
    for line in await OrderLine.filter(order_id=order.id, reserved=True):
        await Product.filter(id=line.product_id, stock__isnull=False).update(stock=F("stock") + line.quantity)
