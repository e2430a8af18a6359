"""What paying does to the thing paid for: each subject kind (ORDER, BILL) registers it here when
its noun is imported, so payments import none of them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from domain.payments.models import Payment

Handler = Callable[[Payment], Awaitable[None]]


@dataclass(frozen=True)
class Subject:
    """``paid``: runs in the transaction that marks the payment paid (a callback, the courier);
    ``refunded``: in the one that marks it refunded from the payments' side."""

    paid: Handler
    refunded: Handler | None = None


_subjects: dict[str, Subject] = {}


def register(kind: str, subject: Subject) -> None:
    _subjects[kind] = subject


def of(kind: str) -> Subject:
    try:
        return _subjects[kind]
    except KeyError:
        raise RuntimeError(f"no payment subject {kind!r} registered: is its noun imported?") from None
