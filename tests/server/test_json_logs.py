"""LOG_FORMAT=json (issue 10, item 14): a real `lingli serve` process writes every log line as one
JSON object (time, level, logger, message, the request id inside a request, the exception's
text), so a log pipeline needs no parsing rules of its own."""

from __future__ import annotations

import json
import logging
import sys

import httpx

from server.json_logs import JsonFormatter
from server.request_ids import RequestIdLogFilter, current_request_id
from tests.conftest import start_lingli
from tests.support import free_port


async def test_every_line_is_one_json_object_with_the_request_id(database_url: str) -> None:
    port = free_port()
    process = await start_lingli(database_url, port, LOG_FORMAT="json", LOG_LEVEL="INFO")
    try:
        async with httpx.AsyncClient() as http:
            response = await http.post(
                f"http://127.0.0.1:{port}/graphql",
                json={"query": "{ me { name } }"},
                headers={"X-Request-ID": "json-logs-1"},
            )
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    finally:
        log = process.stop()
    lines = log.splitlines()
    assert lines, "no log lines"
    records = [json.loads(line) for line in lines]  # every line: one JSON object
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records), records
    ours = [r for r in records if r.get("request_id") == "json-logs-1"]
    assert any(r["logger"] == "lingli.graphql" and r["message"].startswith("UNAUTHENTICATED") for r in ours), records
    assert all(r["level"] in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL") for r in records)
    # Outside a request there is no request id to show.
    assert any("request_id" not in r for r in records)


def test_an_exception_is_its_text_in_the_object() -> None:
    try:
        raise RuntimeError("the disk is full")
    except RuntimeError:
        record = logging.LogRecord(
            "lingli.test", logging.ERROR, __file__, 1, "job %s failed", ("sweep",), sys.exc_info()
        )
    token = current_request_id.set("req-9")
    try:
        RequestIdLogFilter().filter(record)
    finally:
        current_request_id.reset(token)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["message"] == "job sweep failed"
    assert parsed["request_id"] == "req-9"
    assert parsed["level"] == "ERROR"
    assert "RuntimeError: the disk is full" in parsed["exception"] and "Traceback" in parsed["exception"]
