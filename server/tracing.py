"""OpenTelemetry tracing, when OTEL_EXPORTER_OTLP_ENDPOINT is set: strawberry's
OpenTelemetryExtension makes a span per operation (and its parsing, validation and resolvers),
sent in batches over OTLP/HTTP protobuf to ``<endpoint>/v1/traces``.

The packages are the optional ``otel`` extra (``pip install 'lingli[otel]'``), imported only
when tracing is configured; configured without them, the process stops with one line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.settings import Settings, SettingsError

_EXTRA = "pip install 'lingli[otel]'"


@dataclass
class Tracing:
    extensions: list[Any]
    provider: Any

    def shutdown(self) -> None:
        """Sends the spans still batched, then stops."""
        self.provider.shutdown()


def check_installed(settings: Settings) -> None:
    """Configured but not installed: a SettingsError naming the extra (before workers start)."""
    if not settings.otel_endpoint:
        return
    try:
        import opentelemetry.exporter.otlp.proto.http.trace_exporter
        import opentelemetry.sdk.trace  # noqa: F401
    except ImportError as error:
        raise SettingsError(
            f"OTEL_EXPORTER_OTLP_ENDPOINT is set but OpenTelemetry is not installed ({error.name}): {_EXTRA}"
        ) from None


def start_tracing(settings: Settings) -> Tracing | None:
    if not settings.otel_endpoint:
        return None
    check_installed(settings)
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from strawberry.extensions.tracing import OpenTelemetryExtension

    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: settings.otel_service_name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{settings.otel_endpoint}/v1/traces")))
    trace.set_tracer_provider(provider)
    return Tracing(extensions=[OpenTelemetryExtension], provider=provider)
