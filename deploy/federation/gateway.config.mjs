// Hive Gateway configuration, read from this folder by `hive-gateway supergraph …`.
//
// The subgraphs decide what a caller may see, so the router forwards who the caller is
// (the bearer token), why it asks (管理办法 第三十三条), which consents it relies on and,
// for read-your-writes across replicas, the bookmarks of its last write; nothing else.
// A subgraph without these headers answers only public data.
import { tracing } from "./tracing.mjs";

const traced = await tracing();

const FORWARDED = ["authorization", "x-credit-purpose", "x-credit-consent", "x-credit-bookmarks"];

// An error from a call to a subgraph carries the request the router sent (its body: the
// query and its variables, which name subjects by USCC or citizen ID number) and the
// subgraph's response, and the router logs its errors. Both are dropped from the error
// as soon as the call returns: what stays is the message, the code and the subgraph.
function withoutHttpDetails(error) {
  const extensions = error?.extensions;
  if (extensions && typeof extensions === "object") {
    delete extensions.request;
    delete extensions.response;
  }
}

const httpDetailsStayOut = {
  onSubgraphExecute() {
    const strip = ({ result }) => {
      for (const error of result?.errors ?? []) withoutHttpDetails(error);
    };
    return (done) => {
      if (done.result && Symbol.asyncIterator in done.result) return { onNext: strip };
      strip(done);
    };
  },
};

export const gatewayConfig = {
  plugins: () => [httpDetailsStayOut],
  propagateHeaders: {
    deduplicateHeaders: true, // one x-credit-bookmarks even when several subgraphs answer
    fromClientToSubgraphs({ request }) {
      const headers = {};
      for (const name of FORWARDED) {
        const value = request.headers.get(name);
        if (value) headers[name] = value;
      }
      return headers;
    },
    // a mutation's answer carries the bookmarks of its write back to the client
    fromSubgraphsToClient({ response }) {
      const bookmarks = response.headers.get("x-credit-bookmarks");
      return bookmarks ? { "x-credit-bookmarks": bookmarks } : {};
    },
  },
  // traces when OTEL_EXPORTER_OTLP_ENDPOINT is set (tracing.mjs); with them the router
  // sends W3C `traceparent` to the subgraphs, whose spans continue its trace
  ...(traced ? { openTelemetry: { traces: true } } : {}),
};
