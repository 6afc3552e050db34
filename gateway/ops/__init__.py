"""Operations beside the HTTP shell: the CLI, the local Neo4j, the initial load, the
federation tools (composing the supergraph, running the subgraphs behind the router)."""
