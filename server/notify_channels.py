"""The channels notifications go out on (domain/notifications/delivery.py's Sender), built from
the settings: the log always; a WeChat subscribe message where WECHAT_API_BASE and a template
for the kind are set; app push where PUSH_URL is; SMS (urgent alarms only) through the SMS sender."""

from __future__ import annotations

from typing import Any, Protocol

import httpx

from domain.notifications.delivery import LogSender, Outgoing, Sender, Undeliverable
from domain.notifications.models import Channel
from server.settings import Settings
from server.wechat import WechatClient, WechatRefused

# 43101: the user has not subscribed to this template (or used up their one-time subscription).
NOT_SUBSCRIBED = 43101


class WechatSubscribeSender:
    """A subscribe message per openid of the person, with the kind's template."""

    def __init__(self, client: WechatClient, templates: dict[str, str]) -> None:
        self.client = client
        self.templates = templates

    async def send(self, message: Outgoing) -> None:
        template = self.templates.get(message.kind)
        if not template:
            raise Undeliverable(f"no WeChat template for {message.kind} (WECHAT_TEMPLATES)")
        if not message.openids:
            raise Undeliverable("the person has not logged in with WeChat")
        data = {
            "thing1": {"value": message.title[:20]},
            "thing2": {"value": message.body[:20]},
            "time3": {"value": message.created_at.strftime("%Y-%m-%d %H:%M")},
        }
        subscribed = 0
        for openid in message.openids:
            try:
                await self.client.send_subscribe(openid, template, data, page=_page(message))
                subscribed += 1
            except WechatRefused as refused:
                if refused.errcode != NOT_SUBSCRIBED:
                    raise
        if not subscribed:
            raise Undeliverable("the person has not subscribed to this message in WeChat")


def _page(message: Outgoing) -> str:
    kind, subject_id = message.subject.get("type", ""), message.subject.get("id", "")
    return f"pages/{kind.lower()}/detail?id={subject_id}" if kind and subject_id else "pages/index/index"


class HttpPushSender:
    """An HTTP push provider: POST {"alias": person id, "title", "body", "data"} with a bearer token;
    any 2xx is taken as accepted (a vendor's API is one small class like this)."""

    def __init__(self, url: str, token: str, *, timeout: float = 5.0) -> None:
        self.url = url
        self.token = token
        self.http = httpx.AsyncClient(timeout=timeout)

    async def send(self, message: Outgoing) -> None:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        body = {
            "alias": str(message.person_id),
            "title": message.title,
            "body": message.body,
            "data": {"kind": message.kind, **message.subject, "urgent": message.urgent},
        }
        response = await self.http.post(self.url, json=body, headers=headers)
        response.raise_for_status()

    async def close(self) -> None:
        await self.http.aclose()


class TextSender(Protocol):
    async def send_text(self, phone: str, text: str) -> None: ...


class SmsSender:
    def __init__(self, sms: TextSender) -> None:
        self.sms = sms

    async def send(self, message: Outgoing) -> None:
        await self.sms.send_text(message.phone, f"【邻里】{message.title}: {message.body}")


def make_senders(
    settings: Settings, *, wechat: WechatClient | None, sms: TextSender
) -> tuple[dict[Channel, Sender], list[Any]]:
    """The senders, and what must be closed at shutdown."""
    senders: dict[Channel, Sender] = {Channel.LOG: LogSender(), Channel.SMS: SmsSender(sms)}
    closing: list[Any] = []
    if wechat is not None:
        senders[Channel.WECHAT] = WechatSubscribeSender(wechat, dict(settings.wechat_templates))
    if settings.push_url:
        push = HttpPushSender(settings.push_url, settings.push_token.value)
        senders[Channel.PUSH] = push
        closing.append(push)
    return senders, closing
