// `make web` (npm run build): the browser bundles the gateway serves, from the npm packages
// pinned in package-lock.json. /explore is one script; GraphiQL is a script, its styles
// and Monaco's three web workers, all under gateway/static/graphiql/.
import { build } from 'esbuild';

const common = {
  bundle: true, minify: true, format: 'iife', target: 'es2020', legalComments: 'linked',
  logLevel: 'warning', define: { 'process.env.NODE_ENV': '"production"' },
};

await build({ ...common, entryPoints: ['web/explore.js'], outfile: 'gateway/static/explore.js' });

await build({
  ...common,
  entryPoints: {
    graphiql: 'web/graphiql.js',
    'editor.worker': 'node_modules/monaco-editor/esm/vs/editor/editor.worker.js',
    'json.worker': 'node_modules/monaco-editor/esm/vs/language/json/json.worker.js',
    'graphql.worker': 'node_modules/monaco-graphql/esm/graphql.worker.js',
  },
  outdir: 'gateway/static/graphiql',
  loader: { '.ttf': 'dataurl' },
});
