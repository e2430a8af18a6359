"""WeChat's server API over HTTP (httpx): the mini-program's login (code2Session), its
phone-number button (getuserphonenumber) and subscribe messages, at ``WECHAT_API_BASE``.

- Every call has a timeout (``WECHAT_TIMEOUT_SECONDS``); a network error, a timeout or WeChat's
  ``-1`` (system busy) is tried again ``WECHAT_RETRIES`` times with a short doubling back-off,
  then answered as UNAVAILABLE (retryable).
- WeChat's errcodes become typed errors: 40029 / 40163 (a wrong or used code) INVALID_CODE,
  45011 (minute quota) RATE_LIMITED, anything else UNAVAILABLE with the errcode logged.
- The app's access_token (for the phone-number and message APIs) is fetched from
  /cgi-bin/token once and kept until a minute before it expires, one fetch at a time per
  process; an answer 40001 / 42001 (invalid or expired token) fetches a new one and tries once more.
  Several processes each keep their own: WeChat keeps the previous token valid for five minutes
  after a new one is issued, so they do not lock each other out for long (the stable_token API
  would avoid even that).
- The ``session_key`` of code2Session is never kept: nothing of ours decrypts WeChat's data with it
  (the phone number comes from the server-to-server API), so storing it would only be a secret to leak.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx

from domain.common.errors import DomainError, InvalidCode, RateLimited, Unavailable
from domain.people.wechat import WechatSession

log = logging.getLogger("lingli.wechat")

INVALID_CODES = frozenset({40029, 40163})
BUSY = -1
RATE_LIMITED = 45011
TOKEN_EXPIRED = frozenset({40001, 42001})
TOKEN_MARGIN_SECONDS = 60
MAX_ID_LENGTH = 64  # WechatIdentity.openid / unionid


def _an_id(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_ID_LENGTH


class WechatRefused(Exception):
    """WeChat answered with an errcode (for a message send: whose failure the worker retries)."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"WeChat errcode {errcode}: {errmsg}")
        self.errcode = errcode


class WechatClient:
    def __init__(self, base: str, *, app_id: str, secret: str, timeout: float = 3.0, retries: int = 2) -> None:
        self.base = base.rstrip("/")
        self.app_id = app_id
        self.secret = secret
        self.retries = retries
        self.http = httpx.AsyncClient(timeout=timeout)
        self._token: tuple[str, float] | None = None  # access_token, monotonic expiry
        self._token_lock = asyncio.Lock()

    async def close(self) -> None:
        await self.http.aclose()

    async def code_to_session(self, code: str) -> WechatSession:
        answer = await self._call(
            "GET",
            "/sns/jscode2session",
            params={"appid": self.app_id, "secret": self.secret, "js_code": code, "grant_type": "authorization_code"},
        )
        self._check(answer, what="the login code")
        openid = answer.get("openid")
        unionid = answer.get("unionid") or None
        # WeChat's ids are 28-29 characters; ours hold 64. Anything else is no answer we can keep.
        if not _an_id(openid) or not (unionid is None or _an_id(unionid)):
            log.warning("WeChat's login answer had no usable openid/unionid: %r", answer.keys())
            raise Unavailable("WeChat's login answer had no usable openid: try again")
        # answer["session_key"] is dropped here, on purpose (see the module's docstring).
        return WechatSession(openid=str(openid), unionid=str(unionid) if unionid else None)

    async def phone_number(self, phone_code: str) -> str:
        answer = await self._with_token("POST", "/wxa/business/getuserphonenumber", json={"code": phone_code})
        self._check(answer, what="the phone-number code")
        info = answer.get("phone_info") or {}
        phone = info.get("purePhoneNumber") if isinstance(info, dict) else None
        if not isinstance(phone, str) or not phone:
            raise Unavailable("WeChat's phone-number answer had no number: try again")
        return phone

    async def send_subscribe(self, openid: str, template_id: str, data: dict[str, Any], page: str = "") -> None:
        """One subscribe message; WechatRefused on an errcode (43101: the person did not subscribe)."""
        body: dict[str, Any] = {"touser": openid, "template_id": template_id, "data": data}
        if page:
            body["page"] = page
        answer = await self._with_token("POST", "/cgi-bin/message/subscribe/send", json=body)
        errcode = int(answer.get("errcode") or 0)
        if errcode:
            raise WechatRefused(errcode, str(answer.get("errmsg", "")))

    async def access_token(self, *, renew: bool = False) -> str:
        async with self._token_lock:
            if self._token is not None and not renew and self._token[1] > time.monotonic():
                return self._token[0]
            answer = await self._call(
                "GET",
                "/cgi-bin/token",
                params={"grant_type": "client_credential", "appid": self.app_id, "secret": self.secret},
            )
            self._check(answer, what="the app's credentials")
            token = answer.get("access_token")
            if not isinstance(token, str) or not token:
                raise Unavailable("WeChat gave no access_token: try again")
            lifetime = max(0, int(answer.get("expires_in") or 7200) - TOKEN_MARGIN_SECONDS)
            self._token = (token, time.monotonic() + lifetime)
            return token

    async def _with_token(self, method: str, path: str, *, json: dict[str, Any]) -> dict[str, Any]:
        answer = await self._call(method, path, params={"access_token": await self.access_token()}, json=json)
        if int(answer.get("errcode") or 0) in TOKEN_EXPIRED:
            token = await self.access_token(renew=True)
            answer = await self._call(method, path, params={"access_token": token}, json=json)
        return answer

    async def _call(
        self, method: str, path: str, *, params: dict[str, str], json: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """One API call: a lost one (network, timeout, -1 busy) tried again, then UNAVAILABLE."""
        for attempt in range(self.retries + 1):
            if attempt:
                await asyncio.sleep(0.1 * 2 ** (attempt - 1))  # a back-off between tries
            try:
                response = await self.http.request(method, f"{self.base}{path}", params=params, json=json)
                response.raise_for_status()
                answer = response.json()
            except httpx.TimeoutException:
                log.warning("WeChat %s timed out (try %d of %d)", path, attempt + 1, self.retries + 1)
                failure = "WeChat did not answer in time: try again"
                continue
            except (httpx.TransportError, httpx.HTTPStatusError, ValueError) as error:
                log.warning("WeChat %s failed: %s (try %d of %d)", path, error, attempt + 1, self.retries + 1)
                failure = "WeChat could not be reached: try again"
                continue
            if not isinstance(answer, dict):
                failure = "WeChat answered something unreadable: try again"
                continue
            if answer.get("errcode") == BUSY:
                failure = "WeChat is busy: try again in a moment"
                continue
            return answer
        raise Unavailable(failure)

    @staticmethod
    def _check(answer: dict[str, Any], *, what: str) -> None:
        errcode = int(answer.get("errcode") or 0)
        if not errcode:
            return
        error: DomainError
        if errcode in INVALID_CODES:
            error = InvalidCode(f"WeChat refused {what}: it is wrong, used or expired; get a new one", field="code")
        elif errcode == RATE_LIMITED:
            error = RateLimited("WeChat's quota for this minute is spent: try again in a minute")
        else:
            log.error("WeChat refused %s: errcode %s %s", what, errcode, answer.get("errmsg"))
            error = Unavailable(f"WeChat refused {what} (errcode {errcode})")
        raise error
