"""The outbox: every event is a row, written in the same transaction as the change it tells of."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


# "Committed in order" holds within a topic (realtime/outbox.py: the topic's lock). The docstring is
# the table's comment in the migrations: changing it needs one.
class OutboxEvent(Model):
    """One event. Its id is the cursor clients resume from: increasing, and committed in order.
    ``seq`` numbers the events of one topic 1, 2, 3… without holes, so a subscriber that
    sees seq 7 after 5 knows 6 is on its way and fetches it from here first.

    ``published_at`` stays null until the event went out on the bus, so a crash between
    commit and publish is repaired by publishing the null ones at start-up.
    """

    id = fields.BigIntField(primary_key=True)
    topic = fields.CharField(max_length=100)
    seq = fields.BigIntField()
    kind = fields.CharField(max_length=50)
    payload = fields.JSONField[dict[str, Any]]()
    created_at = fields.DatetimeField(auto_now_add=True)
    published_at = fields.DatetimeField(null=True)

    class Meta:
        table = "outbox_event"
        unique_together = (("topic", "seq"),)
