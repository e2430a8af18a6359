"""The one interface every payment provider implements, and the set of them an installation runs.

It fits the real gateways (WeChat Pay, Alipay): our ``out_trade_no``, amounts in fen, a pay URL
for the payer, then an asynchronous, signed notification to ``POST /payments/callback/<provider>``
that says which transaction paid which ``out_trade_no`` and how much; refunds through the same
provider. Cash on delivery has no notification: the courier says it was paid.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from domain.common.errors import InvalidInput
from domain.payments.models import Payment, ProviderName


@dataclass(frozen=True)
class Started:
    """What starting a payment gives the payer: a URL to pay at (online providers), or nothing to
    do now (``paid``: settled at once, as points will be; neither: paid later, on delivery)."""

    pay_url: str | None = None
    paid: bool = False


@dataclass(frozen=True)
class Notice:
    """A provider's verified word that a transaction paid an amount for one of our trade numbers."""

    out_trade_no: str
    transaction_id: str
    amount_fen: int


class CallbackRejected(Exception):
    """A callback that is not the provider's (bad signature) or not readable: nothing changes."""


class Provider(Protocol):
    name: ProviderName
    # Whether a notification from the provider (not a person) settles its payments.
    notifies: bool

    def start(self, payment: Payment) -> Started:
        """Local, no network call: runs inside the transaction that creates the payment."""

    def verify_callback(self, headers: Mapping[str, str], body: bytes) -> Notice:
        """The notice in a callback, or CallbackRejected."""

    async def refund(self, payment: Payment) -> None:
        """Give the money back through the provider (idempotent per payment); raises if it refuses."""


@runtime_checkable
class ChargesAtStart(Protocol):
    """A provider that takes the payment itself when it starts (points, from the ledger)."""

    async def charge(self, payment: Payment) -> None:
        """Inside the transaction that creates the payment (raises a DomainError when it cannot:
        that transaction then writes nothing)."""


RefundWrite = Callable[[Payment], Awaitable[None]]
_refund_writes: dict[str, RefundWrite] = {}


def refunds_by_writing(name: ProviderName, write: RefundWrite) -> None:
    """A provider whose refund is a write of ours (points back on the ledger), not a call to a
    gateway: ``write`` runs in the transaction that marks the payment refunded, so a refund that
    loses a race (the order was accepted meanwhile) gives nothing back."""
    _refund_writes[name] = write


async def write_refund(payment: Payment) -> None:
    """Inside the transaction that has just marked ``payment`` refunded."""
    write = _refund_writes.get(payment.provider)
    if write is not None:
        await write(payment)


class Providers:
    """The providers this process runs, by name (server/app.py builds them from the settings)."""

    def __init__(self, *providers: Provider) -> None:
        self._by_name = {p.name: p for p in providers}

    def get(self, name: ProviderName | str, *, field: str = "payment") -> Provider:
        provider = next((p for n, p in self._by_name.items() if n == name), None)
        if provider is None:
            known = ", ".join(sorted(self._by_name))
            raise InvalidInput(f"No payment provider {name!r} here: one of {known}", field=field)
        return provider

    def names(self) -> list[str]:
        return sorted(self._by_name)
