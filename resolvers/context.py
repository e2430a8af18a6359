"""The per-request (or per-WebSocket) context every resolver reads its Viewer from."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from auth.tokens import AccessClaims, TokenIssuer
from auth.viewer import ANONYMOUS, Viewer
from domain.common.errors import Unauthenticated
from domain.people.accounts import viewer_for_token
from domain.people.live_viewer import LiveViewer
from resolvers.loaders import Loaders


@dataclass
class Context:
    issuer: TokenIssuer
    request_id: str
    broadcast: Any = None
    storage: Any = None
    code_sender: Any = None  # domain.people.phone_proofs.CodeSender
    scope_refresh_seconds: float = 60
    request: Any = None
    response: Any = None
    authenticated_viewer: Viewer = ANONYMOUS
    auth_error: Unauthenticated | None = None
    token_expires_at: int | None = None
    access_token: str | None = None
    websocket: bool = False
    connection_params: dict[str, Any] | None = None
    loaders: Loaders = field(default_factory=lambda: Loaders(ANONYMOUS))

    def client_address(self) -> str:
        """The caller's address (behind a proxy: as uvicorn's --forwarded-allow-ips lets it tell)."""
        client = getattr(self.request, "client", None)
        return client.host if client else ""

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

    def live_viewer(self) -> LiveViewer:
        """The viewer for a subscription about to start, re-read while it runs."""
        return LiveViewer(self.viewer(), every=self.scope_refresh_seconds, on_change=self.follow)

    def follow(self, viewer: Viewer) -> None:
        """A running subscription found this connection's viewer changed: every operation on the
        socket now answers as the viewer is (their nested fields read through fresh loaders)."""
        if self.auth_error is None:
            self.authenticated_viewer = viewer
            self.reset_loaders()

    def sharing_scope(self) -> str | None:
        """The viewer's scope, for results shared between viewers who see the same places; None
        while the credentials are refused (nothing is shared then)."""
        return None if self.auth_error is not None else self.authenticated_viewer.scope

    def authenticate(self, viewer: Viewer, claims: AccessClaims, token: str) -> None:
        self.authenticated_viewer = viewer
        self.token_expires_at = claims.expires_at
        self.access_token = token
        self.auth_error = None

    def become(self, viewer: Viewer) -> None:
        """After a login in this operation: the rest of it runs as the person who logged in."""
        self.authenticated_viewer = viewer
        self.token_expires_at = None
        self.auth_error = None
        self.reset_loaders()

    async def start_operation(self) -> None:
        """Fresh DataLoaders for each operation, so no cache outlives the operation that filled it.

        A WebSocket outlives its connection_init: re-read the viewer from its token at
        every operation, so a logout or a revoked role takes effect on open sockets too.
        """
        if self.websocket and self.access_token:
            try:
                viewer, claims = await viewer_for_token(self.issuer, self.access_token)
                self.authenticate(viewer, claims, self.access_token)
            except Unauthenticated as error:
                self.auth_error = error
        self.reset_loaders()

    def reset_loaders(self) -> None:
        self.loaders = Loaders(self.authenticated_viewer)
