"""The per-request (or per-WebSocket) context every resolver reads its Viewer from."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from auth.tokens import TokenIssuer
from auth.viewer import ANONYMOUS, Viewer
from domain.errors import Unauthenticated
from resolvers.loaders import Loaders


@dataclass
class Context:
    issuer: TokenIssuer
    request_id: str
    request: Any = None
    response: Any = None
    authenticated_viewer: Viewer = ANONYMOUS
    auth_error: Unauthenticated | None = None
    token_expires_at: int | None = None
    connection_params: dict[str, Any] | None = None
    loaders: Loaders = field(default_factory=lambda: Loaders(ANONYMOUS))

    def viewer(self) -> Viewer:
        """The viewer, or the reason the credentials sent were refused.

        A WebSocket keeps its context for its whole life, so an access token that
        expires mid-connection is caught here, at the next operation.
        """
        if self.auth_error is not None:
            raise self.auth_error
        if self.token_expires_at is not None and time.time() >= self.token_expires_at:
            raise Unauthenticated("The access token has expired: reconnect with a fresh one")
        return self.authenticated_viewer

    def reset_loaders(self) -> None:
        """Fresh DataLoaders for each operation: no cache outlives the operation that filled it."""
        self.loaders = Loaders(self.authenticated_viewer)
