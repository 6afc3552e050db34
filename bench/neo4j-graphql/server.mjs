// The Neo4j GraphQL Library over the credit graph, served by graphql-yoga on 127.0.0.1.
// NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and PORT come from the environment.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

import { Neo4jGraphQL } from "@neo4j/graphql";
import { createYoga } from "graphql-yoga";
import neo4j from "neo4j-driver";

const typeDefs = readFileSync(new URL("./typeDefs.graphql", import.meta.url), "utf8");
const driver = neo4j.driver(
  process.env.NEO4J_URI ?? "bolt://127.0.0.1:7690",
  neo4j.auth.basic(process.env.NEO4J_USER ?? "neo4j", process.env.NEO4J_PASSWORD ?? ""),
);
const schema = await new Neo4jGraphQL({ typeDefs, driver }).getSchema();
const yoga = createYoga({ schema, graphiql: false, logging: "warn" });
const server = createServer(yoga);
const port = Number(process.env.PORT ?? 8766);
server.listen(port, "127.0.0.1", () => console.log(`neo4j-graphql on 127.0.0.1:${port}`));

async function stop() {
  server.close();
  await driver.close();
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
