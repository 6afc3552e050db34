// Where Monaco (GraphiQL's editor) finds its web workers: bundled by `make web` next to
// graphiql.js and served by the gateway, so the editor needs nothing from another host.
// Imported before graphiql so the setting exists before any editor starts.
const BASE = '/graphiql/static';

globalThis.MonacoEnvironment = {
  getWorker(_workerId, label) {
    const name = label === 'json' || label === 'graphql' ? label : 'editor';
    return new Worker(`${BASE}/${name}.worker.js`);
  },
};
