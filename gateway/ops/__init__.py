"""Operations beside the HTTP shell: the CLI, the local Neo4j, the initial load, the
federation subgraphs (schema cut, composition, router processes)."""
