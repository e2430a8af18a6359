"""OpenTelemetry (issue 10, item 14): with OTEL_EXPORTER_OTLP_ENDPOINT set, a real `lingli serve`
sends its GraphQL spans (strawberry's OpenTelemetryExtension) over OTLP/HTTP protobuf, here to a
collector of our own that counts what reaches /v1/traces."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from tests.conftest import start_lingli
from tests.realtime.support import until
from tests.support import free_port


class Collector:
    def __init__(self) -> None:
        self.spans: list[str] = []
        self.content_types: set[str] = set()
        collector = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.path == "/v1/traces":
                    collector.content_types.add(self.headers["Content-Type"])
                    request = ExportTraceServiceRequest.FromString(body)
                    collector.spans += [
                        span.name for rs in request.resource_spans for ss in rs.scope_spans for span in ss.spans
                    ]
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                return None

        self.http = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()


@pytest.fixture
def collector() -> Iterator[Collector]:
    running = Collector()
    yield running
    running.http.shutdown()


async def test_graphql_spans_reach_the_otlp_endpoint(database_url: str, collector: Collector) -> None:
    port = free_port()
    process = await start_lingli(
        database_url,
        port,
        OTEL_EXPORTER_OTLP_ENDPOINT=collector.url,
        OTEL_BSP_SCHEDULE_DELAY="100",  # the SDK's batch delay, ms: the test need not wait 5 s
    )
    try:
        async with httpx.AsyncClient() as http:
            response = await http.post(
                f"http://127.0.0.1:{port}/graphql", json={"query": "query Ping { __typename }", "operationName": "Ping"}
            )
            assert response.json() == {"data": {"__typename": "Query"}}
        await until(lambda: any("Ping" in name for name in collector.spans), within=15, what="a span for Ping")
    finally:
        process.stop()
    assert collector.content_types == {"application/x-protobuf"}
