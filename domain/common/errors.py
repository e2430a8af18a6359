"""Expected failures: one hierarchy, one set of stable codes clients switch on."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    INVALID_INPUT = "INVALID_INPUT"
    CONFLICT = "CONFLICT"
    # Fewer left than asked for: nothing was reserved.
    OUT_OF_STOCK = "OUT_OF_STOCK"
    # The balance does not cover it: nothing was spent.
    INSUFFICIENT_POINTS = "INSUFFICIENT_POINTS"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    RATE_LIMITED = "RATE_LIMITED"
    # Refused before it is read: a body or a WebSocket message larger than its limit.
    REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"
    # An HTTP method the path does not take (its Allow header says which do).
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    # Refused before it runs: the document is longer, deeper, wider or costlier than its limits.
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    # A subscription ended because the database stayed out of reach: subscribe again with
    # `after:` the cursor in the error's extensions, and miss nothing.
    RESUME_REQUIRED = "RESUME_REQUIRED"
    # A one-time code from a third party (WeChat's login or phone-number code) that it refused:
    # wrong, used or expired. Get a new one from the client (wx.login, the phone-number button).
    INVALID_CODE = "INVALID_CODE"
    # A service we depend on (WeChat) is busy or did not answer in time: try again shortly.
    UNAVAILABLE = "UNAVAILABLE"


class DomainError(Exception):
    """A failure the client caused and can act on; shown to it as is.

    ``extensions`` is what graphql-core copies into the GraphQL error, so every
    API error carries ``code`` and, where one field is at fault, ``field``.
    """

    code: ErrorCode = ErrorCode.INVALID_INPUT

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    @property
    def extensions(self) -> dict[str, str]:
        ext = {"code": self.code.value}
        if self.field:
            ext["field"] = self.field
        return ext


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND


class Forbidden(DomainError):
    code = ErrorCode.FORBIDDEN


class InvalidInput(DomainError):
    code = ErrorCode.INVALID_INPUT


class TimeWithoutZone(InvalidInput):
    """A time without its zone: compared with stored times (all with theirs) it could only fail,
    and which zone it meant is the client's to say. ``field`` is filled in where it is known."""

    def __init__(self, value: object, *, field: str | None = None) -> None:
        self.value = value
        where = f"{field} " if field else ""
        super().__init__(f'{where}needs a time zone, e.g. +08:00 or Z: "{value}"', field=field)

    def at(self, field: str) -> TimeWithoutZone:
        return TimeWithoutZone(self.value, field=field)


class Conflict(DomainError):
    code = ErrorCode.CONFLICT


class Unauthenticated(DomainError):
    code = ErrorCode.UNAUTHENTICATED


class RateLimited(DomainError):
    """Too many of something in too short a time: try again later."""

    code = ErrorCode.RATE_LIMITED


class ResumeRequired(DomainError):
    """A subscription that could not go on: ``cursor`` (in ``extensions``) is the last event it
    passed; subscribing again with ``after: cursor`` delivers the rest (no cursor: nothing was read
    yet, subscribe as before)."""

    code = ErrorCode.RESUME_REQUIRED

    def __init__(self, cursor: int | str | None) -> None:
        resume = f'subscribe again with after: "{cursor}"' if cursor is not None else "subscribe again"
        super().__init__(f"The database is unavailable: {resume} to miss nothing")
        self.cursor = cursor

    @property
    def extensions(self) -> dict[str, str]:
        resume = {"cursor": str(self.cursor)} if self.cursor is not None else {}
        return {**super().extensions, **resume}


class OutOfStock(DomainError):
    code = ErrorCode.OUT_OF_STOCK


class InsufficientPoints(DomainError):
    code = ErrorCode.INSUFFICIENT_POINTS


class InvalidCode(DomainError):
    """A third party's one-time code it refused (wrong, used, expired)."""

    code = ErrorCode.INVALID_CODE


class Unavailable(DomainError):
    """A service we depend on is busy or did not answer in time: retryable."""

    code = ErrorCode.UNAVAILABLE
