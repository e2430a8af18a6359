"""What this process's bus did, counted in plain numbers: server/metrics.py shows them at
GET /metrics (realtime knows nothing of Prometheus)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class BusStats:
    # Times the Redis pub/sub connection came back (each followed by a RESYNC of every channel).
    reconnects: int = 0
    # Times a subscriber's bounded queue was full: its backlog dropped for one RESYNC.
    queue_overflows: int = 0


STATS = BusStats()  # one per process, as Prometheus scrapes them
