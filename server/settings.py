"""All configuration, read once from the environment, with safe embedded defaults.

Nothing else in the code base reads ``os.environ``: it asks for a ``Settings``.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import re
import secrets
import zlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from schema.limits import QueryLimits

log = logging.getLogger("lingli.settings")

ENVIRONMENTS = ("development", "test", "production")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("plain", "json")
# The URL schemes each URL setting may have (tortoise's, broadcaster's, ours).
DATABASE_SCHEMES = ("sqlite", "postgres", "asyncpg")
BROADCAST_SCHEMES = ("memory", "redis", "rediss")
HTTP_SCHEMES = ("http", "https")
DATA_DIR = Path("data")
DEFAULT_DATABASE_URL = "sqlite://data/lingli.sqlite3"
MIN_SECRET_BYTES = 32
# Long is not random: 36 × "a" is 36 bytes and no secret at all. (32 random hex characters, the
# shortest secret allowed, estimate at ~120 bits.)
MIN_SECRET_BITS = 96
_ZLIB_OVERHEAD = 11  # bytes zlib adds to any input: header, block header, checksum


def estimated_bits(secret: str) -> float:
    """A generous upper bound for what the secret holds: the smaller of its length times the
    Shannon entropy of its characters (catches few distinct characters: "aaaa…" is 0) and the
    size it compresses to (catches repeats: "0123456789" × 4 is ~80). A random hex secret of 64
    characters: ~250 bits."""
    if not secret:
        return 0.0
    counts = Counter(secret)
    shannon = -sum(n / len(secret) * math.log2(n / len(secret)) for n in counts.values()) * len(secret)
    compressed = 8 * max(0, len(zlib.compress(secret.encode(), 9)) - _ZLIB_OVERHEAD)
    return min(shannon, compressed)


class SettingsError(RuntimeError):
    """The configuration is unsafe or unusable; the process must not start."""


@dataclass(frozen=True)
class Secret:
    """A value that never shows itself in logs or reprs."""

    value: str = field(repr=False)

    def __str__(self) -> str:
        return "********"


@dataclass(frozen=True)
class Number:
    """A numeric setting: its variable and the range a process can use (ASCII digits only)."""

    env: str
    low: float
    high: float
    unit: str = ""
    decimal: bool = False  # a number of seconds like 0.5; else a whole number

    @property
    def allowed(self) -> str:
        kind = "a number" if self.decimal else "a whole number"
        unit = f" {self.unit}" if self.unit else ""
        return f"{kind} from {_shown(self.low)} to {_shown(self.high)}{unit}"


def _shown(bound: float) -> str:
    return str(int(bound)) if bound == int(bound) else str(bound)


DAY = 24 * 3600
MIB = 1024 * 1024
# Every numeric setting, by its Settings field: its variable and its range. The lower bounds keep
# a loop from never sleeping and a limit from refusing every request; the upper ones are far past
# any sane value but keep out typos (an extra zero) and what the OS or the libraries cannot take.
NUMBERS: dict[str, Number] = {
    "access_token_ttl_seconds": Number("ACCESS_TOKEN_TTL_SECONDS", 30, DAY, "seconds"),
    "refresh_token_ttl_seconds": Number("REFRESH_TOKEN_TTL_SECONDS", 60, 366 * DAY, "seconds"),
    "session_max_days": Number("SESSION_MAX_DAYS", 1, 366, "days"),
    "port": Number("PORT", 1, 65535),
    "workers": Number("WEB_CONCURRENCY", 1, 256, "processes"),
    "max_body_bytes": Number("MAX_BODY_BYTES", 1, 1024 * MIB, "bytes"),
    "max_ws_message_bytes": Number("MAX_WS_MESSAGE_BYTES", 1, 1024 * MIB, "bytes"),
    "telemetry_max_body_bytes": Number("TELEMETRY_MAX_BODY_BYTES", 1, 1024 * MIB, "bytes"),
    # Python's own recursion limit (1,000) is what JSON deeper than this would meet.
    "max_json_depth": Number("MAX_JSON_DEPTH", 1, 900, "levels"),
    "max_query_characters": Number("MAX_QUERY_CHARACTERS", 1, 10 * MIB, "characters"),
    "max_tokens": Number("MAX_TOKENS", 1, 1_000_000, "tokens"),
    "max_query_depth": Number("MAX_QUERY_DEPTH", 1, 900, "levels"),
    "max_aliases": Number("MAX_ALIASES", 1, 100_000),
    "max_directives": Number("MAX_DIRECTIVES", 1, 100_000),
    "max_query_cost": Number("MAX_QUERY_COST", 1, 1_000_000_000),
    "heartbeat_sweep_seconds": Number("HEARTBEAT_SWEEP_SECONDS", 1, DAY, "seconds"),
    "care_silence_hours": Number("CARE_SILENCE_HOURS", 1, 24 * 366, "hours"),
    "care_sweep_seconds": Number("CARE_SWEEP_SECONDS", 1, DAY, "seconds"),
    "outbox_retention_days": Number("OUTBOX_RETENTION_DAYS", 1, 3660, "days"),
    "event_overdue_sweep_seconds": Number("EVENT_OVERDUE_SWEEP_SECONDS", 1, DAY, "seconds"),
    # 0: before every message (what the tests use).
    "subscription_scope_refresh_seconds": Number("SUBSCRIPTION_SCOPE_REFRESH_SECONDS", 0, DAY, "seconds"),
    "delivery_position_push_seconds": Number("DELIVERY_POSITION_PUSH_SECONDS", 0.1, 3600, "seconds", decimal=True),
    "order_complete_after_hours": Number("ORDER_COMPLETE_AFTER_HOURS", 1, 24 * 366, "hours"),
    "bill_due_days": Number("BILL_DUE_DAYS", 0, 366, "days"),
    "bill_sweep_seconds": Number("BILL_SWEEP_SECONDS", 1, DAY, "seconds"),
    # WeChat's API (server/wechat.py): how long one call may take, how often a lost one is tried again.
    "wechat_timeout_seconds": Number("WECHAT_TIMEOUT_SECONDS", 0.1, 60, "seconds", decimal=True),
    "wechat_retries": Number("WECHAT_RETRIES", 0, 10, "retries"),
    # A quiet socket gets a graphql-transport-ws ping this often (a mini-program in the background
    # drops sockets it hears nothing on); legacy graphql-ws gets its "ka".
    "ws_keepalive_seconds": Number("WS_KEEPALIVE_SECONDS", 0.1, 3600, "seconds", decimal=True),
    # Notifications (domain/notifications/delivery.py): how often each process looks for due ones,
    # how many tries before a delivery is dead, the first retry's back-off (doubling after).
    "notification_worker_seconds": Number("NOTIFICATION_WORKER_SECONDS", 0.1, 3600, "seconds", decimal=True),
    "notification_max_tries": Number("NOTIFICATION_MAX_TRIES", 1, 100, "tries"),
    "notification_backoff_seconds": Number("NOTIFICATION_BACKOFF_SECONDS", 0.01, 3600, "seconds", decimal=True),
}


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    database_url: str = DEFAULT_DATABASE_URL
    broadcast_url: str = "memory://"
    jwt_secret: Secret = Secret("")
    jwt_issuer: str = "lingli"
    jwt_audience: str = "lingli-api"
    access_token_ttl_seconds: int = 900
    refresh_token_ttl_seconds: int = 30 * 24 * 3600
    session_max_days: int = 90
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    log_level: str = "INFO"
    log_format: str = "plain"
    allowed_origins: tuple[str, ...] = ()
    # What a request may be, before it is read or parsed (README, "Limits").
    max_body_bytes: int = 1024 * 1024
    max_ws_message_bytes: int = 1024 * 1024
    telemetry_max_body_bytes: int = 256 * 1024
    max_json_depth: int = 32
    # What a GraphQL document may be: schema.limits.QueryLimits' defaults, read here from the environment.
    max_query_characters: int = QueryLimits.max_characters
    max_tokens: int = QueryLimits.max_tokens
    max_query_depth: int = QueryLimits.max_depth
    max_aliases: int = QueryLimits.max_aliases
    max_directives: int = QueryLimits.max_directives
    max_query_cost: int = QueryLimits.max_cost
    ws_connection_init_timeout_seconds: int = 5
    heartbeat_sweep_seconds: int = 30
    care_silence_hours: int = 24
    care_sweep_seconds: int = 300
    outbox_retention_days: int = 30
    storage_url: str = "local"
    # One-time codes for proving a phone: an SMS gateway's URL (server/sms.py); empty: the log.
    sms_gateway_url: str = ""
    data_dir: str = str(DATA_DIR)
    public_url: str = ""
    event_overdue_sweep_seconds: int = 60
    subscription_scope_refresh_seconds: int = 60
    # OpenTelemetry's own variables (server/tracing.py): empty endpoint, no tracing.
    otel_endpoint: str = ""
    otel_service_name: str = "lingli"
    # A bearer token GET /metrics requires (server/metrics.py); empty: open outside production, off in it.
    metrics_token: Secret = Secret("")
    # The SANDBOX payment gateway (server/sandbox_gateway.py): its URL, empty: mounted in this
    # process at /sandbox-gateway; the secret both sides sign with, empty: derived from JWT_SECRET.
    sandbox_gateway_url: str = ""
    sandbox_gateway_secret: Secret = Secret("")
    # A delivery's position is pushed live at most this often per order (the latest always arrives).
    delivery_position_push_seconds: float = 5
    # A delivered order the resident does not confirm is completed after this long.
    order_complete_after_hours: int = 48
    # A month's bills are due this many days after its last day (the community's calendar).
    bill_due_days: int = 15
    # How often each process looks for last month's missing bills and for bills past their due date.
    bill_sweep_seconds: int = 600
    # WeChat (server/wechat.py): the API's base (empty: WeChat login and messages are off; in
    # development `lingli wechat-standin` serves a stand-in, server/wechat_standin.py),
    # the mini-program's app id and secret, and the subscribe-message template of each kind of
    # notification ("ALARM=tmpl1,EVENT=tmpl2,ORDER=…,BILL=…,NOTICE=…").
    wechat_api_base: str = ""
    wechat_app_id: str = ""
    wechat_app_secret: Secret = Secret("")
    wechat_templates: tuple[tuple[str, str], ...] = ()
    wechat_timeout_seconds: float = 3
    wechat_retries: int = 2
    # An HTTP push provider for the resident app (server/notify_channels.py); empty: no app push.
    push_url: str = ""
    push_token: Secret = Secret("")
    ws_keepalive_seconds: float = 15
    notification_worker_seconds: float = 2
    notification_max_tries: int = 8
    notification_backoff_seconds: float = 5

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def graphiql_enabled(self) -> bool:
        return not self.production

    @property
    def base_url(self) -> str:
        """Where clients reach this server: signed URLs of the local file store point here."""
        return self.public_url or f"http://{self.host}:{self.port}"

    @property
    def files_secret(self) -> bytes:
        """Signs local file URLs: derived from the JWT secret, so there is one secret to keep."""
        return hashlib.sha256(b"lingli-files:" + self.jwt_secret.value.encode()).digest()

    @property
    def sandbox_secret(self) -> bytes:
        if self.sandbox_gateway_secret.value:
            return self.sandbox_gateway_secret.value.encode()
        return hashlib.sha256(b"lingli-sandbox-pay:" + self.jwt_secret.value.encode()).digest()

    @property
    def sandbox_url(self) -> str:
        return self.sandbox_gateway_url.rstrip("/") or f"{self.base_url}/sandbox-gateway"

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        lingli_env = _choice(env, "LINGLI_ENV", "development", ENVIRONMENTS)
        settings = cls(
            env=lingli_env,
            database_url=_url(env, "DATABASE_URL", DEFAULT_DATABASE_URL, DATABASE_SCHEMES),
            broadcast_url=_url(env, "BROADCAST_URL", "memory://", BROADCAST_SCHEMES),
            jwt_secret=Secret(env.get("JWT_SECRET", "")),
            host=env.get("HOST", "127.0.0.1"),
            log_level=_choice(env, "LOG_LEVEL", "INFO", LOG_LEVELS, upper=True),
            log_format=_choice(env, "LOG_FORMAT", "plain", LOG_FORMATS),
            allowed_origins=_origins(env),
            storage_url=_storage_url(env),
            sms_gateway_url=_url(env, "SMS_GATEWAY_URL", "", HTTP_SCHEMES, empty=True),
            data_dir=env.get("LINGLI_DATA_DIR", str(DATA_DIR)),
            public_url=_url(env, "PUBLIC_URL", "", HTTP_SCHEMES, empty=True).rstrip("/"),
            otel_endpoint=_url(env, "OTEL_EXPORTER_OTLP_ENDPOINT", "", HTTP_SCHEMES, empty=True).rstrip("/"),
            otel_service_name=env.get("OTEL_SERVICE_NAME") or "lingli",
            metrics_token=Secret(env.get("METRICS_TOKEN", "")),
            sandbox_gateway_url=_url(env, "SANDBOX_GATEWAY_URL", "", HTTP_SCHEMES, empty=True),
            sandbox_gateway_secret=Secret(env.get("SANDBOX_GATEWAY_SECRET", "")),
            wechat_api_base=_url(env, "WECHAT_API_BASE", "", HTTP_SCHEMES, empty=True).rstrip("/"),
            wechat_app_id=env.get("WECHAT_APP_ID", ""),
            wechat_app_secret=Secret(env.get("WECHAT_APP_SECRET", "")),
            wechat_templates=_templates(env),
            push_url=_url(env, "PUSH_URL", "", HTTP_SCHEMES, empty=True),
            push_token=Secret(env.get("PUSH_TOKEN", "")),
            **{setting: _number(env, number, getattr(cls, setting)) for setting, number in NUMBERS.items()},
        )
        settings.check()
        return settings

    def check(self) -> None:
        """Refuse configurations that are unsafe in production."""
        if not self.production:
            return
        secret = self.jwt_secret.value
        if (
            len(secret.encode()) < MIN_SECRET_BYTES
            or secret.lower().startswith(("change", "secret", "dev"))
            or estimated_bits(secret) < MIN_SECRET_BITS
        ):
            raise SettingsError(
                f"LINGLI_ENV=production needs JWT_SECRET: a random value of at least {MIN_SECRET_BYTES} bytes "
                f"(about {MIN_SECRET_BITS} bits of entropy, e.g. `openssl rand -hex 32`)"
            )
        token = self.metrics_token.value
        if token and (len(token.encode()) < MIN_SECRET_BYTES or estimated_bits(token) < MIN_SECRET_BITS):
            raise SettingsError(
                f"METRICS_TOKEN must be a random value of at least {MIN_SECRET_BYTES} bytes in production "
                "(e.g. `openssl rand -hex 32`), or empty: /metrics is then not served"
            )
        if self.uses_sqlite:
            raise SettingsError("LINGLI_ENV=production needs DATABASE_URL pointing at PostgreSQL, not SQLite")
        if not self.sms_gateway_url:
            raise SettingsError("LINGLI_ENV=production needs SMS_GATEWAY_URL: phones are proven with codes sent by SMS")
        if self.wechat_api_base and not (self.wechat_app_id and self.wechat_app_secret.value):
            raise SettingsError("WECHAT_API_BASE needs WECHAT_APP_ID and WECHAT_APP_SECRET (the mini-program's)")
        if self.storage_url in ("", "local") and not self.public_url:
            raise SettingsError(
                "LINGLI_ENV=production with the local file store needs PUBLIC_URL (e.g. https://api.example.com): "
                "its signed URLs must name the address clients use. Or set STORAGE_URL=s3://…"
            )

    def with_dev_secret(self) -> Settings:
        """Outside production, fill a missing JWT secret from ./data/ (generated once)."""
        if self.jwt_secret.value or self.production:
            return self
        DATA_DIR.mkdir(exist_ok=True)
        path = DATA_DIR / "jwt_secret"
        try:
            # "x": exclusive create, so two processes starting together cannot both write one.
            with path.open("x") as file:
                file.write(secrets.token_urlsafe(48))
            path.chmod(0o600)
            log.warning("JWT_SECRET not set: generated a development secret in %s (never use this in production)", path)
        except FileExistsError:
            pass
        return replace(self, jwt_secret=Secret(path.read_text().strip()))


def _choice(env: Mapping[str, str], name: str, default: str, allowed: tuple[str, ...], *, upper: bool = False) -> str:
    """One of a fixed set of values (``upper``: in any case)."""
    raw = env.get(name) or default
    value = raw.upper() if upper else raw
    if value not in allowed:
        raise SettingsError(f"{name} must be one of {', '.join(allowed)}, not {raw!r}")
    return value


def _scheme(value: str) -> str:
    scheme, separator, rest = value.partition("://")
    return scheme.lower() if separator and rest else ""


def _url(env: Mapping[str, str], name: str, default: str, schemes: tuple[str, ...], *, empty: bool = False) -> str:
    """A URL with one of ``schemes`` (``empty``: or nothing, which turns its feature off)."""
    value = env.get(name)
    if value is None or (value == "" and not empty):
        return default
    if value == "" or _scheme(value) in schemes:
        return value
    allowed = " or ".join(f"{scheme}://…" for scheme in schemes)
    raise SettingsError(f"{name} must be a URL {allowed}{' (or empty)' if empty else ''}, not {value!r}")


def _storage_url(env: Mapping[str, str]) -> str:
    value = env.get("STORAGE_URL") or "local"
    if value != "local" and _scheme(value) != "s3":
        raise SettingsError(f"STORAGE_URL must be local or a URL s3://bucket?endpoint=…&region=…, not {value!r}")
    return value


def _origins(env: Mapping[str, str]) -> tuple[str, ...]:
    origins = tuple(o for o in env.get("ALLOWED_ORIGINS", "").split(",") if o)
    for origin in origins:
        if origin != "*" and _scheme(origin) not in HTTP_SCHEMES:
            raise SettingsError(
                f"ALLOWED_ORIGINS must be * or origins like https://ioc.example.com, separated by commas, not {origin!r}"
            )
    return origins


_TEMPLATE = re.compile(r"[A-Z_]{1,20}=[A-Za-z0-9_-]{1,128}")


def _templates(env: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """WECHAT_TEMPLATES: KIND=template-id pairs, separated by commas."""
    pairs = [p.strip() for p in env.get("WECHAT_TEMPLATES", "").split(",") if p.strip()]
    for pair in pairs:
        if not _TEMPLATE.fullmatch(pair):
            raise SettingsError(f"WECHAT_TEMPLATES must be KIND=template-id pairs like ALARM=abc123, not {pair!r}")
    return tuple((kind, template) for kind, _, template in (p.partition("=") for p in pairs))


_WHOLE = re.compile(r"[0-9]{1,12}")  # ASCII digits only: int() also reads "8_000", "８０００", " 8 "
_DECIMAL = re.compile(r"[0-9]{1,12}(\.[0-9]{1,6})?")


def _number(env: Mapping[str, str], number: Number, default: float) -> Any:
    """The setting's value, or its default when unset or empty; else one line naming it and its range."""
    raw = env.get(number.env)
    if raw is None or raw == "":
        return default
    pattern = _DECIMAL if number.decimal else _WHOLE
    if pattern.fullmatch(raw):
        value = float(raw) if number.decimal else int(raw)
        if number.low <= value <= number.high:
            return value
    raise SettingsError(f"{number.env} must be {number.allowed}, not {raw!r}")
