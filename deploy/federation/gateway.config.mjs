// Hive Gateway configuration, read from this folder by `hive-gateway supergraph …`.
//
// The subgraphs decide what a caller may see, so the router forwards who the caller is
// (the bearer token), why it asks (管理办法 第三十三条) and which consents it relies on,
// and nothing else. A subgraph without these headers answers only public data.
const FORWARDED = ["authorization", "x-credit-purpose", "x-credit-consent"];

export const gatewayConfig = {
  propagateHeaders: {
    fromClientToSubgraphs({ request }) {
      const headers = {};
      for (const name of FORWARDED) {
        const value = request.headers.get(name);
        if (value) headers[name] = value;
      }
      return headers;
    },
  },
};
