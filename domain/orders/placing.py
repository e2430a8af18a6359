"""Placing an order: totals from the current prices (never the client's), stock reserved with a
conditional UPDATE, the payment started, all in one transaction; the same idempotency key again
is the same order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError

from auth.viewer import Viewer
from domain.common.errors import InvalidInput
from domain.common.text import text
from domain.orders import access, messages, stock
from domain.orders.models import PAYMENT_SUBJECT, Order, OrderLine, Status
from domain.orders.transitions import write_entry
from domain.orders.workflow import Action
from domain.payments import service as payments
from domain.payments.models import ProviderName
from domain.payments.providers import Providers
from domain.people.models import Person
from domain.shops.models import Product
from domain.shops.service import get_shop
from domain.space.models import Building, House
from realtime.outbox import record, transaction

MAX_LINES = 50
MAX_QUANTITY = 99


@dataclass(frozen=True)
class Line:
    product_id: int
    quantity: int


@dataclass(frozen=True)
class NewOrder:
    shop_id: int
    house_id: int
    lines: list[Line]
    idempotency_key: str
    payment: ProviderName
    note: str = ""


async def place(viewer: Viewer, providers: Providers, new: NewOrder) -> Order:
    person_id = access.check_order_from(viewer, new.house_id)
    key = text(new.idempotency_key, field="idempotencyKey", max_length=64)
    existing = await Order.get_or_none(resident_id=person_id, idempotency_key=key)
    if existing is not None:
        return existing  # sent again: the same order, nothing reserved twice
    shop = await get_shop(viewer, new.shop_id, field="shopId")
    house = await House.get(id=new.house_id)
    access.check_delivers_to(shop, community_id=house.community_id, building_id=house.building_id)
    quantities = _quantities(new.lines)
    provider = providers.get(new.payment)
    note = text(new.note, field="note", max_length=500, min_length=0, multiline=True)
    person = await Person.get(id=person_id)
    building = await Building.get(id=house.building_id)
    try:
        async with transaction():
            # Again, under the write lock: a twin may have committed since the look above.
            twin = await Order.get_or_none(resident_id=person_id, idempotency_key=key)
            if twin is not None:
                return twin
            products = {p.id: p for p in await Product.filter(id__in=list(quantities), shop_id=shop.id, on_sale=True)}
            missing = [pid for pid in quantities if pid not in products]
            if missing:
                raise InvalidInput(f"Product {missing[0]} is not on sale in this shop", field="lines")
            for product_id, quantity in quantities.items():
                await stock.reserve(products[product_id], quantity)
            now = datetime.now(UTC)
            order = await Order.create(
                community_id=shop.community_id,
                shop_id=shop.id,
                resident_id=person.id,
                house_id=house.id,
                house_number=f"{building.name}-{house.number}",
                contact_name=person.name,
                contact_phone=person.phone,
                idempotency_key=key,
                status=Status.PLACED,
                note=note,
                total_fen=sum(products[pid].price_fen * q for pid, q in quantities.items()),
                payment_provider=provider.name,
                placed_at=now,
            )
            await OrderLine.bulk_create(
                [
                    OrderLine(
                        order_id=order.id,
                        product_id=pid,
                        name=products[pid].name,
                        unit_price_fen=products[pid].price_fen,
                        quantity=q,
                        amount_fen=products[pid].price_fen * q,
                        reserved=products[pid].stock is not None,
                    )
                    for pid, q in quantities.items()
                ]
            )
            await write_entry(order, Action.PLACE, None, actor=person, at=now, note=note)
            await record(messages.topic(order.community_id), messages.Kind.ORDER_PLACED, messages.payload(order))
            await payments.create(
                provider,
                community_id=order.community_id,
                payer_id=person.id,
                subject_kind=PAYMENT_SUBJECT,
                subject_id=order.id,
                amount_fen=order.total_fen,
            )
            return await Order.get(id=order.id)  # as the payment left it (paid at once, for some)
    except IntegrityError:
        # A twin with this key committed between our look and our insert: its order is this one.
        twin = await Order.get_or_none(resident_id=person_id, idempotency_key=key)
        if twin is None:
            raise
        return twin


def _quantities(lines: list[Line]) -> dict[int, int]:
    if not 1 <= len(lines) <= MAX_LINES:
        raise InvalidInput(f"An order has 1 to {MAX_LINES} lines", field="lines")
    quantities: dict[int, int] = {}
    for index, line in enumerate(lines):
        if not 1 <= line.quantity <= MAX_QUANTITY:
            raise InvalidInput(f"A quantity is 1 to {MAX_QUANTITY}", field=f"lines[{index}].quantity")
        if line.product_id in quantities:
            raise InvalidInput(
                "The same product twice: give it one line with the quantity", field=f"lines[{index}].productId"
            )
        quantities[line.product_id] = line.quantity
    return quantities
