"""Paying with points: the products a shop also sells for points (their points price), and the
POINTS payment provider, which spends GREEN points on the ledger in the order's own transaction
(the order, its stock and the spend commit together or not at all) and gives them back as an
entry on refund."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from auth.viewer import Viewer
from domain.common.errors import InvalidInput
from domain.orders import points_prices as order_points_prices
from domain.orders.models import PAYMENT_SUBJECT, Order
from domain.payments.models import Payment, ProviderName
from domain.payments.providers import CallbackRejected, Notice, Started, refunds_by_writing
from domain.points import ledger
from domain.points.models import Entry, Kind, PointsPrice, Source
from domain.shops import access as shop_access
from domain.shops.models import Shop
from domain.shops.products import get_product
from realtime.outbox import transaction

MAX_POINTS_PRICE = 1_000_000
# Which points pay in the shops.
PAYS_WITH = Kind.GREEN


@dataclass(frozen=True)
class Priced:
    product_id: int
    points: int | None


async def set_points_price(viewer: Viewer, *, product_id: int, points: int | None) -> Priced:
    """A shop's merchants say a product may be paid with points, at this price (None: it may not)."""
    product = await get_product(viewer, product_id, field="productId")
    shop_access.check_manage_products(viewer, await Shop.get(id=product.shop_id))
    if points is not None and not 1 <= points <= MAX_POINTS_PRICE:
        raise InvalidInput(f"points is 1 to {MAX_POINTS_PRICE}, or null for none", field="points")
    async with transaction():
        await PointsPrice.filter(product_id=product.id).delete()
        if points is not None:
            await PointsPrice.create(product_id=product.id, points=points)
    return Priced(product_id=product.id, points=points)


async def points_prices(product_ids: list[int]) -> dict[int, int]:
    return {p.product_id: p.points for p in await PointsPrice.filter(product_id__in=product_ids)}


class PointsProvider:
    name = ProviderName.POINTS
    notifies = False

    def start(self, payment: Payment) -> Started:
        return Started(paid=True)  # ``charge`` has spent the points by then

    async def charge(self, payment: Payment) -> None:
        if payment.subject_kind != PAYMENT_SUBJECT:
            raise InvalidInput("Only orders are paid with points", field="payment")
        # Placing priced its points lines (``Order.points_spent``), in this transaction.
        order = await Order.get(id=payment.subject_id)
        await ledger.post(
            ledger.Change(
                community_id=payment.community_id,
                person_id=payment.payer_id,
                kind=PAYS_WITH,
                amount=-order.points_spent,
                reason_code="PAID_ORDER",
                reason=f"Paid order {payment.subject_id}",
                source=Source.ORDER,
                source_id=str(payment.subject_id),
                idempotency_key=f"payment:{payment.id}",
            )
        )

    def verify_callback(self, headers: Mapping[str, str], body: bytes) -> Notice:
        raise CallbackRejected("Points are paid at once: there are no callbacks")

    async def refund(self, payment: Payment) -> None:
        """Nothing to ask of anyone before the refund's transaction: ``give_back`` runs in it."""
        return None


async def give_back(payment: Payment) -> None:
    """In the transaction that marks the payment refunded: the points spent come back as an entry
    (once per payment, whoever asks again)."""
    spent = await Entry.get_or_none(idempotency_key=f"payment:{payment.id}")
    if spent is None:
        return
    await ledger.post(
        ledger.Change(
            community_id=spent.community_id,
            person_id=spent.person_id,
            kind=spent.kind,
            amount=-spent.amount,
            reason_code="ORDER_REFUNDED",
            reason=f"Order {payment.subject_id} refunded",
            source=Source.ORDER,
            source_id=str(payment.subject_id),
            idempotency_key=f"payment-refund:{payment.id}",
        )
    )


refunds_by_writing(ProviderName.POINTS, give_back)
order_points_prices.register(points_prices)
