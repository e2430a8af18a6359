"""A stand-in for the WeChat API endpoints Lingli calls, on a loopback port: for development
(`lingli wechat-standin`, then WECHAT_API_BASE=http://127.0.0.1:PORT) and for the tests, which
also script its answers (an errcode, a slow answer, a dropped connection).

It answers as WeChat documents them:

- GET  /sns/jscode2session           js_code → openid (+ unionid), session_key; or errcode
- GET  /cgi-bin/token                 the app's access_token and expires_in
- POST /wxa/business/getuserphonenumber?access_token=…   {"code"} → phone_info
- POST /cgi-bin/message/subscribe/send?access_token=…   {"touser", "template_id", "data"}

Codes: a login code ``bad…`` is 40029; a code is used once (40163 again, as WeChat's); any other is
the openid ``o-<name>``, its name being what comes before a first dot (``wang``, ``wang.2``: the same
person logging in twice, with two codes as wx.login gives them), unless ``sessions`` names it. A phone code that is 11 digits is that phone (what development types); others must be
in ``phones``. Not for production: it proves nothing.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

CODE2SESSION = "/sns/jscode2session"
TOKEN = "/cgi-bin/token"
PHONE_NUMBER = "/wxa/business/getuserphonenumber"
SUBSCRIBE_SEND = "/cgi-bin/message/subscribe/send"

ERRMSG = {
    -1: "system error",
    40001: "invalid credential, access_token is invalid or not latest",
    40029: "invalid code",
    40163: "code been used",
    43101: "user refuse to accept the msg",
    45011: "api minute-quota reach limit mustslower retry next minute",
    40013: "invalid appid",
}


@dataclass
class Call:
    path: str
    query: dict[str, str]
    body: dict[str, Any] | None


@dataclass
class WechatStandin:
    app_id: str = "wx-standin-app"
    app_secret: str = "standin-secret"
    host: str = "127.0.0.1"
    port: int = 0
    token_expires_in: int = 7200
    slow_seconds: float = 2.0
    # Scripted answers, per path, used up in order: an errcode (int), "slow" (answers after
    # slow_seconds), "drop" (closes the connection unanswered).
    script: dict[str, list[int | str]] = field(default_factory=dict)
    sessions: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # code → (openid, unionid)
    phones: dict[str, str] = field(default_factory=dict)  # phone code → phone
    calls: list[Call] = field(default_factory=list)
    tokens: dict[str, float] = field(default_factory=dict)  # access_token → expiry (monotonic)
    sent: list[dict[str, Any]] = field(default_factory=list)  # subscribe messages delivered
    used_codes: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> WechatStandin:
        standin = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                self._answer(None)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b"{}"
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = {}
                self._answer(body if isinstance(body, dict) else {})

            def _answer(self, body: dict[str, Any] | None) -> None:
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                status, answer = standin.handle(url.path, query, body)
                if answer is None:  # "drop": the connection closes without an answer
                    self.close_connection = True
                    return
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                return None

        self.http = http.server.ThreadingHTTPServer((self.host, self.port), Handler)
        self.http.daemon_threads = True
        self.port = self.http.server_address[1]
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        self.http.shutdown()
        self.http.server_close()

    def reset(self) -> None:
        with self.lock:
            self.script.clear()
            self.sessions.clear()
            self.phones.clear()
            self.calls.clear()
            self.tokens.clear()
            self.sent.clear()
            self.used_codes.clear()

    def fail(self, path: str, *answers: int | str) -> None:
        """The next answers of ``path``: errcodes, "slow" or "drop"; then it answers as usual."""
        with self.lock:
            self.script.setdefault(path, []).extend(answers)

    def calls_to(self, path: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.path == path]

    def handle(self, path: str, query: dict[str, str], body: dict[str, Any] | None) -> tuple[int, Any]:
        with self.lock:
            self.calls.append(Call(path, query, body))
            scripted = self.script.get(path)
            step = scripted.pop(0) if scripted else None
        if step == "drop":
            return 200, None
        if step == "slow":
            time.sleep(self.slow_seconds)  # longer than the client waits: it times out
        elif isinstance(step, int):
            return 200, {"errcode": step, "errmsg": ERRMSG.get(step, "error")}
        if path == CODE2SESSION:
            return self._session(query)
        if path == TOKEN:
            return self._token(query)
        if path in (PHONE_NUMBER, SUBSCRIBE_SEND):
            expiry = self.tokens.get(query.get("access_token", ""))
            if expiry is None or expiry < time.monotonic():
                return 200, {"errcode": 40001, "errmsg": ERRMSG[40001]}
            return self._phone(body or {}) if path == PHONE_NUMBER else self._send(body or {})
        return 404, {"errcode": 404, "errmsg": "not found"}

    def _session(self, query: dict[str, str]) -> tuple[int, Any]:
        if query.get("appid") != self.app_id or query.get("secret") != self.app_secret:
            return 200, {"errcode": 40013, "errmsg": ERRMSG[40013]}
        code = query.get("js_code", "")
        with self.lock:
            if not code or code.startswith("bad"):
                return 200, {"errcode": 40029, "errmsg": ERRMSG[40029]}
            if code in self.used_codes:
                return 200, {"errcode": 40163, "errmsg": ERRMSG[40163]}
            self.used_codes.add(code)
            openid, unionid = self.sessions.get(code, (f"o-{code.split('.', 1)[0]}", None))
        answer = {"openid": openid, "session_key": f"sk-{code}"}
        if unionid:
            answer["unionid"] = unionid
        return 200, answer

    def _token(self, query: dict[str, str]) -> tuple[int, Any]:
        if query.get("appid") != self.app_id or query.get("secret") != self.app_secret:
            return 200, {"errcode": 40013, "errmsg": ERRMSG[40013]}
        with self.lock:
            token = f"token-{len(self.tokens) + 1}"
            self.tokens[token] = time.monotonic() + self.token_expires_in
        return 200, {"access_token": token, "expires_in": self.token_expires_in}

    def _phone(self, body: dict[str, Any]) -> tuple[int, Any]:
        code = str(body.get("code", ""))
        phone = self.phones.get(code) or (code if code.isdigit() and len(code) == 11 else None)
        if phone is None:
            return 200, {"errcode": 40029, "errmsg": ERRMSG[40029]}
        info = {"phoneNumber": phone, "purePhoneNumber": phone, "countryCode": "86"}
        return 200, {"errcode": 0, "errmsg": "ok", "phone_info": info}

    def _send(self, body: dict[str, Any]) -> tuple[int, Any]:
        if not body.get("touser") or not body.get("template_id"):
            return 200, {"errcode": 47003, "errmsg": "argument invalid"}
        with self.lock:
            self.sent.append(body)
        return 200, {"errcode": 0, "errmsg": "ok"}
