"""Where one-time codes go. Development: the log (read the code there). Production: an SMS
gateway reached over HTTP (``SMS_GATEWAY_URL``): POST {"phone", "code", "text"} as JSON (a
notification: {"phone", "text"}); any
2xx is taken as sent. Adapting to a vendor's API is one small class like these."""

from __future__ import annotations

import logging

import httpx

log = logging.getLogger("lingli.sms")


class ConsoleCodeSender:
    async def send_code(self, phone: str, code: str) -> None:
        log.warning("SMS to %s: your Lingli code is %s (development: no SMS gateway set)", phone, code)

    async def send_text(self, phone: str, text: str) -> None:
        log.warning("SMS to %s: %s (development: no SMS gateway set)", phone, text)

    async def close(self) -> None:
        return None


class HttpCodeSender:
    def __init__(self, url: str, *, timeout: float = 5.0) -> None:
        self.url = url
        self.http = httpx.AsyncClient(timeout=timeout)

    async def send_code(self, phone: str, code: str) -> None:
        text = f"Your Lingli code is {code}. It is valid for 5 minutes; nobody from Lingli will ask you for it."
        response = await self.http.post(self.url, json={"phone": phone, "code": code, "text": text})
        response.raise_for_status()

    async def send_text(self, phone: str, text: str) -> None:
        """A message that is no code (a care alarm to the housekeeper): POST {"phone", "text"}."""
        response = await self.http.post(self.url, json={"phone": phone, "text": text})
        response.raise_for_status()

    async def close(self) -> None:
        await self.http.aclose()


def make_code_sender(url: str) -> ConsoleCodeSender | HttpCodeSender:
    return HttpCodeSender(url) if url else ConsoleCodeSender()
