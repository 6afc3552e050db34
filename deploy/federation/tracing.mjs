// OpenTelemetry for Hive Gateway, configured as the subgraphs configure theirs
// (gateway/base/settings.py `_tracing`): off unless an OTLP endpoint is set
// (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), and off with
// OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none. Spans go over OTLP/HTTP (protobuf)
// or, with OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL=grpc, gRPC, in batches; the exporter reads
// the endpoint and OTEL_BSP_* itself. The service is `credit-graph-router` unless
// OTEL_SERVICE_NAME names it.
//
// Spans carry names and kinds, never a caller's values, as the subgraphs' spans do: what
// Hive Gateway records that can hold them (the GraphQL document, whose inline arguments
// may be a USCC or an identity number; a URL's query string, which carries a GET query;
// the client's address and user agent) is taken out before export. Only the W3C trace
// context travels to the subgraphs (`traceparent`, `tracestate`; no baggage).
import { openTelemetrySetup } from "@graphql-hive/gateway/opentelemetry/setup";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";

const REMOVED = ["graphql.document", "http.client_ip", "http.user_agent"];
const URLS = ["http.url", "url.full"];

const env = (name) => (process.env[name] ?? "").trim();

let enabled; // decided once per process: openTelemetrySetup may run only once

/** Whether the router traces; sets OpenTelemetry up the first time it says yes. */
export async function tracing() {
  if (enabled === undefined) {
    enabled = wanted();
    if (enabled) await setUp();
  }
  return enabled;
}

function wanted() {
  const endpoint = env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") || env("OTEL_EXPORTER_OTLP_ENDPOINT");
  return Boolean(endpoint) && env("OTEL_SDK_DISABLED").toLowerCase() !== "true"
    && env("OTEL_TRACES_EXPORTER").toLowerCase() !== "none";
}

async function setUp() {
  const protocol = env("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") || env("OTEL_EXPORTER_OTLP_PROTOCOL");
  const { OTLPTraceExporter } = await (protocol === "grpc"
    ? import("@opentelemetry/exporter-trace-otlp-grpc")
    : import("@opentelemetry/exporter-trace-otlp-proto"));
  openTelemetrySetup({
    contextManager: new AsyncLocalStorageContextManager(),
    resource: { serviceName: env("OTEL_SERVICE_NAME") || "credit-graph-router" },
    propagators: [new W3CTraceContextPropagator()],
    traces: { exporter: new WithoutValues(new OTLPTraceExporter()) },
  });
}

/** A span exporter that hands the OTLP exporter each span without the caller's values. */
class WithoutValues {
  constructor(exporter) {
    this.exporter = exporter;
  }

  export(spans, done) {
    this.exporter.export(spans.map(withoutValues), done);
  }

  forceFlush() {
    return this.exporter.forceFlush();
  }

  shutdown() {
    return this.exporter.shutdown();
  }
}

function withoutValues(span) {
  const attributes = { ...span.attributes };
  for (const name of REMOVED) delete attributes[name];
  for (const name of URLS) {
    if (typeof attributes[name] === "string") attributes[name] = withoutQuery(attributes[name]);
  }
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status,
    attributes,
    links: span.links,
    events: span.events,
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

function withoutQuery(url) {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return "";
  }
}
