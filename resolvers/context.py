"""The per-request (or per-WebSocket) context every resolver reads its Viewer from, and the
open WebSockets of this process, which changes to a viewer reach at once."""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass, field
from typing import Any

from auth.tokens import AccessClaims, TokenIssuer
from auth.viewer import ANONYMOUS, Viewer
from domain.common.errors import Unauthenticated
from domain.people.accounts import viewer_for_token
from domain.people.live_viewer import LiveViewer
from domain.people.messages import ViewerMessage
from realtime.envelope import Envelope
from resolvers.loaders import Loaders


@dataclass
class Context:
    issuer: TokenIssuer
    request_id: str
    broadcast: Any = None
    storage: Any = None
    payments: Any = None  # domain.payments.providers.Providers
    code_sender: Any = None  # domain.people.phone_proofs.CodeSender
    wechat: Any = None  # domain.people.wechat.WechatApi (None: WeChat login is off)
    scope_refresh_seconds: float = 60
    bill_due_days: int = 15  # Settings.bill_due_days
    request: Any = None
    response: Any = None
    authenticated_viewer: Viewer = ANONYMOUS
    auth_error: Unauthenticated | None = None
    token_expires_at: int | None = None
    access_token: str | None = None
    websocket: bool = False
    connection_params: dict[str, Any] | None = None
    loaders: Loaders = field(default_factory=lambda: Loaders(ANONYMOUS))
    # The viewers of the subscriptions running on this socket (weak: each lives as long as its
    # subscription), told when the person changes (OpenSockets.apply); how many changes were told,
    # and how many had been when the viewer was last read.
    live_viewers: weakref.WeakSet[LiveViewer] = field(default_factory=weakref.WeakSet, init=False, repr=False)
    changes_told: int = field(default=0, init=False, repr=False)
    changes_read: int = field(default=0, init=False, repr=False)

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
        live = LiveViewer(self.viewer(), every=self.scope_refresh_seconds, on_change=self.follow)
        self.live_viewers.add(live)
        if self.changes_told != self.changes_read:
            live.reread()  # told of a change while this operation read the viewer: it may be old
        return live

    def viewer_changed(self) -> None:
        """The person's roles, homes or session changed (told by any process): every subscription
        on this socket reads its viewer again, now."""
        self.changes_told += 1
        for live in list(self.live_viewers):
            live.reread()

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

    def sharing_viewer(self) -> Viewer | None:
        """The viewer an event's audience is decided for (schema.shared_events); None while the
        credentials are refused."""
        return None if self.auth_error is not None else self.authenticated_viewer

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
            told = self.changes_told
            try:
                viewer, claims = await viewer_for_token(self.issuer, self.access_token)
                self.authenticate(viewer, claims, self.access_token)
            except Unauthenticated as error:
                self.auth_error = error
            self.changes_read = told
        self.reset_loaders()

    def reset_loaders(self) -> None:
        self.loaders = Loaders(self.authenticated_viewer)


class OpenSockets:
    """This process's authenticated WebSockets, by person.

    Every process follows the people's `viewers` topic (server/app.py `follow_viewers`) and hands
    each message to `apply`, whichever process made the change: every subscription of that person
    on this process (of that session, for a session that ended) reads its viewer again at once;
    one whose session ended ends with UNAUTHENTICATED. Nothing here runs per live message: the
    cost is one dict lookup per change to a viewer, and one entry per open socket.
    """

    def __init__(self) -> None:
        self._by_person: dict[int, dict[int, Context]] = {}

    def __len__(self) -> int:
        return sum(len(sockets) for sockets in self._by_person.values())

    def join(self, context: Context) -> None:
        """A socket whose connection_init was accepted (its person and session are fixed from then on)."""
        person = context.authenticated_viewer.person_id
        if person is not None:
            self._by_person.setdefault(person, {})[id(context)] = context

    def leave(self, context: Context) -> None:
        person = context.authenticated_viewer.person_id
        sockets = self._by_person.get(person) if person is not None else None
        if person is not None and sockets is not None:
            sockets.pop(id(context), None)
            if not sockets:
                del self._by_person[person]

    def apply(self, envelope: Envelope) -> None:
        """One message of the `viewers` topic. Synchronous on purpose: the bus hands it over
        before any message published after it, so no stream delivers one under the old viewer."""
        person = envelope.payload.get("person_id")
        sockets = self._by_person.get(person) if isinstance(person, int) else None
        if not sockets:
            return
        if envelope.kind == ViewerMessage.SESSION_ENDED:
            ended = envelope.payload.get("session")
            for context in list(sockets.values()):
                if context.authenticated_viewer.session == ended:
                    # No operation starts on this socket any more; its subscriptions end now.
                    context.auth_error = Unauthenticated("This session has ended: log in again")
                    context.viewer_changed()
        else:
            for context in list(sockets.values()):
                context.viewer_changed()
