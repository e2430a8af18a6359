"""Placing an order: totals from the current prices (never the client's), stock reserved with a
conditional UPDATE, the payment started, all in one transaction; the same idempotency key again
is the same order.

Part of an order may be paid with points, line by line: a line ``with_points`` costs its product's
points price × quantity instead of its fen (``payment: POINTS`` is every line so). The points part
is a POINTS payment, spent in this transaction; the rest, ``amount_due_fen``, a payment of the
chosen provider for that remainder only (none when nothing is left to pay)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError

from auth.viewer import Viewer
from domain.common.errors import InvalidInput
from domain.common.text import text
from domain.orders import access, messages, points_prices, stock
from domain.orders.models import PAYMENT_SUBJECT, Order, OrderLine, Status
from domain.orders.transitions import write_entry
from domain.orders.workflow import Action
from domain.payments import service as payments
from domain.payments.models import ProviderName
from domain.payments.providers import Provider, Providers
from domain.people.models import Person
from domain.shops.models import Product
from domain.shops.service import get_shop
from domain.space.models import Building, House
from realtime.outbox import record, transaction

MAX_LINES = 50
MAX_QUANTITY = 99
MAX_ORDER_FEN = 100_000_000  # 1,000,000 yuan
MAX_ORDER_POINTS = 10_000_000


@dataclass(frozen=True)
class Line:
    product_id: int
    quantity: int
    with_points: bool = False


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
    with_points = _lines_with_points(new)
    provider = providers.get(new.payment)
    points_provider = providers.get(ProviderName.POINTS) if with_points else None
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
            points = await _points_of_lines(products, quantities, with_points)
            total_fen = sum(products[pid].price_fen * q for pid, q in quantities.items())
            points_fen = sum(products[pid].price_fen * quantities[pid] for pid in points)
            # Amounts are 32-bit columns and GraphQL Ints: an order past these is refused whole (the
            # transaction rolls the reservations back), never an overflow after writing.
            if total_fen > MAX_ORDER_FEN:
                raise InvalidInput(f"An order comes to at most {MAX_ORDER_FEN // 100} yuan: split it", field="lines")
            if sum(points.values()) > MAX_ORDER_POINTS:
                raise InvalidInput(f"An order spends at most {MAX_ORDER_POINTS} points: split it", field="lines")
            # Nothing left to pay: the points pay it all, whatever provider was named for the rest.
            paid_by = provider if total_fen > points_fen or points_provider is None else points_provider
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
                total_fen=total_fen,
                points_spent=sum(points.values()),
                points_fen=points_fen,
                payment_provider=paid_by.name,
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
                        points=points.get(pid),
                        reserved=False,  # until its stock is taken, last (below)
                    )
                    for pid, q in quantities.items()
                ]
            )
            await write_entry(order, Action.PLACE, None, actor=person, at=now, note=note)
            await record(messages.topic(order.community_id), messages.Kind.ORDER_PLACED, messages.payload(order))
            # The points first: the order's payment (``payments.of_subjects``, the latest) is the one
            # still to make, the remainder's.
            if points_provider is not None:
                await _pay(points_provider, order, order.points_fen)
            if order.amount_due_fen > 0:
                await _pay(provider, order, order.amount_due_fen)
            # Last: a popular product's row stays locked from here to the commit only, not for the
            # whole placing; products in id order, so two orders of the same ones cannot deadlock.
            taken = [pid for pid in sorted(quantities) if await stock.reserve(products[pid], quantities[pid])]
            if taken:
                await OrderLine.filter(order_id=order.id, product_id__in=taken).update(reserved=True)
            return await Order.get(id=order.id)  # as the payment left it (paid at once, for some)
    except IntegrityError:
        # A twin with this key committed between our look and our insert: its order is this one.
        twin = await Order.get_or_none(resident_id=person_id, idempotency_key=key)
        if twin is None:
            raise
        return twin


async def _pay(provider: Provider, order: Order, amount_fen: int) -> None:
    await payments.create(
        provider,
        community_id=order.community_id,
        payer_id=order.resident_id,
        subject_kind=PAYMENT_SUBJECT,
        subject_id=order.id,
        amount_fen=amount_fen,
    )


def _lines_with_points(new: NewOrder) -> dict[int, str]:
    """The products paid with points, and the field that chose each (for the error naming it)."""
    if new.payment is ProviderName.POINTS:
        return {line.product_id: "payment" for line in new.lines}
    return {line.product_id: f"lines[{i}].withPoints" for i, line in enumerate(new.lines) if line.with_points}


async def _points_of_lines(
    products: dict[int, Product], quantities: dict[int, int], with_points: dict[int, str]
) -> dict[int, int]:
    """Each points line's points: its product's points price × quantity (the price of the moment)."""
    prices = await points_prices.of(list(with_points))
    for product_id, field in with_points.items():
        if product_id not in prices:
            raise InvalidInput(f"{products[product_id].name} cannot be paid with points", field=field)
    return {pid: prices[pid] * quantities[pid] for pid in with_points}


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
