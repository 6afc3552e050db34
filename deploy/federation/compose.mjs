// Compose subgraph SDL files into a supergraph with @theguild/federation-composition (MIT).
//
//   node compose.mjs <subgraphs.json> <supergraph.graphql>
//
// subgraphs.json: [{"name": "credit", "sdl": "subgraphs/credit.graphql", "url": "http://…"}]
// with sdl paths relative to the JSON file. A composition error is printed and exits 1.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parse } from "graphql";
import { composeServices, compositionHasErrors } from "@theguild/federation-composition";

const [config, out] = process.argv.slice(2);
if (!config || !out) {
  console.error("usage: node compose.mjs <subgraphs.json> <supergraph.graphql>");
  process.exit(2);
}
const base = dirname(resolve(config));
const services = JSON.parse(readFileSync(config, "utf8")).map(({ name, sdl, url }) => ({
  name,
  url,
  typeDefs: parse(readFileSync(resolve(base, sdl), "utf8")),
}));
const result = composeServices(services);
if (compositionHasErrors(result)) {
  for (const error of result.errors) console.error(`composition error: ${error.message}`);
  process.exit(1);
}
writeFileSync(out, result.supergraphSdl.endsWith("\n") ? result.supergraphSdl : `${result.supergraphSdl}\n`);
console.log(`composed ${services.map((s) => s.name).join(", ")} into ${out}`);
