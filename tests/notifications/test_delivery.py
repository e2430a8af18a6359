"""Sending notifications: at least once, retried with back-off, dead after N tries (and shown to
operators), skipped once read, held back in quiet hours (not when urgent), and through each real
channel over HTTP: our push provider, the WeChat stand-in's subscribe messages, the SMS gateway."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.notifications.delivery import LogSender, Policy, quiet_end
from domain.notifications.models import Channel, Delivery, DeliveryState, Kind, Notification
from domain.people.models import WechatIdentity
from server.notify_channels import HttpPushSender
from server.wechat_standin import SUBSCRIBE_SEND
from tests.conftest import RunningServer, SmsGateway, start_lingli
from tests.notifications.support import PushProvider, run_worker, senders_of, tell
from tests.realtime.support import until
from tests.support import Api, World, data, error, free_port

DEAD_LETTERS = """
query D($c: ID) { notificationDeadLetters(communityId: $c) { totalCount nodes { channel personId tries lastError } } }"""
PREFERENCES_SET = """
mutation P($input: NotificationPreferencesInput!) {
  notificationPreferencesSet(input: $input) { mutedKinds channels quietFrom quietUntil }
}"""
MARK_READ = "mutation M($ids: [ID!]!) { notificationsMarkRead(ids: $ids) { id readAt } }"


async def push_only(server: RunningServer, provider: PushProvider) -> tuple[dict[Channel, Any], HttpPushSender]:
    sender = HttpPushSender(provider.url, "")
    return {Channel.PUSH: sender, Channel.LOG: LogSender()}, sender


async def test_a_channel_failing_three_times_then_answering_delivers_once(server: RunningServer, world: World) -> None:
    provider = PushProvider()
    provider.failures = 3
    senders, sender = await push_only(server, provider)
    try:
        await tell(server, [world.owner_a101.id], "notice-flaky", community_id=world.a.id)

        await run_worker(server, senders)
        await run_worker(server, senders)  # a later run finds nothing left to send

        push = await Delivery.get(channel=Channel.PUSH)
        assert (push.state, push.tries, push.sent_at is not None) == (DeliveryState.SENT, 4, True)
        assert provider.refused == 3
        assert [p["alias"] for p in provider.accepted] == [str(world.owner_a101.id)]
        # No WeChat channel was given to this worker: skipped, with the reason.
        wechat = await Delivery.get(channel=Channel.WECHAT)
        assert wechat.state is DeliveryState.SKIPPED and "no WECHAT channel" in wechat.last_error
    finally:
        await sender.close()
        provider.stop()


async def test_a_channel_failing_forever_is_a_dead_letter_operators_see(
    api: Api, server: RunningServer, world: World
) -> None:
    provider = PushProvider()
    provider.broken = True
    senders, sender = await push_only(server, provider)
    try:
        await tell(server, [world.owner_a101.id], "notice-dead", community_id=world.a.id)
        await run_worker(server, senders, Policy(max_tries=5, backoff=timedelta(0)))
    finally:
        await sender.close()
        provider.stop()

    push = await Delivery.get(channel=Channel.PUSH)
    assert (push.state, push.tries, provider.refused) == (DeliveryState.DEAD, 5, 5)
    assert "503" in push.last_error
    seen = data(await api(DEAD_LETTERS, {"c": str(world.a.id)}, as_=world.operator_a))["notificationDeadLetters"]
    assert seen["totalCount"] == 1
    assert seen["nodes"][0] | {"lastError": ""} == {
        "channel": "PUSH",
        "personId": str(world.owner_a101.id),
        "tries": 5,
        "lastError": "",
    }
    for stranger in (world.operator_b, world.owner_a101, world.keeper_g1):
        assert error(await api(DEAD_LETTERS, {"c": str(world.a.id)}, as_=stranger))["code"] == "FORBIDDEN"
    assert error(await api(DEAD_LETTERS, {"c": None}, as_=world.operator_a))["code"] == "FORBIDDEN"


async def test_a_failure_waits_a_doubling_back_off(server: RunningServer, world: World) -> None:
    provider = PushProvider()
    provider.failures = 1
    senders, sender = await push_only(server, provider)
    policy = Policy(max_tries=5, backoff=timedelta(minutes=1))
    try:
        await tell(server, [world.owner_a101.id], "notice-later")
        before = datetime.now(UTC)
        await run_worker(server, senders, policy)
        await run_worker(server, senders, policy)  # not due yet: nothing is tried
    finally:
        await sender.close()
        provider.stop()

    push = await Delivery.get(channel=Channel.PUSH)
    assert (push.state, push.tries, provider.refused, provider.accepted) == (DeliveryState.PENDING, 1, 1, [])
    assert before + timedelta(seconds=55) < push.next_at < before + timedelta(seconds=65)
    assert [policy.retry_after(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert Policy(backoff=timedelta(minutes=10)).retry_after(20) == timedelta(hours=1)


async def test_what_was_read_first_is_not_sent(api: Api, server: RunningServer, world: World) -> None:
    provider = PushProvider()
    senders, sender = await push_only(server, provider)
    try:
        [note] = await tell(server, [world.owner_a101.id], "notice-read")
        data(await api(MARK_READ, {"ids": [str(note.id)]}, as_=world.owner_a101))
        await run_worker(server, senders)
    finally:
        await sender.close()
        provider.stop()

    assert provider.accepted == []
    states = {d.state for d in await Delivery.filter(notification_id=note.id)}
    assert states == {DeliveryState.SKIPPED}


def _clock(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%H:%M")


async def test_quiet_hours_hold_back_all_but_urgent_alarms(api: Api, server: RunningServer, world: World) -> None:
    now = datetime.now(UTC)
    quiet = {"quietFrom": _clock(now - timedelta(hours=1)), "quietUntil": _clock(now + timedelta(hours=1))}
    chosen = {"mutedKinds": [], "channels": ["PUSH"], **quiet}
    assert data(await api(PREFERENCES_SET, {"input": chosen}, as_=world.owner_a101))["notificationPreferencesSet"] == (
        chosen
    )
    provider = PushProvider()
    senders, sender = await push_only(server, provider)
    try:
        await tell(server, [world.owner_a101.id], "notice-quiet", community_id=world.a.id)
        await tell(
            server, [world.owner_a101.id], "alarm-1:CRITICAL", kind=Kind.ALARM, community_id=world.a.id, urgent=True
        )
        await run_worker(server, senders)
    finally:
        await sender.close()
        provider.stop()

    assert [p["title"] for p in provider.accepted] == ["About alarm-1:CRITICAL"]
    held = await Delivery.get(channel=Channel.PUSH, notification__source="notice-quiet")
    assert (held.state, held.tries) == (DeliveryState.PENDING, 0)
    assert now + timedelta(minutes=58) < held.next_at <= now + timedelta(hours=1)


def test_quiet_hours_may_pass_midnight() -> None:
    at = datetime(2026, 1, 1, 15, 30, tzinfo=UTC)  # 23:30 in Shanghai
    assert quiet_end("Asia/Shanghai", 22 * 60, 7 * 60, at) == datetime(2026, 1, 1, 23, 0, tzinfo=UTC)
    assert quiet_end("Asia/Shanghai", 22 * 60, 7 * 60, at - timedelta(hours=2)) is None
    assert quiet_end("Asia/Shanghai", 1 * 60, 2 * 60, at) is None


async def test_muted_kinds_reach_only_the_inbox(api: Api, server: RunningServer, world: World) -> None:
    chosen = {"mutedKinds": ["ORDER"], "channels": []}
    data(await api(PREFERENCES_SET, {"input": chosen}, as_=world.owner_a101))

    await tell(server, [world.owner_a101.id], "order-1:ACCEPTED", kind=Kind.ORDER)

    assert await Notification.filter(person_id=world.owner_a101.id).count() == 1
    assert not await Delivery.exists()


async def test_bad_preferences_are_refused(api: Api, world: World) -> None:
    for quiet, field in (
        ({"quietFrom": "25:00", "quietUntil": "07:00"}, "quietFrom"),
        ({"quietFrom": "22:00"}, "quietUntil"),
    ):
        refused = error(
            await api(PREFERENCES_SET, {"input": {"mutedKinds": [], "channels": [], **quiet}}, as_=world.owner_a101)
        )
        assert (refused["code"], refused["field"]) == ("INVALID_INPUT", field)


async def test_a_wechat_subscribe_message_reaches_each_openid_of_the_person(
    server: RunningServer, world: World, wechat: Any
) -> None:
    await WechatIdentity.create(openid="o-owner", person=world.owner_a101)
    await WechatIdentity.create(openid="o-unsubscribed", person=world.owner_a101)
    wechat.fail(SUBSCRIBE_SEND, 43101)  # the first openid never subscribed to the template

    await tell(
        server, [world.owner_a101.id, world.child_a101.id], "alarm-9:MAJOR", kind=Kind.ALARM, community_id=world.a.id
    )
    await run_worker(server)

    assert [(m["touser"], m["template_id"]) for m in wechat.sent] == [("o-unsubscribed", "tmpl-alarm")]
    owner = await Delivery.get(channel=Channel.WECHAT, person_id=world.owner_a101.id)
    child = await Delivery.get(channel=Channel.WECHAT, person_id=world.child_a101.id)
    assert owner.state is DeliveryState.SENT
    assert (child.state, child.last_error) == (DeliveryState.SKIPPED, "the person has not logged in with WeChat")


async def test_wechat_busy_is_tried_again(server: RunningServer, world: World, wechat: Any) -> None:
    await WechatIdentity.create(openid="o-owner", person=world.owner_a101)
    wechat.fail(SUBSCRIBE_SEND, -1, -1)  # busy, on the try and its one retry inside the client

    await tell(server, [world.owner_a101.id], "alarm-10:MAJOR", kind=Kind.ALARM)
    await run_worker(server, senders_of(server))

    delivery = await Delivery.get(channel=Channel.WECHAT)
    assert (delivery.state, delivery.tries, len(wechat.sent)) == (DeliveryState.SENT, 2, 1)


async def test_an_urgent_alarm_goes_by_sms_too(server: RunningServer, world: World, sms_gateway: SmsGateway) -> None:
    sms_gateway.texts.clear()
    await tell(server, [world.keeper_g1.id], "alarm-11:CRITICAL", kind=Kind.ALARM, urgent=True)

    await run_worker(server)

    assert [t["phone"] for t in sms_gateway.texts] == [world.keeper_g1.phone]
    assert (await Delivery.get(channel=Channel.SMS)).state is DeliveryState.SENT


async def test_lingli_serve_runs_the_worker_on_its_own(database_url: str, server: RunningServer, world: World) -> None:
    """The periodic job of the lifespan, in a real `lingli serve` process on the test database."""
    process = await start_lingli(
        database_url, free_port(), BROADCAST_URL="memory://local", NOTIFICATION_WORKER_SECONDS="0.2"
    )
    try:
        await tell(server, [world.owner_a101.id], "notice-worker")

        async def logged() -> bool:
            return await Delivery.filter(channel=Channel.LOG, state=DeliveryState.SENT).exists()

        await until(logged, within=10, what="lingli serve's own worker sent the notification to the log")
    finally:
        process.stop()
