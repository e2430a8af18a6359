"""ON_DELIVERY: cash or a card terminal at the door; the courier marks it paid."""

from __future__ import annotations

from collections.abc import Mapping

from domain.payments.models import Payment, ProviderName
from domain.payments.providers import CallbackRejected, Notice, Started


class OnDelivery:
    name = ProviderName.ON_DELIVERY
    notifies = False

    def start(self, payment: Payment) -> Started:
        return Started()

    def verify_callback(self, headers: Mapping[str, str], body: bytes) -> Notice:
        raise CallbackRejected("Payment on delivery has no callbacks: the courier marks it paid")

    async def refund(self, payment: Payment) -> None:
        return None  # the money is handed back at the door
