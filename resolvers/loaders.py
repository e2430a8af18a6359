"""DataLoaders for every nested edge, built per operation from the viewer's access queries.

Each loader turns N lookups into one query, and starts from the same access
query as the top-level lists, so nesting never shows more than a list would.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from functools import cached_property
from typing import TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model
from tortoise.queryset import QuerySet

from auth.viewer import Viewer
from domain.bills import service as bills_service
from domain.bills.models import BillLine
from domain.events import access as events_access
from domain.events.models import EventEntry
from domain.files.models import StoredFile
from domain.neighbours import access as neighbours_access
from domain.neighbours.models import PostPhoto
from domain.orders import access as orders_access
from domain.orders.models import PAYMENT_SUBJECT, OrderEntry, OrderLine
from domain.payments import service as payments
from domain.payments.models import Payment
from domain.people import access as people_access
from domain.people.models import CareRecord, Membership, Person, Residency
from domain.shops import access as shops_access
from domain.shops.models import ProductPhoto
from domain.space import access as space_access
from domain.space.models import Building, Community, Grid, House, Unit

M = TypeVar("M", bound=Model)
V = TypeVar("V")


def _by_id(queryset: Callable[[], QuerySet[M]]) -> DataLoader[int, M | None]:
    async def load(ids: Sequence[int]) -> list[M | None]:
        rows = {row.pk: row for row in await queryset().filter(id__in=list(ids))}
        return [rows.get(i) for i in ids]

    return DataLoader(load_fn=load)


def _grouped(queryset: Callable[[], QuerySet[M]], key: str, *, cache: bool = True) -> DataLoader[int, list[M]]:
    async def load(keys: Sequence[int]) -> list[list[M]]:
        groups: dict[int, list[M]] = defaultdict(list)
        for row in await queryset().filter(**{f"{key}__in": list(keys)}).order_by("id"):
            groups[getattr(row, key)].append(row)
        return [groups.get(k, []) for k in keys]

    return DataLoader(load_fn=load, cache=cache)


def _batch(fetch: Callable[[Sequence[int]], Awaitable[dict[int, V]]]) -> DataLoader[int, V]:
    async def load(keys: Sequence[int]) -> list[V]:
        found = await fetch(keys)
        return [found[k] for k in keys]

    return DataLoader(load_fn=load)


class Loaders:
    """Built when an operation starts, each loader only when a field first asks for it: most
    operations (and every subscription message) touch few of them."""

    def __init__(self, viewer: Viewer) -> None:
        self.viewer = viewer

    @cached_property
    def community(self) -> DataLoader[int, Community | None]:
        return _by_id(lambda: space_access.readable_communities(self.viewer))

    @cached_property
    def building(self) -> DataLoader[int, Building | None]:
        return _by_id(lambda: space_access.readable_buildings(self.viewer))

    @cached_property
    def unit(self) -> DataLoader[int, Unit | None]:
        return _by_id(lambda: space_access.readable_units(self.viewer))

    @cached_property
    def grid(self) -> DataLoader[int, Grid | None]:
        return _by_id(lambda: space_access.readable_grids(self.viewer))

    @cached_property
    def house(self) -> DataLoader[int, House | None]:
        return _by_id(lambda: space_access.readable_houses(self.viewer))

    @cached_property
    def person(self) -> DataLoader[int, Person | None]:
        return _by_id(lambda: people_access.readable_persons(self.viewer))

    @cached_property
    def buildings_of_community(self) -> DataLoader[int, list[Building]]:
        return _grouped(lambda: space_access.readable_buildings(self.viewer), "community_id")

    @cached_property
    def grids_of_community(self) -> DataLoader[int, list[Grid]]:
        return _grouped(lambda: space_access.readable_grids(self.viewer), "community_id")

    @cached_property
    def units_of_building(self) -> DataLoader[int, list[Unit]]:
        return _grouped(lambda: space_access.readable_units(self.viewer), "building_id")

    @cached_property
    def houses_of_building(self) -> DataLoader[int, list[House]]:
        return _grouped(lambda: space_access.readable_houses(self.viewer), "building_id")

    @cached_property
    def houses_of_unit(self) -> DataLoader[int, list[House]]:
        return _grouped(lambda: space_access.readable_houses(self.viewer), "unit_id")

    @cached_property
    def houses_of_grid(self) -> DataLoader[int, list[House]]:
        return _grouped(lambda: space_access.readable_houses(self.viewer), "grid_id")

    @cached_property
    def residencies_of_house(self) -> DataLoader[int, list[Residency]]:
        return _grouped(lambda: people_access.readable_residencies(self.viewer), "house_id")

    @cached_property
    def residencies_of_person(self) -> DataLoader[int, list[Residency]]:
        return _grouped(lambda: people_access.readable_residencies(self.viewer), "person_id")

    @cached_property
    def memberships_of_person(self) -> DataLoader[int, list[Membership]]:
        return _grouped(lambda: people_access.readable_memberships(self.viewer), "person_id")

    @cached_property
    def memberships_of_grid(self) -> DataLoader[int, list[Membership]]:
        return _grouped(lambda: people_access.readable_memberships(self.viewer), "grid_id")

    @cached_property
    def care_records_of_person(self) -> DataLoader[int, list[CareRecord]]:
        return _grouped(lambda: people_access.readable_care_records(self.viewer), "person_id")

    @cached_property
    def personal_data(self) -> DataLoader[int, people_access.PersonalData]:
        return _batch(lambda ids: people_access.personal_data_visibility(self.viewer, ids))

    # An event's timeline and photos. Batched but never cached: a subscription keeps its
    # loaders for its whole life, and these change with every message.
    @cached_property
    def entries_of_event(self) -> DataLoader[int, list[EventEntry]]:
        return _grouped(lambda: events_access.readable_entries(self.viewer), "event_id", cache=False)

    @cached_property
    def files_of_event(self) -> DataLoader[int, list[StoredFile]]:
        return _grouped(lambda: events_access.readable_photos(self.viewer), "event_id", cache=False)

    @cached_property
    def photos_of_product(self) -> DataLoader[int, list[ProductPhoto]]:
        return _grouped(lambda: shops_access.readable_photos(self.viewer), "product_id")

    @cached_property
    def photos_of_post(self) -> DataLoader[int, list[PostPhoto]]:
        return _grouped(lambda: neighbours_access.readable_photos(self.viewer), "post_id", cache=False)

    # An order's lines, timeline and payment: never cached, like an event's (a subscription keeps
    # its loaders, and these change with every message).
    @cached_property
    def lines_of_order(self) -> DataLoader[int, list[OrderLine]]:
        return _grouped(lambda: orders_access.readable_lines(self.viewer), "order_id", cache=False)

    @cached_property
    def entries_of_order(self) -> DataLoader[int, list[OrderEntry]]:
        return _grouped(lambda: orders_access.readable_entries(self.viewer), "order_id", cache=False)

    @cached_property
    def payment_of_order(self) -> DataLoader[int, Payment | None]:
        async def load(ids: Sequence[int]) -> list[Payment | None]:
            visible = (
                await orders_access.readable_orders(self.viewer).filter(id__in=list(ids)).values_list("id", flat=True)
            )
            found = await payments.of_subjects(PAYMENT_SUBJECT, [int(i) for i in visible])  # type: ignore[call-overload]
            return [found.get(i) for i in ids]

        return DataLoader(load_fn=load, cache=False)

    @cached_property
    def payments_of_order(self) -> DataLoader[int, list[Payment]]:
        async def load(ids: Sequence[int]) -> list[list[Payment]]:
            visible = (
                await orders_access.readable_orders(self.viewer).filter(id__in=list(ids)).values_list("id", flat=True)
            )
            found = await payments.all_of_subjects(PAYMENT_SUBJECT, [int(i) for i in visible])  # type: ignore[call-overload]
            return [found.get(i, []) for i in ids]

        return DataLoader(load_fn=load, cache=False)

    @cached_property
    def payment_of_bill(self) -> DataLoader[int, Payment | None]:
        async def load(ids: Sequence[int]) -> list[Payment | None]:
            found = await bills_service.payments_of(self.viewer, ids)
            return [found.get(i) for i in ids]

        return DataLoader(load_fn=load, cache=False)

    @cached_property
    def lines_of_bill(self) -> DataLoader[int, list[BillLine]]:
        return _batch(lambda ids: bills_service.readable_lines(self.viewer, ids))
