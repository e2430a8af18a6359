"""Notifications' test helpers: writing one as a noun would, running the worker, and an HTTP push
provider of our own on a loopback port that fails as often as a test asks."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from domain.alarms import service as alarm_service
from domain.alarms.models import Alarm, Severity
from domain.notifications import service as notifications
from domain.notifications.delivery import Policy, Sender, deliver_due
from domain.notifications.models import Channel, Kind, Notification
from realtime.outbox import publishing_to, transaction
from tests.conftest import RunningServer

# Retried at once: a test runs every try in one worker run, not over minutes.
AT_ONCE = Policy(max_tries=5, backoff=timedelta(0))


async def tell(
    server: RunningServer,
    person_ids: Iterable[int],
    source: str,
    *,
    kind: Kind = Kind.NOTICE,
    community_id: int | None = None,
    urgent: bool = False,
) -> list[Notification]:
    """notify() as a noun calls it, in a transaction whose messages reach the server's subscribers."""
    with publishing_to(server.publisher):
        async with transaction():
            return await notifications.notify(
                person_ids=person_ids,
                kind=kind,
                source=source,
                title=f"About {source}",
                body="Something happened",
                community_id=community_id,
                urgent=urgent,
                subject={"type": "Notice", "id": "1"},
            )


async def raise_alarm(
    server: RunningServer,
    world: Any,
    severity: Severity,
    *,
    house: Any = None,
    type: str = "SMOKE",
    person_id: int | None = None,
) -> Alarm:
    """An alarm at the house (a101), as a device's rule (or, with person_id, the care rule) raises it."""
    house = house or world.a101
    with publishing_to(server.publisher):
        async with transaction():
            return await alarm_service.trigger(
                alarm_service.Trigger(
                    community_id=world.a.id,
                    type=type,
                    severity=severity,
                    device_id=None,
                    house_id=house.id,
                    grid_id=house.grid_id,
                    person_id=person_id,
                )
            )


def senders_of(server: RunningServer, **replaced: Sender) -> dict[Channel, Sender]:
    senders: dict[Channel, Sender] = dict(server.app.state.senders)
    senders.update({Channel(name): sender for name, sender in replaced.items()})
    return senders


async def run_worker(
    server: RunningServer, senders: Mapping[Channel, Sender] | None = None, policy: Policy = AT_ONCE
) -> int:
    with publishing_to(server.publisher):
        return await deliver_due(senders if senders is not None else senders_of(server), policy)


class PushProvider:
    """An HTTP push provider on a loopback port: answers 503 to the next ``failures`` pushes (or to
    every push while ``broken``), then 200; keeps what it accepted."""

    def __init__(self) -> None:
        self.failures = 0
        self.broken = False
        self.accepted: list[dict[str, Any]] = []
        self.refused = 0
        self.lock = threading.Lock()
        provider = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with provider.lock:
                    failing = provider.broken or provider.failures > 0
                    if failing:
                        provider.failures = max(0, provider.failures - 1)
                        provider.refused += 1
                    else:
                        provider.accepted.append(body)
                self.send_response(503 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                return None

        self.http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}/push"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.http.shutdown()
        self.http.server_close()
