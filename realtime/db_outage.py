"""What a database out of reach looks like, told apart from a fault of the code: a condition to
answer 503 or to try again (a replay, a gateway's request), not to report as a bug."""

from __future__ import annotations

import asyncpg
from tortoise.exceptions import DBConnectionError

# What a lost database connection raises: tortoise's, the socket's, and asyncpg's when the server
# ends a connection (terminated by an administrator, shut down, or gone under a transaction), is
# starting or stopping (57P03, an OperatorInterventionError), or has no connection slot left. An
# idle pooled connection the server ended is handed out before its close is seen: its protocol is
# still consuming the server's farewell, and a query on it fails with an InternalClientError
# ("cannot switch to state 12; another operation (2) is in progress").
_UNAVAILABLE: tuple[type[BaseException], ...] = (
    DBConnectionError,
    OSError,
    asyncpg.InterfaceError,
    asyncpg.InternalClientError,
    asyncpg.PostgresConnectionError,
    asyncpg.OperatorInterventionError,
    asyncpg.TooManyConnectionsError,
)


def database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` (or what it was raised from) is the database being out of reach."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, _UNAVAILABLE) or _refusing_connections(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _refusing_connections(error: BaseException) -> bool:
    # A database closed to new connections (ALLOW_CONNECTIONS false: maintenance, a fail-over under
    # way) answers a connection with SQLSTATE 55000, a code it shares with unrelated misuse of the
    # SQL, so its words tell it apart.
    return isinstance(error, asyncpg.ObjectNotInPrerequisiteStateError) and "accepting connections" in str(error)
